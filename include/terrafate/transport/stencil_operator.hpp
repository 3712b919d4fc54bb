#pragma once
// A 7-point cell-centred operator on the grid's DMDA, held as one coefficient array per stencil
// point (structure of arrays) and applied matrix-free through a MATSHELL, with a rank-local DILU
// preconditioner M = (D + L) D^-1 (D + U), L and U the operator's own off-diagonals and D the
// pivots. For a 7-point stencil in natural (x-fastest) ordering that is ILU(0) exactly (its
// fill-in falls outside the pattern, except on the diagonal), or, with the dropped fill-in added
// back to the pivots, relaxed modified ILU(0) (Axelsson; Saad, Iterative Methods, 10.3.5), which
// on the plume benchmark needs about a quarter fewer Krylov iterations (benchmarks/RESULTS.md).
//
// Why hand-written rather than PETSc's AIJ matrix with PCILU: the structure is known, so the
// operator needs 56 bytes per cell (AIJ: 8 per value and 4 per column index, about 92) and the
// factor 28, stored in single precision as the inverse pivots and the couplings divided by them
// (PCILU: a second AIJ matrix); the loops run on unit-stride arrays without index indirection, and
// each sweep is multiply-adds only (benchmarks/RESULTS.md has the measurements). Used for linear
// species on the 7-point stencil; nonlinear species and the 19-point stencil of the
// cross-dispersion terms keep the assembled AIJ path (TransportSolver).
#include <array>
#include <vector>

#include "terrafate/core/petsc.hpp"
#include "terrafate/grid/grid.hpp"

namespace terrafate {

class StencilOperator {
public:
  /// Stencil points: the cell, then its neighbours at -x, +x, -y, +y, -z, +z.
  enum Point { center, west, east, south, north, down, up };
  static constexpr int kPoints = 7;

  /// Collective over the grid's communicator.
  explicit StencilOperator(const Grid& grid);
  StencilOperator(const StencilOperator&) = delete;
  StencilOperator& operator=(const StencilOperator&) = delete;

  /// Coefficient of point `point` in the equation of each owned cell (x fastest) [as the
  /// equation's units, g/d per mg/L for transport].
  std::vector<double>& coefficients(Point point) { return coefficients_[point]; }
  const std::vector<double>& coefficients(Point point) const { return coefficients_[point]; }
  /// Sets every coefficient to zero.
  void zero();
  /// Makes the equations of the owned cells `rows` (owned positions) identity rows.
  void set_identity_rows(const std::vector<long>& rows);
  /// Computes the pivots of the rank's block: ILU(0) (`relaxation` 0) or relaxed modified
  /// ILU(0), which adds `relaxation` times the fill-in ILU(0) drops back to the pivots (1: row
  /// sums of the factor equal the operator's). NumericalError on a pivot that is not positive
  /// and finite.
  void factor(double relaxation);

  /// The operator as a PETSc matrix (a MATSHELL over these arrays).
  Mat matrix() const { return shell_.get(); }
  /// Makes `pc` apply the DILU preconditioner of this operator (which must outlive the PC's use).
  void set_preconditioner(PC pc);

  /// y = A x (global vectors of the grid's DM). Several ranks: the values of the neighbour
  /// ranks' cells across the block's faces are gathered first (only those, not a ghosted copy of
  /// the whole vector).
  PetscErrorCode multiply(Vec x, Vec y) const noexcept;
  /// z = M^-1 r.
  PetscErrorCode precondition(Vec r, Vec z) const noexcept;

private:
  const Grid& grid_;
  /// The values of the neighbour ranks' cells across the block's faces (several ranks), face
  /// after face (west, east, south, north, down, up), each in rows along its first axis.
  VecHandle halo_;
  PetscHandle<VecScatter, VecScatterDestroy> halo_scatter_; ///< global vector -> halo_
  std::array<long, 6> halo_offset_{}; ///< per face: its first value in halo_, -1: domain boundary
  std::array<long, 3> halo_sizes_{};  ///< per axis: the length of its faces' rows
  std::array<std::vector<double>, kPoints> coefficients_;
  /// The DILU factor per owned cell: at `center` the inverse pivot 1/D, at the neighbours the
  /// couplings divided by the pivot (w/D, e/D, ...), which keep each sweep to multiply-adds. In
  /// single precision: a preconditioner needs no more (GMRES's residual is the operator's, in
  /// double), and the sweeps stream half the bytes.
  std::array<std::vector<float>, kPoints> factor_;
  /// Zeros: a row outside the block (block Jacobi; the domain's boundary, where the coefficients
  /// are zero), as long as the block's longest axis.
  std::vector<double> zero_row_;
  MatHandle shell_;
  /// Makes halo_ and its scatter (nothing on one rank).
  void make_halo();
  /// y[i] for the cells i = first .. last - 1 of one x row (first owned position n0), from the
  /// row's values xr (neighbours along x at i -+ 1) and the rows behind and ahead of it along y
  /// (xs, xn) and z (xd, xu).
  void multiply_row(long n0, int first, int last, const double* xr, const double* xs,
                    const double* xn, const double* xd, const double* xu, double* yr) const;
};

} // namespace terrafate
