// Helpers shared by the flow solver's translation units (flow_solver.cpp, water_table.cpp).
#pragma once

#include <chrono>

#include <petscpc.h>

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

} // namespace terrafate::flow_detail
