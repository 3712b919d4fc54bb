#pragma once
// Point observations: values trilinearly interpolated from the eight surrounding cell centres
// (clamped to the nearest centre beyond the outermost centres).
#include <array>
#include <string>
#include <vector>

#include "terrafate/core/petsc.hpp"
#include "terrafate/grid/grid.hpp"
#include "terrafate/run/deck.hpp"

namespace terrafate {

class PointSampler {
public:
  /// Collective. Throws InputError when a point lies outside the grid.
  PointSampler(const Grid& grid, const std::vector<ObservationPointSpec>& points);

  /// Collective: values of the scalar field `global` (a global vector of grid.dm()) at every
  /// point, complete on rank 0 (zeros elsewhere).
  std::vector<double> sample(Vec global) const;

private:
  struct Stencil {
    std::array<int, 3> lower{};       ///< lower corner cell
    std::array<int, 3> upper{};       ///< upper corner cell (== lower on a one-cell axis)
    std::array<double, 3> fraction{}; ///< weight of the upper cell per axis
  };
  const Grid& grid_;
  std::vector<Stencil> stencils_;
  DmHandle box_dm_;
  mutable VecHandle box_global_;
  mutable VecHandle box_local_;
};

} // namespace terrafate
