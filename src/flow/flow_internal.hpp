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
            series_conductance(grid.face_area(axis, i, j, k), grid.width(axis, index[axis]),
                               conductivity[k][j][i][axis], grid.width(axis, neighbour),
                               conductivity[nk][nj][ni][axis]));
    }
}

} // namespace terrafate::flow_detail
