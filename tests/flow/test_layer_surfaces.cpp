// grid.top / grid.bottoms (issue 24): per-cell layer elevations from numbers, ESRI ASCII rasters
// and HDF5 datasets, and pinched cells. References: the analytic head of 1-D confined flow in a
// strip whose thickness varies linearly (Q = K w b(x) dh/dx integrated in log form), the flat
// grid (identical heads), hand calculations of series conductances through a pinched cell.
// Runs at 1 and 2 ranks.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <hdf5.h>

#include "flow_test_support.hpp"
#include "terrafate/flow/flow_solver.hpp"
#include "terrafate/run/deck.hpp"
#include "terrafate/run/model.hpp"

namespace terrafate {
namespace {

using flow_test::head_at;
using flow_test::sum_over_ranks;

/// [m3/d] flow through the +axis face of global cell (i, j, k), from its owner.
double face_flow_at(const Grid& grid, const FlowSolver& flow, int axis, int i, int j, int k) {
  const auto flows = flow.face_flows();
  return sum_over_ranks(grid.owns(i, j, k) ? flows[3 * grid.owned_index(i, j, k) + axis] : 0.0);
}

/// A folder shared by all ranks (rank 0's process id), created by rank 0.
std::filesystem::path shared_folder() {
  long pid = static_cast<long>(getpid());
  MPI_Bcast(&pid, 1, MPI_LONG, 0, PETSC_COMM_WORLD);
  const auto folder =
      std::filesystem::temp_directory_path() / fmt::format("terrafate_surfaces_{}", pid);
  std::filesystem::create_directories(folder);
  return folder;
}

bool rank_zero() {
  int rank = 0;
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  return rank == 0;
}

/// Rank 0 writes an ESRI ASCII grid of values(i, j) with pixels of `cell` m from (0, 0): the
/// file's first row is the northmost (largest y).
template <typename Value>
void write_ascii(const std::filesystem::path& path, int nx, int ny, double cell, Value value) {
  if (rank_zero()) {
    std::ofstream out(path);
    out << fmt::format("ncols {}\nnrows {}\nxllcorner 0\nyllcorner 0\ncellsize {}\n", nx, ny, cell);
    for (int row = 0; row < ny; ++row) {
      for (int i = 0; i < nx; ++i)
        out << fmt::format("{:.17g} ", value(i, ny - 1 - row));
      out << "\n";
    }
  }
  MPI_Barrier(PETSC_COMM_WORLD);
}

/// Rank 0 writes an HDF5 dataset of shape [ny, nx] (row j = y index j).
template <typename Value>
void write_hdf5(const std::filesystem::path& path, const std::string& dataset, int nx, int ny,
                Value value) {
  if (rank_zero()) {
    std::vector<double> values(static_cast<std::size_t>(nx) * ny);
    for (int j = 0; j < ny; ++j)
      for (int i = 0; i < nx; ++i)
        values[static_cast<std::size_t>(j) * nx + i] = value(i, j);
    const hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    const hsize_t dims[2] = {static_cast<hsize_t>(ny), static_cast<hsize_t>(nx)};
    const hid_t space = H5Screate_simple(2, dims, nullptr);
    const hid_t data = H5Dcreate2(file, dataset.c_str(), H5T_NATIVE_DOUBLE, space, H5P_DEFAULT,
                                  H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(data, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
    H5Dclose(data);
    H5Sclose(space);
    H5Fclose(file);
  }
  MPI_Barrier(PETSC_COMM_WORLD);
}

/// Strip length [m], end thicknesses [m], K [m/d], width [m], end heads [m].
constexpr double kLength = 1000.0, kB0 = 10.0, kBL = 30.0, kK = 5.0, kH0 = 60.0, kHL = 50.0;

/// Steady heads of the strip with `nx` cells whose top (bottom 0) is the raster `top`.
struct StripResult {
  std::vector<double> heads; ///< [m] per column
  double discharge = 0.0;    ///< [m3/d] through the middle face
  const Grid* grid = nullptr;
};

StripResult solve_strip(const std::string& top, int nx) {
  const double width = kLength / nx;
  const std::string text = fmt::format(R"(
grid:
  size: [{}, {}]
  cells: [{}, 1, 1]
  top: {}
  bottoms: [0]
materials:
  - {{name: aquifer, region: all, hydraulic_conductivity: {}, porosity: 0.3}}
flow:
  type: steady
  boundaries:
    - {{face: xmin, type: head, head: {}}}
    - {{face: xmax, type: head, head: {}}}
)",
                                       kLength, width, nx, top, kK, kH0, kHL);
  const Deck deck = read_deck_text(text, shared_folder() / "strip.yaml");
  const Model model(PETSC_COMM_WORLD, deck);
  FlowSolver flow(model.grid, model.materials, model.flow);
  flow.solve_steady(0.0, 1.0);
  StripResult result;
  for (int i = 0; i < nx; ++i)
    result.heads.push_back(head_at(model.grid, flow.head(), i, 0, 0));
  result.discharge = face_flow_at(model.grid, flow, 0, nx / 2 - 1, 0, 0);
  return result;
}

TEST(LayerSurfaces, LinearlyThickeningStripMatchesTheLogProfile) {
  // b(x) = b0 + (bL - b0) x / L; Q = K w b dh/dx constant gives
  // h(x) = h0 - (h0 - hL) ln(b(x) / b0) / ln(bL / b0), Q = K w (bL - b0)(h0 - hL) / (L ln(bL/b0)).
  const auto folder = shared_folder();
  const double ratio = std::log(kBL / kB0);
  std::vector<double> errors;
  for (const int nx : {25, 50, 100}) {
    const double width = kLength / nx;
    const auto thickness = [&](int i, int) { return kB0 + (kBL - kB0) * (i + 0.5) / nx; };
    const auto raster = folder / fmt::format("top_{}.asc", nx);
    write_ascii(raster, nx, 1, width, thickness);
    const StripResult result = solve_strip(raster.string(), nx);
    double worst = 0.0;
    for (int i = 0; i < nx; ++i) {
      const double x = (i + 0.5) * width;
      const double b = kB0 + (kBL - kB0) * x / kLength;
      const double exact = kH0 - (kH0 - kHL) * std::log(b / kB0) / ratio;
      worst = std::max(worst, std::abs(result.heads[static_cast<std::size_t>(i)] - exact));
    }
    const double q_exact = kK * width * (kBL - kB0) * (kH0 - kHL) / (kLength * ratio);
    const double q_error = std::abs(result.discharge - q_exact) / q_exact;
    PetscPrintf(PETSC_COMM_WORLD,
                "variable-thickness strip nx = %d: max head error %.3e m (%.2e of the drop), "
                "Q %.6f vs %.6f m3/d (rel. %.2e)\n",
                nx, worst, worst / (kH0 - kHL), result.discharge, q_exact, q_error);
    EXPECT_LT(worst / (kH0 - kHL), 2e-3) << "nx = " << nx;
    EXPECT_LT(q_error, 2e-3) << "nx = " << nx;
    errors.push_back(worst);
  }
  // Second order: the error falls by about 4 per halving of the cells.
  for (std::size_t n = 1; n < errors.size(); ++n) {
    const double order = std::log2(errors[n - 1] / errors[n]);
    PetscPrintf(PETSC_COMM_WORLD, "observed order %.3f\n", order);
    EXPECT_GT(order, 1.8);
  }
}

TEST(LayerSurfaces, DupuitUnderAnUnevenTopUsesEachCellsOwnThickness) {
  // Unconfined flow between heads 15 and 10 m on a flat base at 5 m in one layer whose top (a
  // raster) rises from 20 to 40 m along x: every cell has its own thickness, and the water table
  // stays below the top, so the Dupuit solution (h - zb)^2 = (h0 - zb)^2 + ((hL - zb)^2 -
  // (h0 - zb)^2) x / L holds. A saturation taken over the nominal (column-mean, 25 m) thickness
  // instead of the cell's own (15 to 35 m) would scale each cell's transmissivity by 0.6 to 1.4.
  const auto folder = shared_folder();
  const int nx = 100;
  const double length = 1000.0, width = length / nx, base = 5.0, h0 = 15.0, hl = 10.0;
  write_ascii(folder / "uneven_top.asc", nx, 1, width,
              [&](int i, int) { return 20.0 + 20.0 * (i + 0.5) / nx; });
  const std::string text = fmt::format(R"(
grid:
  size: [{}, {}]
  cells: [{}, 1]
  top: uneven_top.asc
  bottoms: [{}]
materials:
  - {{name: aquifer, region: all, hydraulic_conductivity: 5, porosity: 0.3, specific_yield: 0.2}}
flow:
  type: steady
  water_table: true
  boundaries:
    - {{face: xmin, type: head, head: {}}}
    - {{face: xmax, type: head, head: {}}}
)",
                                       length, width, nx, base, h0, hl);
  const Deck deck = read_deck_text(text, folder / "dupuit.yaml");
  const Model model(PETSC_COMM_WORLD, deck);
  FlowSolver flow(model.grid, model.materials, model.flow);
  flow.solve_steady(0.0, 1.0);
  double worst = 0.0;
  for (int i = 0; i < nx; ++i) {
    const double x = (i + 0.5) * width;
    const double exact =
        base + std::sqrt((h0 - base) * (h0 - base) +
                         ((hl - base) * (hl - base) - (h0 - base) * (h0 - base)) * x / length);
    worst = std::max(worst, std::abs(head_at(model.grid, flow.head(), i, 0, 0) - exact));
  }
  PetscPrintf(PETSC_COMM_WORLD,
              "Dupuit under an uneven top (100 cells): max head error %.3e m (%.2e of the drop), "
              "closure %.1e\n",
              worst, worst / (h0 - hl), flow.budget().relative_closure);
  EXPECT_LT(worst / (h0 - hl), 5e-3);
  EXPECT_LT(flow.budget().relative_closure, 1e-8);
}

/// A three-layer deck with wells and two materials; `layers` is either the flat z extent or
/// the surfaces.
std::string three_layer_deck(const std::string& layers) {
  return fmt::format(R"(
grid:
  size: [200, 100{}]
  cells: [20, 10, 3]
{}
materials:
  - {{name: aquifer, region: all, hydraulic_conductivity: 10, porosity: 0.3}}
  - {{name: aquitard, region: {{box: {{min: [0, 0, 10], max: [200, 100, 20]}}}}, hydraulic_conductivity: 0.1, porosity: 0.4}}
flow:
  type: steady
  boundaries:
    - {{face: xmin, type: head, head: 32}}
    - {{face: xmax, type: head, head: 28}}
    - {{face: zmax, type: flux, flux: 0.001}}
  wells:
    - {{name: PW, position: [105, 55], screen: [0, 10], rate: -40}}
)",
                     layers.empty() ? ", 30" : "", layers);
}

TEST(LayerSurfaces, FlatSurfacesGiveTheFlatGridHeads) {
  const Deck flat_deck = read_deck_text(three_layer_deck(""), "flat.yaml");
  const Deck surface_deck =
      read_deck_text(three_layer_deck("  top: 30\n  bottoms: [20, 10, 0]"), "surfaces.yaml");
  const Model flat_model(PETSC_COMM_WORLD, flat_deck);
  const Model surface_model(PETSC_COMM_WORLD, surface_deck);
  ASSERT_TRUE(surface_model.grid.has_surfaces());
  FlowSolver flat(flat_model.grid, flat_model.materials, flat_model.flow);
  FlowSolver surfaces(surface_model.grid, surface_model.materials, surface_model.flow);
  flat.solve_steady(0.0, 1.0);
  surfaces.solve_steady(0.0, 1.0);
  VecHandle difference;
  TF_PETSC_CHECK(VecDuplicate(flat.head(), difference.out()));
  TF_PETSC_CHECK(VecWAXPY(difference, -1.0, flat.head(), surfaces.head()));
  double worst = 0.0;
  TF_PETSC_CHECK(VecNorm(difference, NORM_INFINITY, &worst));
  PetscPrintf(PETSC_COMM_WORLD, "flat deck vs flat surfaces: max head difference %.3e m\n", worst);
  EXPECT_LT(worst, 1e-9);
  // The geometry itself: the same volumes and centres.
  const Grid& a = flat_model.grid;
  const Grid& b = surface_model.grid;
  for (int k = 0; k < 3; ++k) {
    EXPECT_DOUBLE_EQ(a.cell_volume(3, 4, k), b.cell_volume(3, 4, k));
    EXPECT_DOUBLE_EQ(a.cell_center(3, 4, k)[2], b.cell_center(3, 4, k)[2]);
  }
}

TEST(LayerSurfaces, PinchedMiddleLayerConnectsInSeries) {
  // Two columns of 10 m x 10 m, three layers: top 10 m (from 10 to 5 m elevation in column 0,
  // 10 to 6 in column 1), middle pinched in column 0 (5 to 5) and 2 m in column 1 (6 to 4),
  // bottom from there to 0. Kh is tiny next to Kv = 2 m/d (the columns hardly exchange water),
  // head 20 m on the top face and 10 m on the bottom face. Column 0 is the top half-cells of
  // b_t = 5 m and the bottom ones of b_b = 5 m in series (the pinched cell adds nothing):
  // Q = Kv A (20 - 10) / (b_t + b_b), the pinched cell's head h_b + Q (b_b / 2) / (Kv A) where
  // h_b is the bottom cell's.
  const auto folder = shared_folder();
  const auto raster = folder / "middle_bottom.asc";
  write_ascii(raster, 2, 1, 10.0, [](int i, int) { return i == 0 ? 5.0 : 4.0; });
  const auto top_raster = folder / "top_bottom.asc";
  write_ascii(top_raster, 2, 1, 10.0, [](int i, int) { return i == 0 ? 5.0 : 6.0; });
  const std::string text = fmt::format(R"(
grid:
  size: [20, 10]
  cells: [2, 1, 3]
  top: 10
  bottoms: ["{}", "{}", 0]
materials:
  - {{name: aquifer, region: all, hydraulic_conductivity: [1.0e-9, 1.0e-9, 2], porosity: 0.3}}
flow:
  type: steady
  boundaries:
    - {{face: zmax, type: head, head: 20}}
    - {{face: zmin, type: head, head: 10}}
)",
                                       top_raster.string(), raster.string());
  const Deck deck = read_deck_text(text, folder / "pinch.yaml");
  const Model model(PETSC_COMM_WORLD, deck);
  const Grid& grid = model.grid;
  EXPECT_TRUE(grid.pinched(0, 0, 1));
  EXPECT_FALSE(grid.pinched(1, 0, 1));
  EXPECT_EQ(grid.cell_volume(0, 0, 1), 0.0);
  EXPECT_EQ(grid.face_area(0, 0, 0, 1), 0.0);
  FlowSolver flow(model.grid, model.materials, model.flow);
  flow.solve_steady(0.0, 1.0);
  const double kv = 2.0, area = 100.0;
  const double q_hand = kv * area * (20.0 - 10.0) / (5.0 + 5.0);
  const double q_through_pinch = -face_flow_at(grid, flow, 2, 0, 0, 1); // downward
  const double q_into_pinch = -face_flow_at(grid, flow, 2, 0, 0, 0);
  const double h_bottom = head_at(grid, flow.head(), 0, 0, 0);
  const double h_pinch = head_at(grid, flow.head(), 0, 0, 1);
  const double h_pinch_hand = h_bottom + q_hand * 2.5 / (kv * area);
  PetscPrintf(PETSC_COMM_WORLD,
              "pinched column: Q %.10f m3/d (hand %.10f), pinched head %.10f m (hand %.10f), "
              "closure %.2e\n",
              q_through_pinch, q_hand, h_pinch, h_pinch_hand, flow.budget().relative_closure);
  EXPECT_NEAR(q_through_pinch, q_hand, 1e-6 * q_hand);
  EXPECT_NEAR(q_into_pinch, q_hand, 1e-6 * q_hand);
  EXPECT_NEAR(h_pinch, h_pinch_hand, 1e-6);
  EXPECT_NEAR(h_bottom, 10.0 + q_hand * 2.5 / (kv * area), 1e-6);
  // Column 1: three cells of 4, 2 and 4 m in series.
  const double q1_hand = kv * area * 10.0 / (4.0 + 2.0 + 4.0);
  EXPECT_NEAR(-face_flow_at(grid, flow, 2, 1, 0, 1), q1_hand, 1e-6 * q1_hand);
  EXPECT_LT(flow.budget().relative_closure, 1e-10);
  // No water is stored in, and no solute volume offered by, the pinched cell.
  const auto fraction = flow.saturated_fraction();
  if (grid.owns(0, 0, 1))
    EXPECT_EQ(fraction[static_cast<std::size_t>(grid.owned_index(0, 0, 1))], 0.0);
}

TEST(LayerSurfaces, TwoPinchedLayersInARowJoinOverOneMillimetre) {
  // Two columns of 10 m x 10 m, four layers; column 0: 5 m, two layers pinched at 5 m
  // elevation, 5 m; column 1: 4, 1, 1 and 4 m (Kh tiny: the columns hardly exchange water). The
  // two pinched cells are joined over kPinchThickness (1 mm), the documented rule, so column 0
  // conducts through 2.5 + 2.5 + 0.001 + 2.5 + 2.5 m: Q = Kv A (20 - 10) / (10 m + 1 mm).
  const auto folder = shared_folder();
  write_ascii(folder / "b1.asc", 2, 1, 10.0, [](int i, int) { return i == 0 ? 5.0 : 6.0; });
  write_ascii(folder / "b3.asc", 2, 1, 10.0, [](int i, int) { return i == 0 ? 5.0 : 4.0; });
  const std::string text = R"(
grid:
  size: [20, 10]
  cells: [2, 1, 4]
  top: 10
  bottoms: [b1.asc, 5, b3.asc, 0]
materials:
  - {name: aquifer, region: all, hydraulic_conductivity: [1.0e-9, 1.0e-9, 2], porosity: 0.3}
flow:
  type: steady
  boundaries:
    - {face: zmax, type: head, head: 20}
    - {face: zmin, type: head, head: 10}
)";
  const Deck deck = read_deck_text(text, folder / "pinch2.yaml");
  const Model model(PETSC_COMM_WORLD, deck);
  ASSERT_TRUE(model.grid.pinched(0, 0, 1) && model.grid.pinched(0, 0, 2));
  FlowSolver flow(model.grid, model.materials, model.flow);
  flow.solve_steady(0.0, 1.0);
  const double kv = 2.0, area = 100.0;
  const double q_hand = kv * area * 10.0 / (10.0 + kPinchThickness);
  const double q = -face_flow_at(model.grid, flow, 2, 0, 0, 1);
  PetscPrintf(PETSC_COMM_WORLD, "two pinched cells in a row: Q %.10f m3/d (hand %.10f)\n", q,
              q_hand);
  EXPECT_NEAR(q, q_hand, 1e-7 * q_hand);
  EXPECT_LT(flow.budget().relative_closure, 1e-10);
}

TEST(LayerSurfaces, Hdf5AndAsciiSurfacesGiveIdenticalHeads) {
  // A surface with values exact in single precision (GDAL reads ESRI ASCII grids as Float32).
  const auto folder = shared_folder();
  const int nx = 20, ny = 10;
  const auto bottom = [](int i, int j) { return 10.0 + 0.25 * ((i * 3 + j * 5) % 9) - 1.0; };
  write_ascii(folder / "middle.asc", nx, ny, 10.0, bottom);
  write_hdf5(folder / "surfaces.h5", "/middle", nx, ny, bottom);
  const auto solve = [&](const std::string& surface) {
    const Deck deck =
        read_deck_text(three_layer_deck(fmt::format("  top: 30\n  bottoms: [20, {}, 0]", surface)),
                       folder / "deck.yaml");
    const Model model(PETSC_COMM_WORLD, deck);
    auto flow = std::make_unique<FlowSolver>(model.grid, model.materials, model.flow);
    flow->solve_steady(0.0, 1.0);
    VecHandle copy;
    TF_PETSC_CHECK(VecDuplicate(flow->head(), copy.out()));
    TF_PETSC_CHECK(VecCopy(flow->head(), copy));
    return copy;
  };
  const VecHandle from_ascii = solve("middle.asc");
  const VecHandle from_hdf5 = solve("{hdf5: surfaces.h5, dataset: /middle}");
  VecHandle difference;
  TF_PETSC_CHECK(VecDuplicate(from_ascii, difference.out()));
  TF_PETSC_CHECK(VecWAXPY(difference, -1.0, from_ascii, from_hdf5));
  double worst = 0.0, norm = 0.0;
  TF_PETSC_CHECK(VecNorm(difference, NORM_INFINITY, &worst));
  TF_PETSC_CHECK(VecNorm(from_ascii, NORM_INFINITY, &norm));
  PetscPrintf(PETSC_COMM_WORLD, "ESRI ASCII vs HDF5 surfaces: max head difference %.3e m\n", worst);
  EXPECT_EQ(worst, 0.0);
  EXPECT_GT(norm, 20.0);
}

TEST(LayerSurfaces, IncreasingBottomIsAnInputErrorAtItsColumn) {
  const auto folder = shared_folder();
  write_ascii(folder / "rising.asc", 20, 10, 10.0,
              [](int i, int j) { return i == 7 && j == 3 ? 21.0 : 15.0; });
  const std::string text = three_layer_deck("  top: 30\n  bottoms: [20, rising.asc, 0]");
  try {
    const Deck deck = read_deck_text(text, folder / "deck.yaml");
    const Model model(PETSC_COMM_WORLD, deck);
    ADD_FAILURE() << "no error";
  } catch (const InputError& error) {
    const std::string message = error.what();
    EXPECT_EQ(error.key_path(), "grid.bottoms[1]");
    EXPECT_EQ(error.where().line, 6);
    EXPECT_NE(message.find("column (7, 3)"), std::string::npos) << message;
    EXPECT_NE(message.find("site (75, 35)"), std::string::npos) << message;
  }
}

// A polygon boundary's z range picks the layers per column from the column's own elevations.
// Hand reference: top 20 m, bottom 0; the middle surface is 10 m in columns 0-4 (top-layer centre
// 15 m, bottom-layer centre 5 m) and 16 m in columns 5-9 (centres 18 and 8 m). The range
// [12, 17] m holds only the top-layer centres of columns 0-4: five sites, all in layer 1 (the
// column-mean layers, centres 16.5 and 6.5 m, would have put all ten columns' top cells in).
TEST(LayerSurfaces, BoundaryZRangeSelectsLayersPerColumn) {
  const auto folder = shared_folder();
  write_ascii(folder / "middle.asc", 10, 1, 10.0, [](int i, int) { return i < 5 ? 10.0 : 16.0; });
  const std::string text = fmt::format(R"(
grid:
  size: [100, 10]
  cells: [10, 1, 2]
  top: 20
  bottoms: [{}, 0]
materials:
  - {{name: aquifer, region: all, hydraulic_conductivity: 10, porosity: 0.3}}
flow:
  type: steady
  boundaries:
    - {{face: xmin, type: head, head: 12}}
    - {{polygon: [[0, 0], [100, 0], [100, 10], [0, 10]], z: [12, 17], type: flux, flux: 0.001}}
)",
                                       (folder / "middle.asc").string());
  const Deck deck = read_deck_text(text, folder / "zrange.yaml");
  const Model model(PETSC_COMM_WORLD, deck);
  const auto& sites = model.flow.boundaries.at(1).sites;
  ASSERT_EQ(sites.size(), 5u);
  for (std::size_t n = 0; n < sites.size(); ++n) {
    EXPECT_EQ(sites[n].i, static_cast<int>(n));
    EXPECT_EQ(sites[n].k, 1);
    // [m3/d] the flux times the column's plan area, 0.001 m/d x 10 m x 10 m.
    EXPECT_NEAR(sites[n].coefficient, 0.1, 1e-15);
  }
}

} // namespace
} // namespace terrafate
