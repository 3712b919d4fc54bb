// Time series of boundary values (`head: {series: [[t, value], ...], interpolation: ...}`): the
// interpolation by hand, a step of the head at the end of a long confined strip vs the erfc
// solution of transient 1-D flow, the step series against the same run spliced from two constant
// runs, and steady flow solved again per stress period (a flux and a well rate). Runs at 1 and 2
// ranks.
#include <cmath>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "flow_test_support.hpp"
#include "terrafate/flow/flow_solver.hpp"
#include "terrafate/run/deck.hpp"
#include "terrafate/run/model.hpp"
#include "terrafate/run/simulation.hpp"

namespace terrafate {
namespace {

using flow_test::head_at;
using flow_test::net_inflow;

TEST(BoundarySeries, InterpolationMatchesHandValues) {
  const TimeSeries linear{{0.0, 10.0, 30.0}, {1.0, 3.0, -1.0}, true};
  EXPECT_DOUBLE_EQ(linear.at(-5.0), 1.0);
  EXPECT_DOUBLE_EQ(linear.at(5.0), 2.0);   // 1 + (3 - 1) 5 / 10
  EXPECT_DOUBLE_EQ(linear.at(20.0), 1.0);  // 3 + (-1 - 3) 10 / 20
  EXPECT_DOUBLE_EQ(linear.at(40.0), -1.0); // the last value after the last time
  const TimeSeries step{{0.0, 10.0, 30.0}, {1.0, 3.0, -1.0}, false};
  EXPECT_DOUBLE_EQ(step.at(9.999), 1.0);
  EXPECT_DOUBLE_EQ(step.at(10.0), 3.0);
  EXPECT_DOUBLE_EQ(step.at(29.0), 3.0);
}

/// A confined strip 4000 m long (800 cells of 5 m, 1 m x 10 m cross-section, K = 10 m/d,
/// Ss = 1e-3 1/m: D = K / Ss = 1e4 m2/d) at 10 m, whose xmin face head is `head`.
std::string strip_deck(const std::string& head) {
  return fmt::format(R"(
grid: {{size: [4000, 1, 10], cells: [800, 1, 1]}}
materials:
  - {{name: aquifer, region: all, hydraulic_conductivity: 10, porosity: 0.3, specific_storage: 1.0e-3}}
flow:
  type: transient
  initial_head: 10
  boundaries:
    - {{face: xmin, type: head, head: {}}}
time: {{end: 11, max_step: 0.01}}
)",
                     head);
}

TEST(BoundarySeries, HeadStepOnAStripMatchesErfc) {
  // The xmin head steps from 10 m to 11 m at t = 1 d (a step series given in hours and days):
  // ten days later h(x) = 10 + erfc(x / (2 sqrt(D t'))), t' = t - 1 d.
  const Deck deck = read_deck_text(
      strip_deck("{series: [[0, 10], [\"24 h\", 11], [\"30 d\", 11]], interpolation: step}"),
      "series_erfc.yaml");
  const Model model(PETSC_COMM_WORLD, deck);
  FlowSolver flow(model.grid, model.materials, model.flow);
  flow.set_uniform_head(10.0);
  double closure = 0.0;
  for (int step = 0; step < 1100; ++step) {
    flow.advance(0.0, 11.0, 0.01);
    closure = std::max(closure, flow.budget().relative_closure);
    if (step == 99) // t = 1 d: still at rest
      EXPECT_NEAR(head_at(model.grid, flow.head(), 0, 0, 0), 10.0, 1e-12);
  }
  const double diffusivity = 10.0 / 1.0e-3, elapsed = 10.0;
  double worst = 0.0;
  for (const double x : {52.5, 152.5, 302.5, 502.5, 802.5}) {
    const int i = static_cast<int>(x / 5.0);
    const double exact = 10.0 + std::erfc(x / (2.0 * std::sqrt(diffusivity * elapsed)));
    const double error = std::abs(head_at(model.grid, flow.head(), i, 0, 0) - exact);
    worst = std::max(worst, error);
  }
  EXPECT_LT(worst, 0.005); // 0.5 % of the step
  EXPECT_LT(closure, 1e-10);
  PetscPrintf(PETSC_COMM_WORLD,
              "head step vs erfc at t' = 10 d: max error %.2e m (of a 1 m step), worst closure "
              "%.1e\n",
              worst, closure);
}

TEST(BoundarySeries, StepSeriesEqualsTwoSplicedRuns) {
  // One run whose head steps 10 -> 12 m at t = 0.5 d against a run at 10 m to 0.5 d continued
  // (its state handed over) by a run at 12 m: the heads agree to round-off.
  const Deck stepped_deck = read_deck_text(
      strip_deck("{series: [[0, 10], [0.5, 12]], interpolation: step}"), "series_step.yaml");
  const Deck first_deck = read_deck_text(strip_deck("10"), "series_first.yaml");
  const Deck second_deck = read_deck_text(strip_deck("12"), "series_second.yaml");
  const Model stepped_model(PETSC_COMM_WORLD, stepped_deck);
  const Model first_model(PETSC_COMM_WORLD, first_deck);
  const Model second_model(PETSC_COMM_WORLD, second_deck);
  FlowSolver stepped(stepped_model.grid, stepped_model.materials, stepped_model.flow);
  FlowSolver first(first_model.grid, first_model.materials, first_model.flow);
  FlowSolver second(second_model.grid, second_model.materials, second_model.flow);
  stepped.set_uniform_head(10.0);
  first.set_uniform_head(10.0);
  for (int step = 0; step < 50; ++step) {
    stepped.advance(0.0, 11.0, 0.01);
    first.advance(0.0, 11.0, 0.01);
  }
  StateRecord handover;
  first.save_state(handover);
  second.load_state(handover);
  for (int step = 0; step < 50; ++step) {
    stepped.advance(0.0, 11.0, 0.01);
    second.advance(0.0, 11.0, 0.01);
  }
  double difference = 0.0, change = 0.0;
  for (int i = 0; i < 800; i += 7) {
    const double a = head_at(stepped_model.grid, stepped.head(), i, 0, 0);
    difference =
        std::max(difference, std::abs(a - head_at(second_model.grid, second.head(), i, 0, 0)));
    change = std::max(change, a - 10.0);
  }
  EXPECT_LT(difference, 1e-9);
  EXPECT_GT(change, 0.5); // the step was applied
  PetscPrintf(PETSC_COMM_WORLD,
              "step series vs spliced runs: max difference %.1e m (largest rise %.3f m)\n",
              difference, change);
}

TEST(BoundarySeries, SteadyFlowTakesEachPeriodsValue) {
  // Steady flow between xmin (a step series 10 -> 12 m on 2024-04-10, day 100 after 2024-01-01:
  // 31 + 29 + 31 days to April 1, plus 9) and xmax (8 m), 10 cells of
  // 10 m: the stress periods break at 100 d, and each period's heads are linear between the
  // faces (h = h0 + (8 - h0) x / 100). A fixed-head cell with a linear series is taken at the
  // period's middle.
  const std::string text = R"(
grid: {size: [100, 1, 10], cells: [10, 1, 1]}
materials:
  - {name: aquifer, region: all, hydraulic_conductivity: 5, porosity: 0.3}
flow:
  type: steady
  boundaries:
    - {face: xmin, type: head, head: {series: [[0, 10], ["2024-04-10", 12]], interpolation: step}}
    - {face: xmax, type: head, head: 8}
    - {type: flux, cells: [[4, 0, 0]], flux: {series: [[0, 0], [200, 0.02]]}}
time: {start_date: 2024-01-01, end: 200, max_step: 10}
)";
  const Deck deck = read_deck_text(text, "series_steady.yaml");
  const Model model(PETSC_COMM_WORLD, deck);
  const auto periods = stress_periods(model.flow, 200.0);
  ASSERT_EQ(periods, (std::vector<double>{0.0, 100.0, 200.0}));
  FlowSolver flow(model.grid, model.materials, model.flow);
  flow.solve_steady(periods[0], periods[1]);
  // First period: flux at 50 d = 0.005 m/d on 10 m2 (10 m x 1 m) = 0.05 m3/d into cell 4.
  EXPECT_NEAR(net_inflow(flow.budget(), "flux:cells"), 0.05, 1e-12);
  EXPECT_FALSE(flow.stresses_change(0.0, 100.0));
  EXPECT_TRUE(flow.stresses_change(100.0, 200.0));
  flow.solve_steady(periods[1], periods[2]);
  // Second period: xmin 12 m, flux at 150 d: 0.015 m/d x 10 m2 = 0.15 m3/d into cell 4 (x = 45).
  // Hand: without the flux h is linear 12 -> 8 m; the inflow Q at x' = 45 m adds the tent
  // Q x (L - x') / (K A L) left of it and Q x' (L - x) / (K A L) right of it (K A = 50 m3/d;
  // two-point fluxes with heads on the faces reproduce it exactly).
  EXPECT_NEAR(net_inflow(flow.budget(), "flux:cells"), 0.15, 1e-12);
  const double conductance = 5.0 * 10.0; // K A [m3/d per unit gradient]
  double worst = 0.0;
  for (int i = 0; i < 10; ++i) {
    const double x = 10.0 * i + 5.0;
    const double base = 12.0 + (8.0 - 12.0) * x / 100.0;
    const double source = 45.0;
    const double tent = x <= source ? 0.15 * x * (100.0 - source) / (conductance * 100.0)
                                    : 0.15 * source * (100.0 - x) / (conductance * 100.0);
    worst = std::max(worst, std::abs(head_at(model.grid, flow.head(), i, 0, 0) - (base + tent)));
  }
  EXPECT_LT(worst, 1e-9);
  EXPECT_LT(flow.budget().relative_closure, 1e-10);
  PetscPrintf(PETSC_COMM_WORLD, "steady flow with series: second period max head error %.1e m\n",
              worst);
}

TEST(BoundarySeries, WellRateSeriesChangesTheSteadyFlowPerPeriod) {
  // The strip of SteadyFlowTakesEachPeriodsValue at 10 m / 8 m with a well in cell 4 (x = 45 m)
  // pumping 0.1 m3/d, then 0.3 m3/d from 100 d (a step series): each period's heads are the
  // linear field minus the tent Q x (L - x') / (K A L) (x <= x'), Q x' (L - x) / (K A L) beyond.
  const std::string text = R"(
grid: {size: [100, 1, 10], cells: [10, 1, 1]}
materials:
  - {name: aquifer, region: all, hydraulic_conductivity: 5, porosity: 0.3}
flow:
  type: steady
  boundaries:
    - {face: xmin, type: head, head: 10}
    - {face: xmax, type: head, head: 8}
  wells:
    - {name: PW, position: [45, 0.5], screen: [0, 10], rate: {series: [[0, -0.1], [100, -0.3]], interpolation: step}}
time: {end: 200, max_step: 10}
)";
  const Deck deck = read_deck_text(text, "series_well.yaml");
  const Model model(PETSC_COMM_WORLD, deck);
  const auto periods = stress_periods(model.flow, 200.0);
  ASSERT_EQ(periods, (std::vector<double>{0.0, 100.0, 200.0}));
  FlowSolver flow(model.grid, model.materials, model.flow);
  for (std::size_t p = 0; p < 2; ++p) {
    flow.solve_steady(periods[p], periods[p + 1]);
    const double pumped = p == 0 ? 0.1 : 0.3;
    EXPECT_NEAR(net_inflow(flow.budget(), "well:PW"), -pumped, 1e-12);
    double worst = 0.0;
    for (int i = 0; i < 10; ++i) {
      const double x = 10.0 * i + 5.0, source = 45.0, conductance = 5.0 * 10.0;
      const double tent = x <= source ? pumped * x * (100.0 - source) / (conductance * 100.0)
                                      : pumped * source * (100.0 - x) / (conductance * 100.0);
      worst = std::max(worst, std::abs(head_at(model.grid, flow.head(), i, 0, 0) -
                                       (10.0 - 2.0 * x / 100.0 - tent)));
    }
    EXPECT_LT(worst, 1e-9) << "period " << p;
    EXPECT_LT(flow.budget().relative_closure, 1e-10);
    if (p == 0) EXPECT_TRUE(flow.stresses_change(periods[1], periods[2]));
  }
}

} // namespace
} // namespace terrafate
