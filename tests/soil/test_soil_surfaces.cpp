// Soil columns on layer surfaces (grid.top / grid.bottoms, issue 24): each column reaches from
// the ground surface down to the top of its own grid column's uppermost active cell, not to the
// highest top of the grid. Two grid columns whose tops (an ESRI ASCII raster) lie at 5 and 7 m
// under a ground surface at 10 m: depths to water 5 and 3 m (by hand). References: those depths
// and the cells they give at a 0.05 m resolution; the leaching of a slug in each column against
// the closed-form 1-D solution (infinite column, retarded velocity and dispersion; the same as
// tests/soil/soil_analytic.py), its water content from an independent bisection of the
// van Genuchten-Mualem conductivity. Runs at 1 and 2 ranks.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "terrafate/run/deck.hpp"
#include "terrafate/run/model.hpp"

#include "slug_leaching_reference.hpp"

namespace terrafate {
namespace {

using namespace soil_reference;

constexpr double kGround = 10.0;        // [m] soil.ground_surface
constexpr double kTops[2] = {5.0, 7.0}; // [m] grid.top of the two columns
constexpr double kSlugMass = 50.0 * 1.6 * (kSlugBottom - kSlugTop) * kArea; // [g]

/// The deck folder, shared by the ranks (rank 0's process id); rank 0 writes the top raster.
std::filesystem::path write_inputs() {
  long pid = static_cast<long>(getpid());
  MPI_Bcast(&pid, 1, MPI_LONG, 0, PETSC_COMM_WORLD);
  const auto folder =
      std::filesystem::temp_directory_path() / fmt::format("terrafate_soil_surfaces_{}", pid);
  int rank = 0;
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  if (rank == 0) {
    std::filesystem::create_directories(folder);
    std::ofstream(folder / "top.asc") << fmt::format(
        "ncols 2\nnrows 1\nxllcorner 0\nyllcorner 0\ncellsize 10\n{} {}\n", kTops[0], kTops[1]);
  }
  MPI_Barrier(PETSC_COMM_WORLD);
  return folder;
}

const char* const kDeck = R"(title: soil columns on their own tops
grid:
  size: [20, 10]
  cells: [2, 1]
  top: top.asc
  bottoms: [2, 0]
materials:
  - {name: sand, region: all, hydraulic_conductivity: 10, porosity: 0.3, bulk_density: 1.6}
flow:
  type: steady
  boundaries:
    - {face: xmin, type: head, head: 4}
    - {face: zmax, type: flux, flux: 1 mm/d}
transport:
  species:
    - {name: A, sorption: {type: linear, koc: 100}}
soil:
  ground_surface: 10
  layers:
    - {name: loam, top: 0, bottom: 5, texture: {alpha: 3.6, n: 1.56, theta_r: 0.078,
       theta_s: 0.43, ks: 0.25}, bulk_density: 1.6, foc: 0.005, dispersivity: 0.05}
  zones:
    - {name: west, footprint: {min: [0, 0], max: [10, 10]}, depth: [0.5, 1.0],
       concentrations: {A: 50}}
    - {name: east, footprint: {min: [10, 0], max: [20, 10]}, depth: [0.5, 1.0],
       concentrations: {A: 50}}
  resolution: 0.05
time: {end: 16000, max_step: 10}
)";

TEST(SoilSurfaces, EachColumnReachesItsOwnTop) {
  const auto folder = write_inputs();
  const Deck deck = read_deck_text(kDeck, folder / "deck.yaml");
  const Model model(PETSC_COMM_WORLD, deck);
  ASSERT_TRUE(model.soil);
  const SoilSpec& soil = *model.soil;
  for (int i = 0; i < 2; ++i) {
    const auto& column = soil.column(i, 0);
    const double depth = kGround - kTops[i]; // 5 and 3 m by hand
    EXPECT_EQ(column.top_layer, 1);
    EXPECT_DOUBLE_EQ(column.water_table, kTops[i]);
    EXPECT_DOUBLE_EQ(column.depth, depth);
    EXPECT_EQ(column.cells, static_cast<int>(std::lround(depth / 0.05))); // 100 and 60
    EXPECT_NEAR(column.cell_size, 0.05, 1e-15);
  }
  EXPECT_DOUBLE_EQ(soil.water_table, 7.0); // the highest
  EXPECT_DOUBLE_EQ(soil.depth(), 3.0);     // the shallowest column's

  // Leaching of the two slugs: each zone's cumulative leached mass against the closed form at
  // its own column's depth to water.
  const auto columns = make_soil(model);
  const SlugTransport slug = slug_transport();
  const double velocity = slug.velocity;
  const double dt = 10.0;
  double leached[2] = {0.0, 0.0}, worst[2] = {0.0, 0.0}, half_time[2] = {0.0, 0.0};
  for (int step = 0; step < 1600; ++step) {
    const double t = step * dt;
    columns->advance(t, dt);
    const auto rates = columns->zone_rates(); // (zone * species + s) * 2: leached, volatilized
    for (int z = 0; z < 2; ++z) {
      const double before = leached[z];
      leached[z] += rates[static_cast<std::size_t>(z) * 2] * dt;
      const double exact = slug_passed(kSlugMass, t + dt, kGround - kTops[z], slug);
      worst[z] = std::max(worst[z], std::abs(leached[z] - exact) / kSlugMass);
      if (before < 0.5 * kSlugMass && leached[z] >= 0.5 * kSlugMass)
        half_time[z] = t + (0.5 * kSlugMass - before) / (leached[z] - before) * dt;
    }
  }
  for (int z = 0; z < 2; ++z) {
    const double exact_half = (kGround - kTops[z] - 0.5 * (kSlugTop + kSlugBottom)) / velocity;
    PetscPrintf(PETSC_COMM_WORLD,
                "column %d (depth to water %.1f m): cumulative leached within %.2e of the slug "
                "mass; half leached at %.1f d (closed form %.1f d); %.3f of %.1f g leached\n",
                z, kGround - kTops[z], worst[z], half_time[z], exact_half, leached[z], kSlugMass);
    EXPECT_LT(worst[z], 0.02) << "column " << z;
    EXPECT_NEAR(half_time[z], exact_half, 0.02 * exact_half) << "column " << z;
  }
  // The two columns' half-leaching times differ by the 2 m difference of their depths to water
  // over the retarded velocity.
  EXPECT_NEAR(half_time[0] - half_time[1], 2.0 / velocity, 0.02 * 2.0 / velocity);
}

} // namespace
} // namespace terrafate
