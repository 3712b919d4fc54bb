#include "terrafate/transport/stencil_operator.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace terrafate {

namespace {
// Inside PETSc callbacks, which must not throw: pass an error code up to PETSc. (PETSc's own
// PetscCall names its error handler PetscError, which this namespace's exception class hides.)
#define TF_PETSC_RETURN_ON_ERROR(call)                                                             \
  do {                                                                                             \
    const PetscErrorCode code_ = (call);                                                           \
    if (code_ != 0) return code_;                                                                  \
  } while (false)

PetscLogEvent multiply_event = 0, precondition_event = 0;

PetscErrorCode shell_multiply(Mat matrix, Vec x, Vec y) noexcept {
  const StencilOperator* op = nullptr;
  TF_PETSC_RETURN_ON_ERROR(MatShellGetContext(matrix, &op));
  return op->multiply(x, y);
}

PetscErrorCode shell_precondition(PC pc, Vec r, Vec z) noexcept {
  const StencilOperator* op = nullptr;
  TF_PETSC_RETURN_ON_ERROR(PCShellGetContext(pc, &op));
  return op->precondition(r, z);
}
} // namespace

StencilOperator::StencilOperator(const Grid& grid) : grid_(grid) {
  if (multiply_event == 0) {
    PetscClassId id = 0;
    TF_PETSC_CHECK(PetscClassIdRegister("TransportStencil", &id));
    TF_PETSC_CHECK(PetscLogEventRegister("StencilMult", id, &multiply_event));
    TF_PETSC_CHECK(PetscLogEventRegister("StencilDILU", id, &precondition_event));
  }
  int ranks = 1;
  MPI_Comm_size(grid.comm(), &ranks);
  single_rank_ = ranks == 1;
  if (!single_rank_) {
    ghosted_dm_ = grid.create_compatible_dm(1, DMDA_STENCIL_STAR, 1, DM_BOUNDARY_GHOSTED);
    TF_PETSC_CHECK(DMCreateLocalVector(ghosted_dm_, x_ghosted_.out()));
    TF_PETSC_CHECK(VecSet(x_ghosted_, 0.0));
    PetscInt begin[3], size[3];
    TF_PETSC_CHECK(DMDAGetGhostCorners(ghosted_dm_, &begin[0], &begin[1], &begin[2], &size[0],
                                       &size[1], &size[2]));
    ghost_stride_ = {1, size[0], static_cast<long>(size[0]) * size[1]};
    first_ghosted_ = (grid.owned_begin(2) - begin[2]) * ghost_stride_[2] +
                     (grid.owned_begin(1) - begin[1]) * ghost_stride_[1] +
                     (grid.owned_begin(0) - begin[0]);
  }
  const auto owned = static_cast<std::size_t>(grid.owned_cells());
  for (auto& values : coefficients_)
    values.assign(owned, 0.0);
  for (auto& values : factor_)
    values.assign(owned, 0.0F);
  zero_row_.assign(static_cast<std::size_t>(grid.owned_count(0)), 0.0);
  TF_PETSC_CHECK(MatCreateShell(grid.comm(), static_cast<PetscInt>(owned),
                                static_cast<PetscInt>(owned), grid.total_cells(),
                                grid.total_cells(), this, shell_.out()));
  TF_PETSC_CHECK(
      MatShellSetOperation(shell_, MATOP_MULT, reinterpret_cast<void (*)(void)>(shell_multiply)));
}

void StencilOperator::zero() {
  for (auto& values : coefficients_)
    std::fill(values.begin(), values.end(), 0.0);
}

void StencilOperator::set_identity_rows(const std::vector<long>& rows) {
  for (const long n : rows) {
    for (auto& values : coefficients_)
      values[static_cast<std::size_t>(n)] = 0.0;
    coefficients_[center][static_cast<std::size_t>(n)] = 1.0;
  }
}

void StencilOperator::factor(double relaxation) {
  const int nx = grid_.owned_count(0), ny = grid_.owned_count(1), nz = grid_.owned_count(2);
  const long sy = nx, sz = static_cast<long>(nx) * ny;
  const double *c = coefficients_[center].data(), *w = coefficients_[west].data(),
               *e = coefficients_[east].data(), *s = coefficients_[south].data(),
               *no = coefficients_[north].data(), *d = coefficients_[down].data(),
               *u = coefficients_[up].data();
  // The pivots in double precision; the factor is stored in single precision (below).
  std::vector<double> inverse_pivots(coefficients_[center].size());
  double* inverse = inverse_pivots.data();
  long bad = -1;
  for (int k = 0; k < nz; ++k)
    for (int j = 0; j < ny; ++j)
      for (int i = 0; i < nx; ++i) {
        const long n = k * sz + j * sy + i;
        double pivot = c[n];
        // The upper couplings of an earlier neighbour m that do not land on this row: the
        // fill-in ILU(0) drops, added back to the pivot with weight `relaxation`.
        auto dropped = [&](long m, bool east_in, bool north_in, bool up_in) {
          return (east_in ? e[m] : 0.0) + (north_in ? no[m] : 0.0) + (up_in ? u[m] : 0.0);
        };
        if (i > 0)
          pivot -= w[n] * inverse[n - 1] *
                   (e[n - 1] + relaxation * dropped(n - 1, false, j + 1 < ny, k + 1 < nz));
        if (j > 0)
          pivot -= s[n] * inverse[n - sy] *
                   (no[n - sy] + relaxation * dropped(n - sy, i + 1 < nx, false, k + 1 < nz));
        if (k > 0)
          pivot -= d[n] * inverse[n - sz] *
                   (u[n - sz] + relaxation * dropped(n - sz, i + 1 < nx, j + 1 < ny, false));
        if (!(pivot > 0.0 && std::isfinite(pivot)) && bad < 0) bad = n;
        inverse[n] = 1.0 / pivot;
      }
  // The inverse pivots, and the couplings scaled by them as the sweeps use them.
  for (std::size_t n = 0; n < inverse_pivots.size(); ++n)
    factor_[center][n] = static_cast<float>(inverse[n]);
  for (int point = west; point <= up; ++point)
    for (std::size_t n = 0; n < factor_[point].size(); ++n)
      factor_[point][n] = static_cast<float>(coefficients_[point][n] * inverse[n]);
  int failed = bad >= 0 ? 1 : 0;
  MPI_Allreduce(MPI_IN_PLACE, &failed, 1, MPI_INT, MPI_MAX, grid_.comm());
  if (failed != 0)
    throw NumericalError(
        fmt::format("the transport operator's DILU factorization has a non-positive pivot{}",
                    bad >= 0 ? fmt::format(" at owned cell {} (i, j, k) = ({}, {}, {})", bad,
                                           grid_.owned_begin(0) + bad % nx,
                                           grid_.owned_begin(1) + bad / nx % ny,
                                           grid_.owned_begin(2) + bad / (sz))
                             : std::string(" on another rank")));
}

void StencilOperator::set_preconditioner(PC pc) {
  TF_PETSC_CHECK(PCSetType(pc, PCSHELL));
  TF_PETSC_CHECK(PCShellSetContext(pc, const_cast<StencilOperator*>(this)));
  TF_PETSC_CHECK(PCShellSetApply(pc, shell_precondition));
  TF_PETSC_CHECK(PCShellSetName(pc, "DILU (= ILU(0)) of the 7-point transport operator"));
}

void StencilOperator::multiply_row(long n0, int count, const double* __restrict xr, long gy,
                                   long gz, double* __restrict yr) const {
  const double *c = coefficients_[center].data() + n0, *w = coefficients_[west].data() + n0,
               *e = coefficients_[east].data() + n0, *s = coefficients_[south].data() + n0,
               *no = coefficients_[north].data() + n0, *d = coefficients_[down].data() + n0,
               *u = coefficients_[up].data() + n0;
  for (int i = 0; i < count; ++i)
    yr[i] = c[i] * xr[i] + w[i] * xr[i - 1] + e[i] * xr[i + 1] + s[i] * xr[i - gy] +
            no[i] * xr[i + gy] + d[i] * xr[i - gz] + u[i] * xr[i + gz];
}

PetscErrorCode StencilOperator::multiply(Vec x, Vec y) const noexcept {
  if (single_rank_) return multiply_single_rank(x, y);
  TF_PETSC_RETURN_ON_ERROR(PetscLogEventBegin(multiply_event, 0, 0, 0, 0));
  TF_PETSC_RETURN_ON_ERROR(DMGlobalToLocalBegin(ghosted_dm_, x, INSERT_VALUES, x_ghosted_));
  TF_PETSC_RETURN_ON_ERROR(DMGlobalToLocalEnd(ghosted_dm_, x, INSERT_VALUES, x_ghosted_));
  const PetscScalar* ghosted = nullptr;
  PetscScalar* result = nullptr;
  TF_PETSC_RETURN_ON_ERROR(VecGetArrayRead(x_ghosted_, &ghosted));
  TF_PETSC_RETURN_ON_ERROR(VecGetArray(y, &result));
  const int nx = grid_.owned_count(0), ny = grid_.owned_count(1), nz = grid_.owned_count(2);
  const long gy = ghost_stride_[1], gz = ghost_stride_[2];
  for (int k = 0; k < nz; ++k)
    for (int j = 0; j < ny; ++j) {
      const long n0 = (static_cast<long>(k) * ny + j) * nx;
      multiply_row(n0, nx, ghosted + first_ghosted_ + k * gz + j * gy, gy, gz, result + n0);
    }
  TF_PETSC_RETURN_ON_ERROR(VecRestoreArray(y, &result));
  TF_PETSC_RETURN_ON_ERROR(VecRestoreArrayRead(x_ghosted_, &ghosted));
  TF_PETSC_RETURN_ON_ERROR(PetscLogFlops(13.0 * static_cast<double>(grid_.owned_cells())));
  TF_PETSC_RETURN_ON_ERROR(PetscLogEventEnd(multiply_event, 0, 0, 0, 0));
  return 0;
}

PetscErrorCode StencilOperator::multiply_single_rank(Vec x, Vec y) const noexcept {
  TF_PETSC_RETURN_ON_ERROR(PetscLogEventBegin(multiply_event, 0, 0, 0, 0));
  const PetscScalar* argument = nullptr;
  PetscScalar* result = nullptr;
  TF_PETSC_RETURN_ON_ERROR(VecGetArrayRead(x, &argument));
  TF_PETSC_RETURN_ON_ERROR(VecGetArray(y, &result));
  const int nx = grid_.owned_count(0), ny = grid_.owned_count(1), nz = grid_.owned_count(2);
  const long gy = nx, gz = static_cast<long>(nx) * ny;
  const double *c = coefficients_[center].data(), *w = coefficients_[west].data(),
               *e = coefficients_[east].data(), *s = coefficients_[south].data(),
               *no = coefficients_[north].data(), *d = coefficients_[down].data(),
               *u = coefficients_[up].data();
  for (int k = 0; k < nz; ++k)
    for (int j = 0; j < ny; ++j) {
      const long n0 = (static_cast<long>(k) * ny + j) * nx;
      if (k > 0 && k + 1 < nz && j > 0 && j + 1 < ny && nx > 2) {
        // Interior row: its first and last cells' x neighbours outside the domain have zero
        // coefficients, so only the cells in between use the row kernel.
        multiply_row(n0 + 1, nx - 2, argument + n0 + 1, gy, gz, result + n0 + 1);
        for (const long n : {n0, n0 + nx - 1})
          result[n] = c[n] * argument[n] + (n > n0 ? w[n] * argument[n - 1] : 0.0) +
                      (n < n0 + nx - 1 ? e[n] * argument[n + 1] : 0.0) + s[n] * argument[n - gy] +
                      no[n] * argument[n + gy] + d[n] * argument[n - gz] + u[n] * argument[n + gz];
        continue;
      }
      // A row on the domain's boundary: each neighbour only where it exists.
      for (int i = 0; i < nx; ++i) {
        const long n = n0 + i;
        double value = c[n] * argument[n];
        if (i > 0) value += w[n] * argument[n - 1];
        if (i + 1 < nx) value += e[n] * argument[n + 1];
        if (j > 0) value += s[n] * argument[n - gy];
        if (j + 1 < ny) value += no[n] * argument[n + gy];
        if (k > 0) value += d[n] * argument[n - gz];
        if (k + 1 < nz) value += u[n] * argument[n + gz];
        result[n] = value;
      }
    }
  TF_PETSC_RETURN_ON_ERROR(VecRestoreArray(y, &result));
  TF_PETSC_RETURN_ON_ERROR(VecRestoreArrayRead(x, &argument));
  TF_PETSC_RETURN_ON_ERROR(PetscLogFlops(13.0 * static_cast<double>(grid_.owned_cells())));
  TF_PETSC_RETURN_ON_ERROR(PetscLogEventEnd(multiply_event, 0, 0, 0, 0));
  return 0;
}

namespace {
/// In place, for m = 0 .. count - 1: v[m] -= a[m] v[m - 1] (v[-1] = 0), the positions m taken
/// `step` apart (1: forward along x, -1: backward). Four cells at a time: within a block,
/// v[m] = q[m] + b[m] p with p the value before the block, so the chain from block to block is
/// one multiply-add per four cells (the q and b of the next block do not wait for it); about 10 %
/// faster sweeps than the plain recurrence (benchmarks/micro).
void solve_recurrence(double* v, const float* a, int count, int step) {
  double before = 0.0;
  int m = 0;
  for (; m + 4 <= count; m += 4) {
    const long i0 = static_cast<long>(m) * step, i1 = i0 + step, i2 = i1 + step, i3 = i2 + step;
    const double q0 = v[i0], q1 = v[i1] - a[i1] * q0, q2 = v[i2] - a[i2] * q1,
                 q3 = v[i3] - a[i3] * q2;
    const double b0 = -static_cast<double>(a[i0]), b1 = -a[i1] * b0, b2 = -a[i2] * b1,
                 b3 = -a[i3] * b2;
    v[i0] = q0 + b0 * before;
    v[i1] = q1 + b1 * before;
    v[i2] = q2 + b2 * before;
    before = q3 + b3 * before;
    v[i3] = before;
  }
  for (; m < count; ++m) {
    const long i = static_cast<long>(m) * step;
    before = v[i] - a[i] * before;
    v[i] = before;
  }
}
} // namespace

PetscErrorCode StencilOperator::precondition(Vec r, Vec z) const noexcept {
  TF_PETSC_RETURN_ON_ERROR(PetscLogEventBegin(precondition_event, 0, 0, 0, 0));
  const PetscScalar* residual = nullptr;
  PetscScalar* result = nullptr;
  TF_PETSC_RETURN_ON_ERROR(VecGetArrayRead(r, &residual));
  TF_PETSC_RETURN_ON_ERROR(VecGetArray(z, &result));
  const int nx = grid_.owned_count(0), ny = grid_.owned_count(1), nz = grid_.owned_count(2);
  const long sy = nx, sz = static_cast<long>(nx) * ny;
  const float* inverse = factor_[center].data();
  const float *w = factor_[west].data(), *e = factor_[east].data(), *s = factor_[south].data(),
              *no = factor_[north].data(), *d = factor_[down].data(), *u = factor_[up].data();
  // Rows of the block's neighbours outside it (block Jacobi): zero.
  const double* zero = zero_row_.data();
  // (D + L) y = r: y_i = r_i / D_i - (s/D)_i y_south - (d/D)_i y_down - (w/D)_i y_(i-1); the
  // couplings across rows and layers first (vectorizable), then the recurrence along x.
  for (int k = 0; k < nz; ++k)
    for (int j = 0; j < ny; ++j) {
      const long n0 = k * sz + j * sy;
      double* __restrict y = result + n0;
      const double* y_south = j > 0 ? y - sy : zero;
      const double* y_down = k > 0 ? y - sz : zero;
      for (int i = 0; i < nx; ++i) {
        const long n = n0 + i;
        y[i] = residual[n] * inverse[n] - s[n] * y_south[i] - d[n] * y_down[i];
      }
      solve_recurrence(y, w + n0, nx, 1);
    }
  // (I + D^-1 U) x = y, backwards, in place.
  for (int k = nz - 1; k >= 0; --k)
    for (int j = ny - 1; j >= 0; --j) {
      const long n0 = k * sz + j * sy;
      double* __restrict x = result + n0;
      const double* x_north = j + 1 < ny ? x + sy : zero;
      const double* x_up = k + 1 < nz ? x + sz : zero;
      for (int i = 0; i < nx; ++i) {
        const long n = n0 + i;
        x[i] -= no[n] * x_north[i] + u[n] * x_up[i];
      }
      solve_recurrence(x + nx - 1, e + n0 + nx - 1, nx, -1);
    }
  TF_PETSC_RETURN_ON_ERROR(VecRestoreArray(z, &result));
  TF_PETSC_RETURN_ON_ERROR(VecRestoreArrayRead(r, &residual));
  TF_PETSC_RETURN_ON_ERROR(PetscLogFlops(13.0 * static_cast<double>(grid_.owned_cells())));
  TF_PETSC_RETURN_ON_ERROR(PetscLogEventEnd(precondition_event, 0, 0, 0, 0));
  return 0;
}

} // namespace terrafate
