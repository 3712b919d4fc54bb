// Soil columns on the simulated water table (flow.water_table, issue 24). Two grid columns of
// two 4 m layers (top cells 4-8 m) under a ground surface at 10 m; fixed heads in both top
// cells hold a flat water table at 6.5 m, then (a step series) at 7.5 m. References: the depth
// to water by hand (ground_surface - h: 3.5 m, then 2.5 m, whole numbers of 0.05 m cells); the
// leaching of a slug against the closed-form 1-D solution at 3.5 m (infinite column, retarded
// velocity and dispersion, as in test_soil_surfaces.cpp), its water content from an independent
// bisection of the van Genuchten-Mualem conductivity; after the rise, the mass the water table
// submerges against the closed-form mass below 2.5 m, handed to the aquifer with the leachate
// (soil mass balance closed to 1e-10), and the later leaching at 2.5 m. Runs at 1 and 2 ranks.
#include <cmath>

#include <gtest/gtest.h>

#include "terrafate/core/state_record.hpp"
#include "terrafate/flow/flow_solver.hpp"
#include "terrafate/run/deck.hpp"
#include "terrafate/run/model.hpp"

#include "slug_leaching_reference.hpp"

namespace terrafate {
namespace {

using namespace soil_reference;

constexpr double kGround = 10.0;          // [m] soil.ground_surface
constexpr double kLow = 6.5, kHigh = 7.5; // [m] fixed heads before and after the rise
constexpr double kRise = 1800.0;          // [d] when the heads rise (step series)
constexpr double kSlugMass = 2.0 * 50.0 * 1.6 * (kSlugBottom - kSlugTop) * kArea; // [g] both

const char* const kDeck = R"(title: soil columns on the simulated water table
grid: {size: [20, 10, 8], cells: [2, 1, 2]}
materials:
  - {name: sand, region: all, hydraulic_conductivity: 10, porosity: 0.3, bulk_density: 1.6,
     specific_yield: 0.2}
flow:
  type: steady
  water_table: true
  boundaries:
    - {type: head, name: level, cells: [[0, 0, 1], [1, 0, 1]],
       head: {series: [[0, 6.5], [1800, 7.5]], interpolation: step}}
    - {face: zmax, type: flux, flux: 1 mm/d}
transport:
  species:
    - {name: A, sorption: {type: linear, koc: 100}}
soil:
  ground_surface: 10
  layers:
    - {name: loam, top: 0, bottom: 2, texture: {alpha: 3.6, n: 1.56, theta_r: 0.078,
       theta_s: 0.43, ks: 0.25}, bulk_density: 1.6, foc: 0.005, dispersivity: 0.05}
  zones:
    - {name: slug, footprint: {min: [0, 0], max: [20, 10]}, depth: [0.5, 1.0],
       concentrations: {A: 50}}
  resolution: 0.05
time: {end: 6000, max_step: 10}
)";

/// [m] the depth of the active cells of column (i, 0), from whichever rank holds it.
double depth_of(const SoilColumns& columns, int i) {
  double depth = columns.active_depth(i, 0);
  MPI_Allreduce(MPI_IN_PLACE, &depth, 1, MPI_DOUBLE, MPI_MAX, PETSC_COMM_WORLD);
  return depth;
}

TEST(SoilWaterTable, ColumnsFollowTheSimulatedWaterTable) {
  const Deck deck = read_deck_text(kDeck, "soil_water_table.yaml");
  const Model model(PETSC_COMM_WORLD, deck);
  ASSERT_TRUE(model.soil);
  FlowSolver flow(model.grid, model.materials, model.flow);
  flow.solve_steady(0.0, kRise);
  const auto columns = make_soil(model);
  // Before the flow: the top of the grid (2 m); then the water table at 6.5 m.
  for (int i = 0; i < 2; ++i)
    EXPECT_NEAR(depth_of(*columns, i), kGround - 8.0, 1e-12);
  columns->follow_water_table(flow.saturated_fraction());
  for (int i = 0; i < 2; ++i)
    EXPECT_NEAR(depth_of(*columns, i), kGround - kLow, 1e-12);

  const SlugTransport slug = slug_transport();
  const double velocity = slug.velocity;
  const double dt = 10.0;
  const auto mass = [&] { return columns->balances().front(); };
  const double initial = mass().initial;
  EXPECT_NEAR(initial / kSlugMass, 1.0, 1e-12);

  // Leaching at 3.5 m until the rise, against the closed form.
  double leached = 0.0, worst = 0.0, worst_balance = 0.0;
  double t = 0.0;
  for (; t < kRise - 0.5 * dt; t += dt) {
    columns->advance(t, dt);
    leached += columns->zone_rates()[0] * dt;
    worst =
        std::max(worst, std::abs(leached - slug_passed(kSlugMass, t + dt, kGround - kLow, slug)) /
                            kSlugMass);
  }
  EXPECT_LT(worst, 0.02);
  EXPECT_GT(leached, 0.005 * kSlugMass); // the slug has reached the water table

  // A restart: the columns from a checkpoint, their active cells recomputed from the heads,
  // hold the same mass down to the same depth.
  {
    StateRecord record;
    columns->save_state(record);
    // Rank 0 gathers the columns; every rank reads them back (as from the checkpoint file).
    auto& all = record.values["soil/columns"];
    long count = static_cast<long>(all.size());
    MPI_Bcast(&count, 1, MPI_LONG, 0, PETSC_COMM_WORLD);
    all.resize(static_cast<std::size_t>(count));
    MPI_Bcast(all.data(), static_cast<int>(count), MPI_DOUBLE, 0, PETSC_COMM_WORLD);
    const auto restarted = make_soil(model);
    restarted->load_state(record);
    restarted->follow_water_table(flow.saturated_fraction());
    for (int i = 0; i < 2; ++i)
      EXPECT_NEAR(depth_of(*restarted, i), kGround - kLow, 1e-12);
    EXPECT_EQ(restarted->balances().front().stored, mass().stored);
  }

  // The rise: the cells between 2.5 and 3.5 m are submerged and pass their mass on.
  flow.solve_steady(kRise, 6000.0);
  const double before = mass().stored;
  columns->follow_water_table(flow.saturated_fraction());
  for (int i = 0; i < 2; ++i)
    EXPECT_NEAR(depth_of(*columns, i), kGround - kHigh, 1e-12);
  const double submerged = before - mass().stored;
  const double leached_before = leached;
  const double exact_below = slug_passed(kSlugMass, kRise, kGround - kHigh, slug);
  EXPECT_GT(submerged, 0.1 * kSlugMass);
  EXPECT_NEAR((submerged + leached) / kSlugMass, exact_below / kSlugMass, 0.02);

  // The next step hands the submerged mass to the aquifer with the leachate: the loading of the
  // step is the soil's loss over it (no decay, no gas phase), to round-off.
  columns->advance(t, dt);
  double loading = 0.0;
  for (const double rate : columns->loading_rates().front())
    loading += rate * dt;
  MPI_Allreduce(MPI_IN_PLACE, &loading, 1, MPI_DOUBLE, MPI_SUM, PETSC_COMM_WORLD);
  const double step_leached = columns->zone_rates()[0] * dt;
  EXPECT_NEAR(loading, step_leached, 1e-12 * kSlugMass);
  EXPECT_NEAR(loading, before - mass().stored, 1e-10 * kSlugMass);
  leached += step_leached;
  t += dt;

  // Leaching on at 2.5 m: the leached mass (the submerged mass with it) follows the closed
  // form of the mass past 2.5 m; the soil's balance closes.
  double worst_after = 0.0, half_time = 0.0;
  for (; t < 6000.0 - 0.5 * dt; t += dt) {
    columns->advance(t, dt);
    const double previous = leached;
    leached += columns->zone_rates()[0] * dt;
    worst_after = std::max(
        worst_after,
        std::abs(leached - slug_passed(kSlugMass, t + dt, kGround - kHigh, slug)) / kSlugMass);
    if (previous < 0.5 * kSlugMass && leached >= 0.5 * kSlugMass)
      half_time = t + (0.5 * kSlugMass - previous) / (leached - previous) * dt;
    const auto balance = mass();
    worst_balance = std::max(
        worst_balance, std::abs(balance.stored + balance.leached - balance.initial) / initial);
  }
  EXPECT_LT(worst_after, 0.02);
  EXPECT_LT(worst_balance, 1e-10);
  EXPECT_NEAR(mass().leached, leached, 1e-10 * kSlugMass);
  const double half_high = (kGround - kHigh - 0.5 * (kSlugTop + kSlugBottom)) / velocity;
  PetscPrintf(PETSC_COMM_WORLD,
              "soil on the water table: leached within %.2e (at 3.5 m) and %.2e (at 2.5 m) of the "
              "slug mass; submerged %.2f g + leached %.2f g vs %.2f g past 2.5 m by the closed "
              "form; half leached at %.1f d (closed form at 2.5 m %.1f d); balance %.1e\n",
              worst, worst_after, submerged, leached_before, exact_below, half_time, half_high,
              worst_balance);
  if (half_high > kRise) EXPECT_NEAR(half_time, half_high, 0.02 * half_high);
}

} // namespace
} // namespace terrafate
