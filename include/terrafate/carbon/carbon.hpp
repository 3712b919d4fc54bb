#pragma once
// Carbon footprint of a run's resource ledger: ledger quantities x emission factors
// (data/emission_factors.csv, or values in the deck), in t CO2e, by action and phase, with an
// optional cost from unit costs in the deck. Plain C++ (no PETSc, no MPI).
//
// Inventory boundary: the ledger items that carry emissions are electricity (kWh, the grid's
// factor), diesel (L), haulage (t*km), materials (kg, per material) and monitoring travel
// (vehicle_km, km). The other ledger items (volumes, areas, counts, masses removed) describe
// the work and its performance; their emissions are those of the energy and materials above.
// Laboratory analysis of samples is outside the boundary.
#include <map>
#include <string>
#include <vector>

#include "terrafate/core/config.hpp"
#include "terrafate/core/csv_table.hpp"

namespace terrafate {

/// An emission factor: kg CO2e per unit of a ledger item.
struct EmissionFactor {
  double value = 0.0; ///< [kg CO2e per unit]
  std::string unit;   ///< the ledger unit it applies to: kWh, L, t*km, kg, km
  std::string source, status;
};

/// The deck's `carbon:` section resolved against data/emission_factors.csv.
struct CarbonSpec {
  std::string grid; ///< electricity grid key (e.g. china-national-2022)
  /// Factors by key: electricity, diesel, haulage, material:<name>, vehicle_km.
  std::map<std::string, EmissionFactor> factors;
  std::map<std::string, double> costs; ///< [currency per unit] by the same keys (optional)
  std::string currency;
};

/// Reads `carbon: {grid, factors: {key: kgCO2e per unit}, costs: {key: per unit}, currency}`.
/// The grid is a key of the table's `electricity:<grid>` rows (or `factors.electricity` gives
/// the value); deck factors replace or add table values (status "deck").
CarbonSpec read_carbon_spec(const ConfigNode& node, const CsvTable& table);

/// Construction, operation, monitoring, transport and disposal.
enum class Phase { construction, operation, monitoring, transport_and_disposal };
const char* phase_name(Phase phase);

struct LedgerLine {
  std::string action;
  std::string action_type; ///< the remediation action's type (e.g. pump_and_treat)
  std::string item;        ///< ledger item (electricity:pumping, diesel, material:hdpe ...)
  double quantity = 0.0;
  std::string unit;
};

struct FootprintLine {
  LedgerLine ledger;
  std::string factor_key;
  EmissionFactor factor;
  Phase phase = Phase::operation;
  double tco2e = 0.0;
  double cost = 0.0; ///< NaN without a unit cost for the key
};

/// The key of the factor a ledger item needs, or "" when the item is outside the inventory.
std::string factor_key(const LedgerLine& line);
/// The phase of an item: haulage is transport and disposal; monitoring actions' items are
/// monitoring; installed structures' and excavations' materials and diesel are construction;
/// the rest (energy and reagents of treatments) is operation.
Phase phase_of(const LedgerLine& line);

/// The footprint of every ledger line in the inventory. Throws InputError naming every factor
/// the ledger needs that neither the table (with a value) nor the deck gives.
std::vector<FootprintLine> footprint(const std::vector<LedgerLine>& ledger, const CarbonSpec& spec);

} // namespace terrafate
