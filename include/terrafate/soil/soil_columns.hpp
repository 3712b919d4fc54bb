#pragma once
// Contaminant fate in the unsaturated zone: a vertical 1-D column above each groundwater column
// whose centre lies under a soil zone, held by the rank that owns the column's uppermost active
// grid cell, whose top is the column's water table (SoilColumnGeometry).
//
// Water: steady infiltration q [m/d] at the recharge flux of the top face (the flux boundaries
// on zmax, times the factors of the caps active over the step). Each layer holds the water
// content that drains q under unit gradient, K(theta) = q (van Genuchten-Mualem): the steady
// Richards solution away from the water table. Unit-gradient drainage is used rather than a
// Richards solution down to the water table because it needs no pressure boundary at a water
// table that terrafate's saturated flow model does not resolve, and it differs from the Richards
// profile only within the capillary fringe (about 1/alpha above the water table), where the
// wetter soil slows the front by the ratio of the water contents.
//
// Transport, per species, of the water concentration C [mg/L] with the total per bulk volume
// (theta + rho_b Kd + theta_a H) C: water and gas in equilibrium, theta_a = theta_s - theta.
//   d/dt[(theta + rho_b Kd + theta_a H) C] = -d/dz[q C - E dC/dz]
//                                            - (lambda_w theta + lambda_s rho_b Kd) C
//                                            - k_sve theta_a H C + production by parents,
//   E = alpha_L q + D_w theta^(10/3)/theta_s^2 + H D_a theta_a^(10/3)/theta_s^2
// (dispersion, and diffusion in water and soil gas with Millington-Quirk tortuosity). Cell-
// centred finite volumes on a uniform column grid; face conductances are harmonic means;
// advection is central where the cell Peclet number q dz / E is at most 2 and upwind elsewhere
// (Patankar's hybrid scheme: the matrix stays an M-matrix, so concentrations stay
// non-negative); backward Euler, in sub-steps of the groundwater step that keep the Courant
// number q dt / (capacity dz) at most -soil_max_courant (default 0.1), so that the numerical
// dispersion of the time discretization stays below a tenth of the physical one. The
// tridiagonal systems are solved by the Thomas algorithm (diagonally dominant: no pivoting).
// Boundaries: clean infiltrating water at the surface, and volatilization from the top cell
// through half a cell of soil gas and the still-air boundary layer, H C / (dz/2 / D_g +
// delta / D_a) per unit area (times a cap's volatilization factor); at the water table, the
// water leaves with its concentration (no diffusive flux), and that mass enters the uppermost
// active cell of the groundwater column below as a source over the same step, so mass is conserved
// across the interface.
//
// Water-table flow (`flow.water_table: true`): each column's cells are laid, at its cell size,
// from the ground surface down to the bottom of its grid column's uppermost active cell (the
// lowest elevation its water table can reach in that cell; below the deepest soil layer that
// layer's texture continues). follow_water_table sets, from the simulated saturated fractions,
// how many of them are active: those whose centres lie above the water table, so the column
// ends within half a cell of it (exactly on it when the depth to water is a whole number of
// cells). Cells a rising water table submerges hand their dissolved, sorbed and gas mass to the
// grid cell below, with the next step's leachate, and hold no mass while submerged; cells a
// falling water table exposes start clean. A water table below the cell's bottom (a dry top
// cell) holds the column at that bottom.
#include <vector>

#include "terrafate/core/state_record.hpp"
#include "terrafate/flow/flow_spec.hpp"
#include "terrafate/grid/grid.hpp"
#include "terrafate/soil/soil_spec.hpp"
#include "terrafate/transport/transport_spec.hpp"

namespace terrafate {

/// Cumulative mass balance of one species in the soil columns since time 0 [g].
struct SoilBalance {
  double stored = 0.0;      ///< in place now: water, sorbed and gas
  double initial = 0.0;     ///< in place at time 0
  double decayed = 0.0;     ///< by first-order decay
  double produced = 0.0;    ///< by decay of parents
  double leached = 0.0;     ///< to the groundwater
  double volatilized = 0.0; ///< to the atmosphere
  double removed = 0.0;     ///< by excavation and soil vapour extraction
};

class SoilColumns {
public:
  /// Collective. Throws InputError when the infiltration exceeds a layer's saturated
  /// conductivity or is upward.
  SoilColumns(const Grid& grid, const SoilSpec& soil, const TransportSpec& transport,
              const FlowSpec& flow, double max_courant);

  /// Advances every column over [time, time + dt] [d] with the infiltration of that window.
  void advance(double time, double dt);
  /// Water-table flow: sets each column's active cells from `saturated_fraction` [-], the
  /// saturated fraction of each owned grid cell (x fastest, as FlowSolver::saturated_fraction
  /// gives): the column's water table lies that fraction of its uppermost active cell's height
  /// above the cell's bottom. Cells submerged since the last call pass their mass on with the
  /// next advance. Without `flow.water_table` the columns end at the cell's top: no effect.
  void follow_water_table(const std::vector<double>& saturated_fraction);
  /// [m] depth below the ground surface of the bottom of the active cells of the column above
  /// grid column (i, j) now, or -1 when this rank has no such column.
  double active_depth(int i, int j) const;
  /// Owned indices of the grid cells receiving the columns' leachate.
  const std::vector<long>& loading_cells() const { return loading_cells_; }
  /// [g/d] per species and loading cell: the mass that left the column in the last step / dt.
  const std::vector<std::vector<double>>& loading_rates() const { return loading_rates_; }

  /// Collective: removes all mass from the column cells whose centres lie in `region`;
  /// returns the mass removed per species [g], summed over ranks.
  std::vector<double> excavate(const Region& region);
  /// Collective: balances summed over ranks.
  std::vector<SoilBalance> balances() const;
  /// Collective: [g] of species s removed by gas extraction `extraction` since time 0.
  double extracted(std::size_t extraction, std::size_t s) const;
  /// Collective: [mg/kg dry soil] total concentration per zone, depth interval (between
  /// consecutive report depths) and species, flattened in that order.
  std::vector<double> zone_concentrations() const;
  /// Collective: [g/d] per zone and species, leached then volatilized, averaged over the last
  /// step (flattened: (zone * species + s) * 2 + process).
  std::vector<double> zone_rates() const;
  /// Collective: [mg/kg dry soil] total concentration per species in the column above grid
  /// column (i, j) between depths `top` and `bottom` [m] (cells by their centres); zeros where
  /// there is no column (no soil zone there).
  std::vector<double> column_concentration(int i, int j, double top, double bottom) const;
  /// Water content [-] of layer l in the column above grid column (i, j) now, or -1 when this
  /// rank has no such column.
  double water_content(int i, int j, int l) const;

  struct Column {
    int i = 0, j = 0;
    long cell = 0;          ///< owned index of the grid cell below (its uppermost active cell)
    double area = 0.0;      ///< [m2]
    int cells = 0;          ///< active column cells, from the ground surface to the water table
    int mesh_cells = 0;     ///< all column cells (more than `cells` with water-table flow)
    double cell_size = 0.0; ///< [m]
    /// [m] depth of the centre of column cell c (0 at the top).
    double cell_depth(int c) const { return (c + 0.5) * cell_size; }
    std::vector<int> zones;
    double infiltration = -1.0;                     ///< [m/d] (-1: not yet set)
    std::vector<double> theta;                      ///< [-] per layer
    std::vector<std::vector<double>> concentration; ///< [mg/L] per species and cell
    std::vector<std::vector<int>> extraction_cells; ///< per extraction: its cells here
    std::vector<double> leached, volatilized;       ///< [g] per species, last step
    std::vector<double> submerged; ///< [g] per species, submerged since the last step
  };
  /// Collective: the columns' state for a checkpoint (gathered on rank 0, so a run may restart
  /// on another number of ranks) and the balances so far.
  void save_state(StateRecord& record) const;
  /// `branch`: a shared history without this run's vapour extractions.
  void load_state(const StateRecord& record, bool branch = false);
  /// Everything a step changes, for retrying a failed groundwater step.
  struct State {
    std::vector<Column> columns;
    std::vector<SoilBalance> balances;
    std::vector<std::vector<double>> extracted;
    double last_step = 0.0;
  };
  void save(State& state) const;
  void restore(const State& state);

private:
  /// Per cell of a column: total capacity, conductance coefficient E [m2/d], first-order loss
  /// [1/d] and the loss that produces daughters [1/d], for species s at the column's water
  /// contents.
  struct CellTerms {
    std::vector<double> capacity, dispersion, loss, decay;
  };
  void cell_terms(const Column& column, std::size_t s, double time, double dt,
                  CellTerms& terms) const;
  /// Sets the column's water contents for infiltration q, keeping its mass in place.
  void set_infiltration(Column& column, double q);
  /// [m/d] infiltration into column (i, j) over [time, time + dt], and the volatilization factor.
  std::pair<double, double> infiltration(int i, int j, double time, double dt) const;
  /// One backward-Euler step of every species of a column.
  void step_column(Column& column, double time, double dt, double volatilization_factor);
  double stored_mass(const Column& column, std::size_t s) const;
  /// [-] total capacity of column cell c for species s at the column's water contents.
  double cell_capacity(const Column& column, std::size_t s, int c) const;
  /// Column cells laid above grid column (i, j): to its water table, or with water-table flow
  /// to the bottom of its uppermost active cell.
  int mesh_cells(int i, int j) const;

  const Grid& grid_;
  const SoilSpec& soil_;
  const TransportSpec& transport_;
  const FlowSpec& flow_;
  double max_courant_;
  double recharge_ = 0.0; ///< [m/d] flux boundaries on the top face
  std::vector<Column> columns_;
  std::vector<long> loading_cells_;
  std::vector<std::vector<double>> loading_rates_;
  std::vector<SoilBalance> balances_;          ///< this rank's
  std::vector<std::vector<double>> extracted_; ///< [g] per extraction and species
  double last_step_ = 0.0;                     ///< [d]
  std::vector<std::vector<double>> kd_;        ///< [L/kg] per species and layer
  std::vector<CellTerms> terms_;               ///< per species (reused buffers)
};

} // namespace terrafate
