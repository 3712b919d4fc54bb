#include "terrafate/carbon/carbon.hpp"

#include <algorithm>
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
  if (unit == "kgCO2e/m" || unit == "kgCO2/m") return {"m", value};
  if (unit == "kgCO2e/sample" || unit == "kgCO2/sample") return {"sample", value};
  if (unit == "kgCO2e/t" || unit == "kgCO2/t") return {"t", value};
  return {"", value};
}

/// The unit of the ledger item a key's factor applies to.
std::string key_unit(const std::string& key) {
  if (key == "electricity") return "kWh";
  if (key == "diesel") return "L";
  if (key == "haulage") return "t*km";
  if (key == "vehicle_km") return "km";
  if (key == "drilling") return "m";
  if (key == "lab_analysis") return "sample";
  if (key.rfind("material:", 0) == 0) return "kg";
  if (key.rfind("disposal:", 0) == 0) return "t";
  if (key == "supply:pv" || key == "supply:green_power") return "kWh";
  return "";
}
} // namespace

const char* phase_name(Phase phase) {
  return kPhaseNames[static_cast<int>(phase)];
}

CarbonSpec read_carbon_spec(const ConfigNode& node, const CsvTable& table, bool footprint_keys) {
  if (footprint_keys)
    node.expect_keys({"grid", "factors", "costs", "currency", "energy_supply", "indicators",
                      "indicator_factors", "present_value"});
  else
    node.expect_keys({"grid", "factors", "costs", "currency", "energy_supply"});
  CarbonSpec spec;
  const std::size_t key_column = table.column("key");
  const std::size_t value_column = table.column("value");
  const std::size_t unit_column = table.column("unit");
  const std::size_t source_column = table.column("source");
  const std::size_t status_column = table.column("status");
  // Table factors with a value, by key (grid factors are read by read_grid_series).
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    const auto& row = table.rows[r];
    const std::string& key = row[key_column];
    if (key.empty() || key.rfind("electricity:", 0) == 0) continue;
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
    spec.factors[key] = {per, unit, row[source_column], row[status_column]};
  }
  if (const auto grid = node.find("grid")) {
    spec.grid_series = read_grid_series(*grid, table);
    spec.grid = spec.grid_series->name;
    if (spec.grid_series->constant())
      spec.factors["electricity"] = {spec.grid_series->data.begin()->second, "kWh",
                                     spec.grid_series->source, spec.grid_series->status};
  }
  if (const auto factors = node.find("factors"))
    for (const auto& key : factors->keys()) {
      const std::string unit = key_unit(key);
      if (unit.empty())
        throw factors->at(key).error(
            fmt::format("'{}' is not a factor key (electricity, diesel, haulage, vehicle_km, "
                        "drilling, lab_analysis, material:<name>, disposal:<route>, supply:pv, "
                        "supply:green_power)",
                        key));
      // A number, or {value, source}: the value with the basis the deck states for it.
      const auto entry = factors->at(key);
      const auto where = entry.where();
      std::string source = fmt::format("deck {}:{}", where.file, where.line);
      double value = 0.0;
      if (entry.is_map()) {
        entry.expect_keys({"value", "source"});
        value = entry.quantity("value", "1", Range::non_negative());
        source += ": " + entry.string("source");
      } else {
        value = entry.as_quantity("1", Range::non_negative());
      }
      spec.factors[key] = {value, unit, source, "deck"};
      if (key == "electricity") spec.grid_series.reset(); // one constant value instead
    }
  spec.currency = node.string_or("currency", "CNY");
  if (const auto costs = node.find("costs"))
    for (const auto& key : costs->keys()) {
      if (key_unit(key).empty())
        throw costs->at(key).error(fmt::format("'{}' is not a factor key", key));
      spec.costs[key] = costs->quantity(key, "1", Range::non_negative());
    }
  if (const auto supply = node.find("energy_supply"))
    for (const auto& action : supply->keys())
      spec.supply[action] = read_energy_supply(supply->at(action));
  return spec;
}

void check_energy_supply_actions(const ConfigNode& carbon,
                                 const std::vector<std::string>& actions) {
  const auto supply = carbon.find("energy_supply");
  if (!supply) return;
  for (const auto& name : supply->keys())
    if (std::find(actions.begin(), actions.end(), name) == actions.end()) {
      std::string known;
      for (const auto& action : actions)
        known += (known.empty() ? "" : ", ") + action;
      throw supply->at(name).error(
          fmt::format("no remediation action named '{}' (actions: {})", name, known));
    }
}

std::string factor_key(const LedgerLine& line) {
  if (line.item.rfind("electricity:", 0) == 0 && line.unit == "kWh") return "electricity";
  if (line.item == "diesel" && line.unit == "L") return "diesel";
  if (line.item == "haulage" && line.unit == "t*km") return "haulage";
  // Equipment hauled to the site and back (mobilisation and demobilisation) by truck.
  if (line.item == "mobilisation" && line.unit == "t*km") return "haulage";
  if (line.item == "vehicle_km" && line.unit == "km") return "vehicle_km";
  if (line.item == "drilling" && line.unit == "m") return "drilling";
  if (line.item == "lab_analysis" && line.unit == "sample") return "lab_analysis";
  if (line.item.rfind("material:", 0) == 0 && line.unit == "kg") return line.item;
  if (line.item.rfind("disposal:", 0) == 0 && line.unit == "t") return line.item;
  return "";
}

Phase phase_of(const LedgerLine& line) {
  if (line.item == "haulage" || line.item.rfind("disposal:", 0) == 0)
    return Phase::transport_and_disposal;
  if (line.action_type == "monitoring") return Phase::monitoring;
  const bool builds = line.action_type == "permeable_reactive_barrier" ||
                      line.action_type == "barrier_wall" || line.action_type == "cap" ||
                      line.action_type == "excavation" || line.action_type == "source_removal";
  // Drilling, dewatering an excavation pit and mobilisation are construction works.
  if (line.item == "drilling" || line.item == "electricity:dewatering" ||
      line.item == "dewatering_water" || line.item == "mobilisation")
    return Phase::construction;
  // The works of an action done at one time, its crew's travel to them included.
  if (builds &&
      (line.item == "diesel" || line.item == "vehicle_km" || line.item.rfind("material:", 0) == 0))
    return Phase::construction;
  return Phase::operation;
}

std::vector<FootprintLine> footprint(const std::vector<LedgerLine>& ledger,
                                     const CarbonSpec& spec) {
  std::vector<FootprintLine> lines;
  std::set<std::string> missing;
  const auto cost_of = [&](const std::string& key, double quantity) {
    const auto cost = spec.costs.find(key);
    return cost == spec.costs.end() ? std::numeric_limits<double>::quiet_NaN()
                                    : quantity * cost->second;
  };
  // A line at a constant factor: the table's or deck's for `key`, or the supply's own.
  const auto add_line = [&](const LedgerLine& entry, const std::string& key,
                            const std::string& supply, std::optional<double> own_factor,
                            const std::string& own_where) {
    FootprintLine line;
    line.ledger = entry;
    line.factor_key = key;
    line.supply = supply;
    line.phase = phase_of(entry);
    if (own_factor) {
      line.factor = {*own_factor, "kWh", "deck " + own_where, "deck"};
    } else {
      const auto found = spec.factors.find(key);
      if (found == spec.factors.end()) {
        missing.insert(key);
        return;
      }
      line.factor = found->second;
    }
    line.tco2e = entry.quantity * line.factor.value / 1000.0;
    line.cost = cost_of(key, entry.quantity);
    lines.push_back(line);
  };
  for (const auto& entry : ledger) {
    const std::string key = factor_key(entry);
    if (key.empty()) continue;
    if (key != "electricity") {
      add_line(entry, key, "", std::nullopt, "");
      continue;
    }
    const auto found_supply = spec.supply.find(entry.action);
    const EnergySupply supply =
        found_supply == spec.supply.end() ? EnergySupply{} : found_supply->second;
    LedgerLine part = entry;
    part.quantity = entry.quantity * supply.grid_fraction();
    if (supply.grid_fraction() > 0.0) {
      if (spec.grid_series && !spec.grid_series->constant()) {
        if (!spec.anchor)
          throw InputError(fmt::format(
              "carbon.grid '{}' changes by calendar year: give time.start_date (YYYY-MM-DD) "
              "to place the run on the calendar",
              spec.grid));
        FootprintLine line;
        line.ledger = part;
        line.factor_key = key;
        line.supply = "grid";
        line.phase = phase_of(entry);
        line.years =
            split_by_year(*spec.grid_series, *spec.anchor, part.quantity, entry.start, entry.end);
        double kg = 0.0;
        for (const auto& share : line.years)
          kg += share.kwh * share.factor;
        line.tco2e = kg / 1000.0;
        line.factor = {part.quantity > 0.0 ? kg / part.quantity : 0.0, "kWh",
                       spec.grid_series->source, spec.grid_series->status};
        line.cost = cost_of(key, part.quantity);
        lines.push_back(line);
      } else {
        add_line(part, key, "grid", std::nullopt, "");
      }
    }
    if (supply.pv_fraction > 0.0) {
      part.quantity = entry.quantity * supply.pv_fraction;
      add_line(part, "supply:pv", "pv", supply.pv_factor, supply.where);
    }
    if (supply.green_fraction > 0.0) {
      part.quantity = entry.quantity * supply.green_fraction;
      add_line(part, "supply:green_power", "green_power", supply.green_factor, supply.where);
    }
  }
  if (!missing.empty()) {
    std::string names;
    for (const auto& key : missing)
      names += (names.empty() ? "" : ", ") + key;
    // The deck key that supplies each: carbon.factors.<key> (kg CO2e per the item's unit).
    std::string keys;
    for (const auto& key : missing)
      keys += fmt::format("{}carbon.factors.{}: {{value: <kg CO2e per {}>, source: <basis>}}",
                          keys.empty() ? "" : "; ", key, key_unit(key));
    throw InputError(fmt::format(
        "no emission factor for {} (data/emission_factors.csv has no sourced value: its row is "
        "missing or absent, and a factor is never taken as 0): give {}{}",
        names, keys, missing.count("electricity") ? "; or choose carbon.grid" : ""));
  }
  return lines;
}

} // namespace terrafate
