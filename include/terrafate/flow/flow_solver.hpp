#pragma once
// Saturated (confined) groundwater flow on the DMDA grid: cell-centred finite volumes with
// two-point fluxes and harmonic-mean face conductances, steady or backward-Euler transient.
//   sum_faces T_f (h_c - h_n) + sum_boundaries C_b (h_c - h_b) + Ss V (h_c - h_c^old)/dt = Q_c
// The linear solver is a PETSc KSP with options prefix "flow_" (CG + BoomerAMG where PETSc has
// hypre, CG + GAMG otherwise).
#include <string>
#include <vector>

#include "terrafate/core/petsc.hpp"
#include "terrafate/core/state_record.hpp"
#include "terrafate/flow/flow_spec.hpp"
#include "terrafate/grid/materials.hpp"

namespace terrafate {

/// One line of the water budget [m3/d].
struct BudgetEntry {
  std::string component;
  double inflow = 0.0;
  double outflow = 0.0;
};

/// Water entering (inflow > 0) or leaving (< 0) one owned cell across the domain boundary or
/// through a well: what transport needs to carry mass in and out.
struct ExternalFlow {
  int i = 0, j = 0, k = 0;
  double inflow = 0.0; ///< [m3/d]
  int boundary = -1;   ///< index into FlowSpec::boundaries, or -1
  int well = -1;       ///< index into FlowSpec::wells, or -1
};

struct FlowBudget {
  std::vector<BudgetEntry> entries;
  double total_inflow = 0.0;  ///< [m3/d]
  double total_outflow = 0.0; ///< [m3/d]
  /// |in - out| / mean(in, out)
  double relative_closure = 0.0;
};

/// Statistics of the most recent linear solve.
struct FlowSolveStats {
  int iterations = 0;
  double setup_seconds = 0.0; ///< operator assembly + preconditioner set-up
  double solve_seconds = 0.0;
  long solves = 0;           ///< solves so far
  long total_iterations = 0; ///< iterations summed over all solves
};

class FlowSolver {
public:
  /// Collective.
  FlowSolver(const Grid& grid, const Materials& materials, const FlowSpec& spec);

  /// Sets a uniform head [m] (the initial condition of transient flow).
  void set_uniform_head(double head);
  /// Solves the steady state with the wells active over [period_begin, period_end).
  void solve_steady(double period_begin, double period_end);
  /// Advances transient flow by `dt` [d] (backward Euler) with the wells of the period.
  void advance(double period_begin, double period_end, double dt);

  /// Head [m], a global vector of the grid's DMDA.
  Vec head() const { return head_.get(); }
  /// Water budget of the last solve.
  const FlowBudget& budget() const { return budget_; }
  const FlowSolveStats& stats() const { return stats_; }
  /// The linear solver (options prefix "flow_").
  KSP ksp() const { return ksp_.get(); }
  /// Frees the operator, the preconditioner (the multigrid hierarchy) and the solver's work
  /// vectors, keeping the head and the budget: for when the flow will not be solved again soon
  /// (steady flow under transport). The next solve sets them up again.
  void release_solver();

  /// The state a checkpoint keeps: head (and the previous step's), the last solve's period and
  /// step, the solve counters.
  void save_state(StateRecord& record) const;
  /// Restores it and recomputes the water budget of the last solve.
  void load_state(const StateRecord& record);
  /// Darcy flux at owned cell centres [m/d], 3 components per cell, x fastest.
  std::vector<double> cell_darcy_flux() const;
  /// Boundary and well flows of the owned cells for the current head, with the wells of the
  /// period [period_begin, period_end).
  std::vector<ExternalFlow> external_flows(double period_begin, double period_end) const;
  /// Interior face flows [m3/d] through the +x, +y, +z face of each owned cell (zero on the
  /// domain boundary), 3 components per cell, x fastest.
  std::vector<double> face_flows() const;
  /// [m3/d] water released from elastic storage by each owned cell over the last step,
  /// Ss V (h_old - h) / dt (negative when the cell takes water into storage), x fastest; all 0
  /// after a steady solve.
  std::vector<double> storage_release() const;
  /// Collective: [m] head in well `w`: the mean of the heads of its screened cells, weighted by
  /// their shares of the rate.
  double well_head(std::size_t w) const;

private:
  struct BoundaryCell {
    int i, j, k;
    double coefficient; ///< conductance [m2/d] (head, general_head) or inflow [m3/d] (flux)
  };
  struct WellCell {
    int i, j, k;
    double fraction; ///< share of the well's rate taken from this cell
  };

  /// With BoomerAMG (the default where PETSc has hypre, or -flow_pc_type hypre): settings for 3-D
  /// unless given on the command line.
  static void set_boomeramg_defaults();
  /// Factor on a flux boundary cell's inflow in the current stress period (caps).
  double flux_factor(const FlowBoundary& boundary, const BoundaryCell& cell) const;
  void assemble_operator(double dt);
  void assemble_rhs(double period_begin, double period_end, double dt);
  void solve(double dt);
  void compute_budget(double period_begin, double period_end, double dt);
  /// Ghosted head (local vector of the grid's DMDA) for face terms.
  VecHandle ghosted_head() const;

  const Grid& grid_;
  const Materials& materials_;
  const FlowSpec& spec_;
  std::vector<std::vector<BoundaryCell>> boundary_cells_; ///< per spec boundary
  std::vector<std::vector<WellCell>> well_cells_;         ///< per spec well

  MatHandle matrix_;
  KspHandle ksp_;
  VecHandle head_;
  VecHandle head_old_;
  VecHandle rhs_;
  double assembled_dt_ = -1.0;                   ///< [d] dt of the assembled operator; 0 for steady
  double preconditioner_dt_ = -1.0;              ///< [d] dt the preconditioner was built for
  double last_dt_ = 0.0;                         ///< [d] dt of the last solve; 0 for steady
  double period_begin_ = 0.0, period_end_ = 0.0; ///< [d] stress period of the last solve
  FlowBudget budget_;
  FlowSolveStats stats_;
};

} // namespace terrafate
