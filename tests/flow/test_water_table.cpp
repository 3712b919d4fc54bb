// Water-table (unconfined) flow, solved by Newton's method: 1-D Dupuit flow with recharge
// against the analytic parabola in h^2, and a water table falling through a layer bottom under a
// pumping well switched on and off. Runs at 1 and 2 ranks; each rank checks the cells it owns.
#include <cmath>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "terrafate/flow/flow_solver.hpp"
#include "terrafate/run/deck.hpp"
#include "terrafate/run/simulation.hpp"
#include "terrafate/transport/transport_solver.hpp"

namespace terrafate {
namespace {

double max_over_ranks(double value) {
  MPI_Allreduce(MPI_IN_PLACE, &value, 1, MPI_DOUBLE, MPI_MAX, PETSC_COMM_WORLD);
  return value;
}
double min_over_ranks(double value) {
  MPI_Allreduce(MPI_IN_PLACE, &value, 1, MPI_DOUBLE, MPI_MIN, PETSC_COMM_WORLD);
  return value;
}

template <typename F> void for_owned_heads(const Grid& grid, Vec head, F&& visit) {
  DmdaArrayRead<const PetscScalar***> h(grid.dm(), head);
  for (int k = grid.owned_begin(2); k < grid.owned_end(2); ++k)
    for (int j = grid.owned_begin(1); j < grid.owned_end(1); ++j)
      for (int i = grid.owned_begin(0); i < grid.owned_end(0); ++i)
        visit(i, j, k, h.get()[k][j][i]);
}

struct DupuitResult {
  double error = 0.0;   ///< [m] max |h - analytic| over the cell centres
  double closure = 0.0; ///< budget closure
  int newton = 0;       ///< Newton iterations
};

/// Unconfined flow between fixed heads 10 m (x = 0) and 5 m (x = 1000 m) on a flat base at 0 m,
/// K = 50 m/d, recharge W = 0.5 mm/d; the cell top (20 m) stays above the water table.
/// `by_material`: the material is convertible (materials[].convertible) instead of
/// flow.water_table.
DupuitResult dupuit(int cells, const char* weighting, bool by_material) {
  const std::string text = fmt::format(R"(
grid: {{size: [1000, 10, 20], cells: [{}, 1, 1]}}
materials:
  - {{name: aquifer, region: all, hydraulic_conductivity: 50, porosity: 0.3{}}}
flow:
  type: steady
  water_table: {}
  saturation_weighting: {}
  boundaries:
    - {{face: xmin, type: head, head: 10}}
    - {{face: xmax, type: head, head: 5}}
    - {{face: zmax, type: flux, flux: "0.5 mm/d"}}
)",
                                       cells, by_material ? ", convertible: true" : "",
                                       by_material ? "false" : "true", weighting);
  const Deck deck = read_deck_text(text, "dupuit.yaml");
  const Model model(PETSC_COMM_WORLD, deck);
  FlowSolver flow(model.grid, model.materials, model.flow);
  EXPECT_TRUE(flow.unconfined());
  flow.solve_steady(0.0, 0.0);
  const double length = 1000.0, conductivity = 50.0, recharge = 5.0e-4, h0 = 10.0, hl = 5.0;
  DupuitResult result;
  const auto thickness = flow.saturated_thickness();
  double thickness_error = 0.0;
  for_owned_heads(model.grid, flow.head(), [&](int i, int j, int k, double h) {
    const double x = model.grid.center(0, i);
    const double exact = std::sqrt(h0 * h0 + (hl * hl - h0 * h0) * x / length +
                                   recharge / conductivity * x * (length - x));
    result.error = std::max(result.error, std::abs(h - exact));
    // Saturated thickness above the base at 0 m is the head.
    thickness_error = std::max(
        thickness_error,
        std::abs(thickness[static_cast<std::size_t>(model.grid.owned_index(i, j, k))] - h));
  });
  EXPECT_LT(max_over_ranks(thickness_error), 1e-12);
  result.error = max_over_ranks(result.error);
  result.closure = flow.budget().relative_closure;
  result.newton = flow.stats().newton_iterations;
  return result;
}

TEST(WaterTable, DupuitWithRechargeIsSecondOrder) {
  const DupuitResult coarse = dupuit(50, "mean", false);
  const DupuitResult medium = dupuit(100, "mean", false);
  const DupuitResult fine = dupuit(200, "mean", false);
  const double drop = 5.0;
  EXPECT_LT(medium.error, 0.005 * drop) << "100 cells";
  for (const auto& r : {coarse, medium, fine})
    EXPECT_LT(r.closure, 1e-10);
  const double order_1 = std::log2(coarse.error / medium.error);
  const double order_2 = std::log2(medium.error / fine.error);
  EXPECT_NEAR(order_1, 2.0, 0.15);
  EXPECT_NEAR(order_2, 2.0, 0.15);
  PetscPrintf(PETSC_COMM_WORLD,
              "Dupuit (mean weighting): max error %.3e / %.3e / %.3e m on 50/100/200 cells "
              "(%.4f %% of the drop at 100), orders %.3f %.3f, Newton iterations %d %d %d, "
              "closure %.1e\n",
              coarse.error, medium.error, fine.error, 100.0 * medium.error / drop, order_1, order_2,
              coarse.newton, medium.newton, fine.newton, medium.closure);
}

TEST(WaterTable, DupuitUpstreamWeightingIsFirstOrder) {
  // MODFLOW 6's upstream-weighted saturation: first order in the cell size, as expected of an
  // upwind transmissivity (the error halves with the cell size).
  const DupuitResult coarse = dupuit(50, "upstream", true);
  const DupuitResult medium = dupuit(100, "upstream", true);
  const DupuitResult fine = dupuit(200, "upstream", true);
  const double drop = 5.0;
  EXPECT_LT(medium.error, 0.005 * drop) << "100 cells";
  for (const auto& r : {coarse, medium, fine})
    EXPECT_LT(r.closure, 1e-10);
  const double order_1 = std::log2(coarse.error / medium.error);
  const double order_2 = std::log2(medium.error / fine.error);
  EXPECT_NEAR(order_1, 1.0, 0.3);
  EXPECT_NEAR(order_2, 1.0, 0.3);
  PetscPrintf(PETSC_COMM_WORLD,
              "Dupuit (upstream weighting): max error %.3e / %.3e / %.3e m on 50/100/200 cells "
              "(%.4f %% of the drop at 100), orders %.3f %.3f, Newton iterations %d %d %d\n",
              coarse.error, medium.error, fine.error, 100.0 * medium.error / drop, order_1, order_2,
              coarse.newton, medium.newton, fine.newton);
}

TEST(WaterTable, TracerTravelsAtTheDupuitVelocity) {
  // Steady Dupuit flow between h0 = 10 m and hL = 5 m over L = 1000 m (K = 10 m/d, layer 0-20 m,
  // n = 0.3): discharge per width q = K (h0^2 - hL^2) / (2 L), h(x)^2 = h0^2 - (h0^2 - hL^2) x / L.
  // Water of 1 mg/L enters at x = 0; the solute front (c = 0.5) reaches x at the advective travel
  // time t(x) = (n / q) int_0^x h dx = (n / q) (2 L / (3 (h0^2 - hL^2))) (h0^3 - h(x)^3), since
  // the solute fills only the saturated thickness h (the whole 20 m layer would give 2.2 times
  // longer). The mass balance must close.
  const std::string text = R"(
grid: {size: [1000, 10, 20], cells: [200, 1, 1]}
materials:
  - {name: aquifer, region: all, hydraulic_conductivity: 10, porosity: 0.3, dispersivity: [0, 0, 0]}
flow:
  type: steady
  water_table: true
  boundaries:
    - {face: xmin, type: head, head: 10}
    - {face: xmax, type: head, head: 5}
transport:
  advection: tvd
  species:
    - {name: T}
  boundaries:
    - {face: xmin, species: T, concentration: 1}
time: {end: 5000, max_step: 5}
)";
  const Deck deck = read_deck_text(text, "dupuit_tracer.yaml");
  const Model model(PETSC_COMM_WORLD, deck);
  FlowSolver flow(model.grid, model.materials, model.flow);
  flow.solve_steady(0.0, 0.0);
  TransportSolver transport(model.grid, model.materials, model.flow, *model.transport);
  transport.set_flow(flow, 0.0, 5000.0);
  const double h0 = 10.0, hl = 5.0, length = 1000.0, porosity = 0.3, conductivity = 10.0;
  const double q = conductivity * (h0 * h0 - hl * hl) / (2.0 * length);
  const int cell = 99; // centre x = 497.5 m
  const double x = 497.5, h = std::sqrt(h0 * h0 - (h0 * h0 - hl * hl) * x / length);
  const double expected =
      porosity / q * 2.0 * length / (3.0 * (h0 * h0 - hl * hl)) * (h0 * h0 * h0 - h * h * h);
  const double dt = 5.0;
  double t = 0.0, previous = 0.0, arrival = -1.0, closure = 0.0;
  while (t < 5000.0 - 1e-9 && arrival < 0.0) {
    transport.advance(t, dt);
    t += dt;
    closure = std::max(closure, transport.balances()[0].relative_closure());
    double value = 0.0;
    if (model.grid.owns(cell, 0, 0)) {
      DmdaArrayRead<const PetscScalar***> c(model.grid.dm(), transport.concentration(0));
      value = c.get()[0][0][cell];
    }
    MPI_Allreduce(MPI_IN_PLACE, &value, 1, MPI_DOUBLE, MPI_SUM, PETSC_COMM_WORLD);
    if (value >= 0.5) arrival = t - dt + dt * (0.5 - previous) / (value - previous);
    previous = value;
  }
  ASSERT_GT(arrival, 0.0) << "the front never arrived";
  EXPECT_NEAR(arrival, expected, 0.02 * expected);
  EXPECT_LT(closure, 1e-8);
  PetscPrintf(PETSC_COMM_WORLD,
              "Dupuit tracer: front at x = %.1f m after %.1f d, analytic %.1f d (rel. %.4f), "
              "closure %.2e\n",
              x, arrival, expected, std::abs(arrival - expected) / expected, closure);
}

TEST(WaterTable, WellDriesAndRewetsTheUpperLayer) {
  // Two layers (0-5 m, 5-10 m), all convertible, water table at 6 m held on the four sides. A
  // well screened in the lower layer pumps 300 m3/d for 10 d and stops: the upper layer dries
  // around it and rewets. Every step must converge and close the budget; after 400 d the heads
  // are back at the static 6 m (the exact steady state without the well).
  // Closure: |in - out| / mean(in, out) while pumping, |in - out| / 300 m3/d after.
  for (const char* weighting : {"mean", "upstream"}) {
    const std::string text = fmt::format(R"(
grid: {{size: [210, 210, 10], cells: [21, 21, 2]}}
materials:
  - {{name: aquifer, region: all, hydraulic_conductivity: [10, 10, 1], porosity: 0.3, specific_storage: 1.0e-5, specific_yield: 0.2}}
flow:
  type: transient
  initial_head: 6
  water_table: true
  saturation_weighting: {}
  boundaries:
    - {{face: xmin, type: head, head: 6}}
    - {{face: xmax, type: head, head: 6}}
    - {{face: ymin, type: head, head: 6}}
    - {{face: ymax, type: head, head: 6}}
  wells:
    - {{name: PW, position: [105, 105], screen: [0, 5], rate: -300, end: 10}}
time: {{end: 400, max_step: 5}}
)",
                                         weighting);
    const Deck deck = read_deck_text(text, "rewet.yaml");
    const Model model(PETSC_COMM_WORLD, deck);
    FlowSolver flow(model.grid, model.materials, model.flow);
    flow.set_uniform_head(6.0);
    double t = 0.0, dt = 0.01, worst_closure = 0.0, lowest_upper = 1e300;
    int steps = 0, max_newton = 0;
    bool dried = false;
    while (t < 400.0 - 1e-9) {
      const double period_end = t < 10.0 - 1e-9 ? 10.0 : 400.0;
      const double step = std::min(dt, period_end - t);
      const double period_begin = period_end == 10.0 ? 0.0 : 10.0;
      flow.advance(period_begin, period_end, step);
      t += step;
      ++steps;
      // Relative closure while the well pumps; afterwards the flows fade towards zero, so the
      // imbalance is measured against the pumping rate.
      const auto& budget = flow.budget();
      const double imbalance = std::abs(budget.total_inflow - budget.total_outflow);
      worst_closure =
          std::max(worst_closure, t <= 10.0 + 1e-9 ? budget.relative_closure : imbalance / 300.0);
      max_newton = std::max(max_newton, flow.stats().newton_iterations);
      const auto fraction = flow.saturated_fraction();
      double upper_min = 1e300, fraction_min = 1.0;
      for_owned_heads(model.grid, flow.head(), [&](int i, int j, int k, double h) {
        if (k != 1) return;
        upper_min = std::min(upper_min, h);
        fraction_min = std::min(
            fraction_min, fraction[static_cast<std::size_t>(model.grid.owned_index(i, j, k))]);
      });
      upper_min = min_over_ranks(upper_min);
      fraction_min = min_over_ranks(fraction_min);
      lowest_upper = std::min(lowest_upper, upper_min);
      if (fraction_min == 0.0) dried = true;
      dt = std::min(dt * 1.3, 5.0);
    }
    EXPECT_TRUE(dried) << "the upper layer's cells at the well must dry";
    EXPECT_LT(lowest_upper, 5.0) << "the water table must fall below the layer bottom";
    EXPECT_LT(worst_closure, 1e-8);
    double recovery = 0.0;
    for_owned_heads(model.grid, flow.head(), [&](int, int, int, double h) {
      recovery = std::max(recovery, std::abs(h - 6.0));
    });
    recovery = max_over_ranks(recovery);
    EXPECT_LT(recovery, 1e-3) << "[m] heads back at the static 6 m";
    PetscPrintf(PETSC_COMM_WORLD,
                "well dries the upper layer (%s): %d steps, lowest upper-layer head %.3f m, "
                "max Newton iterations %d, total %ld, worst closure %.2e, |h - 6| after 400 d "
                "%.2e m\n",
                weighting, steps, lowest_upper, max_newton, flow.stats().total_newton_iterations,
                worst_closure, recovery);
  }
}

TEST(WaterTable, ChainMassBalanceClosesWhenTheWaterTableMoves) {
  // Two steady periods: a well pumps 20 m3/d from the lower layer for 50 d and stops, so the
  // water table in the upper (convertible) layer rises between the periods. A sorbing parent
  // with an immobile domain decays into a daughter. The saturated volume gains water at each
  // cell's concentration: right after the second period's flow the mass in place must be the
  // hand sum of (porosity + bulk density x Kd) x V x saturated fraction x c over the cells (the
  // concentrations unchanged), and the cumulative balance of both species must close to
  // round-off (it closed to 1e-3 when the gained mass was not booked).
  const std::string text = R"(
grid: {size: [200, 10, 10], cells: [20, 1, 2]}
materials:
  - {name: aquifer, region: all, hydraulic_conductivity: [10, 10, 1], porosity: 0.3,
     bulk_density: 1.6, dispersivity: [2, 0.2, 0.02], immobile: {porosity: 0.1, exchange_rate: 0.01}}
flow:
  type: steady
  water_table: true
  boundaries:
    - {face: xmin, type: head, head: 8}
    - {face: xmax, type: head, head: 7.5}
  wells:
    - {name: PW, position: [105, 5], screen: [0, 5], rate: -20, end: 50}
transport:
  species:
    - {name: P, sorption: {type: linear, kd: 0.2}, decay: {rate: 0.01}}
    - {name: D, decay: {rate: 0.002}}
  reactions:
    - {type: decay, from: P, to: D, yield: 0.8}
  initial:
    - {species: P, region: all, concentration: 1}
    - {species: P, region: all, concentration: 0.5, domain: immobile}
time: {end: 100, max_step: 5}
)";
  const Deck deck = read_deck_text(text, "chain_water_table.yaml");
  const Model model(PETSC_COMM_WORLD, deck);
  FlowSolver flow(model.grid, model.materials, model.flow);
  flow.solve_steady(0.0, 50.0);
  TransportSolver transport(model.grid, model.materials, model.flow, *model.transport);
  transport.set_flow(flow, 0.0, 50.0);
  const auto pumped = flow.saturated_fraction();
  double t = 0.0, closure = 0.0;
  const auto advance_to = [&](double end) {
    while (t < end - 1e-9) {
      transport.advance(t, 5.0);
      t += 5.0;
      for (const auto& balance : transport.balances())
        closure = std::max(closure, balance.relative_closure());
    }
  };
  advance_to(50.0);
  flow.solve_steady(50.0, 100.0);
  const auto recovered = flow.saturated_fraction();
  // The hand sum of the parent's mobile and immobile mass on the new saturated volume.
  const double porosity = 0.3, immobile_porosity = 0.1, sorbed = 1.6 * 0.2;
  double expected = 0.0, rise = 0.0;
  {
    DmdaArrayRead<const PetscScalar***> c(model.grid.dm(), transport.concentration(0));
    const auto& held = transport.immobile_concentration(0);
    for (int k = model.grid.owned_begin(2); k < model.grid.owned_end(2); ++k)
      for (int j = model.grid.owned_begin(1); j < model.grid.owned_end(1); ++j)
        for (int i = model.grid.owned_begin(0); i < model.grid.owned_end(0); ++i) {
          const auto n = static_cast<std::size_t>(model.grid.owned_index(i, j, k));
          const double volume = model.grid.cell_volume(i, j, k) * recovered[n];
          // Sorption sites shared between the domains in proportion to their porosities.
          const double share = sorbed / (porosity + immobile_porosity);
          expected += (porosity * (1.0 + share) * c.get()[k][j][i] +
                       immobile_porosity * (1.0 + share) * held[n]) *
                      volume;
          rise = std::max(rise, (recovered[n] - pumped[n]) * model.grid.width(2, k));
        }
  }
  MPI_Allreduce(MPI_IN_PLACE, &expected, 1, MPI_DOUBLE, MPI_SUM, PETSC_COMM_WORLD);
  rise = max_over_ranks(rise);
  transport.set_flow(flow, 50.0, 100.0);
  const auto parent = transport.balances()[0];
  const double in_place = parent.dissolved + parent.sorbed + parent.immobile;
  EXPECT_GT(rise, 0.5) << "the water table must rise by more than 0.5 m when the well stops";
  EXPECT_NEAR(in_place, expected, 1e-12 * expected);
  advance_to(100.0);
  EXPECT_LT(closure, 1e-9);
  PetscPrintf(PETSC_COMM_WORLD,
              "Chain over a moving water table: rise %.3f m, parent in place %.6f g (hand sum "
              "%.6f g), max closure %.2e\n",
              rise, in_place, expected, closure);
}

} // namespace
} // namespace terrafate
