// Fixed heads on cells (cell-form `type: head`, MODFLOW CHD): a 1-D strip between two fixed-head
// cells vs Darcy's law (confined) and Dupuit (water table), a polyline head along a grid line vs
// the linear 2-D solution it implies, and budget closure. Runs at 1 and 2 ranks.
#include <cmath>

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

TEST(FixedHeadCells, StripBetweenTwoFixedCellsMatchesDarcy) {
  // 10 cells of 10 m, cross-section 1 m x 10 m, K = 5 m/d; heads 12 m and 2 m fixed in the
  // first and last cells, whose centres (x = 5 and 95 m) are L = 90 m apart: h is linear between
  // the centres and Q = K A dh / L = 5 x 10 x 10 / 90 = 5.5556 m3/d.
  const std::string text = R"(
grid: {size: [100, 1, 10], cells: [10, 1, 1]}
materials:
  - {name: aquifer, region: all, hydraulic_conductivity: 5, porosity: 0.3}
flow:
  type: steady
  boundaries:
    - {type: head, name: west, cells: [[0, 0, 0]], head: 12}
    - {type: head, name: east, cells: [[9, 0, 0]], head: 2}
)";
  const Deck deck = read_deck_text(text, "chd_strip.yaml");
  const Model model(PETSC_COMM_WORLD, deck);
  FlowSolver flow(model.grid, model.materials, model.flow);
  flow.solve_steady(0.0, 0.0);
  const double discharge = 5.0 * 10.0 * 10.0 / 90.0;
  double worst = 0.0;
  for (int i = 0; i < 10; ++i) {
    const double x = 10.0 * i + 5.0;
    worst = std::max(worst, std::abs(head_at(model.grid, flow.head(), i, 0, 0) -
                                     (12.0 - 10.0 * (x - 5.0) / 90.0)));
  }
  EXPECT_LT(worst, 1e-9);
  EXPECT_NEAR(net_inflow(flow.budget(), "head:west"), discharge, 1e-9);
  EXPECT_NEAR(net_inflow(flow.budget(), "head:east"), -discharge, 1e-9);
  EXPECT_LT(flow.budget().relative_closure, 1e-10);
  PetscPrintf(PETSC_COMM_WORLD,
              "fixed-head strip: Q = %.10f m3/d (Darcy %.10f), max head error %.1e m, closure "
              "%.1e\n",
              net_inflow(flow.budget(), "head:west"), discharge, worst,
              flow.budget().relative_closure);
}

TEST(FixedHeadCells, WaterTableStripMatchesDupuit) {
  // The same strip, 20 m thick and unconfined (Newton): between heads 12 m and 2 m at the
  // first and last centres Dupuit gives Q = K b (h0^2 - hL^2) / (2 L) = 5 x 1 x 140 / 180 and
  // h^2 linear in x; the mean-weighted faces reproduce it exactly.
  const std::string text = R"(
grid: {size: [100, 1, 20], cells: [10, 1, 1]}
materials:
  - {name: aquifer, region: all, hydraulic_conductivity: 5, porosity: 0.3, specific_yield: 0.2}
flow:
  type: steady
  water_table: true
  boundaries:
    - {type: head, name: west, polygon: [[0, 0], [10, 0], [10, 1], [0, 1]], head: 12}
    - {type: head, name: east, cells: [[9, 0, 0]], head: 2}
)";
  const Deck deck = read_deck_text(text, "chd_dupuit.yaml");
  const Model model(PETSC_COMM_WORLD, deck);
  FlowSolver flow(model.grid, model.materials, model.flow);
  flow.solve_steady(0.0, 0.0);
  const double discharge = 5.0 * 1.0 * (144.0 - 4.0) / 180.0;
  double worst = 0.0;
  for (int i = 0; i < 10; ++i) {
    const double x = 10.0 * i + 5.0;
    const double dupuit = std::sqrt(144.0 + (4.0 - 144.0) * (x - 5.0) / 90.0);
    worst = std::max(worst, std::abs(head_at(model.grid, flow.head(), i, 0, 0) - dupuit));
  }
  EXPECT_LT(worst, 1e-4);
  EXPECT_NEAR(net_inflow(flow.budget(), "head:west") / discharge, 1.0, 2e-5);
  EXPECT_NEAR(net_inflow(flow.budget(), "head:east") / discharge, -1.0, 2e-5);
  EXPECT_LT(flow.budget().relative_closure, 1e-10);
  PetscPrintf(PETSC_COMM_WORLD,
              "fixed-head Dupuit strip: Q = %.8f m3/d (Dupuit %.8f), max head error %.1e m, "
              "closure %.1e\n",
              net_inflow(flow.budget(), "head:west"), discharge, worst,
              flow.budget().relative_closure);
}

TEST(FixedHeadCells, PolylineHeadsAlongGridLinesGiveTheLinearField) {
  // 20 x 20 cells of 10 m (10 m thick, K = 5 m/d). Polylines along the first and last columns'
  // centres (x = 5 and 195 m) carry heads varying linearly in y (10 -> 20 m and 5 -> 15 m from
  // y = 0 to 200 m); the ymin/ymax faces take the matching flux K dh/dy = 0.25 m/d (out through
  // ymin, in through ymax). The solution is h = 10 - 5 (x - 5) / 190 + y / 20 (harmonic, and
  // reproduced exactly by two-point fluxes); each fixed column passes
  // K (5 / 190) (200 x 10) = 263.158 m3/d across x.
  const std::string text = R"(
grid: {size: [200, 200, 10], cells: [20, 20, 1]}
materials:
  - {name: aquifer, region: all, hydraulic_conductivity: 5, porosity: 0.3}
flow:
  type: steady
  boundaries:
    - {type: head, name: west, polyline: [[5, 0], [5, 200]], head: [10, 20]}
    - {type: head, name: east, polyline: [[195, 0], [195, 100], [195, 200]], head: [5, 10, 15]}
    - {face: ymin, type: flux, flux: -0.25}
    - {face: ymax, type: flux, flux: 0.25}
)";
  const Deck deck = read_deck_text(text, "chd_polyline.yaml");
  const Model model(PETSC_COMM_WORLD, deck);
  FlowSolver flow(model.grid, model.materials, model.flow);
  flow.solve_steady(0.0, 0.0);
  double worst = 0.0;
  for (int j = 0; j < 20; ++j)
    for (int i = 0; i < 20; ++i) {
      const double x = 10.0 * i + 5.0, y = 10.0 * j + 5.0;
      const double exact = 10.0 - 5.0 * (x - 5.0) / 190.0 + y / 20.0;
      worst = std::max(worst, std::abs(head_at(model.grid, flow.head(), i, j, 0) - exact));
    }
  const double across = 5.0 * (5.0 / 190.0) * 200.0 * 10.0;
  EXPECT_LT(worst, 1e-8);
  EXPECT_NEAR(net_inflow(flow.budget(), "head:west"), across, 1e-7);
  EXPECT_NEAR(net_inflow(flow.budget(), "head:east"), -across, 1e-7);
  EXPECT_LT(flow.budget().relative_closure, 1e-10);
  PetscPrintf(PETSC_COMM_WORLD,
              "fixed-head polylines: max head error %.1e m, west %.6f m3/d (hand %.6f), closure "
              "%.1e\n",
              worst, net_inflow(flow.budget(), "head:west"), across,
              flow.budget().relative_closure);
}

} // namespace
} // namespace terrafate
