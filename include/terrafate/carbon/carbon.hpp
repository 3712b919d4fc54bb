#pragma once
// Carbon footprint of a run's resource ledger: ledger quantities x emission factors
// (data/emission_factors.csv, or values in the deck), in t CO2e, by action and phase, with an
// optional cost from unit costs in the deck. Plain C++ (no PETSc, no MPI).
//
// Inventory boundary (docs/footprint.md): electricity (kWh: the grid's factor of each calendar
// year, or an action's on-site photovoltaic or green-power share), diesel (L), haulage (t*km),
// materials and reagents (kg, per material), travel (vehicle_km, km), well drilling (drilling,
// m), laboratory analysis (lab_analysis, samples) and off-site treatment or disposal by route
// (disposal:<route>, t). The other ledger items (volumes, areas, counts, masses removed)
// describe the work and its performance.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "terrafate/carbon/electricity.hpp"
#include "terrafate/core/config.hpp"
#include "terrafate/core/csv_table.hpp"

namespace terrafate {

/// An emission factor: kg CO2e per unit of a ledger item.
struct EmissionFactor {
  double value = 0.0; ///< [kg CO2e per unit]
  std::string unit;   ///< the ledger unit it applies to: kWh, L, t*km, kg, km, m, sample, t
  std::string source, status;
};

/// The deck's `carbon:` section resolved against data/emission_factors.csv.
struct CarbonSpec {
  std::string grid; ///< electricity grid key or series (e.g. china-national-2022, china-national)
  /// The grid's factor by calendar year; absent when `factors.electricity` is given instead.
  std::optional<GridSeries> grid_series;
  /// Run day 0 on the calendar (`time.start_date`, set by the caller): needed when the grid's
  /// factor changes by year.
  std::optional<CalendarAnchor> anchor;
  /// Factors by key: electricity, diesel, haulage, vehicle_km, drilling, lab_analysis,
  /// material:<name>, disposal:<route>, supply:pv, supply:green_power.
  std::map<std::string, EmissionFactor> factors;
  std::map<std::string, double> costs; ///< [currency per unit] by the same keys (optional)
  std::string currency;
  /// Electricity supply by action name (`carbon.energy_supply`); absent: all from the grid.
  std::map<std::string, EnergySupply> supply;
};

/// Reads `carbon: {grid, factors: {key: kgCO2e per unit}, costs: {key: per unit}, currency,
/// energy_supply: {ACTION: {pv, green_power}}}`. The grid is read by read_grid_series (or
/// `factors.electricity` gives one constant value); deck factors replace or add table values
/// (status "deck"). The keys `indicators`, `indicator_factors` and `present_value` are allowed
/// only with `footprint_keys` (read_footprint_spec reads them), so that a caller that does not
/// read them rejects them instead of ignoring them.
CarbonSpec read_carbon_spec(const ConfigNode& node, const CsvTable& table,
                            bool footprint_keys = false);

/// Throws InputError at `carbon.energy_supply.<name>` when <name> is not one of `actions` (the
/// deck's remediation action names).
void check_energy_supply_actions(const ConfigNode& carbon, const std::vector<std::string>& actions);

/// Construction, operation, monitoring, transport and disposal.
enum class Phase { construction, operation, monitoring, transport_and_disposal };
const char* phase_name(Phase phase);

struct LedgerLine {
  std::string action;
  std::string action_type; ///< the remediation action's type (e.g. pump_and_treat)
  std::string item;        ///< ledger item (electricity:pumping, diesel, material:hdpe ...)
  double quantity = 0.0;
  std::string unit;
  double start = 0.0; ///< [d] run time the quantity is used from (uniformly up to `end`)
  double end = 0.0;   ///< [d]; equal to `start` for a quantity used at one time
};

struct FootprintLine {
  LedgerLine ledger; ///< for electricity: the part from one supply (quantity = its kWh)
  std::string factor_key;
  EmissionFactor factor; ///< for grid electricity by year: the kWh-weighted mean factor
  Phase phase = Phase::operation;
  double tco2e = 0.0;
  double cost = 0.0;            ///< NaN without a unit cost for the key
  std::string supply;           ///< electricity: grid, pv or green_power; empty otherwise
  std::vector<YearShare> years; ///< grid electricity: the kWh and factor of each year
};

/// The key of the factor a ledger item needs, or "" when the item is outside the inventory.
std::string factor_key(const LedgerLine& line);
/// The phase of an item: haulage is transport and disposal; monitoring actions' items are
/// monitoring; installed structures' and excavations' materials and diesel are construction;
/// the rest (energy and reagents of treatments) is operation.
Phase phase_of(const LedgerLine& line);

/// The footprint of every ledger line in the inventory. An electricity line becomes a line per
/// supply of its action (grid, pv, green_power, in that order, those with a positive share);
/// the grid's part is split by calendar year over the line's window. Throws InputError naming
/// every factor the ledger needs that neither the table (with a value) nor the deck gives, and
/// when the grid changes by year but no start date anchors the run.
std::vector<FootprintLine> footprint(const std::vector<LedgerLine>& ledger, const CarbonSpec& spec);

} // namespace terrafate
