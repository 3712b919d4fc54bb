#pragma once
// Groundwater flow on the DMDA grid: cell-centred finite volumes with two-point fluxes and
// harmonic-mean face conductances, steady or backward-Euler transient.
//   sum_faces T_f w_f (h_c - h_n) + sum_boundaries C_b w_b (h_c - h_b)
//     + Ss V (h_c - h_c^old)/dt + Sy V (S(h_c) - S(h_c^old))/dt = Q_c
// Confined cells have w = 1 and S = 1: the system is linear. Convertible (water-table) cells have
// a saturated fraction S(h) = (h - bottom) / (top - bottom), smoothed quadratically near 0 and 1,
// weighting the horizontal faces (w, the mean or upstream S of the two cells; vertical faces keep
// the full conductance, as MODFLOW 6 does); dry cells stay in the system (a small floor on w) and
// the nonlinear system is solved by Newton's method (PETSc SNES, options prefix "flow_").
// The linear solver is a PETSc KSP with options prefix "flow_" (CG + BoomerAMG where PETSc has
// hypre, CG + GAMG otherwise).
#include <string>
#include <vector>

#include <exception>
#include <functional>
#include <unordered_map>

#include <petscsnes.h>

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
  int newton_iterations = 0; ///< Newton iterations of the last solve (0: linear flow)
  long total_newton_iterations = 0;
};

using SnesHandle = PetscHandle<SNES, SNESDestroy>;

class FlowSolver {
public:
  /// Collective.
  FlowSolver(const Grid& grid, const Materials& materials, const FlowSpec& spec);

  /// Sets a uniform head [m] (the initial condition of transient flow).
  void set_uniform_head(double head);
  /// Solves the steady state with the wells active over [period_begin, period_end), the time
  /// series at the period's middle.
  void solve_steady(double period_begin, double period_end) {
    solve_steady_at(period_begin, period_end, 0.5 * (period_begin + period_end));
  }
  /// Solves the steady state of the instant `time` [d] in the stress period [period_begin,
  /// period_end): the wells of the period, a step series' value over the period (at its middle:
  /// periods break at the series' times), a linear series' value at `time`.
  void solve_steady_at(double period_begin, double period_end, double time);
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
  /// Sets well `w`'s window to [start, end] [d] (a triggered pump-and-treat's wells from its
  /// firing; its spec's start is infinity); the flow of a period solved after this uses it.
  void set_well_window(std::size_t w, double start, double end);
  /// Whether the wells and caps in force over [begin, end] [d] differ from those of the last
  /// period solved (true before the first solve).
  bool stresses_change(double begin, double end) const;

  /// Whether some cell is convertible (water-table flow, solved by Newton's method).
  bool unconfined() const { return unconfined_; }
  /// [-] saturated fraction of each owned cell for the current head, x fastest: 1 for confined
  /// cells, S(h) in [0, 1] for convertible ones (0: dry), 0 for inactive cells (grid.idomain).
  /// Transport's water volume is this times the cell's pore volume.
  std::vector<double> saturated_fraction() const;
  /// [m] saturated thickness of each owned cell, x fastest (fraction times cell height).
  std::vector<double> saturated_thickness() const;

private:
  struct BoundaryCell {
    int i, j, k;
    /// conductance [m2/d] (head, general_head, river, drain) or inflow [m3/d] (flux)
    double coefficient;
    double level;  ///< [m] head, stage or drain elevation
    double bottom; ///< [m] river bed bottom (-inf otherwise)
    /// [m3/d] fixed-head cells (cell-form head): the inflow that keeps the cell's balance at the
    /// current head (update_fixed_head_inflows).
    double inflow = 0.0;
    std::size_t site = 0; ///< index into the spec boundary's sites (cell forms)
    /// [m2/d per unit conductance] and [d/m2]: with a conductance series, the coefficient is
    /// 1 / (1 / (C measure) + inner_resistance) (a face's half cell in series; 0 on cell forms)
    double measure = 0.0;
    double inner_resistance = 0.0;
  };
  struct WellCell {
    int i, j, k;
    double fraction; ///< share of the well's rate taken from this cell
  };

  /// With BoomerAMG (the default where PETSc has hypre, or -flow_pc_type hypre): settings for 3-D
  /// unless given on the command line.
  static void set_boomeramg_defaults();
  /// A cell's saturated fraction and its derivative by the head [1/m].
  struct Saturation {
    double value = 1.0;
    double derivative = 0.0;
  };
  /// Saturation of cell (i, j, k) between its own bottom and top (unsmoothed floor-free value,
  /// for storage and output).
  Saturation cell_saturation(bool convertible, int i, int j, int k, double head) const;
  /// Weight w of a horizontal face's conductance between cells a and b (same layer), with its
  /// derivatives by h_a and h_b; 1 when neither is convertible.
  struct FaceWeight {
    double value = 1.0;
    double by_a = 0.0;
    double by_b = 0.0;
  };
  FaceWeight face_weight(bool convertible_a, double head_a, const std::array<int, 3>& cell_a,
                         bool convertible_b, double head_b, const std::array<int, 3>& cell_b) const;
  /// [m3/d] inflow of boundary `b` into its cell `cell` at head `head`; `derivative` (if given)
  /// receives d(inflow)/d(head).
  double boundary_inflow(std::size_t b, const BoundaryCell& cell, double head,
                         double* derivative = nullptr) const;
  /// Whether owned cell (i, j, k) is convertible.
  bool cell_convertible(int i, int j, int k) const {
    return unconfined_ && convertible_owned_[static_cast<std::size_t>(grid_.owned_index(i, j, k))];
  }
  /// Ghosted 1/0 flags of the grid's DMDA from a per-owned-cell predicate.
  VecHandle ghosted_flags(const std::function<bool(int, int, int)>& flag) const;
  /// Newton's method for water-table flow over a step `dt` [d] (0: steady).
  void solve_newton(double dt);
  /// Residual (net outflow [m3/d] of each cell) into `residual` and/or its Jacobian into
  /// `jacobian` at head `head`. `constrained`: fixed-head cells have the residual D (h - h_fixed)
  /// (D: the sum of their face conductances); otherwise their net outflow without the fixed-head
  /// boundary's own inflow (what that boundary supplies).
  void evaluate_newton(Vec head, Vec residual, Mat jacobian, bool constrained = true);
  static PetscErrorCode newton_residual(SNES snes, Vec head, Vec residual, void* context);
  static PetscErrorCode newton_jacobian(SNES snes, Vec head, Mat jacobian, Mat preconditioner,
                                        void* context);
  static PetscErrorCode newton_converged(SNES snes, PetscInt iteration, PetscReal x_norm,
                                         PetscReal step_norm, PetscReal residual_norm,
                                         SNESConvergedReason* reason, void* context);
  /// Whether spec boundary `b` fixes the heads of its cells (a cell-form head boundary).
  bool fixes_heads(std::size_t b) const {
    return spec_.boundaries[b].type == FlowBoundary::Type::head &&
           spec_.boundaries[b].form != FlowBoundary::Form::face;
  }
  /// Global (natural-order) index of cell (i, j, k).
  long global_index(int i, int j, int k) const {
    return i + static_cast<long>(grid_.cells(0)) * (j + static_cast<long>(grid_.cells(1)) * k);
  }
  /// Puts the fixed heads into the right-hand side of the linear system: D h_fixed in the
  /// fixed rows, T h_fixed in the rows of their neighbours (whose columns were moved there to
  /// keep the operator symmetric).
  void apply_fixed_heads();
  /// Sets each fixed-head cell's inflow [m3/d] from the current head: its net outflow to the
  /// rest of the system (faces, storage, other boundaries, wells).
  void update_fixed_head_inflows(double period_begin, double period_end, double dt);
  /// Sets the boundaries and wells with a time series to their values: a step series at
  /// `step_time`, a linear one at `linear_time` [d] (values, vertex values and conductances; a
  /// changed conductance sets the operator up again).
  void apply_series(double step_time, double linear_time);
  /// Sets the coefficients of boundary `b`'s cells from its conductance series at a time (called
  /// on every rank when the series' value changes: the operator is set up again).
  void apply_conductance(std::size_t b, double step_time, double linear_time);
  /// Factor on a flux boundary cell's inflow in the current stress period (caps) and step (the
  /// boundary's flux series).
  double flux_factor(const FlowBoundary& boundary, const BoundaryCell& cell) const;
  void assemble_operator(double dt);
  void assemble_rhs(double period_begin, double period_end, double dt);
  void solve(double dt);
  void compute_budget(double period_begin, double period_end, double dt);
  /// With the default tolerance: continues the linear solve while the budget closes worse than
  /// the target (see kBudgetClosureTarget).
  void close_budget(double period_begin, double period_end, double dt);
  /// Ghosted head (local vector of the grid's DMDA) for face terms.
  VecHandle ghosted_head() const;

  const Grid& grid_;
  const Materials& materials_;
  const FlowSpec& spec_;
  std::vector<std::vector<BoundaryCell>> boundary_cells_; ///< per spec boundary
  /// Fixed-head cells (cell-form head boundaries) of the whole grid: global index -> [m] head.
  std::unordered_map<long, double> fixed_heads_;
  /// Ghosted 1/0 flags of the fixed-head cells (when there are some).
  VecHandle fixed_local_;
  /// Rows of the assembled operator that carry a fixed head: its diagonal D [m2/d].
  struct FixedRow {
    int i, j, k;
    double diagonal;
  };
  /// Faces between an owned free cell and a fixed-head neighbour `neighbour` (global index).
  struct FixedLink {
    int i, j, k;
    double transmissibility; ///< [m2/d]
    long neighbour;
  };
  /// Per spec boundary: the value its time series has in the current solve (NaN without one).
  std::vector<double> series_values_;
  /// [m3/d] per spec well: its rate in the current solve (rate_series, or the spec's rate).
  std::vector<double> well_rates_;
  double time_ = 0.0; ///< [d] end of the last transient step (the series' clock)
  /// [d] the times apply_series last took step and linear series at
  double series_step_time_ = 0.0, series_linear_time_ = 0.0;
  std::vector<FixedRow> fixed_rows_;
  std::vector<FixedLink> fixed_links_;
  std::vector<std::vector<WellCell>> well_cells_; ///< per spec well
  /// [d] per spec well: its window (the spec's, or a triggered action's from its firing)
  std::vector<std::pair<double, double>> well_window_;
  /// Whether well w pumps over the whole period [begin, end] [d].
  bool well_active(std::size_t w, double begin, double end) const {
    return well_window_[w].first <= begin && end <= well_window_[w].second;
  }

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

  // Water-table flow.
  bool unconfined_ = false;
  /// Solved by Newton's method: water-table cells, rivers or drains make the system nonlinear.
  bool newton_ = false;
  std::vector<char> convertible_owned_; ///< per owned cell
  std::vector<double> specific_yield_;  ///< [-] per owned cell (0 where not convertible)
  VecHandle convertible_local_;         ///< ghosted 1/0 flags
  /// Ghosted 1/0 flags of active cells (grid.idomain), when the grid has inactive cells.
  VecHandle active_local_;
  SnesHandle snes_;
  MatHandle jacobian_;
  VecHandle residual_;
  double newton_dt_ = 0.0;            ///< [d] step of the current Newton solve (0: steady)
  double newton_period_begin_ = 0.0;  ///< [d]
  double newton_period_end_ = 0.0;    ///< [d]
  double gross_flow_ = 0.0;           ///< [m3/d] sum of |external and storage flows|
  double roundoff_flow_ = 0.0;        ///< [m3/d] round-off level of the residual's 2-norm
  bool head_given_ = false;           ///< set_uniform_head or load_state was called
  std::exception_ptr callback_error_; ///< an exception caught inside a SNES callback
};

} // namespace terrafate
