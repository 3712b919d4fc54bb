#include "terrafate/carbon/electricity.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <set>

#include <fmt/format.h>

#include "terrafate/core/calendar.hpp"

namespace terrafate {

namespace {
/// A four-digit year 1900-2200 from `text`, or nothing.
std::optional<int> parse_year(const std::string& text) {
  if (text.size() != 4 ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  const int year = std::atoi(text.c_str());
  if (year < 1900 || year > 2200) return std::nullopt;
  return year;
}

/// [kg CO2e/kWh] of a table value in `unit`, or nothing for a unit that is not per kWh.
std::optional<double> per_kwh(const std::string& unit, double value) {
  if (unit == "kgCO2/kWh" || unit == "kgCO2e/kWh" || unit == "tCO2/MWh" || unit == "tCO2e/MWh")
    return value;
  return std::nullopt;
}

/// Linear interpolation through (x0, y0), (x1, y1) at x.
double lerp(double x0, double y0, double x1, double y1, double x) {
  return y0 + (y1 - y0) * (x - x0) / (x1 - x0);
}

/// {year: factor} from a map of four-digit years to non-negative numbers.
std::map<int, double> read_year_map(const ConfigNode& node) {
  std::map<int, double> values;
  for (const auto& key : node.keys()) {
    const auto year = parse_year(key);
    if (!year)
      throw node.at(key).error(fmt::format("'{}' is not a calendar year (1900-2200)", key));
    values[*year] = node.quantity(key, "1", Range::non_negative());
  }
  if (values.empty()) throw node.error("give at least one year: {YYYY: kg CO2e per kWh}");
  return values;
}
} // namespace

double CalendarAnchor::run_day_of_new_year(int calendar_year) const {
  return static_cast<double>(days_from_civil(calendar_year, 1, 1) -
                             days_from_civil(year, month, day));
}

int CalendarAnchor::year_at(double t) const {
  int y = year;
  while (t < run_day_of_new_year(y))
    --y;
  while (t >= run_day_of_new_year(y + 1))
    ++y;
  return y;
}

CalendarAnchor read_start_date(const ConfigNode& node) {
  const CivilDate date = read_iso_date(node);
  return {date.year, date.month, date.day};
}

double GridSeries::data_slope() const {
  if (data.size() < 2) return 0.0;
  double mean_x = 0.0, mean_y = 0.0;
  for (const auto& [year, value] : data) {
    mean_x += year;
    mean_y += value;
  }
  mean_x /= static_cast<double>(data.size());
  mean_y /= static_cast<double>(data.size());
  double sxy = 0.0, sxx = 0.0;
  for (const auto& [year, value] : data) {
    sxy += (year - mean_x) * (value - mean_y);
    sxx += (year - mean_x) * (year - mean_x);
  }
  return sxy / sxx;
}

bool GridSeries::constant() const {
  if (projection == GridProjection::linear && data_slope() != 0.0) return false;
  if (projection == GridProjection::target && !targets.empty()) return false;
  return std::all_of(data.begin(), data.end(),
                     [&](const auto& entry) { return entry.second == data.begin()->second; });
}

double GridSeries::factor(int year) const {
  const auto& [first_year, first_value] = *data.begin();
  if (year <= first_year) return first_value;
  const auto& [last_year, last_value] = *data.rbegin();
  if (year <= last_year) {
    const auto above = data.lower_bound(year);
    if (above->first == year) return above->second;
    const auto below = std::prev(above);
    return lerp(below->first, below->second, above->first, above->second, year);
  }
  switch (projection) {
  case GridProjection::hold:
    return last_value;
  case GridProjection::linear:
    return std::max(floor, last_value + data_slope() * (year - last_year));
  case GridProjection::target: {
    int x0 = last_year;
    double y0 = last_value;
    for (const auto& [target_year, target_value] : targets) {
      if (target_year <= last_year) continue;
      if (year <= target_year) return lerp(x0, y0, target_year, target_value, year);
      x0 = target_year;
      y0 = target_value;
    }
    return y0;
  }
  }
  return last_value;
}

GridSeries read_grid_series(const ConfigNode& node, const CsvTable& table) {
  const std::size_t key_column = table.column("key");
  const std::size_t value_column = table.column("value");
  const std::size_t unit_column = table.column("unit");
  const std::size_t source_column = table.column("source");
  const std::size_t status_column = table.column("status");
  // Every electricity row with a value: single keys, and series NAME -> {year: factor}.
  struct Row {
    double value;
    std::string source, status;
  };
  std::map<std::string, Row> singles;
  std::map<std::string, std::map<int, Row>> series;
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    const auto& row = table.rows[r];
    const std::string& key = row[key_column];
    if (key.rfind("electricity:", 0) != 0 || row[value_column].empty()) continue;
    char* end = nullptr;
    const double number = std::strtod(row[value_column].c_str(), &end);
    const auto value = per_kwh(row[unit_column], number);
    if (end == row[value_column].c_str() || *end != '\0' || !value)
      throw InputError(
          "value", SourceLocation{table.path.string(), table.lines[r], 0},
          fmt::format("grid factor '{}' is not a number in kgCO2/kWh or tCO2/MWh", key));
    const std::string name = key.substr(12);
    singles[name] = {*value, row[source_column], row[status_column]};
    if (name.size() > 5 && name[name.size() - 5] == '-')
      if (const auto year = parse_year(name.substr(name.size() - 4)))
        series[name.substr(0, name.size() - 5)][*year] = singles[name];
  }
  const auto known = [&] {
    std::set<std::string> names;
    for (const auto& [name, row] : singles)
      names.insert(name);
    for (const auto& [name, rows] : series)
      names.insert(name + " (by year)");
    std::string list;
    for (const auto& name : names)
      list += (list.empty() ? "" : ", ") + name;
    return list;
  };
  GridSeries grid;
  const auto from_table = [&](const std::string& name, const ConfigNode& at) {
    grid.name = name;
    if (const auto found = series.find(name); found != series.end()) {
      std::set<std::string> sources, statuses;
      for (const auto& [year, row] : found->second) {
        grid.data[year] = row.value;
        sources.insert(row.source);
        statuses.insert(row.status);
      }
      grid.source = *sources.begin();
      grid.status = *statuses.begin();
      for (const auto& status : statuses)
        if (status != grid.status) grid.status += "; " + status;
    } else if (const auto single = singles.find(name); single != singles.end()) {
      const auto year = name.size() > 5 ? parse_year(name.substr(name.size() - 4)) : std::nullopt;
      grid.data[year.value_or(2000)] = single->second.value;
      grid.source = single->second.source;
      grid.status = single->second.status;
    } else {
      throw at.error(
          fmt::format("unknown grid '{}' (data/emission_factors.csv: {})", name, known()));
    }
  };
  if (node.is_scalar()) {
    from_table(node.as_string(), node);
    return grid;
  }
  node.expect_keys({"series", "factors", "projection", "floor"});
  if (node.has("series") == node.has("factors"))
    throw node.error("give one of series (a table series name) or factors ({YYYY: value})");
  if (const auto name = node.find("series")) from_table(name->as_string(), *name);
  if (const auto factors = node.find("factors")) {
    grid.name = "deck";
    grid.data = read_year_map(*factors);
    const auto where = factors->where();
    grid.source = fmt::format("deck {}:{}", where.file, where.line);
    grid.status = "deck";
  }
  if (const auto projection = node.find("projection")) {
    if (projection->is_map()) {
      projection->expect_keys({"target"});
      grid.projection = GridProjection::target;
      grid.targets = read_year_map(projection->at("target"));
      if (grid.targets.rbegin()->first <= grid.data.rbegin()->first)
        throw projection->at("target").error(fmt::format(
            "the target path must reach past the last data year {}", grid.data.rbegin()->first));
    } else {
      grid.projection = projection->as_choice({"hold", "linear"}) == "linear"
                            ? GridProjection::linear
                            : GridProjection::hold;
    }
  }
  grid.floor = node.quantity_or("floor", 0.0, "1", Range::non_negative());
  return grid;
}

EnergySupply read_energy_supply(const ConfigNode& node) {
  node.expect_keys({"pv", "green_power"});
  EnergySupply supply;
  const auto where = node.where();
  supply.where = fmt::format("{}:{}", where.file, where.line);
  const auto read = [](const ConfigNode& entry, double& fraction, std::optional<double>& factor) {
    if (entry.is_map()) {
      entry.expect_keys({"fraction", "factor"});
      fraction = entry.quantity("fraction", "1", Range::unit_interval());
      if (entry.has("factor")) factor = entry.quantity("factor", "1", Range::non_negative());
    } else {
      fraction = entry.as_quantity("1", Range::unit_interval());
    }
  };
  if (const auto pv = node.find("pv")) read(*pv, supply.pv_fraction, supply.pv_factor);
  if (const auto green = node.find("green_power"))
    read(*green, supply.green_fraction, supply.green_factor);
  if (supply.pv_fraction + supply.green_fraction > 1.0 + 1e-12)
    throw node.error(fmt::format("the pv ({}) and green_power ({}) fractions add up to more "
                                 "than 1",
                                 supply.pv_fraction, supply.green_fraction));
  return supply;
}

std::vector<YearShare> split_by_year(const GridSeries& grid, const CalendarAnchor& anchor,
                                     double kwh, double start, double end) {
  std::vector<YearShare> shares;
  if (!(end > start)) {
    const int year = anchor.year_at(start);
    shares.push_back({year, kwh, grid.factor(year)});
    return shares;
  }
  for (int year = anchor.year_at(start); anchor.run_day_of_new_year(year) < end; ++year) {
    const double from = std::max(start, anchor.run_day_of_new_year(year));
    const double to = std::min(end, anchor.run_day_of_new_year(year + 1));
    if (to > from) shares.push_back({year, kwh * (to - from) / (end - start), grid.factor(year)});
  }
  return shares;
}

} // namespace terrafate
