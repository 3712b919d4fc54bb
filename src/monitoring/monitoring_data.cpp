#include "terrafate/monitoring/monitoring_data.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>
#include <stdexcept>

#include <fmt/format.h>

#include "terrafate/core/calendar.hpp"
#include "terrafate/core/csv_table.hpp"
#include "terrafate/core/distribution.hpp"
#include "terrafate/core/units.hpp"

namespace terrafate::monitoring {

namespace {

std::string trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r");
  return std::string(text.substr(first, last - first + 1));
}

/// A whole-field number, or nullopt.
std::optional<double> parse_number(std::string_view text) {
  double value = 0.0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || !std::isfinite(value)) return std::nullopt;
  return value;
}

bool looks_like_date(std::string_view text) {
  return text.size() == 10 && text[4] == '-' && text[7] == '-';
}

/// The node at `parts` below `root`: map keys, and in sequences the element whose `name` is the
/// part. (ConfigNode holds a YAML::Node, whose assignment writes the contents into the deck:
/// emplace rebinds.)
std::optional<ConfigNode> resolve(const ConfigNode& root, const std::vector<std::string>& parts) {
  std::optional<ConfigNode> node;
  node.emplace(root);
  for (const auto& part : parts) {
    std::optional<ConfigNode> next;
    if (node->is_map()) {
      if (const auto child = node->find(part)) next.emplace(*child);
    } else if (node->is_sequence()) {
      for (const auto& element : node->elements())
        if (!next && element.is_map() && element.has("name") && element.at("name").is_scalar() &&
            element.at("name").as_string() == part)
          next.emplace(element);
    }
    if (!next) return std::nullopt;
    node.emplace(*next);
  }
  return node;
}

} // namespace

long days_from_iso_date(std::string_view text) {
  return days_from_civil(parse_iso_date(text));
}

long read_start_date(const ConfigNode& node) {
  try {
    return days_from_iso_date(node.as_string());
  } catch (const std::invalid_argument& e) {
    throw node.error(e.what());
  }
}

MonitoringData read_monitoring_csv(const std::filesystem::path& path,
                                   std::optional<long> start_date) {
  const CsvTable table = read_csv_table(path);
  const std::string file = path.string();
  static const std::array<std::string_view, 6> known{"well",  "time", "species",
                                                     "value", "unit", "detection_limit"};
  for (std::size_t c = 0; c < table.header.size(); ++c)
    if (std::find(known.begin(), known.end(), trim(table.header[c])) == known.end())
      throw InputError("", {file, 1, static_cast<int>(c + 1)},
                       fmt::format("unknown column '{}' (the columns are "
                                   "well,time,species,value,unit[,detection_limit])",
                                   table.header[c]));
  const std::size_t well_col = table.column("well"), time_col = table.column("time"),
                    species_col = table.column("species"), value_col = table.column("value"),
                    unit_col = table.column("unit");
  const auto dl_it =
      std::find_if(table.header.begin(), table.header.end(),
                   [](const std::string& h) { return trim(h) == "detection_limit"; });
  const bool has_dl = dl_it != table.header.end();
  const auto dl_col = static_cast<std::size_t>(dl_it - table.header.begin());
  const UnitSystem& units = UnitSystem::instance();

  MonitoringData data;
  data.path = path;
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    const auto& row = table.rows[r];
    const int line = table.lines[r];
    const auto fail = [&](std::size_t column, const std::string& message) {
      return InputError("", {file, line, static_cast<int>(column + 1)},
                        fmt::format("column '{}': {}", table.header[column], message));
    };
    Sample sample;
    sample.line = line;
    sample.well = trim(row[well_col]);
    if (sample.well.empty()) throw fail(well_col, "a well name is required");
    sample.species = trim(row[species_col]);
    if (sample.species.empty()) throw fail(species_col, "a species name is required");

    const std::string time_text = trim(row[time_col]);
    if (time_text.empty()) throw fail(time_col, "a time is required");
    if (looks_like_date(time_text)) {
      if (!start_date)
        throw fail(time_col,
                   fmt::format("the date '{}' needs time.start_date in the deck", time_text));
      try {
        sample.time = static_cast<double>(days_from_iso_date(time_text) - *start_date);
      } catch (const std::invalid_argument& e) {
        throw fail(time_col, e.what());
      }
    } else {
      try {
        sample.time = parse_quantity(time_text, "d");
      } catch (const std::invalid_argument& e) {
        throw fail(time_col, e.what());
      }
      if (!std::isfinite(sample.time)) throw fail(time_col, "the time is not finite");
    }

    const std::string unit = trim(row[unit_col]);
    if (unit.empty()) throw fail(unit_col, "a concentration unit is required (e.g. ug/L)");
    const auto to_mg_per_l = [&](double value) {
      try {
        return units.convert(value, unit, "mg/L");
      } catch (const std::invalid_argument& e) {
        throw fail(unit_col, fmt::format("'{}' is not a concentration unit ({})", unit, e.what()));
      }
    };

    if (has_dl) {
      const std::string dl_text = trim(row[dl_col]);
      if (!dl_text.empty()) {
        const auto dl = parse_number(dl_text);
        if (!dl || *dl <= 0.0)
          throw fail(dl_col, fmt::format("'{}' is not a positive number", dl_text));
        sample.detection_limit = to_mg_per_l(*dl);
      }
    }
    const std::string value_text = trim(row[value_col]);
    if (value_text == "ND" || value_text == "nd") {
      if (sample.detection_limit <= 0.0)
        throw fail(value_col, "a non-detect (ND) needs a detection_limit");
      sample.non_detect = true;
      sample.value = sample.detection_limit;
    } else if (!value_text.empty() && value_text.front() == '<') {
      const auto limit = parse_number(trim(std::string_view(value_text).substr(1)));
      if (!limit || *limit <= 0.0)
        throw fail(value_col, fmt::format("'{}': '<' must be followed by a positive detection "
                                          "limit",
                                          value_text));
      if (sample.detection_limit <= 0.0) sample.detection_limit = to_mg_per_l(*limit);
      sample.non_detect = true;
      sample.value = sample.detection_limit;
    } else {
      const auto value = parse_number(value_text);
      if (!value || *value < 0.0)
        throw fail(
            value_col,
            fmt::format("'{}' is not a concentration (a number >= 0, '<DL' or 'ND')", value_text));
      sample.value = to_mg_per_l(*value);
      if (sample.value < sample.detection_limit) {
        sample.non_detect = true;
        sample.value = sample.detection_limit;
      }
      if (sample.value <= 0.0 && sample.detection_limit <= 0.0)
        throw fail(value_col, "a zero concentration needs a detection_limit (report it as a "
                              "non-detect)");
    }
    data.samples.push_back(std::move(sample));
  }
  if (data.samples.empty()) throw InputError("", {file, 1, 0}, "the monitoring data holds no rows");
  return data;
}

MonitoringSpec read_monitoring_spec(const ConfigNode& node,
                                    const std::filesystem::path& deck_folder) {
  node.expect_keys({"data", "wells", "flow_paths", "plume"});
  MonitoringSpec spec;
  spec.where = node.where();
  const std::filesystem::path data = node.string("data");
  spec.data = data.is_absolute() ? data : deck_folder / data;
  std::set<std::string> names;
  for (const auto& entry : node.at("wells").elements()) {
    entry.expect_keys({"name", "position", "screen", "area"});
    Well well;
    well.name = entry.string("name");
    if (!names.insert(well.name).second)
      throw entry.at("name").error(fmt::format("well '{}' is declared twice", well.name));
    const auto position = entry.at("position").as_quantity_list("m", Range::any(), 2, 3);
    if (const auto screen = entry.find("screen")) {
      if (position.size() != 2)
        throw entry.at("position")
            .error("a screened well has position [x, y]: the screen gives its elevations");
      const auto limits = screen->as_vector<2>("m");
      if (!(limits[1] > limits[0]))
        throw screen->error("a screen is [bottom, top] with top above bottom");
      well.screened = true;
      well.screen_bottom = limits[0];
      well.screen_top = limits[1];
      well.position = {position[0], position[1], 0.5 * (limits[0] + limits[1])};
    } else {
      if (position.size() != 3)
        throw entry.at("position")
            .error("a well without a screen has position [x, y, z]; give a screen: [bottom, top] "
                   "with [x, y]");
      well.position = {position[0], position[1], position[2]};
    }
    well.area = entry.quantity_or("area", 0.0, "m2", Range::positive());
    spec.wells.push_back(well);
  }
  if (spec.wells.empty()) throw node.at("wells").error("at least one well");
  if (const auto paths = node.find("flow_paths")) {
    for (const auto& entry : paths->elements()) {
      entry.expect_keys({"name", "wells", "dispersivity", "retardation", "seepage_velocity"});
      FlowPath path;
      path.name = entry.string("name");
      for (const auto& well : entry.at("wells").elements()) {
        const std::string name = well.as_string();
        if (!names.count(name))
          throw well.error(fmt::format("no well named '{}' in monitoring.wells", name));
        path.wells.push_back(name);
      }
      if (path.wells.size() < 2) throw entry.at("wells").error("a flow path needs two wells");
      path.dispersivity = entry.quantity_or("dispersivity", 0.0, "m", Range::non_negative());
      path.retardation = entry.quantity_or("retardation", 1.0, "1", Range{1.0, 1.0e9});
      if (const auto velocity = entry.find("seepage_velocity"))
        path.seepage_velocity = velocity->as_quantity("m/d", Range::positive());
      spec.flow_paths.push_back(path);
    }
  }
  if (const auto plume = node.find("plume")) {
    plume->expect_keys({"porosity", "thickness"});
    spec.porosity = plume->quantity("porosity", "1", Range::fraction_open_low());
    spec.thickness = plume->quantity("thickness", "m", Range::positive());
  }
  return spec;
}

void check_samples_against_wells(const MonitoringData& data, const MonitoringSpec& spec) {
  for (const auto& sample : data.samples)
    if (std::none_of(spec.wells.begin(), spec.wells.end(),
                     [&](const Well& well) { return well.name == sample.well; }))
      throw InputError(
          "monitoring.wells", {data.path.string(), sample.line, 1},
          fmt::format("column 'well': '{}' is not declared in monitoring.wells", sample.well));
}

AssimilationSpec read_assimilation_spec(const ConfigNode& node, const ConfigNode& root) {
  node.expect_keys({"method", "iterations", "realizations", "seed", "parameters", "error",
                    "transform", "inflation"});
  AssimilationSpec spec;
  spec.where = node.where();
  spec.method = node.at("method").as_choice({"es-mda"});
  spec.iterations = static_cast<int>(node.at("iterations").as_integer(1, 100));
  spec.realizations = static_cast<int>(node.at("realizations").as_integer(2, 100000));
  spec.seed = static_cast<std::uint64_t>(node.at("seed").as_integer(0, 9007199254740991L));
  for (const auto& entry : node.at("parameters").elements()) {
    entry.expect_keys(
        {"path", "distribution", "median", "gsd", "mean", "std", "min", "max", "field"});
    AssimilationParameter parameter;
    parameter.where = entry.where();
    parameter.path = entry.string("path");
    std::size_t start = 0;
    while (start <= parameter.path.size()) {
      const auto dot = parameter.path.find('.', start);
      const auto end = dot == std::string::npos ? parameter.path.size() : dot;
      if (end == start)
        throw entry.at("path").error(fmt::format("'{}' has an empty component", parameter.path));
      parameter.parts.push_back(parameter.path.substr(start, end - start));
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
    if (parameter.parts[0] == "assimilation" || parameter.parts[0] == "ensemble" ||
        parameter.parts[0] == "monitoring")
      throw entry.at("path").error("the path must name a model value of the deck");
    if (const auto field = entry.find("field")) {
      if (entry.has("distribution")) throw field->error("give a distribution or a field, not both");
      field->expect_keys({"type", "log10_std", "correlation_length"});
      field->at("type").as_choice({"gaussian"});
      parameter.kind = AssimilationParameter::Kind::field;
      if (parameter.parts.size() != 3 || parameter.parts[0] != "materials" ||
          parameter.parts[2] != "hydraulic_conductivity" ||
          !resolve(root, {parameter.parts[0], parameter.parts[1]}))
        throw entry.at("path").error(
            "a random field applies to materials.<material>.hydraulic_conductivity of a "
            "material of the deck");
      parameter.log10_std = field->quantity("log10_std", "1", Range::positive());
      parameter.correlation_length =
          field->at("correlation_length").as_vector<3>("m", Range::positive());
    } else {
      const auto target = resolve(root, parameter.parts);
      if (!target || !target->is_scalar())
        throw entry.at("path").error(fmt::format(
            "'{}' names no single value of the deck (a list element is chosen by its name)",
            parameter.path));
      const Distribution distribution = read_distribution(entry, false);
      parameter.kind = distribution.kind == Distribution::Kind::lognormal
                           ? AssimilationParameter::Kind::lognormal
                       : distribution.kind == Distribution::Kind::normal
                           ? AssimilationParameter::Kind::normal
                           : AssimilationParameter::Kind::uniform;
      parameter.a = distribution.a;
      parameter.b = distribution.b;
    }
    spec.parameters.push_back(parameter);
  }
  if (spec.parameters.empty()) throw node.at("parameters").error("at least one parameter");
  const auto error = node.at("error");
  error.expect_keys({"relative", "absolute"});
  spec.error_relative = error.quantity_or("relative", 0.0, "1", Range::non_negative());
  spec.error_absolute = error.quantity_or("absolute", 0.0, "mg/L", Range::non_negative());
  if (!(spec.error_relative > 0.0 || spec.error_absolute > 0.0))
    throw error.error("the observation error needs relative > 0 or absolute > 0");
  spec.log_transform =
      node.has("transform") && node.at("transform").as_choice({"log", "none"}) == "log";
  if (const auto inflation = node.find("inflation")) {
    spec.inflation = inflation->as_quantity_list("1", Range{1.0, 1.0e9}, 1);
    if (spec.inflation.size() != static_cast<std::size_t>(spec.iterations))
      throw inflation->error(fmt::format("{} inflation factors for {} iterations",
                                         spec.inflation.size(), spec.iterations));
    double sum = 0.0;
    for (const double alpha : spec.inflation)
      sum += 1.0 / alpha;
    if (std::abs(sum - 1.0) > 1e-9)
      throw inflation->error(
          fmt::format("the inverse inflation factors sum to {:.12g}, not 1", sum));
  } else {
    spec.inflation.assign(static_cast<std::size_t>(spec.iterations),
                          static_cast<double>(spec.iterations));
  }
  return spec;
}

} // namespace terrafate::monitoring
