#include "terrafate/carbon/carbon.hpp"

#include <cmath>
#include <cstdlib>
#include <limits>
#include <set>

#include <fmt/format.h>

namespace terrafate {

namespace {
constexpr const char* kPhaseNames[] = {"construction", "operation", "monitoring",
                                       "transport_and_disposal"};

/// The ledger unit a table unit's factor applies to, and the factor per that unit [kg CO2e]
/// (t CO2/MWh = kg CO2/kWh); empty for a unit that is not a factor.
std::pair<std::string, double> per_unit(const std::string& unit, double value) {
  if (unit == "kgCO2/kWh" || unit == "kgCO2e/kWh") return {"kWh", value};
  if (unit == "tCO2/MWh" || unit == "tCO2e/MWh") return {"kWh", value};
  if (unit == "kgCO2/L" || unit == "kgCO2e/L") return {"L", value};
  if (unit == "kgCO2e/(t*km)" || unit == "kgCO2/(t*km)") return {"t*km", value};
  if (unit == "kgCO2e/kg" || unit == "kgCO2/kg") return {"kg", value};
  if (unit == "kgCO2e/km" || unit == "kgCO2/km") return {"km", value};
  return {"", value};
}

/// The unit of the ledger item a key's factor applies to.
std::string key_unit(const std::string& key) {
  if (key == "electricity") return "kWh";
  if (key == "diesel") return "L";
  if (key == "haulage") return "t*km";
  if (key == "vehicle_km") return "km";
  if (key.rfind("material:", 0) == 0) return "kg";
  return "";
}
} // namespace

const char* phase_name(Phase phase) {
  return kPhaseNames[static_cast<int>(phase)];
}

CarbonSpec read_carbon_spec(const ConfigNode& node, const CsvTable& table) {
  node.expect_keys({"grid", "factors", "costs", "currency"});
  CarbonSpec spec;
  const std::size_t key_column = table.column("key");
  const std::size_t value_column = table.column("value");
  const std::size_t unit_column = table.column("unit");
  const std::size_t source_column = table.column("source");
  const std::size_t status_column = table.column("status");
  // Table factors with a value, by key.
  std::map<std::string, EmissionFactor> table_factors;
  std::set<std::string> grids;
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    const auto& row = table.rows[r];
    const std::string& key = row[key_column];
    if (key.empty()) continue;
    if (key.rfind("electricity:", 0) == 0) grids.insert(key.substr(12));
    if (row[value_column].empty()) continue; // missing: the deck must give it
    char* end = nullptr;
    const double value = std::strtod(row[value_column].c_str(), &end);
    if (end == row[value_column].c_str() || *end != '\0')
      throw InputError("value", SourceLocation{table.path.string(), table.lines[r], 0},
                       fmt::format("'{}' is not a number", row[value_column]));
    const auto [unit, per] = per_unit(row[unit_column], value);
    if (unit.empty())
      throw InputError("unit", SourceLocation{table.path.string(), table.lines[r], 0},
                       fmt::format("unit '{}' of factor '{}' is not a known factor unit",
                                   row[unit_column], key));
    table_factors[key] = {per, unit, row[source_column], row[status_column]};
  }
  for (const auto& [key, factor] : table_factors)
    if (key.rfind("electricity:", 0) != 0) spec.factors[key] = factor;
  if (const auto grid = node.find("grid")) {
    spec.grid = grid->as_string();
    if (!grids.count(spec.grid)) {
      std::string known;
      for (const auto& name : grids)
        known += (known.empty() ? "" : ", ") + name;
      throw grid->error(
          fmt::format("unknown grid '{}' (data/emission_factors.csv: {})", spec.grid, known));
    }
    const auto found = table_factors.find("electricity:" + spec.grid);
    if (found != table_factors.end()) spec.factors["electricity"] = found->second;
  }
  if (const auto factors = node.find("factors"))
    for (const auto& key : factors->keys()) {
      const std::string unit = key_unit(key);
      if (unit.empty())
        throw factors->at(key).error(
            fmt::format("'{}' is not a factor key (electricity, diesel, haulage, vehicle_km, "
                        "material:<name>)",
                        key));
      const auto where = factors->at(key).where();
      spec.factors[key] = {factors->quantity(key, "1", Range::non_negative()), unit,
                           fmt::format("deck {}:{}", where.file, where.line), "deck"};
    }
  spec.currency = node.string_or("currency", "CNY");
  if (const auto costs = node.find("costs"))
    for (const auto& key : costs->keys()) {
      if (key_unit(key).empty())
        throw costs->at(key).error(fmt::format("'{}' is not a factor key", key));
      spec.costs[key] = costs->quantity(key, "1", Range::non_negative());
    }
  return spec;
}

std::string factor_key(const LedgerLine& line) {
  if (line.item.rfind("electricity:", 0) == 0 && line.unit == "kWh") return "electricity";
  if (line.item == "diesel" && line.unit == "L") return "diesel";
  if (line.item == "haulage" && line.unit == "t*km") return "haulage";
  if (line.item == "vehicle_km" && line.unit == "km") return "vehicle_km";
  if (line.item.rfind("material:", 0) == 0 && line.unit == "kg") return line.item;
  return "";
}

Phase phase_of(const LedgerLine& line) {
  if (line.item == "haulage") return Phase::transport_and_disposal;
  if (line.action_type == "monitoring") return Phase::monitoring;
  const bool builds = line.action_type == "permeable_reactive_barrier" ||
                      line.action_type == "barrier_wall" || line.action_type == "cap" ||
                      line.action_type == "excavation" || line.action_type == "source_removal";
  if (builds && (line.item == "diesel" || line.item.rfind("material:", 0) == 0))
    return Phase::construction;
  return Phase::operation;
}

std::vector<FootprintLine> footprint(const std::vector<LedgerLine>& ledger,
                                     const CarbonSpec& spec) {
  std::vector<FootprintLine> lines;
  std::set<std::string> missing;
  for (const auto& entry : ledger) {
    const std::string key = factor_key(entry);
    if (key.empty()) continue;
    const auto found = spec.factors.find(key);
    if (found == spec.factors.end()) {
      missing.insert(key);
      continue;
    }
    FootprintLine line;
    line.ledger = entry;
    line.factor_key = key;
    line.factor = found->second;
    line.phase = phase_of(entry);
    line.tco2e = entry.quantity * found->second.value / 1000.0;
    const auto cost = spec.costs.find(key);
    line.cost = cost == spec.costs.end() ? std::numeric_limits<double>::quiet_NaN()
                                         : entry.quantity * cost->second;
    lines.push_back(line);
  }
  if (!missing.empty()) {
    std::string names;
    for (const auto& key : missing)
      names += (names.empty() ? "" : ", ") + key;
    throw InputError(
        fmt::format("no emission factor for {}: give {} under carbon.factors (kg CO2e per {}; "
                    "data/emission_factors.csv has none with a value{})",
                    names, missing.size() == 1 ? "it" : "them",
                    missing.size() == 1 ? key_unit(*missing.begin()) : "unit of the item",
                    missing.count("electricity") ? "; or choose carbon.grid" : ""));
  }
  return lines;
}

} // namespace terrafate
