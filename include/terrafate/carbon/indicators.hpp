#pragma once
// Footprint indicators beyond CO2e (SEFA / ASTM E2893 core elements): energy by source [MJ],
// water used [m3], waste [t, hazardous and not], NOx, SOx and PM10 [kg], worker accident risk
// [expected fatalities and injuries from worker hours x rates], land disturbed [m2]. Factors
// come from data/footprint_factors.csv (key, indicator, value, unit = INDICATOR_UNIT/LEDGER_UNIT,
// source, status); a row with no value is missing and stops the indicator's computation until
// the deck gives it. Plain C++ (no PETSc, no MPI).
#include <map>
#include <set>
#include <string>
#include <vector>

#include "terrafate/carbon/carbon.hpp"

namespace terrafate {

/// One indicator factor: `value` indicator units per ledger unit of `key`.
struct IndicatorFactor {
  std::string key;       ///< ledger factor key or item: electricity, diesel, worker_hours ...
  std::string indicator; ///< energy_diesel, nox, water_used, accident_fatalities ...
  double value = 0.0;    ///< [indicator_unit per ledger_unit]
  bool missing = false;  ///< no value in the table
  std::string indicator_unit, ledger_unit, source, status;
};

/// The indicator groups a deck may ask for, and the indicators they hold (by name prefix).
/// ghg (tCO2e, from the carbon footprint), energy (energy_*), air (nox, sox, pm10), water
/// (water_*), waste (waste_*), accident (accident_*), land (land_*).
std::string indicator_group(const std::string& indicator);

/// The deck's choice of indicators and its factors, resolved against the table.
struct IndicatorSpec {
  std::set<std::string> groups = {"ghg"};              ///< `carbon.indicators` (default ghg only)
  std::multimap<std::string, IndicatorFactor> factors; ///< by key
};

/// Reads `carbon.indicators: [ghg, energy, air, water, waste, accident, land]` and
/// `carbon.indicator_factors: {KEY: {INDICATOR: value}}` (table units; status "deck") from the
/// `carbon:` node (either may be absent) against data/footprint_factors.csv.
IndicatorSpec read_indicator_spec(const ConfigNode& carbon, const CsvTable& table);

/// One row of footprint.csv.
struct IndicatorRow {
  std::string action;
  Phase phase = Phase::operation;
  std::string indicator;
  double quantity = 0.0;
  std::string unit;
};

/// The indicators of the requested groups by action, phase and indicator (in order of first
/// appearance): ghg from `lines` (tCO2e), the others from the factors of each footprint line's
/// key (electricity per supply: electricity, supply:pv, supply:green_power) and of each ledger
/// item outside the carbon inventory (water_used, purge_water, waste:hazardous, worker_hours,
/// land_disturbed ...). Throws InputError naming every (key, indicator) the requested groups
/// need whose factor is missing.
std::vector<IndicatorRow> indicators(const std::vector<LedgerLine>& ledger,
                                     const std::vector<FootprintLine>& lines,
                                     const IndicatorSpec& spec);

/// footprint.csv: `action,phase,indicator,quantity,unit` and a row per IndicatorRow.
std::string footprint_csv(const std::vector<IndicatorRow>& rows);

/// Totals per indicator over every action and phase (the unit is the indicator's).
std::map<std::string, double> indicator_totals(const std::vector<IndicatorRow>& rows);

} // namespace terrafate
