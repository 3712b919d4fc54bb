#pragma once
// Multi-species advection-dispersion-reaction on the grid, cell-centred finite volumes,
// backward Euler in time; species solved one after another in decay-network order, so a
// daughter's production uses its parent's new concentration (the coupled implicit system is
// block lower-triangular). Per species and cell:
//   (theta + rho_b Kd) V dC/dt = - sum_faces [Q_f C_f - A_f theta D_f dC/dn]
//                                + external inflow C_in - external outflow C
//                                - (lambda_w theta + lambda_s rho_b Kd) V C + production + sources
// Advection: first-order upwind in the matrix; with TVD a van Leer-limited high-order face value
// enters as a deferred correction on the right-hand side, re-solved until the change between
// sweeps is below -transport_tvd_rtol (default 1e-6) of the largest concentration, at most
// -transport_tvd_max_sweeps (default 4) times per step.
// Dispersion: Bear-Scheidegger principal components (aL, aTH, aTV) plus porosity x tortuosity x
// free-water diffusion, harmonic mean of the cell values at each face; the off-diagonal
// (cross) terms of the tensor are not included, which is exact when the flow is aligned with
// the grid. Linear solver: KSP with options prefix "transport_" (GMRES + ILU/block Jacobi).
#include <vector>

#include "terrafate/core/petsc.hpp"
#include "terrafate/flow/flow_solver.hpp"
#include "terrafate/grid/materials.hpp"
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
  double initial_stored = 0.0;
  /// |change in storage - (in - out + sources - decayed + produced)| / mass scale
  double relative_closure() const;
};

class TransportSolver {
public:
  /// Collective. Throws InputError when a material lacks what a species needs.
  TransportSolver(const Grid& grid, const Materials& materials, const FlowSpec& flow_spec,
                  const TransportSpec& spec);

  /// Takes the flow field (Darcy face flows, boundary and well flows) of a steady-flow period.
  void set_flow(const FlowSolver& flow, double period_begin, double period_end);
  /// Advances every species from `time` to `time + dt` [d]. Throws NumericalError when a
  /// linear solve fails or gives a non-finite value; restore() then undoes the partial step.
  void advance(double time, double dt);

  /// Everything a step changes, for retrying a failed step with a smaller one.
  struct State {
    std::vector<std::vector<double>> mobile, immobile;
    std::vector<SpeciesBalance> balances;
    std::vector<double> napl_mass;
  };
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
  long linear_iterations() const { return linear_iterations_; }
  /// [g] NAPL mass left in source `n` (a napl entry of TransportSpec::sources).
  double napl_mass(std::size_t n) const { return napl_mass_[n]; }
  /// [g/d] dissolution from NAPL source `n` in the last step.
  double napl_dissolution(std::size_t n) const { return napl_dissolution_[n]; }
  /// [mg/L] concentration at which source `n` currently holds its cells.
  double held_concentration(int n) const;
  long tvd_sweeps() const { return tvd_sweeps_; }

private:
  void compute_dispersion(const std::vector<double>& darcy_flux);
  void assemble(std::size_t s, double time, double dt);
  void build_rhs(std::size_t s, double time, double dt);
  void add_tvd_correction(std::size_t s);
  /// [g/d] production of species s in the mobile domain of each owned cell by its parents'
  /// current concentrations (a reused buffer).
  const std::vector<double>& mobile_production(std::size_t s);
  /// [mg/L] concentration of water entering through an external flow (its face's transport
  /// boundary, or the injection concentration of its well; 0 otherwise).
  double inflow_concentration(std::size_t s, const ExternalFlow& flow, double time,
                              double dt) const;
  /// Whether source n holds its cells over [time, time + dt] (a NAPL source until exhausted).
  bool holds_cells(std::size_t n, double time, double dt) const;
  /// Copies species s into the width-2 ghosted vector.
  void update_wide(std::size_t s);
  /// [g/d] TVD correction to the upwind advective transfer in the +axis direction through the
  /// face between cell (i, j, k) and its +axis neighbour, for face flow `flow` [m3/d].
  double tvd_face_transfer(const PetscScalar* const* const* c, double flow, int i, int j, int k,
                           int axis) const;
  /// [m2/d] dispersion conductance of species s through the +axis face of cell (i, j, k).
  double dispersion_conductance(PetscScalar**** dispersion, std::size_t s, int i, int j, int k,
                                int axis) const;
  void solve(std::size_t s);
  void account(std::size_t s, double time, double dt);
  /// Per unit volume of cell n: the immobile domain's storage capacity (theta_im + sorbed share)
  /// [-], first-order loss [1/d], exchange rate [1/d], and capacity/dt + exchange + loss [1/d].
  struct ImmobileTerms {
    double capacity = 0.0, decay = 0.0, exchange = 0.0, denominator = 1.0;
  };
  ImmobileTerms immobile_terms(std::size_t s, long n, double dt) const;
  /// [g/m3/d] production of species s in the immobile domain of cell n by its parents.
  double immobile_production(std::size_t s, long n) const;
  /// Advances the immobile domain of species s to the new mobile concentration (backward Euler).
  void update_immobile(std::size_t s, double dt);
  /// [-] rho_b Kd (the mobile domain's share with a dual domain) of owned cell n for species s.
  double sorption_ratio(std::size_t s, long n) const;
  /// [m3/d] first-order loss coefficient (lambda_w theta + lambda_s rho_b Kd) V of cell n.
  double decay_coefficient(std::size_t s, long n, double volume) const;

  const Grid& grid_;
  const Materials& materials_;
  const FlowSpec& flow_spec_;
  const TransportSpec& spec_;

  DmHandle wide_dm_;       ///< one dof, stencil width 2 (TVD upstream-upstream values)
  DmHandle face_dm_;       ///< three dof: face flows [m3/d]
  DmHandle dispersion_dm_; ///< four dof: theta D_xx, theta D_yy, theta D_zz [m2/d], theta tau
  VecHandle face_flows_local_;
  VecHandle dispersion_local_;
  VecHandle wide_global_, wide_local_;
  std::vector<ExternalFlow> external_;
  double period_begin_ = 0.0, period_end_ = 0.0;

  std::vector<VecHandle> concentration_;
  std::vector<std::vector<double>> immobile_; ///< per species: owned immobile values [mg/L]
  std::vector<VecHandle> previous_;
  std::vector<MatHandle> full_operator_; ///< before fixed-concentration rows are imposed
  std::vector<MatHandle> operator_;
  std::vector<double> assembled_dt_;
  std::vector<std::vector<int>> assembled_fixed_; ///< active fixed sources at assembly
  VecHandle rhs_full_, rhs_, residual_;
  KspHandle ksp_;
  std::vector<SpeciesBalance> local_balance_;
  std::vector<std::vector<PetscInt>> fixed_rows_; ///< per species: global rows of fixed cells
  std::vector<std::vector<int>> fixed_sources_;   ///< per species: source of each row
  std::vector<double> napl_mass_;                 ///< [g] per source: NAPL mass left (napl sources)
  std::vector<double> napl_dissolution_; ///< [g/d] per source: dissolution in the last step
  VecHandle iterate_;                    ///< previous TVD sweep
  int tvd_max_sweeps_ = 4;
  PetscReal tvd_tolerance_ = 1.0e-6;
  std::vector<double> production_; ///< buffer of mobile_production()
  long linear_iterations_ = 0;
  long tvd_sweeps_ = 0;
};

} // namespace terrafate
