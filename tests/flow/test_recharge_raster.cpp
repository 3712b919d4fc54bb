// Recharge from a raster (`{type: flux, raster: file}`): a two-zone ESRI ASCII grid gives the
// same heads as the same two zones given as polygons, and a uniform raster on a confined strip
// between two fixed-head cells gives the analytic mound
// h = h0 + (hL - h0) s / L + W / (2 T) s (L - s) (s from the first fixed centre). Runs at 1 and
// 2 ranks.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "flow_test_support.hpp"
#include "terrafate/flow/flow_solver.hpp"
#include "terrafate/run/deck.hpp"
#include "terrafate/run/simulation.hpp"

namespace terrafate {
namespace {

using flow_test::head_at;
using flow_test::net_inflow;

/// A folder shared by all ranks (rank 0's process id), created by rank 0.
std::filesystem::path shared_folder(const std::string& stem) {
  long pid = static_cast<long>(getpid());
  MPI_Bcast(&pid, 1, MPI_LONG, 0, PETSC_COMM_WORLD);
  const auto folder =
      std::filesystem::temp_directory_path() / fmt::format("terrafate_{}_{}", stem, pid);
  int rank = 0;
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  if (rank == 0) std::filesystem::create_directories(folder);
  MPI_Barrier(PETSC_COMM_WORLD);
  return folder;
}

/// Rank 0 removes `folder` once every rank is done with it.
void remove_folder(const std::filesystem::path& folder) {
  MPI_Barrier(PETSC_COMM_WORLD);
  int rank = 0;
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  if (rank == 0) std::filesystem::remove_all(folder);
}

/// Rank 0 writes an ESRI ASCII grid with 10 m pixels from (0, 0), value(column, row) (row 0 the
/// northern one); every rank returns once it exists.
template <typename Value>
void write_ascii_grid(const std::filesystem::path& path, int columns, int rows, Value value) {
  int rank = 0;
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  if (rank == 0) {
    std::ofstream out(path);
    out << fmt::format("ncols {}\nnrows {}\nxllcorner 0\nyllcorner 0\ncellsize 10\n"
                       "NODATA_value -9999\n",
                       columns, rows);
    for (int row = 0; row < rows; ++row) {
      for (int column = 0; column < columns; ++column)
        out << fmt::format("{} ", value(column, row));
      out << '\n';
    }
  }
  MPI_Barrier(PETSC_COMM_WORLD);
}

TEST(RechargeRaster, TwoZoneRasterGivesTheHeadsOfTheSameZonesAsPolygons) {
  // 20 x 10 cells of 10 m between heads 10 m (xmin) and 8 m (xmax); recharge 2^-9 m/d west of
  // x = 100 m and 2^-11 m/d east of it (binary fractions: GDAL reads an ASCII grid as 32-bit
  // floats), once as a raster, once as two polygons.
  const auto folder = shared_folder("recharge_zones");
  write_ascii_grid(folder / "zones.asc", 20, 10,
                   [](int column, int) { return column < 10 ? 0.001953125 : 0.00048828125; });
  const std::string base = R"(
grid: {size: [200, 100, 10], cells: [20, 10, 1]}
materials:
  - {name: aquifer, region: all, hydraulic_conductivity: 5, porosity: 0.3}
flow:
  type: steady
  boundaries:
    - {face: xmin, type: head, head: 10}
    - {face: xmax, type: head, head: 8}
)";
  const std::string raster = base + "    - {type: flux, name: zones, raster: zones.asc}\n";
  const std::string polygons =
      base +
      "    - {type: flux, polygon: [[0, 0], [100, 0], [100, 100], [0, 100]], flux: 0.001953125}\n"
      "    - {type: flux, polygon: [[100, 0], [200, 0], [200, 100], [100, 100]], "
      "flux: 0.00048828125}\n";
  const Deck raster_deck = read_deck_text(raster, folder / "raster.yaml");
  const Deck polygon_deck = read_deck_text(polygons, folder / "polygons.yaml");
  const Model raster_model(PETSC_COMM_WORLD, raster_deck);
  const Model polygon_model(PETSC_COMM_WORLD, polygon_deck);
  FlowSolver from_raster(raster_model.grid, raster_model.materials, raster_model.flow);
  FlowSolver from_polygons(polygon_model.grid, polygon_model.materials, polygon_model.flow);
  from_raster.solve_steady(0.0, 0.0);
  from_polygons.solve_steady(0.0, 0.0);
  double difference = 0.0, mound = 0.0;
  for (int j = 0; j < 10; ++j)
    for (int i = 0; i < 20; ++i) {
      const double a = head_at(raster_model.grid, from_raster.head(), i, j, 0);
      const double b = head_at(polygon_model.grid, from_polygons.head(), i, j, 0);
      difference = std::max(difference, std::abs(a - b));
      mound = std::max(mound, a - (10.0 - 2.0 * (10.0 * i + 5.0) / 200.0));
    }
  EXPECT_LT(difference, 1e-10);
  EXPECT_GT(mound, 0.1); // the recharge raises the heads (it was read)
  const double recharge = net_inflow(from_raster.budget(), "flux:zones");
  EXPECT_NEAR(recharge, (0.001953125 + 0.00048828125) * 100.0 * 100.0, 1e-9);
  EXPECT_LT(from_raster.budget().relative_closure, 1e-10);
  PetscPrintf(PETSC_COMM_WORLD,
              "recharge raster vs polygons: max head difference %.1e m, mound %.4f m, recharge "
              "%.6f m3/d\n",
              difference, mound, recharge);
  remove_folder(folder);
}

TEST(RechargeRaster, UniformRasterOnAConfinedStripGivesTheAnalyticMound) {
  // 50 cells of 2 m, 1 m wide, 10 m thick, K = 5 m/d (T = 50 m2/d); heads 10 m and 8 m fixed in
  // the first and last cells (centres 98 m apart); W = 2^-7 m/d from a uniform raster.
  const auto folder = shared_folder("recharge_mound");
  write_ascii_grid(folder / "uniform.asc", 10, 1, [](int, int) { return 0.0078125; });
  const std::string text = R"(
grid: {size: [100, 1, 10], cells: [50, 1, 1]}
materials:
  - {name: aquifer, region: all, hydraulic_conductivity: 5, porosity: 0.3}
flow:
  type: steady
  boundaries:
    - {type: head, cells: [[0, 0, 0]], head: 10}
    - {type: head, cells: [[49, 0, 0]], head: 8}
    - {type: flux, raster: uniform.asc}
)";
  const Deck deck = read_deck_text(text, folder / "mound.yaml");
  const Model model(PETSC_COMM_WORLD, deck);
  FlowSolver flow(model.grid, model.materials, model.flow);
  flow.solve_steady(0.0, 0.0);
  const double length = 98.0, transmissivity = 50.0, recharge = 0.0078125;
  double worst = 0.0;
  for (int i = 0; i < 50; ++i) {
    const double s = 2.0 * i; // from the first centre
    const double exact =
        10.0 + (8.0 - 10.0) * s / length + recharge / (2.0 * transmissivity) * s * (length - s);
    worst = std::max(worst, std::abs(head_at(model.grid, flow.head(), i, 0, 0) - exact));
  }
  EXPECT_LT(worst, 1e-9);
  EXPECT_LT(flow.budget().relative_closure, 1e-10);
  PetscPrintf(PETSC_COMM_WORLD,
              "recharge raster mound: max head error %.1e m (mound W L^2 / 8T = %.4f m), closure "
              "%.1e\n",
              worst, recharge * length * length / (8.0 * transmissivity),
              flow.budget().relative_closure);
  remove_folder(folder);
}

} // namespace
} // namespace terrafate
