// Groundwater flow against analytic solutions: recharge between fixed heads (parabola), a
// layered column (piecewise linear head, harmonic-mean flux) and the Theis well. Runs at 1 and
// 2 ranks; each rank checks the cells it owns.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <numbers>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "terrafate/run/deck.hpp"
#include "terrafate/run/observations.hpp"
#include "terrafate/run/simulation.hpp"
#include "terrafate/flow/flow_solver.hpp"

namespace terrafate {
namespace {

double max_over_ranks(double value) {
  MPI_Allreduce(MPI_IN_PLACE, &value, 1, MPI_DOUBLE, MPI_MAX, PETSC_COMM_WORLD);
  return value;
}

/// On the one-rank run only (on several each rank holds part of the grid): `text` as
/// flow_analytic/<file> in the working folder (ctest's build/tests), for the verification report
/// (scripts/make_verification_report.py) and the exported decks
/// (scripts/export_verification_decks.py). Whether it was opened.
bool open_verification_file(std::ofstream& file, const std::string& name) {
  int ranks = 1;
  MPI_Comm_size(PETSC_COMM_WORLD, &ranks);
  if (ranks != 1) return false;
  std::filesystem::create_directories("flow_analytic");
  file.open("flow_analytic/" + name);
  return true;
}

/// The deck a case runs, as flow_analytic/<name>.yaml (one-rank run).
void write_verification_deck(const std::string& name, const std::string& text) {
  std::ofstream file;
  if (open_verification_file(file, name + ".yaml")) file << text;
}

/// The one-rank run's comparison, as flow_analytic/<name>.csv.
class VerificationTable {
public:
  VerificationTable(const std::string& name, const std::string& header) {
    if (open_verification_file(file_, name + ".csv")) file_ << header << "\n";
  }
  void row(std::initializer_list<double> values) {
    if (!file_.is_open()) return;
    const char* separator = "";
    for (const double value : values) {
      file_ << separator << fmt::format("{:.17g}", value);
      separator = ",";
    }
    file_ << "\n";
  }

private:
  std::ofstream file_;
};

/// Owned head values with their cell indices.
template <typename F> void for_owned_heads(const Grid& grid, Vec head, F&& visit) {
  DmdaArrayRead<const PetscScalar***> h(grid.dm(), head);
  for (int k = grid.owned_begin(2); k < grid.owned_end(2); ++k)
    for (int j = grid.owned_begin(1); j < grid.owned_end(1); ++j)
      for (int i = grid.owned_begin(0); i < grid.owned_end(0); ++i)
        visit(i, j, k, h.get()[k][j][i]);
}

std::string recharge_deck(int cells) {
  // T = K b = 50 m2/d with K = 50 m/d and b = 1 m; recharge 5e-4 m/d on 1000 m.
  return fmt::format(R"(
grid: {{size: [1000, 10, 1], cells: [{}, 1, 1]}}
materials:
  - {{name: aquifer, region: all, hydraulic_conductivity: 50, porosity: 0.3}}
flow:
  type: steady
  boundaries:
    - {{face: xmin, type: head, head: 10}}
    - {{face: xmax, type: head, head: 5}}
    - {{face: zmax, type: flux, flux: "0.5 mm/d"}}
)",
                     cells);
}

/// Max |h - analytic| over the cell centres for the recharge case on `cells` cells.
double recharge_error(int cells, double* closure) {
  write_verification_deck(fmt::format("recharge_{}", cells), recharge_deck(cells));
  const Deck deck = read_deck_text(recharge_deck(cells), "recharge.yaml");
  const Model model(PETSC_COMM_WORLD, deck);
  FlowSolver flow(model.grid, model.materials, model.flow);
  flow.solve_steady(0.0, 0.0);
  const double length = 1000.0, transmissivity = 50.0, recharge = 5.0e-4;
  double error = 0.0;
  VerificationTable table(fmt::format("recharge_{}", cells), "x_m,head_m,exact_m");
  for_owned_heads(model.grid, flow.head(), [&](int i, int, int, double h) {
    const double x = model.grid.center(0, i);
    const double exact =
        10.0 - 5.0 * x / length + recharge * x * (length - x) / (2.0 * transmissivity);
    error = std::max(error, std::abs(h - exact));
    table.row({x, h, exact});
  });
  *closure = flow.budget().relative_closure;
  return max_over_ranks(error);
}

TEST(FlowAnalytic, RechargeBetweenFixedHeadsIsSecondOrder) {
  double closure = 1.0;
  const double coarse = recharge_error(50, &closure);
  EXPECT_LT(closure, 1e-10);
  const double medium = recharge_error(100, &closure);
  EXPECT_LT(closure, 1e-10);
  const double fine = recharge_error(200, &closure);
  EXPECT_LT(closure, 1e-10);
  EXPECT_LT(medium, 2e-4) << "100 cells of 10 m";
  const double order_1 = std::log2(coarse / medium);
  const double order_2 = std::log2(medium / fine);
  EXPECT_NEAR(order_1, 2.0, 0.1);
  EXPECT_NEAR(order_2, 2.0, 0.1);
  PetscPrintf(PETSC_COMM_WORLD,
              "recharge parabola: max error %.3e / %.3e / %.3e m on 50/100/200 cells, "
              "orders %.3f %.3f\n",
              coarse, medium, fine, order_1, order_2);
}

TEST(FlowAnalytic, LayeredColumnIsExact) {
  // Vertical flow through four layers of K = 1, 10, 0.1, 5 m/d (5, 2, 3, 4 cells of 1 m).
  const std::string text = R"(
grid: {size: [2, 3, 14], cells: [1, 1, 14]}
materials:
  - {name: l1, region: all, hydraulic_conductivity: [3, 3, 1], porosity: 0.3}
  - {name: l2, region: {box: {min: [0, 0, 5], max: [2, 3, 7]}}, hydraulic_conductivity: [1, 1, 10], porosity: 0.3}
  - {name: l3, region: {box: {min: [0, 0, 7], max: [2, 3, 10]}}, hydraulic_conductivity: [1, 1, 0.1], porosity: 0.3}
  - {name: l4, region: {box: {min: [0, 0, 10], max: [2, 3, 14]}}, hydraulic_conductivity: [1, 1, 5], porosity: 0.3}
flow:
  type: steady
  boundaries:
    - {face: zmin, type: head, head: 10}
    - {face: zmax, type: head, head: 20}
)";
  write_verification_deck("layered", text);
  const Deck deck = read_deck_text(text, "layered.yaml");
  const Model model(PETSC_COMM_WORLD, deck);
  FlowSolver flow(model.grid, model.materials, model.flow);
  flow.solve_steady(0.0, 0.0);
  const double tops[4] = {5, 7, 10, 14};
  const double conductivity[4] = {1, 10, 0.1, 5};
  double resistance = 0.0; // [d] sum of thickness / K
  for (int layer = 0; layer < 4; ++layer)
    resistance += (tops[layer] - (layer ? tops[layer - 1] : 0.0)) / conductivity[layer];
  const double specific_flux = (20.0 - 10.0) / resistance; // [m/d] downward
  auto exact_head = [&](double z) {
    double h = 10.0, bottom = 0.0;
    for (int layer = 0; layer < 4; ++layer) {
      const double top = tops[layer];
      const double dz = std::min(z, top) - bottom;
      if (dz <= 0) break;
      h += specific_flux * dz / conductivity[layer];
      bottom = top;
    }
    return h;
  };
  double error = 0.0;
  VerificationTable table("layered", "z_m,head_m,exact_m");
  for_owned_heads(model.grid, flow.head(), [&](int, int, int k, double h) {
    error = std::max(error, std::abs(h - exact_head(model.grid.center(2, k))) / 20.0);
    table.row({model.grid.center(2, k), h, exact_head(model.grid.center(2, k))});
  });
  error = max_over_ranks(error);
  EXPECT_LT(error, 1e-10);
  const auto& budget = flow.budget();
  const double area = 2.0 * 3.0;
  double top_inflow = 0.0;
  for (const auto& entry : budget.entries)
    if (entry.component == "head:zmax") top_inflow = entry.inflow;
  const double flux_error = std::abs(top_inflow - specific_flux * area) / (specific_flux * area);
  EXPECT_LT(flux_error, 1e-10);
  EXPECT_LT(budget.relative_closure, 1e-10);
  PetscPrintf(PETSC_COMM_WORLD, "layered column: head rel. error %.3e, flux rel. error %.3e\n",
              error, flux_error);
}

/// Exponential integral E1(u) = W(u), the Theis well function (series for u < 1, continued
/// fraction otherwise; both to machine precision).
double well_function(double u) {
  if (u < 1.0) {
    double sum = -std::numbers::egamma - std::log(u), term = 1.0;
    for (int n = 1; n < 100; ++n) {
      term *= -u / n;
      sum -= term / n;
      if (std::abs(term) < 1e-17) break;
    }
    return sum;
  }
  double b = u + 1.0, c = 1e300, d = 1.0 / b, h = d;
  for (int n = 1; n < 200; ++n) {
    const double a = -static_cast<double>(n) * n;
    b += 2.0;
    d = 1.0 / (a * d + b);
    c = b + a / c;
    const double delta = c * d;
    h *= delta;
    if (std::abs(delta - 1.0) < 1e-16) break;
  }
  return h * std::exp(-u);
}

TEST(FlowAnalytic, WellFunctionMatchesTables) {
  // Values of W(u) from standard tables (e.g. Freeze & Cherry 1979, Table 8.1 / Abramowitz &
  // Stegun 5.1): W(1e-4) = 8.6332, W(1e-2) = 4.0379, W(0.1) = 1.8229, W(1) = 0.21938.
  EXPECT_NEAR(well_function(1e-4), 8.6332, 1e-4);
  EXPECT_NEAR(well_function(1e-2), 4.0379, 1e-4);
  EXPECT_NEAR(well_function(0.1), 1.8229, 1e-4);
  EXPECT_NEAR(well_function(1.0), 0.21938, 1e-5);
  EXPECT_NEAR(well_function(2.0), 0.048901, 1e-6);
}

/// Cell widths growing geometrically from `first` at the centre outwards, symmetric, covering
/// at least `half_width` on each side.
std::string telescoping(double first, double factor, double max_width, double half_width,
                        double* extent) {
  std::vector<double> side;
  double total = first / 2.0, width = first;
  while (total < half_width) {
    width = std::min(width * factor, max_width);
    side.push_back(width);
    total += width;
  }
  std::string text = "[";
  for (auto it = side.rbegin(); it != side.rend(); ++it)
    text += fmt::format("{}, ", *it);
  text += fmt::format("{}", first);
  for (double w : side)
    text += fmt::format(", {}", w);
  *extent = total;
  return text + "]";
}

TEST(FlowAnalytic, TheisDrawdown) {
  // Confined aquifer: b = 10 m, K = 10 m/d (T = 100 m2/d), Ss = 1e-4 1/m (S = 1e-3), Q = 500 m3/d.
  double extent = 0.0;
  const std::string widths = telescoping(1.0, 1.12, 250.0, 6000.0, &extent);
  const std::string text = fmt::format(R"(
grid:
  origin: [{0}, {0}, 0]
  spacing: {{x: {1}, y: {1}, z: [10]}}
materials:
  - {{name: aquifer, region: all, hydraulic_conductivity: 10, porosity: 0.25, specific_storage: 1.0e-4}}
flow:
  type: transient
  initial_head: 0
  wells:
    - {{name: PW, position: [0, 0], screen: [0, 10], rate: -500}}
time: {{end: 10, max_step: 0.5, initial_step: 1.0e-5, step_multiplier: 1.1, output_times: [1, 10]}}
observations:
  points:
    - {{name: r10, position: [10, 0, 5]}}
    - {{name: r20, position: [0, 20, 5]}}
    - {{name: r50, position: [50, 0, 5]}}
    - {{name: r100, position: [0, -100, 5]}}
)",
                                       -extent, widths);
  write_verification_deck("theis", text);
  const Deck deck = read_deck_text(text, "theis.yaml");
  const Model model(PETSC_COMM_WORLD, deck);
  const PointSampler sampler(model.grid, deck.observation_points);
  // This case also exercises the documented alternative preconditioner, BoomerAMG, which
  // handles the strongly stretched cells here in a few iterations.
  TF_PETSC_CHECK(PetscOptionsSetValue(nullptr, "-flow_pc_type", "hypre"));
  FlowSolver flow(model.grid, model.materials, model.flow);
  TF_PETSC_CHECK(PetscOptionsClearValue(nullptr, "-flow_pc_type"));
  flow.set_uniform_head(0.0);
  const double radii[4] = {10, 20, 50, 100};
  const double transmissivity = 100.0, storativity = 1.0e-3, rate = 500.0;
  double t = 0.0, dt = 1.0e-5, worst = 0.0, closure = 0.0;
  VerificationTable table("theis", "time_d,radius_m,drawdown_m,theis_m");
  for (double check_time : {1.0, 10.0}) {
    while (t < check_time - 1e-12) {
      const double step = std::min(dt, check_time - t);
      flow.advance(0.0, 10.0, step);
      closure = std::max(closure, flow.budget().relative_closure);
      t += step;
      dt = std::min(dt * 1.1, 0.5);
    }
    const auto drawdown = sampler.sample(flow.head());
    int rank = 0;
    MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
    if (rank == 0)
      for (int p = 0; p < 4; ++p) {
        const double u = radii[p] * radii[p] * storativity / (4.0 * transmissivity * t);
        const double theis = rate / (4.0 * std::numbers::pi * transmissivity) * well_function(u);
        const double relative = std::abs(-drawdown[p] - theis) / theis;
        worst = std::max(worst, relative);
        std::printf("Theis t = %g d r = %g m: numerical %.5f m, analytic %.5f m, rel. err %.4f\n",
                    t, radii[p], -drawdown[p], theis, relative);
        table.row({t, radii[p], -drawdown[p], theis});
        EXPECT_LT(relative, 0.02) << "t = " << t << " r = " << radii[p];
      }
  }
  EXPECT_LT(closure, 1e-10);
  PC pc;
  KSPGetPC(flow.ksp(), &pc);
  PetscBool is_hypre = PETSC_FALSE;
  PetscObjectTypeCompare(reinterpret_cast<PetscObject>(pc), PCHYPRE, &is_hypre);
  EXPECT_TRUE(is_hypre) << "-flow_pc_type hypre must select BoomerAMG";
  PetscPrintf(PETSC_COMM_WORLD, "Theis: worst relative error %.4f, worst closure %.2e\n",
              max_over_ranks(worst), closure);
}

TEST(FlowDefaults, BoomerAmgWhereAvailableClosesBudgetAndMatchesTightGamg) {
  // Layered, anisotropic 3-D case with thin cells (20:1), a well and recharge: the default
  // solver's heads against CG + GAMG at rtol 1e-14 (a peer solution), and its budget closure.
  const std::string text = R"(
grid: {size: [400, 300, 20], cells: [40, 30, 20]}
materials:
  - {name: sand, region: all, hydraulic_conductivity: [20, 20, 2], porosity: 0.3}
  - {name: silt, region: {box: {min: [0, 0, 6], max: [400, 300, 9]}}, hydraulic_conductivity: [0.05, 0.05, 0.005], porosity: 0.4}
  - {name: gravel, region: {box: {min: [100, 50, 12], max: [300, 200, 16]}}, hydraulic_conductivity: 300, porosity: 0.25}
flow:
  type: steady
  boundaries:
    - {face: xmin, type: head, head: 30}
    - {face: xmax, type: general_head, head: 27, conductance: 0.5}
    - {face: zmax, type: flux, flux: "300 mm/yr"}
  wells:
    - {name: PW, position: [205, 155], screen: [2, 10], rate: -300}
)";
  const Deck deck = read_deck_text(text, "defaults.yaml");
  const Model model(PETSC_COMM_WORLD, deck);
  FlowSolver flow(model.grid, model.materials, model.flow);
  flow.solve_steady(0.0, 0.0);
  PC pc;
  TF_PETSC_CHECK(KSPGetPC(flow.ksp(), &pc));
  PetscBool is_hypre = PETSC_FALSE;
  TF_PETSC_CHECK(PetscObjectTypeCompare(reinterpret_cast<PetscObject>(pc), PCHYPRE, &is_hypre));
#ifdef PETSC_HAVE_HYPRE
  EXPECT_TRUE(is_hypre) << "BoomerAMG is the default where PETSc has hypre";
#else
  EXPECT_FALSE(is_hypre);
#endif
  const double closure = flow.budget().relative_closure;
  EXPECT_LT(closure, 1e-10);

  TF_PETSC_CHECK(PetscOptionsSetValue(nullptr, "-flow_pc_type", "gamg"));
  TF_PETSC_CHECK(PetscOptionsSetValue(nullptr, "-flow_ksp_rtol", "1e-14"));
  FlowSolver reference(model.grid, model.materials, model.flow);
  TF_PETSC_CHECK(PetscOptionsClearValue(nullptr, "-flow_pc_type"));
  TF_PETSC_CHECK(PetscOptionsClearValue(nullptr, "-flow_ksp_rtol"));
  reference.solve_steady(0.0, 0.0);
  VecHandle difference;
  TF_PETSC_CHECK(VecDuplicate(flow.head(), difference.out()));
  TF_PETSC_CHECK(VecWAXPY(difference, -1.0, reference.head(), flow.head()));
  PetscReal max_difference = 0.0;
  TF_PETSC_CHECK(VecNorm(difference, NORM_INFINITY, &max_difference));
  EXPECT_LT(max_difference, 1e-7) << "[m] against CG + GAMG at rtol 1e-14";
  PetscPrintf(PETSC_COMM_WORLD,
              "default flow solver: %d iterations, closure %.2e, max head difference to "
              "tight GAMG %.2e m\n",
              flow.stats().iterations, closure, static_cast<double>(max_difference));
}

} // namespace
} // namespace terrafate
