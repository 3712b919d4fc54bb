#include "terrafate/flow/flow_solver.hpp"

#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <optional>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "flow_internal.hpp"

namespace terrafate {

using namespace flow_detail;

namespace {
/// Cell (i, j, k) on the given face of the grid for face coordinates (a, b).
void face_cell(Face face, const Grid& grid, int a, int b, int& i, int& j, int& k) {
  const int axis = face_axis(face);
  const int layer = face_is_upper(face) ? grid.cells(axis) - 1 : 0;
  if (axis == 0) {
    i = layer;
    j = a;
    k = b;
  } else if (axis == 1) {
    i = a;
    j = layer;
    k = b;
  } else {
    i = a;
    j = b;
    k = layer;
  }
}

/// Largest ratio between the current step and the step the preconditioner was built for.
constexpr double kPreconditionerReuseFactor = 4.0;

/// Relative residual (unpreconditioned, relative to the initial one) of a flow solve: on the
/// 125k-cell version of the steady benchmark with BoomerAMG the budget closes to 6e-9 at 1e-8,
/// 1.4e-11 at 1e-10 and 2.6e-12 at 1e-12 (12 against 15 iterations at 1e-12).
constexpr double kFlowRelativeTolerance = 1.0e-10;
/// With the default tolerance, a solve whose budget closes worse than this is continued (from
/// its head) by a further residual reduction of kBudgetRefinement, at most kBudgetPasses times:
/// the budget closes below 1e-10 whatever the case's conditioning, at a few extra iterations
/// only where it is needed.
constexpr double kBudgetClosureTarget = 2.0e-11;
constexpr double kBudgetRefinement = 1.0e-3;
constexpr int kBudgetPasses = 3;

} // namespace

FlowSolver::FlowSolver(const Grid& grid, const Materials& materials, const FlowSpec& spec)
    : grid_(grid), materials_(materials), spec_(spec) {
  // Boundary cells owned by this rank, with their conductances or inflows.
  for (const auto& boundary : spec_.boundaries) {
    std::vector<BoundaryCell> cells;
    if (boundary.form != FlowBoundary::Form::face) {
      for (std::size_t s = 0; s < boundary.sites.size(); ++s) {
        const auto& site = boundary.sites[s];
        if (!grid.owns(site.i, site.j, site.k) || !grid.active(site.i, site.j, site.k)) continue;
        cells.push_back({site.i, site.j, site.k, site.coefficient, site.level, site.bottom});
        cells.back().site = s;
        cells.back().measure = site.measure;
      }
      boundary_cells_.push_back(std::move(cells));
      continue;
    }
    const int axis = face_axis(boundary.face);
    const int layer = face_is_upper(boundary.face) ? grid.cells(axis) - 1 : 0;
    if (layer >= grid.owned_begin(axis) && layer < grid.owned_end(axis)) {
      const int a_axis = axis == 0 ? 1 : 0;
      const int b_axis = axis == 2 ? 1 : 2;
      for (int b = grid.owned_begin(b_axis); b < grid.owned_end(b_axis); ++b)
        for (int a = grid.owned_begin(a_axis); a < grid.owned_end(a_axis); ++a) {
          int i, j, k;
          face_cell(boundary.face, grid, a, b, i, j, k);
          if (!grid.active(i, j, k)) continue;
          const double area = grid.face_area(axis, i, j, k);
          // [m] a pinched cell's half thickness counts as half of kPinchThickness
          const double half_width = grid.pinched(i, j, k) && axis == 2
                                        ? 0.5 * kPinchThickness
                                        : 0.5 * grid.cell_width(axis, i, j, k);
          const double k_normal = materials.conductivity(grid.owned_index(i, j, k), axis);
          double coefficient = 0.0;
          switch (boundary.type) {
          case FlowBoundary::Type::head:
            coefficient = k_normal * area / half_width;
            break;
          case FlowBoundary::Type::general_head:
            coefficient =
                1.0 / (1.0 / (boundary.conductance * area) + half_width / (k_normal * area));
            break;
          case FlowBoundary::Type::flux:
            coefficient = (boundary.series ? 1.0 : boundary.flux) * area;
            break;
          case FlowBoundary::Type::river:
          case FlowBoundary::Type::drain:
            throw InputError("flow.boundaries", boundary.where,
                             "river and drain boundaries take cells, not a face");
          }
          cells.push_back(
              {i, j, k, coefficient, boundary.head, -std::numeric_limits<double>::infinity()});
          cells.back().measure = area;
          cells.back().inner_resistance = half_width / (k_normal * area);
        }
    }
    boundary_cells_.push_back(std::move(cells));
  }
  for (const auto& boundary : spec_.boundaries)
    series_values_.push_back(boundary.series ? boundary.series->at(0.0)
                                             : std::numeric_limits<double>::quiet_NaN());
  // Fixed-head cells: every rank knows them all (their neighbours may lie on other ranks);
  // inactive ones stay out of the system through the active flags.
  for (std::size_t b = 0; b < spec_.boundaries.size(); ++b) {
    if (!fixes_heads(b)) continue;
    for (const auto& site : spec_.boundaries[b].sites) {
      if (!fixed_heads_.emplace(global_index(site.i, site.j, site.k), site.level).second)
        throw InputError(
            "flow.boundaries", spec_.boundaries[b].where,
            fmt::format("cell ({}, {}, {}) is given a fixed head twice", site.i, site.j, site.k));
    }
  }

  // Wells: the rate is split over the layers the screen crosses in proportion to kx * overlap.
  for (const auto& well : spec_.wells) {
    std::vector<WellCell> cells;
    const int i = *grid.locate(0, well.x);
    const int j = *grid.locate(1, well.y);
    double local_weight = 0.0;
    if (i >= grid.owned_begin(0) && i < grid.owned_end(0) && j >= grid.owned_begin(1) &&
        j < grid.owned_end(1)) {
      for (int k = grid.owned_begin(2); k < grid.owned_end(2); ++k) {
        const double bottom = grid.cell_bottom(i, j, k);
        const double top = grid.cell_top(i, j, k);
        const double overlap =
            std::min(top, well.screen_top) - std::max(bottom, well.screen_bottom);
        if (overlap <= 0.0 || !grid.active(i, j, k) || grid.pinched(i, j, k)) continue;
        const double weight = materials.conductivity(grid.owned_index(i, j, k), 0) * overlap;
        cells.push_back({i, j, k, weight});
        local_weight += weight;
      }
    }
    double total_weight = 0.0;
    MPI_Allreduce(&local_weight, &total_weight, 1, MPI_DOUBLE, MPI_SUM, grid.comm());
    if (!(total_weight > 0.0))
      throw InputError(well.key_path, well.where,
                       fmt::format("well '{}' screens no active cell (grid.idomain)", well.name));
    for (auto& cell : cells)
      cell.fraction /= total_weight;
    well_cells_.push_back(std::move(cells));
    well_window_.emplace_back(well.start, well.end);
    well_rates_.push_back(well.rate);
  }

  // Convertible (water-table) cells.
  const long owned = grid.owned_cells();
  convertible_owned_.assign(static_cast<std::size_t>(owned), 0);
  specific_yield_.assign(static_cast<std::size_t>(owned), 0.0);
  int any_convertible = 0;
  int missing_yield = -1; // a convertible material without specific_yield in transient flow
  for (long n = 0; n < owned; ++n) {
    if (!(spec.water_table || materials.convertible(n))) continue;
    // A pinched cell passes water vertically and holds none: it stays confined.
    const long row = n / grid.owned_count(0);
    if (grid.pinched(grid.owned_begin(0) + static_cast<int>(n % grid.owned_count(0)),
                     grid.owned_begin(1) + static_cast<int>(row % grid.owned_count(1)),
                     grid.owned_begin(2) + static_cast<int>(row / grid.owned_count(1))))
      continue;
    convertible_owned_[static_cast<std::size_t>(n)] = 1;
    any_convertible = 1;
    if (const auto yield = materials.specific_yield(n))
      specific_yield_[static_cast<std::size_t>(n)] = *yield;
    else if (spec.transient)
      missing_yield = std::max(missing_yield, materials.material_of(n));
  }
  MPI_Allreduce(MPI_IN_PLACE, &any_convertible, 1, MPI_INT, MPI_MAX, grid.comm());
  MPI_Allreduce(MPI_IN_PLACE, &missing_yield, 1, MPI_INT, MPI_MAX, grid.comm());
  if (missing_yield >= 0)
    throw InputError(materials.material_key_path(missing_yield) + ".specific_yield",
                     materials.material_where(missing_yield),
                     "transient water-table flow needs specific_yield for this material (its "
                     "cells are convertible)");
  unconfined_ = any_convertible != 0;
  newton_ = unconfined_ || std::any_of(spec.boundaries.begin(), spec.boundaries.end(), [](auto& b) {
              return b.type == FlowBoundary::Type::river || b.type == FlowBoundary::Type::drain;
            });

  TF_PETSC_CHECK(DMCreateGlobalVector(grid.dm(), head_.out()));
  TF_PETSC_CHECK(VecDuplicate(head_, head_old_.out()));
  if (newton_)
    convertible_local_ = ghosted_flags([&](int i, int j, int k) {
      return convertible_owned_[static_cast<std::size_t>(grid.owned_index(i, j, k))] != 0;
    });
  if (grid.has_inactive())
    active_local_ = ghosted_flags([&](int i, int j, int k) { return grid.active(i, j, k); });
  if (!fixed_heads_.empty()) {
    fixed_local_ = ghosted_flags([&](int i, int j, int k) {
      return grid.active(i, j, k) && fixed_heads_.contains(global_index(i, j, k));
    });
    // The budget of the fixed-head cells evaluates the residual, which reads these flags.
    if (!convertible_local_)
      convertible_local_ = ghosted_flags([&](int i, int j, int k) {
        return convertible_owned_[static_cast<std::size_t>(grid.owned_index(i, j, k))] != 0;
      });
  }
  TF_PETSC_CHECK(VecDuplicate(head_, rhs_.out()));
  TF_PETSC_CHECK(VecSet(head_, 0.0));

  TF_PETSC_CHECK(KSPCreate(grid.comm(), ksp_.out()));
  TF_PETSC_CHECK(KSPSetOptionsPrefix(ksp_, "flow_"));
  TF_PETSC_CHECK(KSPSetType(ksp_, KSPCG));
  PC pc;
  TF_PETSC_CHECK(KSPGetPC(ksp_, &pc));
  TF_PETSC_CHECK(PCSetType(pc, kDefaultPreconditioner));
  // The water budget closes to the solver's residual: kFlowRelativeTolerance keeps it closed to
  // better than 1e-10 (benchmarks/RESULTS.md).
  TF_PETSC_CHECK(KSPSetTolerances(ksp_, kFlowRelativeTolerance, 1.0e-50, PETSC_DEFAULT, 2000));
  TF_PETSC_CHECK(KSPSetNormType(ksp_, KSP_NORM_UNPRECONDITIONED));
  // Relative to the initial residual (the flow imbalance of the previous head), not to |b|,
  // which the storage term inflates for small steps.
  TF_PETSC_CHECK(KSPConvergedDefaultSetUIRNorm(ksp_));
  TF_PETSC_CHECK(KSPSetInitialGuessNonzero(ksp_, PETSC_TRUE));
  set_boomeramg_defaults();
  TF_PETSC_CHECK(KSPSetFromOptions(ksp_));
}

void FlowSolver::set_boomeramg_defaults() {
  char pc_type[64] = "";
  PetscBool given = PETSC_FALSE;
  TF_PETSC_CHECK(
      PetscOptionsGetString(nullptr, "flow_", "-pc_type", pc_type, sizeof pc_type, &given));
  if (std::string_view(given ? pc_type : kDefaultPreconditioner) != PCHYPRE) return;
  // BoomerAMG settings recommended for 3-D problems (lower operator complexity than hypre's
  // defaults; on the 1e6-cell benchmark 17 iterations and half the time). Each one yields to a
  // value given on the command line.
  constexpr std::pair<const char*, const char*> defaults[] = {
      {"-flow_pc_hypre_boomeramg_coarsen_type", "HMIS"},
      {"-flow_pc_hypre_boomeramg_interp_type", "ext+i"},
      {"-flow_pc_hypre_boomeramg_P_max", "4"},
      {"-flow_pc_hypre_boomeramg_strong_threshold", "0.5"}};
  for (const auto& [name, value] : defaults) {
    PetscBool present = PETSC_FALSE;
    TF_PETSC_CHECK(PetscOptionsHasName(nullptr, nullptr, name, &present));
    if (!present) TF_PETSC_CHECK(PetscOptionsSetValue(nullptr, name, value));
  }
}

VecHandle FlowSolver::ghosted_flags(const std::function<bool(int, int, int)>& flag) const {
  VecHandle global, local;
  TF_PETSC_CHECK(DMCreateGlobalVector(grid_.dm(), global.out()));
  {
    DmdaArrayWrite<PetscScalar***> values(grid_.dm(), global);
    for (int k = grid_.owned_begin(2); k < grid_.owned_end(2); ++k)
      for (int j = grid_.owned_begin(1); j < grid_.owned_end(1); ++j)
        for (int i = grid_.owned_begin(0); i < grid_.owned_end(0); ++i)
          values.get()[k][j][i] = flag(i, j, k) ? 1.0 : 0.0;
  }
  TF_PETSC_CHECK(DMCreateLocalVector(grid_.dm(), local.out()));
  TF_PETSC_CHECK(DMGlobalToLocal(grid_.dm(), global, INSERT_VALUES, local));
  return local;
}

void FlowSolver::set_uniform_head(double head) {
  TF_PETSC_CHECK(VecSet(head_, head));
  head_given_ = true;
}

VecHandle FlowSolver::ghosted_head() const {
  VecHandle local;
  TF_PETSC_CHECK(DMCreateLocalVector(grid_.dm(), local.out()));
  TF_PETSC_CHECK(DMGlobalToLocal(grid_.dm(), head_, INSERT_VALUES, local));
  return local;
}

void FlowSolver::assemble_operator(double dt) {
  if (!matrix_) {
    TF_PETSC_CHECK(DMCreateMatrix(grid_.dm(), matrix_.out()));
    TF_PETSC_CHECK(MatSetOption(matrix_, MAT_SPD, PETSC_TRUE));
  }
  TF_PETSC_CHECK(MatZeroEntries(matrix_));
  PetscScalar**** conductivity = nullptr;
  TF_PETSC_CHECK(DMDAVecGetArrayDOFRead(materials_.conductivity_dm(),
                                        materials_.conductivity_local(), &conductivity));
  std::optional<DmdaArrayRead<const PetscScalar***>> active_flags;
  if (active_local_) active_flags.emplace(grid_.dm(), active_local_);
  const PetscScalar* const* const* active = active_flags ? active_flags->get() : nullptr;
  // Fixed-head cells: their rows are D h = D h_fixed, and their columns move to the right-hand
  // side of their neighbours' rows (apply_fixed_heads), which keeps the operator symmetric.
  std::optional<DmdaArrayRead<const PetscScalar***>> fixed_flags;
  if (fixed_local_) fixed_flags.emplace(grid_.dm(), fixed_local_);
  const PetscScalar* const* const* fixed = fixed_flags ? fixed_flags->get() : nullptr;
  fixed_rows_.clear();
  fixed_links_.clear();
  for (int k = grid_.owned_begin(2); k < grid_.owned_end(2); ++k)
    for (int j = grid_.owned_begin(1); j < grid_.owned_end(1); ++j)
      for (int i = grid_.owned_begin(0); i < grid_.owned_end(0); ++i) {
        MatStencil row{k, j, i, 0};
        if (active && active[k][j][i] < 0.5) {
          // An inactive cell: h = 0, decoupled.
          PetscScalar one = 1.0;
          TF_PETSC_CHECK(MatSetValuesStencil(matrix_, 1, &row, 1, &row, &one, ADD_VALUES));
          continue;
        }
        const bool fixed_row = fixed && fixed[k][j][i] > 0.5;
        MatStencil columns[7];
        PetscScalar values[7];
        int count = 1;
        double diagonal = 0.0;
        for_each_face_neighbour(
            grid_, conductivity, active, i, j, k, false,
            [&](int, int ni, int nj, int nk, double transmissibility) {
              diagonal += transmissibility;
              if (fixed_row) return;
              if (fixed && fixed[nk][nj][ni] > 0.5) {
                fixed_links_.push_back({i, j, k, transmissibility, global_index(ni, nj, nk)});
                return;
              }
              columns[count] = MatStencil{nk, nj, ni, 0};
              values[count] = -transmissibility;
              ++count;
            });
        if (fixed_row) {
          // D: the face conductances' sum (1 for an isolated cell) keeps the row's scale.
          if (!(diagonal > 0.0)) diagonal = 1.0;
          fixed_rows_.push_back({i, j, k, diagonal});
        } else if (dt > 0.0) {
          diagonal += materials_.specific_storage(grid_.owned_index(i, j, k)) *
                      grid_.cell_volume(i, j, k) / dt;
        }
        columns[0] = row;
        values[0] = diagonal;
        TF_PETSC_CHECK(MatSetValuesStencil(matrix_, 1, &row, count, columns, values, ADD_VALUES));
      }
  TF_PETSC_CHECK(DMDAVecRestoreArrayDOFRead(materials_.conductivity_dm(),
                                            materials_.conductivity_local(), &conductivity));
  for (std::size_t b = 0; b < spec_.boundaries.size(); ++b) {
    if (spec_.boundaries[b].type == FlowBoundary::Type::flux || fixes_heads(b)) continue;
    for (const auto& cell : boundary_cells_[b]) {
      if (fixed_local_ && fixed_heads_.contains(global_index(cell.i, cell.j, cell.k))) continue;
      MatStencil row{cell.k, cell.j, cell.i, 0};
      PetscScalar value = cell.coefficient;
      TF_PETSC_CHECK(MatSetValuesStencil(matrix_, 1, &row, 1, &row, &value, ADD_VALUES));
    }
  }
  TF_PETSC_CHECK(MatAssemblyBegin(matrix_, MAT_FINAL_ASSEMBLY));
  TF_PETSC_CHECK(MatAssemblyEnd(matrix_, MAT_FINAL_ASSEMBLY));
  TF_PETSC_CHECK(KSPSetOperators(ksp_, matrix_, matrix_));
  assembled_dt_ = dt;
}

void FlowSolver::assemble_rhs(double period_begin, double period_end, double dt) {
  period_begin_ = period_begin;
  period_end_ = period_end;
  TF_PETSC_CHECK(VecSet(rhs_, 0.0));
  {
    DmdaArrayWrite<PetscScalar***> rhs(grid_.dm(), rhs_);
    auto* b = rhs.get();
    for (std::size_t n = 0; n < spec_.boundaries.size(); ++n) {
      const auto& boundary = spec_.boundaries[n];
      for (const auto& cell : boundary_cells_[n])
        b[cell.k][cell.j][cell.i] += boundary.type == FlowBoundary::Type::flux
                                         ? cell.coefficient * flux_factor(boundary, cell)
                                         : cell.coefficient * cell.level;
    }
    for (std::size_t w = 0; w < spec_.wells.size(); ++w) {
      if (!well_active(w, period_begin, period_end)) continue;
      for (const auto& cell : well_cells_[w])
        b[cell.k][cell.j][cell.i] += well_rates_[w] * cell.fraction;
    }
    if (dt > 0.0) {
      DmdaArrayRead<const PetscScalar***> old(grid_.dm(), head_old_);
      for (int k = grid_.owned_begin(2); k < grid_.owned_end(2); ++k)
        for (int j = grid_.owned_begin(1); j < grid_.owned_end(1); ++j)
          for (int i = grid_.owned_begin(0); i < grid_.owned_end(0); ++i)
            if (grid_.active(i, j, k))
              b[k][j][i] += materials_.specific_storage(grid_.owned_index(i, j, k)) *
                            grid_.cell_volume(i, j, k) / dt * old.get()[k][j][i];
    }
  }
}

void FlowSolver::solve(double dt) {
  last_dt_ = dt;
  const auto setup_start = Clock::now();
  if (dt != assembled_dt_) {
    assemble_operator(dt);
    // A step-size change only alters the storage diagonal: keep the multigrid hierarchy while
    // the step stays within a factor kPreconditionerReuseFactor of the one it was built for.
    const bool reuse =
        preconditioner_dt_ > 0.0 && dt > 0.0 &&
        std::max(dt / preconditioner_dt_, preconditioner_dt_ / dt) < kPreconditionerReuseFactor;
    TF_PETSC_CHECK(KSPSetReusePreconditioner(ksp_, reuse ? PETSC_TRUE : PETSC_FALSE));
    if (!reuse) preconditioner_dt_ = dt;
    TF_PETSC_CHECK(KSPSetUp(ksp_));
  }
  stats_.setup_seconds = seconds_since(setup_start);
  if (fixed_local_) apply_fixed_heads();
  const auto solve_start = Clock::now();
  TF_PETSC_CHECK(KSPSolve(ksp_, rhs_, head_));
  stats_.solve_seconds = seconds_since(solve_start);
  PetscInt iterations = 0;
  TF_PETSC_CHECK(KSPGetIterationNumber(ksp_, &iterations));
  stats_.iterations = static_cast<int>(iterations);
  ++stats_.solves;
  stats_.total_iterations += iterations;
  KSPConvergedReason reason;
  TF_PETSC_CHECK(KSPGetConvergedReason(ksp_, &reason));
  if (reason < 0)
    throw NumericalError(fmt::format("the flow solver did not converge ({} after {} iterations); "
                                     "try -flow_pc_type hypre or check the deck",
                                     KSPConvergedReasons[reason], iterations));
  PetscReal norm = 0.0;
  TF_PETSC_CHECK(VecNorm(head_, NORM_INFINITY, &norm));
  if (!std::isfinite(norm)) throw NumericalError("the flow solution is not finite");
}

void FlowSolver::release_solver() {
  TF_PETSC_CHECK(KSPReset(ksp_));
  matrix_.reset();
  snes_.reset();
  jacobian_.reset();
#ifdef __GLIBC__
  // The hierarchy was many medium-sized blocks on the heap: hand the freed pages back to the
  // system, so that the transport that follows does not add to them in the peak RSS.
  malloc_trim(0);
#endif
  assembled_dt_ = -1.0;
  preconditioner_dt_ = -1.0;
}

void FlowSolver::solve_steady_at(double period_begin, double period_end, double time) {
  // Periods break at the series' times (stress_periods): a step series holds one value over the
  // period.
  apply_series(0.5 * (period_begin + period_end), time);
  if (newton_) {
    period_begin_ = period_begin;
    period_end_ = period_end;
    if (stats_.solves == 0 && !head_given_) {
      // First guess: every cell as high as the highest prescribed head (the grid's top without
      // one), so that Newton's method starts from saturated cells.
      double guess = -std::numeric_limits<double>::infinity();
      for (const auto& boundary : spec_.boundaries) {
        if (boundary.type == FlowBoundary::Type::flux) continue;
        if (boundary.form == FlowBoundary::Form::face) guess = std::max(guess, boundary.head);
        for (const auto& site : boundary.sites)
          guess = std::max(guess, site.level);
      }
      if (!std::isfinite(guess)) guess = grid_.upper(2);
      TF_PETSC_CHECK(VecSet(head_, guess));
    }
    solve_newton(0.0);
  } else {
    assemble_rhs(period_begin, period_end, 0.0);
    solve(0.0);
  }
  compute_budget(period_begin, period_end, 0.0);
  if (!newton_) close_budget(period_begin, period_end, 0.0);
}

void FlowSolver::close_budget(double period_begin, double period_end, double dt) {
  PetscReal rtol = 0.0, abstol = 0.0, dtol = 0.0;
  PetscInt max_iterations = 0;
  TF_PETSC_CHECK(KSPGetTolerances(ksp_, &rtol, &abstol, &dtol, &max_iterations));
  if (rtol != kFlowRelativeTolerance) return; // -flow_ksp_rtol chose the accuracy
  for (int pass = 0; pass < kBudgetPasses && budget_.relative_closure > kBudgetClosureTarget;
       ++pass) {
    TF_PETSC_CHECK(KSPSetTolerances(ksp_, kBudgetRefinement, abstol, dtol, max_iterations));
    const PetscErrorCode code = KSPSolve(ksp_, rhs_, head_);
    TF_PETSC_CHECK(KSPSetTolerances(ksp_, rtol, abstol, dtol, max_iterations));
    TF_PETSC_CHECK(code);
    PetscInt more = 0;
    TF_PETSC_CHECK(KSPGetIterationNumber(ksp_, &more));
    stats_.iterations += static_cast<int>(more);
    stats_.total_iterations += more;
    compute_budget(period_begin, period_end, dt);
  }
}

void FlowSolver::save_state(StateRecord& record) const {
  for (const auto& [name, vector] :
       {std::pair{"flow/head", head_.get()}, std::pair{"flow/head_old", head_old_.get()}}) {
    const PetscScalar* values = nullptr;
    PetscInt size = 0;
    TF_PETSC_CHECK(VecGetLocalSize(vector, &size));
    TF_PETSC_CHECK(VecGetArrayRead(vector, &values));
    record.cells[name].assign(values, values + size);
    TF_PETSC_CHECK(VecRestoreArrayRead(vector, &values));
  }
  record.values["flow/last_solve"] = {period_begin_, period_end_, last_dt_};
  record.values["flow/time"] = {time_};
  record.values["flow/stats"] = {static_cast<double>(stats_.iterations), stats_.setup_seconds,
                                 stats_.solve_seconds, static_cast<double>(stats_.solves),
                                 static_cast<double>(stats_.total_iterations)};
}

void FlowSolver::load_state(const StateRecord& record) {
  for (const auto& [name, vector] :
       {std::pair{"flow/head", head_.get()}, std::pair{"flow/head_old", head_old_.get()}}) {
    const auto& source = record.cells.at(name);
    PetscScalar* values = nullptr;
    TF_PETSC_CHECK(VecGetArray(vector, &values));
    std::copy(source.begin(), source.end(), values);
    TF_PETSC_CHECK(VecRestoreArray(vector, &values));
  }
  head_given_ = true;
  const auto& last = record.value("flow/last_solve");
  period_begin_ = last.at(0);
  period_end_ = last.at(1);
  last_dt_ = last.at(2);
  if (const auto clock = record.values.find("flow/time"); clock != record.values.end())
    time_ = clock->second.at(0);
  if (spec_.transient)
    apply_series(time_ - 0.5 * last_dt_, time_);
  else
    apply_series(0.5 * (period_begin_ + period_end_), 0.5 * (period_begin_ + period_end_));
  const auto& stats = record.value("flow/stats");
  stats_.iterations = static_cast<int>(stats.at(0));
  stats_.setup_seconds = stats.at(1);
  stats_.solve_seconds = stats.at(2);
  stats_.solves = static_cast<long>(stats.at(3));
  stats_.total_iterations = static_cast<long>(stats.at(4));
  compute_budget(period_begin_, period_end_, last_dt_);
}

void FlowSolver::advance(double period_begin, double period_end, double dt) {
  TF_PETSC_CHECK(VecCopy(head_, head_old_));
  // Backward Euler: a linear series at the step's end, a step series over the step.
  apply_series(time_ + 0.5 * dt, time_ + dt);
  time_ += dt;
  if (newton_) {
    period_begin_ = period_begin;
    period_end_ = period_end;
    solve_newton(dt);
  } else {
    assemble_rhs(period_begin, period_end, dt);
    solve(dt);
  }
  compute_budget(period_begin, period_end, dt);
  if (!newton_) close_budget(period_begin, period_end, dt);
}

void FlowSolver::compute_budget(double period_begin, double period_end, double dt) {
  update_fixed_head_inflows(period_begin, period_end, dt);
  std::vector<double> flows; // inflow, outflow pairs
  DmdaArrayRead<const PetscScalar***> head(grid_.dm(), head_);
  const auto* h = head.get();
  for (std::size_t n = 0; n < spec_.boundaries.size(); ++n) {
    double in = 0.0, out = 0.0;
    for (const auto& cell : boundary_cells_[n]) {
      const double q = boundary_inflow(n, cell, h[cell.k][cell.j][cell.i]);
      (q > 0.0 ? in : out) += std::abs(q);
    }
    flows.push_back(in);
    flows.push_back(out);
  }
  for (std::size_t w = 0; w < spec_.wells.size(); ++w) {
    double in = 0.0, out = 0.0;
    if (well_active(w, period_begin, period_end))
      for (const auto& cell : well_cells_[w]) {
        const double q = well_rates_[w] * cell.fraction;
        (q > 0.0 ? in : out) += std::abs(q);
      }
    flows.push_back(in);
    flows.push_back(out);
  }
  double storage_in = 0.0, storage_out = 0.0;
  if (dt > 0.0) {
    DmdaArrayRead<const PetscScalar***> old(grid_.dm(), head_old_);
    for (int k = grid_.owned_begin(2); k < grid_.owned_end(2); ++k)
      for (int j = grid_.owned_begin(1); j < grid_.owned_end(1); ++j)
        for (int i = grid_.owned_begin(0); i < grid_.owned_end(0); ++i) {
          // Release from storage (head falling) is an inflow to the flow system.
          if (!grid_.active(i, j, k)) continue;
          const long c = grid_.owned_index(i, j, k);
          const double volume = grid_.cell_volume(i, j, k);
          const double h_old = old.get()[k][j][i];
          double q = materials_.specific_storage(c) * volume * (h_old - h[k][j][i]) / dt;
          if (cell_convertible(i, j, k))
            q += specific_yield_[static_cast<std::size_t>(c)] * volume *
                 (cell_saturation(true, i, j, k, h_old).value -
                  cell_saturation(true, i, j, k, h[k][j][i]).value) /
                 dt;
          (q > 0.0 ? storage_in : storage_out) += std::abs(q);
        }
  }
  flows.push_back(storage_in);
  flows.push_back(storage_out);
  MPI_Allreduce(MPI_IN_PLACE, flows.data(), static_cast<int>(flows.size()), MPI_DOUBLE, MPI_SUM,
                grid_.comm());

  budget_ = FlowBudget{};
  std::size_t f = 0;
  for (const auto& boundary : spec_.boundaries) {
    budget_.entries.push_back({boundary.label, flows[f], flows[f + 1]});
    f += 2;
  }
  for (const auto& well : spec_.wells) {
    budget_.entries.push_back({"well:" + well.name, flows[f], flows[f + 1]});
    f += 2;
  }
  if (spec_.transient) budget_.entries.push_back({"storage", flows[f], flows[f + 1]});
  for (const auto& entry : budget_.entries) {
    budget_.total_inflow += entry.inflow;
    budget_.total_outflow += entry.outflow;
  }
  const double mean = 0.5 * (budget_.total_inflow + budget_.total_outflow);
  budget_.relative_closure =
      mean > 0.0 ? std::abs(budget_.total_inflow - budget_.total_outflow) / mean : 0.0;
}

std::vector<ExternalFlow> FlowSolver::external_flows(double period_begin, double period_end) const {
  std::vector<ExternalFlow> flows;
  DmdaArrayRead<const PetscScalar***> head(grid_.dm(), head_);
  const auto* h = head.get();
  for (std::size_t b = 0; b < spec_.boundaries.size(); ++b) {
    for (const auto& cell : boundary_cells_[b]) {
      const double inflow = boundary_inflow(b, cell, h[cell.k][cell.j][cell.i]);
      flows.push_back({cell.i, cell.j, cell.k, inflow, static_cast<int>(b), -1});
    }
  }
  for (std::size_t w = 0; w < spec_.wells.size(); ++w) {
    if (!well_active(w, period_begin, period_end)) continue;
    for (const auto& cell : well_cells_[w])
      flows.push_back(
          {cell.i, cell.j, cell.k, well_rates_[w] * cell.fraction, -1, static_cast<int>(w)});
  }
  return flows;
}

double FlowSolver::well_head(std::size_t w) const {
  DmdaArrayRead<const PetscScalar***> head(grid_.dm(), head_);
  double value = 0.0;
  for (const auto& cell : well_cells_[w])
    value += cell.fraction * head.get()[cell.k][cell.j][cell.i];
  MPI_Allreduce(MPI_IN_PLACE, &value, 1, MPI_DOUBLE, MPI_SUM, grid_.comm());
  return value;
}

std::vector<double> FlowSolver::storage_release() const {
  std::vector<double> release(static_cast<std::size_t>(grid_.owned_cells()), 0.0);
  if (last_dt_ <= 0.0) return release;
  DmdaArrayRead<const PetscScalar***> head(grid_.dm(), head_);
  DmdaArrayRead<const PetscScalar***> old(grid_.dm(), head_old_);
  for (int k = grid_.owned_begin(2); k < grid_.owned_end(2); ++k)
    for (int j = grid_.owned_begin(1); j < grid_.owned_end(1); ++j)
      for (int i = grid_.owned_begin(0); i < grid_.owned_end(0); ++i) {
        if (!grid_.active(i, j, k)) continue;
        const long n = grid_.owned_index(i, j, k);
        const double volume = grid_.cell_volume(i, j, k);
        const double h_old = old.get()[k][j][i], h = head.get()[k][j][i];
        double released = materials_.specific_storage(n) * volume * (h_old - h) / last_dt_;
        if (cell_convertible(i, j, k))
          released += specific_yield_[static_cast<std::size_t>(n)] * volume *
                      (cell_saturation(true, i, j, k, h_old).value -
                       cell_saturation(true, i, j, k, h).value) /
                      last_dt_;
        release[static_cast<std::size_t>(n)] = released;
      }
  return release;
}

std::vector<double> FlowSolver::saturated_fraction() const {
  std::vector<double> fraction(static_cast<std::size_t>(grid_.owned_cells()), 1.0);
  DmdaArrayRead<const PetscScalar***> head(grid_.dm(), head_);
  for (int k = grid_.owned_begin(2); k < grid_.owned_end(2); ++k)
    for (int j = grid_.owned_begin(1); j < grid_.owned_end(1); ++j)
      for (int i = grid_.owned_begin(0); i < grid_.owned_end(0); ++i)
        fraction[static_cast<std::size_t>(grid_.owned_index(i, j, k))] =
            !grid_.active(i, j, k) || grid_.pinched(i, j, k)
                ? 0.0
                : cell_saturation(cell_convertible(i, j, k), i, j, k, head.get()[k][j][i]).value;
  return fraction;
}

std::vector<double> FlowSolver::saturated_thickness() const {
  std::vector<double> thickness = saturated_fraction();
  for (int k = grid_.owned_begin(2); k < grid_.owned_end(2); ++k)
    for (int j = grid_.owned_begin(1); j < grid_.owned_end(1); ++j)
      for (int i = grid_.owned_begin(0); i < grid_.owned_end(0); ++i)
        thickness[static_cast<std::size_t>(grid_.owned_index(i, j, k))] *= grid_.thickness(i, j, k);
  return thickness;
}

std::vector<double> FlowSolver::face_flows() const {
  std::vector<double> flows(static_cast<std::size_t>(3 * grid_.owned_cells()), 0.0);
  const VecHandle local = ghosted_head();
  DmdaArrayRead<const PetscScalar***> head(grid_.dm(), local);
  const auto* h = head.get();
  std::optional<DmdaArrayRead<const PetscScalar***>> convertible;
  if (unconfined_) convertible.emplace(grid_.dm(), convertible_local_);
  const PetscScalar* const* const* flags = unconfined_ ? convertible->get() : nullptr;
  std::optional<DmdaArrayRead<const PetscScalar***>> active_flags;
  if (active_local_) active_flags.emplace(grid_.dm(), active_local_);
  const PetscScalar* const* const* active = active_flags ? active_flags->get() : nullptr;

  PetscScalar**** conductivity = nullptr;
  TF_PETSC_CHECK(DMDAVecGetArrayDOFRead(materials_.conductivity_dm(),
                                        materials_.conductivity_local(), &conductivity));
  for (int k = grid_.owned_begin(2); k < grid_.owned_end(2); ++k)
    for (int j = grid_.owned_begin(1); j < grid_.owned_end(1); ++j)
      for (int i = grid_.owned_begin(0); i < grid_.owned_end(0); ++i) {
        if (active && active[k][j][i] < 0.5) continue;
        const long n = grid_.owned_index(i, j, k);
        for_each_face_neighbour(
            grid_, conductivity, active, i, j, k, true,
            [&](int axis, int ni, int nj, int nk, double transmissibility) {
              FaceWeight weight;
              if (unconfined_ && axis != 2)
                weight = face_weight(flags[k][j][i] > 0.5, h[k][j][i], {i, j, k},
                                     flags[nk][nj][ni] > 0.5, h[nk][nj][ni], {ni, nj, nk});
              flows[3 * n + axis] = transmissibility * weight.value * (h[k][j][i] - h[nk][nj][ni]);
            });
      }
  TF_PETSC_CHECK(DMDAVecRestoreArrayDOFRead(materials_.conductivity_dm(),
                                            materials_.conductivity_local(), &conductivity));
  return flows;
}

std::vector<double> FlowSolver::cell_darcy_flux() const {
  const long owned = grid_.owned_cells();
  // Flow [m3/d] in the + direction through the lower and upper face of each owned cell.
  std::vector<double> lower(static_cast<std::size_t>(3 * owned), 0.0);
  std::vector<double> upper = face_flows();
  // Lower faces: interior ones are the upper faces of the neighbours below; fetch them through a
  // ghosted copy of the face-flow field.
  DmHandle flow_dm = grid_.create_compatible_dm(3, DMDA_STENCIL_STAR, 1);
  VecHandle global, local;
  TF_PETSC_CHECK(DMCreateGlobalVector(flow_dm, global.out()));
  {
    PetscScalar* values = nullptr;
    TF_PETSC_CHECK(VecGetArray(global, &values));
    std::copy(upper.begin(), upper.end(), values);
    TF_PETSC_CHECK(VecRestoreArray(global, &values));
  }
  TF_PETSC_CHECK(DMCreateLocalVector(flow_dm, local.out()));
  TF_PETSC_CHECK(DMGlobalToLocal(flow_dm, global, INSERT_VALUES, local));
  PetscScalar**** ghosted = nullptr;
  TF_PETSC_CHECK(DMDAVecGetArrayDOFRead(flow_dm, local, &ghosted));
  for (int k = grid_.owned_begin(2); k < grid_.owned_end(2); ++k)
    for (int j = grid_.owned_begin(1); j < grid_.owned_end(1); ++j)
      for (int i = grid_.owned_begin(0); i < grid_.owned_end(0); ++i) {
        const int index[3] = {i, j, k};
        const long n = grid_.owned_index(i, j, k);
        for (int axis = 0; axis < 3; ++axis)
          if (index[axis] > 0)
            lower[3 * n + axis] =
                ghosted[k - kOffset[axis][2]][j - kOffset[axis][1]][i - kOffset[axis][0]][axis];
      }
  TF_PETSC_CHECK(DMDAVecRestoreArrayDOFRead(flow_dm, local, &ghosted));

  // Boundary faces carry the boundary flows (inflow through a lower face is +, upper face -).
  DmdaArrayRead<const PetscScalar***> head(grid_.dm(), head_);
  const auto* h = head.get();
  for (std::size_t b = 0; b < spec_.boundaries.size(); ++b) {
    const auto& boundary = spec_.boundaries[b];
    const int axis = face_axis(boundary.face);
    for (const auto& cell : boundary_cells_[b]) {
      const double inflow = boundary_inflow(b, cell, h[cell.k][cell.j][cell.i]);
      const long n = grid_.owned_index(cell.i, cell.j, cell.k);
      if (face_is_upper(boundary.face))
        upper[3 * n + axis] -= inflow;
      else
        lower[3 * n + axis] += inflow;
    }
  }
  std::vector<double> flux(static_cast<std::size_t>(3 * owned));
  for (int k = grid_.owned_begin(2); k < grid_.owned_end(2); ++k)
    for (int j = grid_.owned_begin(1); j < grid_.owned_end(1); ++j)
      for (int i = grid_.owned_begin(0); i < grid_.owned_end(0); ++i) {
        const long n = grid_.owned_index(i, j, k);
        for (int axis = 0; axis < 3; ++axis) {
          // A pinched cell's sides have no area (and no flow).
          const double area = grid_.face_area(axis, i, j, k);
          flux[3 * n + axis] =
              area > 0.0 ? 0.5 * (lower[3 * n + axis] + upper[3 * n + axis]) / area : 0.0;
        }
      }
  return flux;
}

} // namespace terrafate
