#include "terrafate/carbon/indicators.hpp"

#include <cstdlib>

#include <fmt/format.h>

namespace terrafate {

namespace {
bool starts_with(const std::string& text, const char* prefix) {
  return text.rfind(prefix, 0) == 0;
}

/// A CSV field, quoted when it holds a comma or a quote.
std::string field(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (const char c : text)
    quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}
} // namespace

std::string indicator_group(const std::string& indicator) {
  if (indicator == "ghg") return "ghg";
  if (starts_with(indicator, "energy_")) return "energy";
  if (indicator == "nox" || indicator == "sox" || indicator == "pm10") return "air";
  if (starts_with(indicator, "water_")) return "water";
  if (starts_with(indicator, "waste_")) return "waste";
  if (starts_with(indicator, "accident_")) return "accident";
  if (starts_with(indicator, "land_")) return "land";
  return "";
}

IndicatorSpec read_indicator_spec(const ConfigNode& carbon, const CsvTable& table) {
  IndicatorSpec spec;
  const std::size_t key_column = table.column("key");
  const std::size_t indicator_column = table.column("indicator");
  const std::size_t value_column = table.column("value");
  const std::size_t unit_column = table.column("unit");
  const std::size_t source_column = table.column("source");
  const std::size_t status_column = table.column("status");
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    const auto& row = table.rows[r];
    const SourceLocation where{table.path.string(), table.lines[r], 0};
    IndicatorFactor factor;
    factor.key = row[key_column];
    factor.indicator = row[indicator_column];
    if (indicator_group(factor.indicator).empty() || factor.indicator == "ghg")
      throw InputError("indicator", where,
                       fmt::format("'{}' is not an indicator (energy_*, nox, sox, pm10, water_*, "
                                   "waste_*, accident_*, land_*)",
                                   factor.indicator));
    const std::string& unit = row[unit_column];
    const auto slash = unit.find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 == unit.size())
      throw InputError("unit", where,
                       fmt::format("unit '{}' is not INDICATOR_UNIT/LEDGER_UNIT", unit));
    factor.indicator_unit = unit.substr(0, slash);
    factor.ledger_unit = unit.substr(slash + 1);
    if (factor.ledger_unit.size() > 2 && factor.ledger_unit.front() == '(' &&
        factor.ledger_unit.back() == ')')
      factor.ledger_unit = factor.ledger_unit.substr(1, factor.ledger_unit.size() - 2);
    factor.source = row[source_column];
    factor.status = row[status_column];
    factor.missing = row[value_column].empty();
    if (!factor.missing) {
      char* end = nullptr;
      factor.value = std::strtod(row[value_column].c_str(), &end);
      if (end == row[value_column].c_str() || *end != '\0' || factor.value < 0.0)
        throw InputError("value", where,
                         fmt::format("'{}' is not a non-negative number", row[value_column]));
    }
    spec.factors.emplace(factor.key, factor);
  }
  if (const auto groups = carbon.find("indicators")) {
    spec.groups.clear();
    for (const auto& entry : groups->elements())
      spec.groups.insert(
          entry.as_choice({"ghg", "energy", "air", "water", "waste", "accident", "land"}));
  }
  if (const auto given = carbon.find("indicator_factors"))
    for (const auto& key : given->keys()) {
      const auto entries = given->at(key);
      for (const auto& indicator : entries.keys()) {
        auto range = spec.factors.equal_range(key);
        auto found = range.first;
        while (found != range.second && found->second.indicator != indicator)
          ++found;
        if (found == range.second)
          throw entries.at(indicator).error(fmt::format(
              "data/footprint_factors.csv has no row for key '{}' and indicator '{}' (its row "
              "gives the units)",
              key, indicator));
        const auto where = entries.at(indicator).where();
        found->second.value = entries.quantity(indicator, "1", Range::non_negative());
        found->second.missing = false;
        found->second.source = fmt::format("deck {}:{}", where.file, where.line);
        found->second.status = "deck";
      }
    }
  return spec;
}

std::vector<IndicatorRow> indicators(const std::vector<LedgerLine>& ledger,
                                     const std::vector<FootprintLine>& lines,
                                     const IndicatorSpec& spec) {
  std::vector<IndicatorRow> rows;
  std::set<std::string> missing;
  const auto add = [&](const std::string& action, Phase phase, const std::string& indicator,
                       double quantity, const std::string& unit) {
    for (auto& row : rows)
      if (row.action == action && row.phase == phase && row.indicator == indicator) {
        row.quantity += quantity;
        return;
      }
    rows.push_back({action, phase, indicator, quantity, unit});
  };
  // The requested indicators of `key` for `quantity` [unit] of one action and phase.
  const auto apply = [&](const std::string& key, const LedgerLine& line, Phase phase) {
    const auto range = spec.factors.equal_range(key);
    for (auto it = range.first; it != range.second; ++it) {
      const IndicatorFactor& factor = it->second;
      if (!spec.groups.count(indicator_group(factor.indicator))) continue;
      if (factor.ledger_unit != line.unit) continue; // a factor for another unit of the item
      if (factor.missing) {
        missing.insert(fmt::format("{}: {}", key, factor.indicator));
        continue;
      }
      add(line.action, phase, factor.indicator, line.quantity * factor.value,
          factor.indicator_unit);
    }
  };
  for (const auto& line : lines) {
    if (spec.groups.count("ghg")) add(line.ledger.action, line.phase, "ghg", line.tco2e, "tCO2e");
    apply(line.factor_key, line.ledger, line.phase);
  }
  for (const auto& entry : ledger)
    if (factor_key(entry).empty()) apply(entry.item, entry, phase_of(entry));
  if (!missing.empty()) {
    std::string names;
    for (const auto& name : missing)
      names += (names.empty() ? "" : ", ") + name;
    throw InputError(fmt::format(
        "no indicator factor for {}: give {} under carbon.indicator_factors ({{KEY: {{INDICATOR: "
        "value}}}}, units as in data/footprint_factors.csv) or leave the group out of "
        "carbon.indicators",
        names, missing.size() == 1 ? "it" : "them"));
  }
  return rows;
}

std::string footprint_csv(const std::vector<IndicatorRow>& rows) {
  std::string text = "action,phase,indicator,quantity,unit\n";
  for (const auto& row : rows)
    text += fmt::format("{},{},{},{},{}\n", field(row.action), phase_name(row.phase), row.indicator,
                        row.quantity, row.unit);
  return text;
}

std::map<std::string, double> indicator_totals(const std::vector<IndicatorRow>& rows) {
  std::map<std::string, double> totals;
  for (const auto& row : rows)
    totals[row.indicator] += row.quantity;
  return totals;
}

} // namespace terrafate
