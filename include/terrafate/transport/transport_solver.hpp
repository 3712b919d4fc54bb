#pragma once
// Multi-species advection-dispersion-reaction on the grid, cell-centred finite volumes,
// backward Euler in time; species solved one after another in decay-network order, so a
// daughter's production uses its parent's new concentration (the coupled implicit system is
// block lower-triangular). Per species and cell:
//   (theta + rho_b Kd) V dC/dt = - sum_faces [Q_f C_f - A_f theta D_f dC/dn]
//                                + external inflow C_in - external outflow C
//                                - (lambda_w theta + lambda_s rho_b Kd) V C + production + sources
// Advection: first-order upwind in the matrix; with TVD a van Leer-limited high-order face value
// enters as a deferred correction on the right-hand side. Each step starts from a predictor,
// the linear extrapolation of the last two steps (the old concentrations after a change of step
// length), which is also the linear solver's initial guess; the first solve carries the TVD
// correction of the predictor. By default that is all (-transport_tvd_max_sweeps 0: one linear
// solve per species and step, a linearly-implicit TVD scheme); with N > 0 sweeps each further
// solve recomputes the correction from the latest iterate, until the change between sweeps is
// below -transport_tvd_rtol (default 1e-6) of the largest concentration or N sweeps were made
// (the fixed point is the fully implicit TVD solution). On the MODFLOW 6 3-D plume problem the
// default stays within 0.4 % of MODFLOW 6's iterated TVD at every observation and output time
// (1 sweep: 6e-5), at less than half the cost.
// Nonlinear species (Freundlich or Langmuir sorption, zero-order decay): Newton iterations on the
// cell-local storage and reaction terms, to a change below -transport_nonlinear_rtol (default
// 1e-10) of the largest concentration within -transport_nonlinear_max_its (default 50)
// iterations; the TVD correction is frozen once its sweeps have ended.
// Zero-order decay removes k0 theta V [g/d] from a cell while C >= 1e-9 mg/L and k0 theta V C /
// 1e-9 below (a linear taper to zero that keeps concentrations non-negative).
// Dispersion: the Bear-Scheidegger tensor with a vertical transverse dispersivity (Burnett and
// Frind, as MT3DMS): theta D_ii = (aL q_i^2 + aT q_j^2 + aT' q_k^2) / |q|, theta D_ij =
// (aL - aT) q_i q_j / |q|, plus porosity x tortuosity x free-water diffusion on the diagonal.
// Principal terms: two-point fluxes with the harmonic mean of the cell values at each face.
// Cross terms, where the flow is oblique to the grid (any cell with a cross term above 1e-6 of
// its principal ones; -transport_dispersion_cross_terms false drops them): the flux through a
// face normal to axis a is -A D_at dC/dt summed over the transverse axes t, with D_at the
// arithmetic mean of the two cells' values and dC/dt the mean of the two cells' central
// differences along t (one-sided at the domain boundary); implicit, which makes the operator a
// 19-point stencil (DMDA box stencil). Like MT3DMS's and MODFLOW 6's (XT3D), this discretization
// is not monotone: sharp fronts across oblique flow undershoot (on the chlorinated-solvent site by
// up to 40 % of the species maximum), and so, less, can the linearly-implicit TVD correction.
// Positivity: after each species' step (its mass accounted), a conservative correction brings
// every value below -1e-13 of the species maximum (-transport_positivity_rtol) to 0. An immobile
// domain takes its deficit from the same cell's mobile water. A mobile cell takes it from its
// face neighbours (and edge neighbours with the cross terms), in proportion to their concentrations
// and each giving at most the mass it holds (a limited antidiffusive transfer, in Zalesak's
// manner), in up to 4 passes; a deficit with no mass next to it (the faint undershoot ahead of a
// front) is then taken from all cells with mass in proportion to it. The species' mass is unchanged
// to round-off, so the balances still close; the moved mass is reported (positivity_transfer). Held
// cells neither give nor take. -transport_positivity false turns the correction off. Linear solver:
// KSP with options prefix "transport_" (GMRES + ILU/block Jacobi), residual reduced to 1e-10 of the
// right-hand side (-transport_ksp_rtol).
#include <array>
#include <memory>
#include <string>
#include <vector>

#include "terrafate/core/petsc.hpp"
#include "terrafate/core/state_record.hpp"
#include "terrafate/flow/flow_solver.hpp"
#include "terrafate/grid/materials.hpp"
#include "terrafate/transport/stencil_operator.hpp"
#include "terrafate/transport/transport_spec.hpp"

namespace terrafate {

/// Cumulative mass balance of one species since time 0 [g].
struct SpeciesBalance {
  double dissolved = 0.0; ///< in place now
  double sorbed = 0.0;    ///< in place now
  double immobile = 0.0;  ///< in place now in the immobile domain (dissolved + sorbed)
  double inflow = 0.0;    ///< through boundaries and injection wells
  double outflow = 0.0;   ///< through boundaries and extraction wells
  double sources = 0.0;   ///< mass-rate sources and fixed-concentration cells (net)
  double decayed = 0.0;
  double produced = 0.0; ///< by decay of parents
  double removed = 0.0;  ///< taken out of the ground (excavation)
  double initial_stored = 0.0;
  double loaded = 0.0; ///< received from the soil columns (leachate)
  // The soil columns, when the balance covers them too (filled by the caller):
  double soil = 0.0;        ///< in place now in the soil columns
  double leached = 0.0;     ///< from the soil columns to the groundwater
  double volatilized = 0.0; ///< from the soil to the atmosphere
  /// |change in storage - (in - out + sources + loaded - leached - decayed + produced - removed
  /// - volatilized)| / mass scale
  double relative_closure() const;
};

class TransportSolver {
public:
  /// Collective. Throws InputError when a material lacks what a species needs.
  TransportSolver(const Grid& grid, const Materials& materials, const FlowSpec& flow_spec,
                  const TransportSpec& spec);

  /// Takes the flow field of the flow solver's last solve (Darcy face flows, boundary and well
  /// flows, release from elastic storage), which holds until the next call: a steady-flow
  /// period, or a transient flow step. `period_begin` and `period_end` bound the stress period
  /// (which wells run).
  void set_flow(const FlowSolver& flow, double period_begin, double period_end);
  /// Advances every species from `time` to `time + step` [d]. Throws NumericalError when a
  /// linear solve fails or gives a non-finite value; restore() then undoes the partial step.
  void advance(double time, double step);

  /// Everything a step changes, for retrying a failed step with a smaller one.
  struct State {
    std::vector<std::vector<double>> mobile, immobile;
    std::vector<SpeciesBalance> balances;
    std::vector<double> napl_mass;
    std::vector<std::vector<double>> zone_decayed, oxidized;
    std::vector<double> positivity_transfer;
    double minimum = 0.0, relative_minimum = 0.0;
  };
  /// Collective: the state a checkpoint keeps (concentrations in both domains, the predictor,
  /// NAPL masses, well concentrations, the balances so far) into `record`.
  void save_state(StateRecord& record) const;
  /// Restores a checkpoint's state (after set_flow of the period it was taken in). `branch`: the
  /// checkpoint is a shared history written without this run's remediation actions (wells,
  /// zones and oxidations of its own start afresh).
  void load_state(const StateRecord& record, bool branch = false);
  /// Copies the state into `state` (reusing its storage from the previous step).
  void save(State& state) const;
  void restore(const State& state);

  std::size_t species_count() const { return spec_.species.size(); }
  /// [mg/L] immobile-domain concentration of species s on the owned cells (x fastest).
  const std::vector<double>& immobile_concentration(std::size_t s) const { return immobile_[s]; }
  /// Concentration [mg/L] of species `s`, a global vector of the grid's DMDA.
  Vec concentration(std::size_t s) const { return concentration_[s].get(); }
  /// Balances summed over all ranks.
  std::vector<SpeciesBalance> balances() const;
  /// Collective: mass discharge [g/d] of species `s` in the +axis direction through the grid
  /// plane of interior face `face` (between cells face - 1 and face): advective (with the TVD
  /// correction when active) plus dispersive.
  double plane_discharge(std::size_t s, int axis, int face);
  /// Collective: [m3/d] water flowing in the +axis direction through the grid plane of interior
  /// face `face` (the sum of the positive face flows).
  double plane_water_flow(int axis, int face) const;
  long linear_iterations() const { return linear_iterations_; }
  /// [g] NAPL mass left in source `n` (a napl entry of TransportSpec::sources).
  double napl_mass(std::size_t n) const { return napl_mass_[n]; }
  /// [g/d] dissolution from NAPL source `n` in the last step.
  double napl_dissolution(std::size_t n) const { return napl_dissolution_[n]; }
  /// [mg/L] concentration at which source `n` currently holds its cells.
  double held_concentration(int n) const;
  long tvd_sweeps() const { return tvd_sweeps_; }
  /// Collective: removes all contaminant mass (dissolved, sorbed, immobile) from the cells whose
  /// centres lie in `region`, and the share of each NAPL source's mass that its cells in the
  /// region hold; returns the mass removed per species [g] (the NAPL share included).
  std::vector<double> excavate(const Region& region);
  /// Collective: adds `mass` [g] of species s to the mobile water of the cells in `region`, in
  /// proportion to their storage capacity (a uniform concentration increase); counted as a
  /// source in the mass balance.
  void inject(std::size_t s, const Region& region, double mass);
  /// Removes `fraction` of NAPL source n's remaining mass; returns it [g].
  double remove_napl_fraction(std::size_t n, double fraction);
  /// Collective: [g] mass of species s decayed in the mobile domain of reaction zone `zone`'s
  /// cells while it was active, since time 0.
  double zone_decayed(std::size_t zone, std::size_t s) const;
  /// Starts reaction zone `zone` at `start` [d] until `end` [d] (a contingent action triggered
  /// during the run; its spec's start is infinity): active over the steps in that window.
  void start_zone(std::size_t zone, double start, double end);
  /// Starts oxidation `oxidation` at `start` [d] until `end` [d] (a triggered chemical
  /// oxidation; its spec's start is infinity).
  void start_oxidation(std::size_t oxidation, double start, double end);
  /// Collective: [g] mass of species s consumed by oxidation `oxidation` since time 0 (the
  /// oxidant: by the contaminants and the natural demand).
  double oxidized(std::size_t oxidation, std::size_t s) const;
  /// Collective: [g] mass of species s that flow well `well` injected in the last step.
  double well_injection(std::size_t well, std::size_t s) const;
  /// The concentration [mg/L] of species s in the water flow well `well` injects from now on
  /// (replacing its sources' injection concentration).
  void set_well_concentration(std::size_t well, std::size_t s, double value);
  /// Collective: [g] mass of species s that flow well `well` extracted in the last step.
  double well_extraction(std::size_t well, std::size_t s) const;
  /// Mass loading [g/d] into the mobile water of owned cells `cells` (owned indices), per
  /// species and cell, over the following advance() calls: the leachate of the soil columns.
  void set_loading(const std::vector<long>& cells, const std::vector<std::vector<double>>& rates);
  /// Newton iterations beyond the first solve of each nonlinear species' step.
  long nonlinear_iterations() const { return nonlinear_iterations_; }
  /// [mg/L] the smallest concentration, mobile or immobile, of any species at time 0 (or the
  /// restart) and at the end of every step since, after the positivity correction; 0 when none
  /// was negative. The same on every rank (not collective).
  double minimum_concentration() const { return minimum_; }
  /// [-] the smallest ratio of a concentration to the largest of its species and domain (mobile,
  /// immobile) at the same time, over the same times; 0 when none was negative. Every rank.
  double minimum_relative_concentration() const { return relative_minimum_; }
  /// [g] mass of species s that the positivity correction moved since time 0 (or the restart),
  /// into cells below its floor (the species' total is unchanged). Every rank.
  double positivity_transfer(std::size_t s) const { return positivity_transfer_[s]; }

private:
  void compute_dispersion(const std::vector<double>& darcy_flux);
  /// Saturated cell volumes, storage and first-order coefficients from saturated_fraction_.
  void update_cell_storage();
  /// Takes the flow's new saturated fractions (a steady period's water table, or a transient
  /// flow step's). The concentrations are kept; the mass the changed saturated volume gains or
  /// loses is booked as inflow or outflow (before the first step: the initial mass in place).
  void change_saturated_volume(std::vector<double> fraction);
  /// Per-cell first-order rates: the materials', then those of the given active zones (their
  /// replacing rates aged to `time` [d]).
  void set_rates(const std::vector<int>& active_zones, double time);
  /// Switches the reaction zones active over [time, time + dt] on (operators re-assembled).
  void update_zones(double time, double dt);
  /// The oxidation reactions over [time, time + dt] after the transport of the step (operator
  /// splitting): per cell, RK4 sub-steps of the kinetics, which keep the stoichiometry exactly.
  void oxidize(double time, double dt);
  /// Cross-dispersion flux [g/d] in the +axis direction through the face between cell (i, j, k)
  /// and its +axis neighbour as sum coefficients[m] C(cells[m]) [m3/d]; returns the number of
  /// terms (at most 8).
  int cross_flux_stencil(PetscScalar**** dispersion, int axis, int i, int j, int k,
                         MatStencil* cells, double* coefficients) const;
  /// The operator of the linear terms, and the rows of the cells held by sources.
  void assemble(std::size_t s, double time, double dt);
  /// rhs_base_: the terms of the right-hand side that do not depend on the iterate.
  void build_rhs_base(std::size_t s, double time, double dt);
  /// tvd_rhs_: the TVD correction of the current concentrations of species s.
  void compute_tvd_correction(std::size_t s);
  /// Nonlinear species: adds the Newton linearization of sorption and zero-order decay about
  /// the current iterate to rhs_full_ and to the operators (from base_operator_).
  void linearize(std::size_t s, double dt);
  /// [g/d] production of species s in the mobile domain of each owned cell by its parents'
  /// current concentrations (a reused buffer).
  const std::vector<double>& mobile_production(std::size_t s);
  /// [mg/L] concentration of water entering through an external flow (its face's transport
  /// boundary, or the injection concentration of its well; 0 otherwise).
  double inflow_concentration(std::size_t s, const ExternalFlow& flow, double time,
                              double dt) const;
  /// Whether source n holds its cells over [time, time + dt] (a NAPL source until exhausted).
  bool holds_cells(std::size_t n, double time, double dt) const;
  /// The vector to read species s from in the width-2 ghosted layout: on several ranks
  /// wide_local_, updated; on one rank, where that layout is the global one, the species' own.
  Vec update_wide(std::size_t s);
  /// [g/d] TVD correction to the upwind advective transfer in the +axis direction through the
  /// face between cell (i, j, k) and its +axis neighbour, for face flow `flow` [m3/d].
  double tvd_face_transfer(const PetscScalar* const* const* c, double flow, int i, int j, int k,
                           int axis) const;
  /// [m2/d] dispersion conductance of species s through the +axis face of cell (i, j, k).
  double dispersion_conductance(PetscScalar**** dispersion, std::size_t s, int i, int j, int k,
                                int axis) const;
  void solve(std::size_t s);
  /// The owned cells [begin, end) of the layer `lower` along `axis` (the lower side of a plane).
  void plane_cells(int axis, int lower, int* begin, int* end) const;
  /// Collective: the owned cell (grid indices and centre) holding a non-finite value of
  /// `values`, else the largest magnitude, for error messages.
  std::string worst_cell(Vec values) const;
  void account(std::size_t s, double time, double dt);
  /// Per unit volume of cell n: the immobile domain's storage capacity (theta_im + sorbed share)
  /// [-], first-order loss [1/d], exchange rate [1/d], and capacity/dt + exchange + loss [1/d].
  struct ImmobileTerms {
    double capacity = 0.0, decay = 0.0, exchange = 0.0, denominator = 1.0;
  };
  ImmobileTerms immobile_terms(std::size_t s, long n, double dt) const;
  /// [g/m3/d] production of species s in the immobile domain of cell n by its parents.
  double immobile_production(std::size_t s, long n) const;
  /// The positivity correction of species s (see the header comment), after account(); records
  /// the minima.
  void enforce_positivity(std::size_t s);
  /// One pass of the mobile correction: every owned cell below `floor` [mg/L] takes its deficit
  /// from its face neighbours with mass; adds to `served` the cells that have such neighbours.
  /// Returns the mass moved on this rank [g].
  double positivity_pass(std::size_t s, double floor, long& served);
  /// Collective: the largest mobile value of species s, minus its smallest, the largest
  /// immobile value, minus its smallest [mg/L] (0 where all are of the other sign).
  std::array<double, 4> extremes(std::size_t s) const;
  /// Records the minima, given a species' extremes().
  void record_minimum(const std::array<double, 4>& extremes);
  /// [g] mass of species s in the mobile domain of owned cell n at concentration c [mg/L]
  /// (dissolved and sorbed).
  double mobile_mass(std::size_t s, long n, double c) const;
  /// [mg/L] the concentration at which owned cell n holds `mass` [g] of species s in its mobile
  /// domain (the inverse of mobile_mass; `guess` starts Newton's iterations for nonlinear
  /// isotherms).
  double mobile_concentration(std::size_t s, long n, double mass, double guess) const;
  /// Advances the immobile domain of species s to the new mobile concentration (backward Euler).
  void update_immobile(std::size_t s, double dt);
  /// [-] rho_b Kd (the mobile domain's share with a dual domain) of owned cell n for species s;
  /// 0 for a nonlinear isotherm.
  double sorption_ratio(std::size_t s, long n) const;
  /// [m3/d] first-order loss coefficient (lambda_w theta + lambda_s rho_b Kd) V of cell n (the
  /// sorbed part for linear isotherms only).
  double decay_coefficient(std::size_t s, long n, double volume) const;
  /// [mg/kg] sorbed concentration of species s (nonlinear isotherm) at dissolved concentration
  /// c [mg/L], and its derivative [L/kg] in `slope`.
  double isotherm(std::size_t s, double c, double& slope) const;
  /// [g/d] loss of species s in the mobile domain of owned cell n at concentration c [mg/L]
  /// that produces daughters: first-order decay, dissolved and sorbed.
  double first_order_loss(std::size_t s, long n, double c) const;
  /// [g/d] zero-order loss of species s in owned cell n at concentration c [mg/L].
  double zero_order_loss(std::size_t s, long n, double c) const;

  const Grid& grid_;
  const Materials& materials_;
  const FlowSpec& flow_spec_;
  const TransportSpec& spec_;

  DmHandle wide_dm_; ///< one dof, stencil width 2 (TVD upstream-upstream values)
  DmHandle face_dm_; ///< three dof: face flows [m3/d]
  /// seven dof: theta D_xx, D_yy, D_zz [m2/d], theta tau [-], theta D_xy, D_xz, D_yz [m2/d]
  DmHandle dispersion_dm_;
  DmHandle box_dm_;                  ///< one dof, box stencil: the 19-point operators
  bool allow_cross_terms_ = true;    ///< -transport_dispersion_cross_terms
  bool cross_terms_present_ = false; ///< the current flow is oblique to the grid somewhere
  bool cross_terms_ = false;         ///< the operators carry the cross terms
  VecHandle face_flows_local_;
  VecHandle dispersion_local_;
  VecHandle wide_local_; ///< several ranks only
  bool single_rank_ = false;
  std::vector<ExternalFlow> external_;
  /// [m3/d] per owned cell: water released from elastic storage (transient flow), which
  /// enters (or, negative, leaves) the mobile water at the cell's concentration.
  std::vector<double> storage_release_;
  bool storage_released_ = false; ///< some owned cell has a non-zero storage_release_
  double period_begin_ = 0.0, period_end_ = 0.0;
  /// Per axis and interior face f (between cells f and f + 1): TVD geometry for flow in the +axis
  /// direction (upstream cell f) and in the -axis direction (upstream cell f + 1): the ratio of
  /// the downstream to the upstream centre distance, and half the upstream cell's width over
  /// the downstream distance.
  struct TvdFace {
    double ratio_forward = 0.0, factor_forward = 0.0, ratio_backward = 0.0, factor_backward = 0.0;
  };
  std::array<std::vector<TvdFace>, 3> tvd_faces_;
  /// With layer surfaces: the vertical TVD geometry of each owned column's own cells (their
  /// centre distances and thicknesses), nz - 1 faces per column ((j, i) of the owned columns, x
  /// fastest); empty for flat layers (tvd_faces_[2] then holds it).
  std::vector<TvdFace> tvd_column_faces_;
  /// The TVD geometry of the +axis face of owned cell (i, j, k).
  const TvdFace& tvd_face(int axis, int i, int j, int k) const {
    if (axis == 2 && !tvd_column_faces_.empty()) {
      const long column = static_cast<long>(j - grid_.owned_begin(1)) * grid_.owned_count(0) +
                          (i - grid_.owned_begin(0));
      return tvd_column_faces_[static_cast<std::size_t>(column * (grid_.cells(2) - 1) + k)];
    }
    return tvd_faces_[axis][static_cast<std::size_t>(axis == 0 ? i : axis == 1 ? j : k)];
  }
  /// Some face flow along the axis exceeds tvd_flow_floor_.
  std::array<bool, 3> axis_has_flow_{true, true, true};
  double tvd_flow_floor_ = 0.0;     ///< [m3/d] faces with |flow| up to this get no TVD correction
  std::vector<double> cell_volume_; ///< [m3] saturated volume per owned cell
  /// [-] the flow solution's saturated fraction per owned cell (1 confined, 0 dry or inactive)
  std::vector<double> saturated_fraction_;
  bool advanced_ = false; ///< whether a step has been taken (the initial mass is then fixed)
  /// Per species and owned cell: dissolved and sorbed first-order rates [1/d] and zero-order
  /// rate [mg/L/d] (the material's, or an active reaction zone's).
  std::vector<std::vector<std::array<double, 3>>> rates_;
  std::vector<int> active_zones_;  ///< indices into TransportSpec::zones
  std::vector<double> zone_start_; ///< [d] per zone: its start (a triggered one's when fired)
  std::vector<double> zone_end_;   ///< [d] per zone: its end (a triggered one's from its firing)
  /// [d] per oxidation: its window (a triggered one's from its firing)
  std::vector<std::pair<double, double>> oxidation_window_;
  std::vector<int> product_zone_; ///< per owned cell: the active zone with products, or -1
  std::vector<std::vector<double>> zone_decayed_; ///< [g] per zone and species
  std::vector<std::vector<double>> oxidized_;     ///< [g] per oxidation and species
  std::vector<std::vector<double>> extracted_;    ///< [g] per species and flow well, last step
  std::vector<std::vector<double>> injected_;     ///< [g] per species and flow well, last step
  /// [mg/L] per species and flow well: injection concentration set by set_well_concentration
  /// (NaN: the sources')
  std::vector<std::vector<double>> well_concentration_;
  /// Per species and owned cell: mobile storage (theta + rho_b Kd) V [m3] (theta V for a
  /// nonlinear isotherm) and first-order loss coefficient decay_coefficient() [m3/d].
  std::vector<std::vector<double>> storage_, first_order_;
  bool has_immobile_ = false; ///< some owned cell has an immobile domain

  std::vector<VecHandle> concentration_;
  std::vector<std::vector<double>> immobile_; ///< per species: owned immobile values [mg/L]
  std::vector<VecHandle> previous_;           ///< concentrations at the start of the step
  std::vector<VecHandle> older_;              ///< at the start of the previous step
  std::vector<double> older_dt_; ///< [d] length of the previous step (-1: do not extrapolate)
  std::vector<MatHandle> base_operator_; ///< nonlinear species: the linear terms only
  std::vector<MatHandle> full_operator_; ///< nonlinear species: before the held rows are imposed
  /// Linear species: per held row, its entries before it became an identity row, as (index in
  /// the ghosted width-2 local vector, coefficient).
  std::vector<std::vector<std::vector<std::pair<PetscInt, double>>>> held_rows_;
  std::vector<MatHandle> operator_;
  /// Linear species on the 7-point stencil (unless -transport_matrix_free 0 or a
  /// -transport_pc_type is given): the operator as coefficient arrays, applied matrix-free with
  /// its DILU preconditioner, in place of operator_.
  std::vector<std::unique_ptr<StencilOperator>> stencil_;
  bool matrix_free_ = true;
  /// -transport_dilu_relaxation: the share of ILU(0)'s dropped fill-in returned to the pivots.
  double dilu_relaxation_ = 0.95;
  /// Per species: whether its KSP is set up for the stencil operator (1), the assembled one (0),
  /// or not yet (-1).
  std::vector<int> ksp_stencil_;
  /// Whether species s is solved with its stencil operator (decided at assembly).
  bool uses_stencil(std::size_t s) const;
  /// The operator species s is solved with.
  Mat solve_operator(std::size_t s) const;
  /// Collective: `vector`, made on first use (work vectors that only some runs need).
  Vec work_vector(VecHandle& vector);
  std::vector<double> assembled_dt_;
  std::vector<std::vector<int>> assembled_fixed_; ///< active fixed sources at assembly
  VecHandle rhs_base_, rhs_full_, rhs_, tvd_rhs_, diagonal_;
  VecHandle residual_;          ///< made on first use (work_vector)
  std::vector<KspHandle> ksps_; ///< per species
  std::vector<SpeciesBalance> local_balance_;
  std::vector<std::vector<PetscInt>> fixed_rows_; ///< per species: global rows of fixed cells
  std::vector<std::vector<int>> fixed_sources_;   ///< per species: source of each row
  std::vector<double> napl_mass_;                 ///< [g] per source: NAPL mass left (napl sources)
  std::vector<double> napl_dissolution_; ///< [g/d] per source: dissolution in the last step
  VecHandle iterate_; ///< the previous iterate (TVD sweep, Newton), made on first use
  int tvd_max_sweeps_ = 0;
  PetscReal tvd_tolerance_ = 1.0e-6;
  PetscReal nonlinear_tolerance_ = 1.0e-10;
  int nonlinear_max_iterations_ = 50;
  std::vector<double> production_; ///< buffer of mobile_production()
  /// [g/d] per species: the owned cells' mobile production in the current step (build_rhs_base)
  std::vector<double> production_rate_;
  std::vector<long> loading_cells_;                ///< set_loading()
  std::vector<std::vector<double>> loading_rates_; ///< [g/d] per species and loading cell
  bool positivity_ = true;                         ///< -transport_positivity
  PetscReal positivity_tolerance_ = 1.0e-13;       ///< -transport_positivity_rtol
  std::vector<double> positivity_transfer_;        ///< [g] per species, all ranks
  double minimum_ = 0.0;                           ///< [mg/L] minimum_concentration()
  double relative_minimum_ = 0.0;                  ///< minimum_relative_concentration()
  /// Work vectors of the positivity correction (made on first use): ghosted (width-2 layout)
  /// requests [g] and held-cell marks, and the owned and ghosted granted fractions.
  VecHandle request_local_, held_local_, grant_, grant_local_;
  long linear_iterations_ = 0;
  long tvd_sweeps_ = 0;
  long nonlinear_iterations_ = 0;
};

} // namespace terrafate
