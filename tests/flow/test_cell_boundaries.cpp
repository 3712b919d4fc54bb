// Cell-list boundaries (river, drain, general head on cells, polygons and polylines) and polygon
// regions: stream depletion by a well near a river line vs Glover & Balmer (1954), a drain and a
// disconnected river in a 1-D chain vs hand calculations, and a polygon region's cells vs a
// winding-number point-in-polygon reference. Runs at 1 and 2 ranks.
#include <cmath>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "terrafate/flow/flow_solver.hpp"
#include "terrafate/run/deck.hpp"
#include "terrafate/run/simulation.hpp"
#include "terrafate/transport/transport_solver.hpp"

namespace terrafate {
namespace {

double sum_over_ranks(double value) {
  MPI_Allreduce(MPI_IN_PLACE, &value, 1, MPI_DOUBLE, MPI_SUM, PETSC_COMM_WORLD);
  return value;
}

/// Net inflow [m3/d] of the budget component `name`.
double net_inflow(const FlowBudget& budget, const std::string& name) {
  for (const auto& entry : budget.entries)
    if (entry.component == name) return entry.inflow - entry.outflow;
  ADD_FAILURE() << "no budget component " << name;
  return 0.0;
}

/// Head [m] of global cell (i, j, k), from whichever rank owns it.
double head_at(const Grid& grid, Vec head, int i, int j, int k) {
  double value = 0.0;
  if (grid.owns(i, j, k)) {
    DmdaArrayRead<const PetscScalar***> h(grid.dm(), head);
    value = h.get()[k][j][i];
  }
  return sum_over_ranks(value);
}

TEST(CellBoundaries, RiverLineStreamDepletionMatchesGloverBalmer) {
  // Confined aquifer T = 100 m2/d, S = 0.1; a river along x = 12.5 m (the first column's
  // centres) given as a polyline with a bed conductance of 4000 m2/d per m (1e5 m2/d per cell:
  // the stream fully penetrates); a well 200 m away pumps 500 m3/d from t = 0. Glover & Balmer:
  // the river supplies Q erfc(sqrt(d^2 S / (4 T t))) of the well's rate.
  const std::string text = R"(
grid: {origin: [0, -1500, 0], size: [1500, 3000, 10], cells: [60, 120, 1]}
materials:
  - {name: aquifer, region: all, hydraulic_conductivity: 10, porosity: 0.3, specific_storage: 0.01}
flow:
  type: transient
  initial_head: 20
  boundaries:
    - {type: river, name: creek, polyline: [[12.5, -1500], [12.5, 1500]], stage: 20, bottom: 0, conductance: 4000}
  wells:
    - {name: PW, position: [212.5, 12.5], screen: [0, 10], rate: -500}
time: {end: 100, max_step: 1}
)";
  const Deck deck = read_deck_text(text, "glover.yaml");
  const Model model(PETSC_COMM_WORLD, deck);
  FlowSolver flow(model.grid, model.materials, model.flow);
  flow.set_uniform_head(20.0);
  const double distance = 200.0, storativity = 0.1, transmissivity = 100.0, rate = 500.0;
  double t = 0.0, dt = 0.01, worst = 0.0, closure = 0.0;
  for (const double check : {20.0, 50.0, 100.0}) {
    while (t < check - 1e-9) {
      const double step = std::min(dt, check - t);
      flow.advance(0.0, 100.0, step);
      closure = std::max(closure, flow.budget().relative_closure);
      t += step;
      dt = std::min(dt * 1.2, 1.0);
    }
    const double depletion = net_inflow(flow.budget(), "river:creek") / rate;
    const double glover =
        std::erfc(std::sqrt(distance * distance * storativity / (4.0 * transmissivity * t)));
    const double relative = std::abs(depletion - glover) / glover;
    worst = std::max(worst, relative);
    EXPECT_LT(relative, 0.03) << "t = " << t << " d";
    PetscPrintf(PETSC_COMM_WORLD,
                "stream depletion t = %g d: river share %.4f, Glover-Balmer %.4f, rel. diff %.4f\n",
                t, depletion, glover, relative);
  }
  EXPECT_LT(closure, 1e-8);
  PetscPrintf(PETSC_COMM_WORLD, "stream depletion: worst rel. diff %.4f, worst closure %.1e\n",
              worst, closure);
}

/// A 1-D chain of 10 cells of 10 m (cross-section 1 m x 10 m, K = 5 m/d) with a fixed head on
/// the xmin face and a cell-list boundary in the last cell.
std::string chain_deck(const std::string& xmin_head, const std::string& boundary) {
  return fmt::format(R"(
grid: {{size: [100, 1, 10], cells: [10, 1, 1]}}
materials:
  - {{name: aquifer, region: all, hydraulic_conductivity: 5, porosity: 0.3}}
flow:
  type: steady
  boundaries:
    - {{face: xmin, type: head, head: {}}}
    - {}
)",
                     xmin_head, boundary);
}

TEST(CellBoundaries, RiverInflowCarriesItsOwnConcentration) {
  // A chain drained at xmin (2 m) fed by a river in the last cell (stage 10 m) and by recharge
  // on the top face. The river water carries 5 mg/L (`boundary: creek`), the recharge 1 mg/L
  // (`face: zmax`; the river's cells also report face zmax but must not take it). At steady
  // state the solute leaving through xmin is Q_river 5 + Q_recharge 1 [g/d] (hand mass balance).
  const std::string text = R"(
grid: {size: [100, 1, 10], cells: [10, 1, 1]}
materials:
  - {name: aquifer, region: all, hydraulic_conductivity: 5, porosity: 0.3}
flow:
  type: steady
  boundaries:
    - {face: xmin, type: head, head: 2}
    - {face: zmax, type: flux, flux: 0.002}
    - {type: river, name: creek, cells: [[9, 0, 0]], stage: 10, bottom: 0, conductance: 0.5}
transport:
  advection: upwind
  species:
    - {name: T}
  boundaries:
    - {face: zmax, species: T, concentration: 1}
    - {boundary: creek, species: T, concentration: 5}
time: {end: 20000, max_step: 200}
)";
  const Deck deck = read_deck_text(text, "river_concentration.yaml");
  const Model model(PETSC_COMM_WORLD, deck);
  FlowSolver flow(model.grid, model.materials, model.flow);
  flow.solve_steady(0.0, 0.0);
  const double river = net_inflow(flow.budget(), "river:creek");
  const double recharge = net_inflow(flow.budget(), "flux:zmax");
  ASSERT_GT(river, 0.0);
  ASSERT_NEAR(recharge, 0.002 * 100.0, 1e-9); // 100 m x 1 m of top face
  TransportSolver transport(model.grid, model.materials, model.flow, *model.transport);
  transport.set_flow(flow, 0.0, 20000.0);
  const double dt = 200.0;
  double t = 0.0, before = 0.0;
  while (t < 20000.0 - 1e-9) {
    before = transport.balances()[0].outflow;
    transport.advance(t, dt);
    t += dt;
  }
  const auto balance = transport.balances()[0];
  const double leaving = (balance.outflow - before) / dt; // [g/d] over the last step
  const double expected = river * 5.0 + recharge * 1.0;
  EXPECT_NEAR(leaving, expected, 1e-6 * expected);
  EXPECT_LT(balance.relative_closure(), 1e-8);
  PetscPrintf(PETSC_COMM_WORLD,
              "river %.6f m3/d at 5 mg/L, recharge %.6f m3/d at 1 mg/L: solute out %.8f g/d, "
              "hand balance %.8f g/d\n",
              river, recharge, leaving, expected);
}

TEST(CellBoundaries, DrainAndDisconnectedRiverMatchHandCalculations) {
  const double conductivity = 5.0, area = 10.0, dx = 10.0;
  // Resistance [d/m2] from the xmin face to the last cell's centre: half a cell + 9 cells.
  const double resistance = (0.5 * dx + 9.0 * dx) / (conductivity * area);
  {
    // Drain at 5 m, C = 2 m2/d, fed from a 10 m head: Q = (10 - 5) / (R + 1/C).
    const Deck deck = read_deck_text(
        chain_deck("10",
                   "{type: drain, name: d, cells: [[9, 0, 0]], elevation: 5, conductance: 2}"),
        "drain.yaml");
    const Model model(PETSC_COMM_WORLD, deck);
    FlowSolver flow(model.grid, model.materials, model.flow);
    flow.solve_steady(0.0, 0.0);
    const double expected = (10.0 - 5.0) / (resistance + 1.0 / 2.0);
    const double drained = -net_inflow(flow.budget(), "drain:d");
    EXPECT_NEAR(drained, expected, 1e-9 * expected);
    EXPECT_LT(flow.budget().relative_closure, 1e-10);
    PetscPrintf(PETSC_COMM_WORLD, "drain: %.10f m3/d, hand calculation %.10f m3/d\n", drained,
                expected);
  }
  {
    // Drain above the water: no flow, the head stays 10 m everywhere.
    const Deck deck = read_deck_text(
        chain_deck("10",
                   "{type: drain, name: d, cells: [[9, 0, 0]], elevation: 12, conductance: 2}"),
        "dry_drain.yaml");
    const Model model(PETSC_COMM_WORLD, deck);
    FlowSolver flow(model.grid, model.materials, model.flow);
    flow.solve_steady(0.0, 0.0);
    EXPECT_NEAR(net_inflow(flow.budget(), "drain:d"), 0.0, 1e-12);
    EXPECT_NEAR(head_at(model.grid, flow.head(), 9, 0, 0), 10.0, 1e-9);
  }
  {
    // River stage 10 m, bed bottom 6 m, C = 0.05 m2/d, aquifer drained to 2 m at xmin: connected
    // it would leak (10 - 2) / (R + 1/C) = 0.3902 m3/d with the head under it at 2.6 m, below
    // the bed: so it is disconnected and leaks C (10 - 6) = 0.2 m3/d, the head under it
    // 2 + 0.2 R = 2.38 m.
    const Deck deck = read_deck_text(
        chain_deck("2", "{type: river, name: r, cells: [[9, 0, 0]], stage: 10, bottom: 6, "
                        "conductance: 0.05}"),
        "perched_river.yaml");
    const Model model(PETSC_COMM_WORLD, deck);
    FlowSolver flow(model.grid, model.materials, model.flow);
    flow.solve_steady(0.0, 0.0);
    const double connected = (10.0 - 2.0) / (resistance + 1.0 / 0.05);
    ASSERT_LT(10.0 - connected / 0.05, 6.0) << "the case must disconnect";
    const double leak = net_inflow(flow.budget(), "river:r");
    EXPECT_NEAR(leak, 0.05 * 4.0, 1e-10);
    const double under = head_at(model.grid, flow.head(), 9, 0, 0);
    EXPECT_NEAR(under, 2.0 + 0.2 * resistance, 1e-8);
    EXPECT_LT(flow.budget().relative_closure, 1e-10);
    PetscPrintf(PETSC_COMM_WORLD,
                "disconnected river: leak %.10f m3/d (hand 0.2), head below %.8f m (hand %.8f), "
                "Newton iterations %d\n",
                leak, under, 2.0 + 0.2 * resistance, flow.stats().newton_iterations);
  }
}

/// Winding number of the closed polygon around (x, y) (non-zero: inside): a reference
/// independent of the even-odd crossing test the code uses.
int winding_number(const std::vector<std::array<double, 2>>& polygon, double x, double y) {
  int winding = 0;
  for (std::size_t a = 0; a < polygon.size(); ++a) {
    const auto& p = polygon[a];
    const auto& q = polygon[(a + 1) % polygon.size()];
    const double side = (q[0] - p[0]) * (y - p[1]) - (x - p[0]) * (q[1] - p[1]);
    if (p[1] <= y) {
      if (q[1] > y && side > 0) ++winding;
    } else if (q[1] <= y && side < 0) {
      --winding;
    }
  }
  return winding;
}

TEST(PolygonRegion, MaterialCellsAreThoseWhoseCentresLieInside) {
  // A concave (L-shaped with a notch) polygon with a z range; vertices off the cell-centre lines.
  const std::vector<std::array<double, 2>> polygon = {{3.3, 2.2},   {41.7, 5.1},  {38.2, 21.9},
                                                      {22.1, 17.3}, {18.6, 36.4}, {6.1, 33.8}};
  std::string vertices;
  for (const auto& v : polygon)
    vertices += fmt::format("{}[{}, {}]", vertices.empty() ? "" : ", ", v[0], v[1]);
  const std::string text = fmt::format(R"(
grid: {{size: [45, 40, 6], cells: [45, 40, 6]}}
materials:
  - {{name: aquifer, region: all, hydraulic_conductivity: 5, porosity: 0.3}}
  - {{name: lens, region: {{polygon: [{}], z: [1.2, 4.1]}}, hydraulic_conductivity: 0.1, porosity: 0.4}}
flow:
  type: steady
  boundaries:
    - {{face: xmin, type: head, head: 10}}
)",
                                       vertices);
  const Deck deck = read_deck_text(text, "polygon.yaml");
  const Model model(PETSC_COMM_WORLD, deck);
  const Grid& grid = model.grid;
  double mismatches = 0.0, inside = 0.0;
  for (int k = grid.owned_begin(2); k < grid.owned_end(2); ++k)
    for (int j = grid.owned_begin(1); j < grid.owned_end(1); ++j)
      for (int i = grid.owned_begin(0); i < grid.owned_end(0); ++i) {
        const auto c = grid.cell_center(i, j, k);
        const bool expected =
            winding_number(polygon, c[0], c[1]) != 0 && c[2] >= 1.2 && c[2] <= 4.1;
        const bool got = model.materials.material_of(grid.owned_index(i, j, k)) == 1;
        if (expected != got) mismatches += 1.0;
        if (expected) inside += 1.0;
      }
  mismatches = sum_over_ranks(mismatches);
  inside = sum_over_ranks(inside);
  EXPECT_EQ(mismatches, 0.0);
  EXPECT_GT(inside, 100.0);
  PetscPrintf(PETSC_COMM_WORLD, "polygon region: %.0f cells inside, %.0f mismatches\n", inside,
              mismatches);
}

TEST(PolygonRegion, IdomainPolygonMakesExactlyTheInsideCellsInactive) {
  // grid.idomain with an inactive polygon: the inactive cells are those whose centres the
  // winding-number reference puts inside; flow around them equals flow around a block of
  // K = 1e-9 m/d (a peer model without idomain) and no water enters them.
  const std::vector<std::array<double, 2>> polygon = {
      {13.3, 8.2}, {31.7, 11.1}, {27.2, 29.9}, {16.1, 24.3}};
  std::string vertices;
  for (const auto& v : polygon)
    vertices += fmt::format("{}[{}, {}]", vertices.empty() ? "" : ", ", v[0], v[1]);
  const std::string boundaries = R"(
flow:
  type: steady
  boundaries:
    - {face: xmin, type: head, head: 10}
    - {face: xmax, type: head, head: 9}
)";
  const std::string with_idomain = fmt::format(R"(
grid: {{size: [45, 40, 2], cells: [45, 40, 2], idomain: {{inactive: [{{polygon: [{}]}}]}}}}
materials:
  - {{name: aquifer, region: all, hydraulic_conductivity: 5, porosity: 0.3}}
)",
                                               vertices) +
                                   boundaries;
  const std::string with_block = fmt::format(R"(
grid: {{size: [45, 40, 2], cells: [45, 40, 2]}}
materials:
  - {{name: aquifer, region: all, hydraulic_conductivity: 5, porosity: 0.3}}
  - {{name: block, region: {{polygon: [{}]}}, hydraulic_conductivity: 1.0e-9, porosity: 0.3}}
)",
                                             vertices) +
                                 boundaries;
  const Deck deck = read_deck_text(with_idomain, "idomain.yaml");
  const Model model(PETSC_COMM_WORLD, deck);
  const Grid& grid = model.grid;
  double mismatches = 0.0;
  for (int k = grid.owned_begin(2); k < grid.owned_end(2); ++k)
    for (int j = grid.owned_begin(1); j < grid.owned_end(1); ++j)
      for (int i = grid.owned_begin(0); i < grid.owned_end(0); ++i) {
        const auto c = grid.cell_center(i, j, k);
        const bool inside = winding_number(polygon, c[0], c[1]) != 0;
        if (inside == grid.active(i, j, k)) mismatches += 1.0;
      }
  mismatches = sum_over_ranks(mismatches);
  EXPECT_EQ(mismatches, 0.0);
  const long inactive = grid.total_cells() - grid.active_cells();
  EXPECT_GT(inactive, 100);
  FlowSolver flow(grid, model.materials, model.flow);
  flow.solve_steady(0.0, 0.0);
  EXPECT_LT(flow.budget().relative_closure, 1e-10);
  const Deck peer_deck = read_deck_text(with_block, "block.yaml");
  const Model peer_model(PETSC_COMM_WORLD, peer_deck);
  FlowSolver peer(peer_model.grid, peer_model.materials, peer_model.flow);
  peer.solve_steady(0.0, 0.0);
  double difference = 0.0, inactive_flow = 0.0;
  {
    DmdaArrayRead<const PetscScalar***> h(grid.dm(), flow.head());
    DmdaArrayRead<const PetscScalar***> p(grid.dm(), peer.head());
    const auto faces = flow.face_flows();
    for (int k = grid.owned_begin(2); k < grid.owned_end(2); ++k)
      for (int j = grid.owned_begin(1); j < grid.owned_end(1); ++j)
        for (int i = grid.owned_begin(0); i < grid.owned_end(0); ++i) {
          if (grid.active(i, j, k))
            difference = std::max(difference, std::abs(h.get()[k][j][i] - p.get()[k][j][i]));
          else
            for (int axis = 0; axis < 3; ++axis)
              inactive_flow += std::abs(faces[3 * grid.owned_index(i, j, k) + axis]);
        }
  }
  MPI_Allreduce(MPI_IN_PLACE, &difference, 1, MPI_DOUBLE, MPI_MAX, PETSC_COMM_WORLD);
  inactive_flow = sum_over_ranks(inactive_flow);
  EXPECT_LT(difference, 1e-6) << "[m] against a K = 1e-9 m/d block";
  EXPECT_EQ(inactive_flow, 0.0);
  PetscPrintf(PETSC_COMM_WORLD,
              "idomain polygon: %ld inactive cells, 0 mismatches expected (got %.0f), max head "
              "difference to the K = 1e-9 block %.2e m, closure %.1e\n",
              inactive, mismatches, difference, flow.budget().relative_closure);
}

} // namespace
} // namespace terrafate
