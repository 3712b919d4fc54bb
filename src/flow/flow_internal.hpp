// Helpers shared by the flow solver's translation units (flow_solver.cpp, water_table.cpp).
#pragma once

#include <chrono>

#include <petscpc.h>

#include "terrafate/grid/grid.hpp"

namespace terrafate::flow_detail {

using Clock = std::chrono::steady_clock;
inline double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

/// [m2/d] conductance between the centres of two cells sharing a face of area `area`:
/// two half-cell conductances in series (the harmonic mean of K weighted by distance).
inline double series_conductance(double area, double width_a, double k_a, double width_b,
                                 double k_b) {
  return area / (0.5 * width_a / k_a + 0.5 * width_b / k_b);
}

/// [m2/d] conductance between the centres of face neighbours (i, j, k) and (ni, nj, nk) along
/// `axis`, with K [m/d] `k_a` and `k_b` normal to the face. Flat layers: series_conductance.
/// With layer surfaces each half cell has its own face (width x own thickness), i.e. MODFLOW 6's
/// harmonic mean of transmissivities, C = w T_a T_b / (T_a L_b + T_b L_a) with T = K b and L
/// the half widths; none across a pinched cell's side. Vertically the half thicknesses, their
/// sum at least kPinchThickness (a pinched cell adds no resistance: the cells above and below it
/// connect through it in series).
inline double cell_conductance(const Grid& grid, int axis, int i, int j, int k, double k_a, int ni,
                               int nj, int nk, double k_b) {
  const double area_a = grid.face_area(axis, i, j, k);
  const double area_b = grid.face_area(axis, ni, nj, nk);
  const double width_a = grid.cell_width(axis, i, j, k);
  const double width_b = grid.cell_width(axis, ni, nj, nk);
  if (area_a == area_b && !grid.has_surfaces())
    return series_conductance(area_a, width_a, k_a, width_b, k_b);
  if (area_a <= 0.0 || area_b <= 0.0) return 0.0;
  if (axis == 2 && 0.5 * (width_a + width_b) < kPinchThickness) {
    const double half_sum = 0.5 * (width_a + width_b);
    if (!(half_sum > 0.0)) // two flat pinched cells: kPinchThickness apart
      return series_conductance(area_a, kPinchThickness, k_a, kPinchThickness, k_b);
    const double scale = kPinchThickness / half_sum;
    return series_conductance(area_a, width_a * scale, k_a, width_b * scale, k_b);
  }
  return 1.0 / (0.5 * width_a / (k_a * area_a) + 0.5 * width_b / (k_b * area_b));
}

/// The flow preconditioner unless -flow_pc_type says otherwise: BoomerAMG where PETSc has hypre
/// (the 1e6-cell steady benchmark: 10.7 s against 44.7 s with GAMG, benchmarks/RESULTS.md),
/// GAMG otherwise.
#ifdef PETSC_HAVE_HYPRE
constexpr const char* kDefaultPreconditioner = PCHYPRE;
#else
constexpr const char* kDefaultPreconditioner = PCGAMG;
#endif

/// The per-axis neighbour offset.
inline constexpr int kOffset[3][3] = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};

/// The face neighbours of owned cell (i, j, k) inside the grid and active (`active`: the ghosted
/// idomain flags, null when every cell is), with the conductance between the two cell centres
/// [m2/d] (`conductivity`: the ghosted per-axis K [m/d]): visit(axis, ni, nj, nk, conductance)
/// for the -axis and +axis neighbours along x, y, z in turn, or for the +axis ones only
/// (`upper_only`: each interior face once, from its lower cell).
template <typename Visit>
void for_each_face_neighbour(const Grid& grid, PetscScalar**** conductivity,
                             const PetscScalar* const* const* active, int i, int j, int k,
                             bool upper_only, Visit&& visit) {
  const int index[3] = {i, j, k};
  for (int axis = 0; axis < 3; ++axis)
    for (int side = upper_only ? 1 : -1; side <= 1; side += 2) {
      const int neighbour = index[axis] + side;
      if (neighbour < 0 || neighbour >= grid.cells(axis)) continue;
      const int ni = i + side * kOffset[axis][0];
      const int nj = j + side * kOffset[axis][1];
      const int nk = k + side * kOffset[axis][2];
      if (active && active[nk][nj][ni] < 0.5) continue;
      visit(axis, ni, nj, nk,
            cell_conductance(grid, axis, i, j, k, conductivity[k][j][i][axis], ni, nj, nk,
                             conductivity[nk][nj][ni][axis]));
    }
}

} // namespace terrafate::flow_detail
