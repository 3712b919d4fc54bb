// Google Benchmark micro-benchmarks of the transport solver's hot kernels on the plume grids
// (argument 1: 200 x 100 x 10 cells; 2: refined twice along each axis, 400 x 200 x 20): the
// 7-point operator applied matrix-free (StencilOperator) and as PETSc's AIJ matrix, and their
// ILU(0) preconditioners (DILU on the coefficient arrays; PCILU on the AIJ matrix). Bytes are the
// arrays each call must stream from memory at least once, so bytes_per_second is the achieved
// bandwidth. Its bound is `triad` (STREAM's a = b + s c, 24 bytes per element, write-allocate
// not counted, as for the kernels) over as many bytes as the mat-vec streams on that grid (three
// arrays of three elements per cell: 72 bytes per cell), measured in the same run: a machine's
// bandwidth is not a constant to quote (a VM's drifts by 1.5x from hour to hour), and the
// smaller grid's arrays partly stay in a large last-level cache, as the kernels' do.
// Run: build/bin/bench_stencil_kernels (one rank; PETSc options after "--").
#include <array>
#include <memory>
#include <vector>

#include <benchmark/benchmark.h>

#include <petscksp.h>

#include "terrafate/core/petsc.hpp"
#include "terrafate/grid/grid.hpp"
#include "terrafate/transport/stencil_operator.hpp"

namespace {
using terrafate::StencilOperator;

/// The plume benchmark's grid, 500 x 250 x 20 m in 200 x 100 x 10 cells, each axis refined
/// `refinement` times.
terrafate::GridSpec plume_grid_spec(int refinement) {
  terrafate::GridSpec spec;
  spec.widths = {std::vector<double>(200 * refinement, 2.5 / refinement),
                 std::vector<double>(100 * refinement, 2.5 / refinement),
                 std::vector<double>(10 * refinement, 2.0 / refinement)};
  return spec;
}

/// An advection-dispersion operator like the plume's: upwind flow along +x, dispersion on
/// every face, storage on the diagonal (an M-matrix; coefficients [m3/d]).
struct PlumeOperator {
  terrafate::Grid grid;
  StencilOperator stencil{grid};
  terrafate::MatHandle aij;
  terrafate::VecHandle x, y;

  explicit PlumeOperator(int refinement) : grid(PETSC_COMM_WORLD, plume_grid_spec(refinement)) {
    const int nx = grid.cells(0), ny = grid.cells(1), nz = grid.cells(2);
    const double flow = 0.94, dispersion[3] = {2.1, 0.4, 0.16}, storage = 41.0;
    TF_PETSC_CHECK(DMCreateMatrix(grid.dm(), aij.out()));
    for (int k = 0; k < nz; ++k)
      for (int j = 0; j < ny; ++j)
        for (int i = 0; i < nx; ++i) {
          const long n = grid.owned_index(i, j, k);
          const int index[3] = {i, j, k}, size[3] = {nx, ny, nz};
          double diagonal = storage;
          MatStencil row{k, j, i, 0}, columns[7];
          PetscScalar values[7];
          int count = 1;
          for (int axis = 0; axis < 3; ++axis)
            for (int side = 0; side < 2; ++side) {
              if ((side == 0 && index[axis] == 0) || (side == 1 && index[axis] + 1 == size[axis]))
                continue;
              double off = -dispersion[axis];
              diagonal += dispersion[axis];
              if (axis == 0 && side == 1) diagonal += flow; // outflow at the cell's value
              if (axis == 0 && side == 0) off -= flow;      // inflow from upstream
              const auto point = static_cast<StencilOperator::Point>(1 + 2 * axis + side);
              stencil.coefficients(point)[static_cast<std::size_t>(n)] = off;
              columns[count] = row;
              (axis == 0   ? columns[count].i
               : axis == 1 ? columns[count].j
                           : columns[count].k) += side == 0 ? -1 : 1;
              values[count++] = off;
            }
          stencil.coefficients(StencilOperator::center)[static_cast<std::size_t>(n)] = diagonal;
          columns[0] = row;
          values[0] = diagonal;
          TF_PETSC_CHECK(MatSetValuesStencil(aij, 1, &row, count, columns, values, INSERT_VALUES));
        }
    TF_PETSC_CHECK(MatAssemblyBegin(aij, MAT_FINAL_ASSEMBLY));
    TF_PETSC_CHECK(MatAssemblyEnd(aij, MAT_FINAL_ASSEMBLY));
    stencil.factor(0.0); // ILU(0), as PCILU (the relaxation changes the values, not the cost)
    TF_PETSC_CHECK(DMCreateGlobalVector(grid.dm(), x.out()));
    TF_PETSC_CHECK(VecDuplicate(x, y.out()));
    TF_PETSC_CHECK(VecSet(x, 1.0));
  }
};

/// Per refinement (1, 2): the operators, made in main inside the PETSc session.
std::array<std::unique_ptr<PlumeOperator>, 3> the_operators;

PlumeOperator& plume_operator(const benchmark::State& state) {
  return *the_operators.at(static_cast<std::size_t>(state.range(0)));
}

/// Cells of the grid of refinement `state.range(0)`.
double cells(const benchmark::State& state) {
  const auto refinement = static_cast<double>(state.range(0));
  return 200.0 * 100.0 * 10.0 * refinement * refinement * refinement;
}

void triad(benchmark::State& state) {
  const auto count = static_cast<std::size_t>(3 * cells(state));
  std::vector<double> a(count, 0.0), b(count, 1.0), c(count, 2.0);
  const double scalar = 3.0;
  for (auto _ : state) {
    for (std::size_t n = 0; n < count; ++n)
      a[n] = b[n] + scalar * c[n];
    benchmark::DoNotOptimize(a.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * 3 * cells(state) * 24));
}
BENCHMARK(triad)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);

void stencil_multiply(benchmark::State& state) {
  auto& op = plume_operator(state);
  for (auto _ : state)
    TF_PETSC_CHECK(op.stencil.multiply(op.x, op.y));
  // 7 coefficients, x and y.
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * cells(state) * 9 * 8));
}
BENCHMARK(stencil_multiply)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);

void aij_multiply(benchmark::State& state) {
  auto& op = plume_operator(state);
  for (auto _ : state)
    TF_PETSC_CHECK(MatMult(op.aij, op.x, op.y));
  // AIJ: 7 values (8 B) and column indices (4 B) per row, row pointer, x and y.
  state.SetBytesProcessed(
      static_cast<int64_t>(state.iterations() * cells(state) * (7 * 12 + 4 + 16)));
}
BENCHMARK(aij_multiply)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);

void stencil_dilu(benchmark::State& state) {
  auto& op = plume_operator(state);
  for (auto _ : state)
    TF_PETSC_CHECK(op.stencil.precondition(op.x, op.y));
  // Forward: r, z written (8 B each) and 1/D, s/D, d/D, w/D (4 B each, single precision);
  // backward: z read and written, n/D, u/D, e/D.
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * cells(state) * (32 + 28)));
}
BENCHMARK(stencil_dilu)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);

void aij_ilu0(benchmark::State& state) {
  auto& op = plume_operator(state);
  terrafate::PetscHandle<PC, PCDestroy> pc;
  TF_PETSC_CHECK(PCCreate(PETSC_COMM_WORLD, pc.out()));
  TF_PETSC_CHECK(PCSetType(pc, PCILU));
  TF_PETSC_CHECK(PCSetOperators(pc, op.aij, op.aij));
  TF_PETSC_CHECK(PCSetUp(pc));
  for (auto _ : state)
    TF_PETSC_CHECK(PCApply(pc, op.x, op.y));
  // The factor: 7 values and indices per row and the row pointers, r and z.
  state.SetBytesProcessed(
      static_cast<int64_t>(state.iterations() * cells(state) * (7 * 12 + 8 + 16)));
}
BENCHMARK(aij_ilu0)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);
} // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  const terrafate::PetscSession session({argv[0]});
  for (const int refinement : {1, 2})
    the_operators.at(static_cast<std::size_t>(refinement)) =
        std::make_unique<PlumeOperator>(refinement);
  benchmark::RunSpecifiedBenchmarks();
  the_operators = {};
  benchmark::Shutdown();
  return 0;
}
