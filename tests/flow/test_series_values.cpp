// Time series on conductances and on a polyline's vertices: a general-head face whose
// conductance steps, a river's bed conductance following a linear series and a drain's
// conductance stepping, each steady state against the hand series-resistance formula
// Q = dh / (1/C + L/(K A)); the conductance step in transient flow against two spliced runs; a
// head polyline whose vertices carry their own series against the hand interpolation in time,
// then along the line, and against a run with the equivalent constant values. Runs at 1 and 2
// ranks.
#include <array>
#include <cmath>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "flow_test_support.hpp"
#include "terrafate/flow/flow_solver.hpp"
#include "terrafate/run/deck.hpp"
#include "terrafate/run/model.hpp"

namespace terrafate {
namespace {

using flow_test::head_at;
using flow_test::net_inflow;

/// A confined strip 100 m long (10 cells of 10 m, 1 m x 10 m cross-section: A = 10 m2,
/// K = 5 m/d, so K A / L = 0.5 m2/d) with `boundaries` (flow-style YAML list entries).
std::string strip_deck(const std::string& boundaries) {
  return fmt::format(R"(
grid: {{size: [100, 1, 10], cells: [10, 1, 1]}}
materials:
  - {{name: aquifer, region: all, hydraulic_conductivity: 5, porosity: 0.3}}
flow:
  type: steady
  boundaries:
{}
time: {{end: 200, max_step: 10}}
)",
                     boundaries);
}

TEST(SeriesValues, GeneralHeadConductanceStepMatchesSeriesResistance) {
  // xmin: general head 12 m through 0.02 1/d per m2 (C = 0.2 m2/d on the 10 m2 face), 0.5 1/d
  // (C = 5 m2/d) from 100 d; xmax: head 8 m. The water crosses the face conductance, then the
  // whole strip (half cell, 9 cells, half cell): Q = 4 / (1/C + 100 / 50).
  const Deck deck = read_deck_text(
      strip_deck("    - {face: xmin, type: general_head, head: 12, conductance: {series: "
                 "[[0, 0.02], [100, 0.5]], interpolation: step}}\n"
                 "    - {face: xmax, type: head, head: 8}"),
      "ghb_conductance_step.yaml");
  const Model model(PETSC_COMM_WORLD, deck);
  const auto periods = stress_periods(model.flow, 200.0);
  ASSERT_EQ(periods, (std::vector<double>{0.0, 100.0, 200.0}));
  FlowSolver flow(model.grid, model.materials, model.flow);
  for (std::size_t p = 0; p < 2; ++p) {
    if (p == 1) EXPECT_TRUE(flow.stresses_change(periods[1], periods[2]));
    flow.solve_steady(periods[p], periods[p + 1]);
    const double conductance = p == 0 ? 0.2 : 5.0;
    const double expected = 4.0 / (1.0 / conductance + 100.0 / 50.0);
    const double q = net_inflow(flow.budget(), "general_head:xmin");
    EXPECT_NEAR(q, expected, 1e-10 * expected) << "period " << p;
    // Heads: linear from the face's inner side to xmax, h(x) = 8 + Q (100 - x) / 50.
    for (const int i : {0, 4, 9})
      EXPECT_NEAR(head_at(model.grid, flow.head(), i, 0, 0),
                  8.0 + expected * (100.0 - (10.0 * i + 5.0)) / 50.0, 1e-9);
    EXPECT_LT(flow.budget().relative_closure, 1e-10);
    PetscPrintf(PETSC_COMM_WORLD,
                "general head conductance %g m2/d: Q %.12f m3/d, series resistance %.12f\n",
                conductance, q, expected);
  }
  EXPECT_FALSE(flow.stresses_change(periods[1], periods[2]));
}

TEST(SeriesValues, RiverAndDrainConductanceSeriesMatchSeriesResistance) {
  // A river in cell 0 (stage 12 m, bottom 0) whose bed conductance rises linearly from 1 to
  // 3 m2/d over 100 d, xmax at 8 m: from the river to xmax the water crosses the bed, then 95 m
  // of aquifer (cell 0's centre to the face): Q = 4 / (1/C(t) + 95 / 50), the steady state of
  // each instant t (solve_steady_at) with C(t) by hand.
  const Deck river_deck = read_deck_text(
      strip_deck("    - {type: river, cells: [[0, 0, 0]], stage: 12, bottom: 0, conductance: "
                 "{series: [[0, 1], [100, 3]]}}\n"
                 "    - {face: xmax, type: head, head: 8}"),
      "river_conductance_series.yaml");
  const Model river_model(PETSC_COMM_WORLD, river_deck);
  ASSERT_TRUE(river_model.flow.has_linear_series());
  FlowSolver river(river_model.grid, river_model.materials, river_model.flow);
  for (const auto& [begin, end, t] : std::vector<std::array<double, 3>>{
           {0, 100, 0}, {0, 100, 25}, {0, 100, 50}, {0, 100, 100}, {100, 200, 150}}) {
    river.solve_steady_at(begin, end, t);
    const double conductance = 1.0 + 2.0 * std::min(t, 100.0) / 100.0;
    const double expected = 4.0 / (1.0 / conductance + 95.0 / 50.0);
    EXPECT_NEAR(net_inflow(river.budget(), "river:cells"), expected, 1e-10 * expected)
        << "t = " << t;
  }
  // A drain in cell 9 (elevation 8 m) whose conductance steps from 2 to 0.5 m2/d at 50 d, xmin
  // at 12 m: Q = 4 / (95 / 50 + 1/C) leaves through it.
  const Deck drain_deck = read_deck_text(
      strip_deck("    - {type: drain, cells: [[9, 0, 0]], elevation: 8, conductance: {series: "
                 "[[0, 2], [50, 0.5]], interpolation: step}}\n"
                 "    - {face: xmin, type: head, head: 12}"),
      "drain_conductance_series.yaml");
  const Model drain_model(PETSC_COMM_WORLD, drain_deck);
  FlowSolver drain(drain_model.grid, drain_model.materials, drain_model.flow);
  const auto periods = stress_periods(drain_model.flow, 200.0);
  ASSERT_EQ(periods, (std::vector<double>{0.0, 50.0, 200.0}));
  for (std::size_t p = 0; p < 2; ++p) {
    drain.solve_steady(periods[p], periods[p + 1]);
    const double conductance = p == 0 ? 2.0 : 0.5;
    const double expected = 4.0 / (95.0 / 50.0 + 1.0 / conductance);
    EXPECT_NEAR(net_inflow(drain.budget(), "drain:cells"), -expected, 1e-9 * expected)
        << "period " << p;
    PetscPrintf(PETSC_COMM_WORLD, "drain conductance %g m2/d: Q %.12f m3/d (hand %.12f)\n",
                conductance, -net_inflow(drain.budget(), "drain:cells"), expected);
  }
}

/// A transient strip 1000 m long (200 cells of 5 m, 1 m x 10 m, K = 10 m/d, Ss = 1e-3 1/m) at
/// 10 m, xmax at 10 m, a general head of 11 m on xmin through `conductance` [1/d].
std::string transient_strip(const std::string& conductance) {
  return fmt::format(R"(
grid: {{size: [1000, 1, 10], cells: [200, 1, 1]}}
materials:
  - {{name: aquifer, region: all, hydraulic_conductivity: 10, porosity: 0.3, specific_storage: 1.0e-3}}
flow:
  type: transient
  initial_head: 10
  boundaries:
    - {{face: xmin, type: general_head, head: 11, conductance: {}}}
    - {{face: xmax, type: head, head: 10}}
time: {{end: 2, max_step: 0.01}}
)",
                     conductance);
}

TEST(SeriesValues, TransientConductanceStepEqualsTwoSplicedRuns) {
  // The conductance steps from 0.01 to 1 1/d at 0.5 d: one run against a run at 0.01 1/d to
  // 0.5 d whose state continues in a run at 1 1/d.
  const Model stepped_model(
      PETSC_COMM_WORLD,
      read_deck_text(transient_strip("{series: [[0, 0.01], [0.5, 1]], interpolation: step}"),
                     "ghb_step_transient.yaml"));
  const Model first_model(PETSC_COMM_WORLD,
                          read_deck_text(transient_strip("0.01"), "ghb_first.yaml"));
  const Model second_model(PETSC_COMM_WORLD,
                           read_deck_text(transient_strip("1"), "ghb_second.yaml"));
  FlowSolver stepped(stepped_model.grid, stepped_model.materials, stepped_model.flow);
  FlowSolver first(first_model.grid, first_model.materials, first_model.flow);
  FlowSolver second(second_model.grid, second_model.materials, second_model.flow);
  stepped.set_uniform_head(10.0);
  first.set_uniform_head(10.0);
  for (int step = 0; step < 50; ++step) {
    stepped.advance(0.0, 2.0, 0.01);
    first.advance(0.0, 2.0, 0.01);
  }
  const double before = net_inflow(stepped.budget(), "general_head:xmin");
  StateRecord handover;
  first.save_state(handover);
  second.load_state(handover);
  for (int step = 0; step < 50; ++step) {
    stepped.advance(0.0, 2.0, 0.01);
    second.advance(0.0, 2.0, 0.01);
  }
  double difference = 0.0;
  for (int i = 0; i < 200; i += 3)
    difference =
        std::max(difference, std::abs(head_at(stepped_model.grid, stepped.head(), i, 0, 0) -
                                      head_at(second_model.grid, second.head(), i, 0, 0)));
  const double after = net_inflow(stepped.budget(), "general_head:xmin");
  EXPECT_LT(difference, 1e-12);
  EXPECT_NEAR(after, net_inflow(second.budget(), "general_head:xmin"), 1e-12 * after);
  EXPECT_GT(after, 5.0 * before); // the step was applied
  PetscPrintf(PETSC_COMM_WORLD,
              "conductance step vs spliced runs: max head difference %.1e m (inflow %.4f -> "
              "%.4f m3/d)\n",
              difference, before, after);
}

/// Two-dimensional: 10 x 5 cells of 10 m (K = 5 m/d, 10 m thick), a head polyline along the
/// centres of row 0 from x = 0 to x = 100 through a vertex at x = 50 whose heads are `heads`,
/// and ymax at 9 m.
std::string polyline_deck(const std::string& heads) {
  return fmt::format(R"(
grid: {{size: [100, 50, 10], cells: [10, 5, 1]}}
materials:
  - {{name: aquifer, region: all, hydraulic_conductivity: 5, porosity: 0.3}}
flow:
  type: steady
  boundaries:
    - {{type: head, name: canal, polyline: [[0, 5], [50, 5], [100, 5]], head: {}}}
    - {{face: ymax, type: head, head: 9}}
time: {{end: 40, max_step: 10}}
)",
                     heads);
}

TEST(SeriesValues, PolylineVertexSeriesInterpolateInTimeThenAlongTheLine) {
  // Vertex 0: linear 10 -> 12 m over 0-10 d, then 12 m; vertex 1: 9 m; vertex 2: a step series
  // 8 m, 6 m from 10 d. At 5 d the vertices are 11, 9, 8 m; at 10 d 12, 9, 6 m. Each cell of
  // row 0 (centre x = 10 i + 5, whole cells on one segment) holds the value interpolated between
  // the vertices at its centre.
  const Model model(PETSC_COMM_WORLD,
                    read_deck_text(polyline_deck("[{series: [[0, 10], [10, 12], [20, 12]]}, 9, "
                                                 "{series: [[0, 8], [10, 6]], interpolation: "
                                                 "step}]"),
                                   "polyline_vertex_series.yaml"));
  EXPECT_EQ(stress_periods(model.flow, 40.0), (std::vector<double>{0.0, 10.0, 20.0, 40.0}));
  FlowSolver flow(model.grid, model.materials, model.flow);
  const auto along = [](double x, double v0, double v1, double v2) {
    return x < 50.0 ? v0 + (v1 - v0) * x / 50.0 : v1 + (v2 - v1) * (x - 50.0) / 50.0;
  };
  for (const auto& [t, begin, end, v0, v2] : std::vector<std::array<double, 5>>{
           {5.0, 0.0, 10.0, 11.0, 8.0}, {10.0, 10.0, 20.0, 12.0, 6.0}}) {
    // The cells' heads as the boundary gives them (step series at the period's middle, linear
    // ones at t), then as solved (the fixed rows to the linear solver's tolerance).
    const auto& canal = model.flow.boundaries[0];
    ASSERT_EQ(canal.sites.size(), 10u);
    double given = 0.0;
    for (const auto& site : canal.sites)
      given = std::max(given, std::abs(canal.site_level(site, 0.5 * (begin + end), t) -
                                       along(10.0 * site.i + 5.0, v0, 9.0, v2)));
    EXPECT_LT(given, 1e-12) << "t = " << t;
    flow.solve_steady_at(begin, end, t);
    double worst = 0.0;
    for (int i = 0; i < 10; ++i)
      worst = std::max(worst, std::abs(head_at(model.grid, flow.head(), i, 0, 0) -
                                       along(10.0 * i + 5.0, v0, 9.0, v2)));
    EXPECT_LT(worst, 1e-10) << "t = " << t;
    // The same field as with the vertices' values at t as constants.
    const Model constant(
        PETSC_COMM_WORLD,
        read_deck_text(polyline_deck(fmt::format("[{}, 9, {}]", v0, v2)), "polyline_const.yaml"));
    FlowSolver reference(constant.grid, constant.materials, constant.flow);
    reference.solve_steady_at(begin, end, t);
    double difference = 0.0;
    for (int j = 0; j < 5; ++j)
      for (int i = 0; i < 10; ++i)
        difference =
            std::max(difference, std::abs(head_at(model.grid, flow.head(), i, j, 0) -
                                          head_at(constant.grid, reference.head(), i, j, 0)));
    EXPECT_LT(difference, 1e-10) << "t = " << t;
    EXPECT_LT(flow.budget().relative_closure, 1e-10);
    PetscPrintf(PETSC_COMM_WORLD,
                "polyline vertex series at t = %g d: line values vs hand %.1e m, solved %.1e m; "
                "field vs constant run %.1e m\n",
                t, given, worst, difference);
  }
}

} // namespace
} // namespace terrafate
