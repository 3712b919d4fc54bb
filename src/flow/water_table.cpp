// Water-table (convertible) cells: the smooth saturation ramp, the face weights and the
// Newton-Raphson solve (MODFLOW 6 NPF Newton style) through PETSc SNES with the -flow_ prefix.
#include "terrafate/flow/flow_solver.hpp"

#include "flow_internal.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <optional>
#include <string_view>
#include <utility>

namespace terrafate {

using namespace flow_detail;

namespace {
/// [-] half-width, relative to the cell's thickness, of the quadratic blends at the ends of a
/// convertible cell's saturation ramp (S = (h - bottom) / thickness exactly between 0.001 and
/// 0.999; 0 below -0.001, 1 above 1.001).
constexpr double kSaturationSmoothing = 1.0e-3;
/// [-] floor of a horizontal face's saturation weight: dry cells keep a tiny transmissivity, so
/// that a single-layer model whose cells dry stays non-singular.
constexpr double kDryWeight = 1.0e-6;
/// Newton's method stops when the residual's 2-norm [m3/d] is below this times the gross flow
/// (sum of the magnitudes of all boundary, well and storage flows): the budget then closes to
/// about this times the square root of the cell count.
constexpr double kNewtonTolerance = 1.0e-12;
constexpr int kNewtonMaxIterations = 100;
/// The residual cannot fall below the round-off of its terms: this many machine epsilons times
/// the 2-norm of the cells' sums of |conductance x head| is accepted too.
constexpr double kRoundoffEpsilons = 64.0;
} // namespace

FlowSolver::Saturation FlowSolver::cell_saturation(bool convertible, int i, int j, int k,
                                                   double head) const {
  if (!convertible) return {};
  const double bottom = grid_.cell_bottom(i, j, k);
  const double thickness = grid_.thickness(i, j, k);
  const double x = (head - bottom) / thickness;
  const double e = kSaturationSmoothing;
  // S = x between e and 1 - e; quadratic blends over [-e, e] and [1 - e, 1 + e] keep S and its
  // derivative continuous.
  if (x <= -e) return {0.0, 0.0};
  if (x < e) return {(x + e) * (x + e) / (4.0 * e), (x + e) / (2.0 * e) / thickness};
  if (x <= 1.0 - e) return {x, 1.0 / thickness};
  if (x < 1.0 + e) {
    const double rest = 1.0 + e - x;
    return {1.0 - rest * rest / (4.0 * e), rest / (2.0 * e) / thickness};
  }
  return {1.0, 0.0};
}

FlowSolver::FaceWeight FlowSolver::face_weight(bool convertible_a, double head_a,
                                               const std::array<int, 3>& cell_a, bool convertible_b,
                                               double head_b,
                                               const std::array<int, 3>& cell_b) const {
  if (!convertible_a && !convertible_b) return {};
  const Saturation a = cell_saturation(convertible_a, cell_a[0], cell_a[1], cell_a[2], head_a);
  const Saturation b = cell_saturation(convertible_b, cell_b[0], cell_b[1], cell_b[2], head_b);
  constexpr double scale = 1.0 - kDryWeight;
  if (spec_.saturation_weighting == SaturationWeighting::mean)
    return {kDryWeight + scale * 0.5 * (a.value + b.value), scale * 0.5 * a.derivative,
            scale * 0.5 * b.derivative};
  if (head_a >= head_b) return {kDryWeight + scale * a.value, scale * a.derivative, 0.0};
  return {kDryWeight + scale * b.value, 0.0, scale * b.derivative};
}

PetscErrorCode FlowSolver::newton_residual(SNES, Vec head, Vec residual, void* context) {
  auto* self = static_cast<FlowSolver*>(context);
  try {
    self->evaluate_newton(head, residual, nullptr);
  } catch (...) {
    self->callback_error_ = std::current_exception();
    return PETSC_ERR_LIB;
  }
  return 0;
}

PetscErrorCode FlowSolver::newton_jacobian(SNES, Vec head, Mat jacobian, Mat, void* context) {
  auto* self = static_cast<FlowSolver*>(context);
  try {
    self->evaluate_newton(head, nullptr, jacobian);
  } catch (...) {
    self->callback_error_ = std::current_exception();
    return PETSC_ERR_LIB;
  }
  return 0;
}

PetscErrorCode FlowSolver::newton_converged(SNES snes, PetscInt iteration, PetscReal x_norm,
                                            PetscReal step_norm, PetscReal residual_norm,
                                            SNESConvergedReason* reason, void* context) {
  const auto* self = static_cast<const FlowSolver*>(context);
  PetscErrorCode code =
      SNESConvergedDefault(snes, iteration, x_norm, step_norm, residual_norm, reason, nullptr);
  if (code != 0) return code;
  if (*reason == SNES_CONVERGED_ITERATING &&
      residual_norm <= std::max(kNewtonTolerance * self->gross_flow_, self->roundoff_flow_))
    *reason = SNES_CONVERGED_FNORM_ABS;
  return 0;
}

void FlowSolver::evaluate_newton(Vec head_vector, Vec residual_vector, Mat jacobian,
                                 bool constrained) {
  VecHandle local;
  TF_PETSC_CHECK(DMCreateLocalVector(grid_.dm(), local.out()));
  TF_PETSC_CHECK(DMGlobalToLocal(grid_.dm(), head_vector, INSERT_VALUES, local));
  DmdaArrayRead<const PetscScalar***> head(grid_.dm(), local);
  DmdaArrayRead<const PetscScalar***> flags(grid_.dm(), convertible_local_);
  DmdaArrayRead<const PetscScalar***> old(grid_.dm(), head_old_);
  const auto* h = head.get();
  const auto* convertible = flags.get();
  const double dt = newton_dt_;
  if (residual_vector) TF_PETSC_CHECK(VecSet(residual_vector, 0.0));
  if (jacobian) TF_PETSC_CHECK(MatZeroEntries(jacobian));
  std::optional<DmdaArrayWrite<PetscScalar***>> residual_array;
  if (residual_vector) residual_array.emplace(grid_.dm(), residual_vector);
  PetscScalar*** f = residual_vector ? residual_array->get() : nullptr;
  double gross = 0.0, magnitudes = 0.0;

  PetscScalar**** conductivity = nullptr;
  TF_PETSC_CHECK(DMDAVecGetArrayDOFRead(materials_.conductivity_dm(),
                                        materials_.conductivity_local(), &conductivity));
  std::optional<DmdaArrayRead<const PetscScalar***>> active_flags;
  if (active_local_) active_flags.emplace(grid_.dm(), active_local_);
  const PetscScalar* const* const* active = active_flags ? active_flags->get() : nullptr;
  std::optional<DmdaArrayRead<const PetscScalar***>> fixed_flags;
  if (fixed_local_ && constrained) fixed_flags.emplace(grid_.dm(), fixed_local_);
  const PetscScalar* const* const* fixed = fixed_flags ? fixed_flags->get() : nullptr;
  for (int k = grid_.owned_begin(2); k < grid_.owned_end(2); ++k)
    for (int j = grid_.owned_begin(1); j < grid_.owned_end(1); ++j)
      for (int i = grid_.owned_begin(0); i < grid_.owned_end(0); ++i) {
        MatStencil row{k, j, i, 0};
        if (active && active[k][j][i] < 0.5) {
          // An inactive cell: h = 0, decoupled.
          if (f) f[k][j][i] += h[k][j][i];
          PetscScalar one = 1.0;
          if (jacobian)
            TF_PETSC_CHECK(MatSetValuesStencil(jacobian, 1, &row, 1, &row, &one, ADD_VALUES));
          continue;
        }
        const double hc = h[k][j][i];
        if (fixed && fixed[k][j][i] > 0.5) {
          // A fixed-head cell: D (h - h_fixed) = 0, D the sum of its face conductances.
          double sum = 0.0;
          for_each_face_neighbour(
              grid_, conductivity, active, i, j, k, false,
              [&](int, int, int, int, double transmissibility) { sum += transmissibility; });
          PetscScalar scale = sum > 0.0 ? sum : 1.0;
          if (f) f[k][j][i] += scale * (hc - fixed_heads_.at(global_index(i, j, k)));
          if (jacobian)
            TF_PETSC_CHECK(MatSetValuesStencil(jacobian, 1, &row, 1, &row, &scale, ADD_VALUES));
          continue;
        }
        MatStencil columns[7];
        PetscScalar values[7];
        int count = 1;
        double diagonal = 0.0, outflow = 0.0, magnitude = 0.0;
        const bool convertible_c = convertible[k][j][i] > 0.5;
        for_each_face_neighbour(
            grid_, conductivity, active, i, j, k, false,
            [&](int axis, int ni, int nj, int nk, double transmissibility) {
              const double hn = h[nk][nj][ni];
              const FaceWeight weight =
                  axis == 2 ? FaceWeight{}
                            : face_weight(convertible_c, hc, {i, j, k},
                                          convertible[nk][nj][ni] > 0.5, hn, {ni, nj, nk});
              const double difference = hc - hn;
              outflow += transmissibility * weight.value * difference;
              magnitude += transmissibility * weight.value * (std::abs(hc) + std::abs(hn));
              diagonal += transmissibility * (weight.value + weight.by_a * difference);
              columns[count] = MatStencil{nk, nj, ni, 0};
              values[count] = transmissibility * (weight.by_b * difference - weight.value);
              ++count;
            });
        if (dt > 0.0) {
          const long n = grid_.owned_index(i, j, k);
          const double volume = grid_.cell_volume(i, j, k);
          const double elastic =
              materials_.specific_storage(n) * volume * (hc - old.get()[k][j][i]) / dt;
          outflow += elastic;
          gross += std::abs(elastic);
          magnitude += materials_.specific_storage(n) * volume *
                       (std::abs(hc) + std::abs(old.get()[k][j][i])) / dt;
          diagonal += materials_.specific_storage(n) * volume / dt;
          if (convertible_c) {
            const Saturation now = cell_saturation(true, i, j, k, hc);
            const Saturation before = cell_saturation(true, i, j, k, old.get()[k][j][i]);
            const double yield = specific_yield_[static_cast<std::size_t>(n)];
            const double drained = yield * volume * (now.value - before.value) / dt;
            outflow += drained;
            gross += std::abs(drained);
            diagonal += yield * volume * now.derivative / dt;
          }
        }
        if (f) f[k][j][i] += outflow;
        magnitudes += magnitude * magnitude;
        if (jacobian) {
          columns[0] = row;
          values[0] = diagonal;
          TF_PETSC_CHECK(
              MatSetValuesStencil(jacobian, 1, &row, count, columns, values, ADD_VALUES));
        }
      }
  TF_PETSC_CHECK(DMDAVecRestoreArrayDOFRead(materials_.conductivity_dm(),
                                            materials_.conductivity_local(), &conductivity));
  // Owned fixed-head cells take no boundary or well terms in the constrained system.
  const auto fixed_cell = [&](int i, int j, int k) { return fixed && fixed[k][j][i] > 0.5; };
  for (std::size_t b = 0; b < spec_.boundaries.size(); ++b)
    for (const auto& cell : boundary_cells_[b]) {
      if (fixes_heads(b) || fixed_cell(cell.i, cell.j, cell.k)) continue;
      double derivative = 0.0;
      const double inflow = boundary_inflow(b, cell, h[cell.k][cell.j][cell.i], &derivative);
      gross += std::abs(inflow);
      if (f) f[cell.k][cell.j][cell.i] -= inflow;
      if (jacobian && derivative != 0.0) {
        MatStencil row{cell.k, cell.j, cell.i, 0};
        PetscScalar value = -derivative;
        TF_PETSC_CHECK(MatSetValuesStencil(jacobian, 1, &row, 1, &row, &value, ADD_VALUES));
      }
    }
  for (std::size_t w = 0; w < spec_.wells.size(); ++w) {
    if (!well_active(w, newton_period_begin_, newton_period_end_)) continue;
    for (const auto& cell : well_cells_[w]) {
      if (fixed_cell(cell.i, cell.j, cell.k)) continue;
      const double rate = well_rates_[w] * cell.fraction;
      gross += std::abs(rate);
      if (f) f[cell.k][cell.j][cell.i] -= rate;
    }
  }
  if (jacobian) {
    TF_PETSC_CHECK(MatAssemblyBegin(jacobian, MAT_FINAL_ASSEMBLY));
    TF_PETSC_CHECK(MatAssemblyEnd(jacobian, MAT_FINAL_ASSEMBLY));
  }
  if (residual_vector) {
    double sums[2] = {gross, magnitudes};
    MPI_Allreduce(MPI_IN_PLACE, sums, 2, MPI_DOUBLE, MPI_SUM, grid_.comm());
    gross_flow_ = sums[0];
    roundoff_flow_ =
        kRoundoffEpsilons * std::numeric_limits<double>::epsilon() * std::sqrt(sums[1]);
  }
}

void FlowSolver::solve_newton(double dt) {
  last_dt_ = dt;
  newton_dt_ = dt;
  newton_period_begin_ = period_begin_;
  newton_period_end_ = period_end_;
  const auto setup_start = Clock::now();
  if (!snes_) {
    TF_PETSC_CHECK(SNESCreate(grid_.comm(), snes_.out()));
    TF_PETSC_CHECK(SNESSetOptionsPrefix(snes_, "flow_"));
    TF_PETSC_CHECK(VecDuplicate(head_, residual_.out()));
    TF_PETSC_CHECK(DMCreateMatrix(grid_.dm(), jacobian_.out()));
    TF_PETSC_CHECK(SNESSetFunction(snes_, residual_, newton_residual, this));
    TF_PETSC_CHECK(SNESSetJacobian(snes_, jacobian_, jacobian_, newton_jacobian, this));
    TF_PETSC_CHECK(SNESSetConvergenceTest(snes_, newton_converged, this, nullptr));
    TF_PETSC_CHECK(SNESSetTolerances(snes_, 0.0, 1.0e-14, 0.0, kNewtonMaxIterations, -1));
    KSP inner;
    TF_PETSC_CHECK(SNESGetKSP(snes_, &inner));
    // The Jacobian is not symmetric (the saturation derivatives): GMRES, to an inexact-Newton
    // tolerance (the Newton iterations close the budget).
    TF_PETSC_CHECK(KSPSetType(inner, KSPGMRES));
    TF_PETSC_CHECK(KSPSetTolerances(inner, 1.0e-8, 1.0e-50, PETSC_DEFAULT, 1000));
    PC pc;
    TF_PETSC_CHECK(KSPGetPC(inner, &pc));
    TF_PETSC_CHECK(PCSetType(pc, kDefaultPreconditioner));
    TF_PETSC_CHECK(SNESSetFromOptions(snes_));
  }
  stats_.setup_seconds = seconds_since(setup_start);
  const auto solve_start = Clock::now();
  callback_error_ = nullptr;
  const PetscErrorCode code = SNESSolve(snes_, nullptr, head_);
  if (callback_error_) std::rethrow_exception(callback_error_);
  TF_PETSC_CHECK(code);
  stats_.solve_seconds = seconds_since(solve_start);
  PetscInt newton = 0, linear = 0;
  TF_PETSC_CHECK(SNESGetIterationNumber(snes_, &newton));
  TF_PETSC_CHECK(SNESGetLinearSolveIterations(snes_, &linear));
  stats_.iterations = static_cast<int>(linear);
  stats_.newton_iterations = static_cast<int>(newton);
  ++stats_.solves;
  stats_.total_iterations += linear;
  stats_.total_newton_iterations += newton;
  SNESConvergedReason reason;
  TF_PETSC_CHECK(SNESGetConvergedReason(snes_, &reason));
  if (reason < 0)
    throw NumericalError(fmt::format(
        "water-table flow: Newton's method did not converge ({} after {} iterations); try a "
        "smaller time step, or -flow_snes_monitor to watch it",
        SNESConvergedReasons[reason], newton));
  PetscReal norm = 0.0;
  TF_PETSC_CHECK(VecNorm(head_, NORM_INFINITY, &norm));
  if (!std::isfinite(norm)) throw NumericalError("the flow solution is not finite");
}

} // namespace terrafate
