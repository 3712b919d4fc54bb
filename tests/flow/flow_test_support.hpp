// Helpers of the flow tests that read results across ranks.
#pragma once

#include <string>

#include <gtest/gtest.h>

#include "terrafate/flow/flow_solver.hpp"

namespace terrafate::flow_test {

/// The sum of `value` over the ranks of PETSC_COMM_WORLD.
inline double sum_over_ranks(double value) {
  MPI_Allreduce(MPI_IN_PLACE, &value, 1, MPI_DOUBLE, MPI_SUM, PETSC_COMM_WORLD);
  return value;
}

/// Net inflow [m3/d] of the budget component `name`.
inline double net_inflow(const FlowBudget& budget, const std::string& name) {
  for (const auto& entry : budget.entries)
    if (entry.component == name) return entry.inflow - entry.outflow;
  ADD_FAILURE() << "no budget component " << name;
  return 0.0;
}

/// Head [m] of global cell (i, j, k), from whichever rank owns it.
inline double head_at(const Grid& grid, Vec head, int i, int j, int k) {
  double value = 0.0;
  if (grid.owns(i, j, k)) {
    DmdaArrayRead<const PetscScalar***> h(grid.dm(), head);
    value = h.get()[k][j][i];
  }
  return sum_over_ranks(value);
}

} // namespace terrafate::flow_test
