#include "terrafate/risk/exposure.hpp"

#include <cmath>
#include <cstdlib>
#include <utility>

#include <fmt/format.h>

namespace terrafate {

namespace {
/// The table's unit as a unit string the deck reader converts to (`a` is the year, `-` none).
std::string deck_unit(const std::string& unit) {
  if (unit == "-" || unit.empty()) return "1";
  if (unit == "a") return "yr";
  if (unit == "d/a") return "d/yr";
  return unit;
}

/// Every parameter the risk model reads, with the unit of its value (as data/exposure.csv).
constexpr std::pair<const char*, const char*> kParameters[] = {
    {"body_weight_child", "kg"},
    {"body_weight_adult", "kg"},
    {"exposure_duration", "a"},
    {"exposure_duration_child", "a"},
    {"exposure_duration_adult", "a"},
    {"exposure_frequency", "d/a"},
    {"exposure_frequency_child", "d/a"},
    {"exposure_frequency_adult", "d/a"},
    {"indoor_exposure_frequency_child", "d/a"},
    {"indoor_exposure_frequency_adult", "d/a"},
    {"outdoor_exposure_frequency_child", "d/a"},
    {"outdoor_exposure_frequency_adult", "d/a"},
    {"exposure_time", "h/d"},
    {"drinking_water_child", "L/d"},
    {"drinking_water_adult", "L/d"},
    {"soil_ingestion_child", "mg/d"},
    {"soil_ingestion_adult", "mg/d"},
    {"air_intake_child", "m3/d"},
    {"air_intake_adult", "m3/d"},
    {"averaging_time_cancer", "d"},
    {"averaging_time_noncancer", "d"},
    {"water_allocation_factor", "-"},
    {"soil_allocation_factor", "-"},
    {"skin_surface_adherence_child", "mg/cm2"},
    {"skin_surface_adherence_adult", "mg/cm2"},
    {"exposed_skin_fraction_child", "-"},
    {"exposed_skin_fraction_adult", "-"},
    {"height_child", "cm"},
    {"height_adult", "cm"},
    {"dermal_events_per_day", "1/d"},
    {"oral_absorption_factor", "-"},
    {"pm10", "mg/m3"},
    {"particle_retention_fraction", "-"},
    {"indoor_particle_fraction", "-"},
    {"outdoor_particle_fraction", "-"},
    {"building_mixing_height", "m"},
    {"air_exchange_rate", "1/h"},
    {"crack_fraction", "-"},
    {"foundation_thickness", "m"},
    {"crack_water_content", "-"},
    {"crack_air_content", "-"},
    {"vadose_total_porosity", "-"},
    {"vadose_water_content", "-"},
    {"vadose_air_content", "-"},
    {"capillary_fringe_thickness", "m"},
    {"capillary_water_content", "-"},
    {"capillary_air_content", "-"},
    {"soil_bulk_density", "kg/L"},
    {"soil_organic_carbon", "-"},
    {"depth_to_groundwater", "m"},
    {"depth_to_subsurface_soil", "m"},
    {"wind_speed", "m/s"},
    {"mixing_zone_height", "m"},
    {"source_width", "m"},
    {"soil_particle_density", "kg/L"},
    {"soil_moisture", "-"},
    {"soil_organic_matter", "g/kg"},
    {"surface_soil_thickness", "m"},
    {"subsurface_soil_thickness", "m"},
    {"vapour_exposure_duration", "a"},
    {"groundwater_darcy_velocity", "m/yr"},
    {"groundwater_mixing_thickness", "m"},
    {"infiltration_rate", "m/yr"},
    {"soil_gas_flow_ratio", "-"},
    {"groundwater_attenuation_factor", "-"},
    {"water_volatilization_factor", "L/m3"},
    {"water_skin_area_child", "cm2"},
    {"water_skin_area_adult", "cm2"},
    {"water_event_time_child", "h"},
    {"water_event_time_adult", "h"},
    {"water_events_per_day", "1/d"},
    {"particulate_emission_factor", "m3/kg"}};
} // namespace

double ExposureSet::get(const std::string& parameter) const {
  const auto found = values_.find(parameter);
  if (found == values_.end())
    throw InputError(fmt::format("exposure parameter '{}' is not in data/exposure.csv for {} {}: "
                                 "give it under risk.overrides.{}",
                                 parameter, framework_, land_use_, land_use_));
  return found->second.value;
}

std::vector<std::string> land_uses(const std::string& framework) {
  if (framework == "us-epa") return {"resident", "commercial"};
  return {"first_class", "second_class"};
}

ExposureSet read_exposure_set(const CsvTable& table, const std::string& framework,
                              const std::string& land_use) {
  ExposureSet set(framework, land_use);
  const std::size_t framework_column = table.column("framework");
  const std::size_t land_column = table.column("land_use");
  const std::size_t parameter = table.column("parameter");
  const std::size_t value = table.column("value");
  const std::size_t unit = table.column("unit");
  const std::size_t source = table.column("source");
  const std::size_t status = table.column("status");
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    const auto& row = table.rows[r];
    if (row[framework_column] != framework ||
        (row[land_column] != land_use && row[land_column] != "both"))
      continue;
    char* end = nullptr;
    const double number = std::strtod(row[value].c_str(), &end);
    if (end == row[value].c_str() || *end != '\0' || !std::isfinite(number))
      throw InputError("value", SourceLocation{table.path.string(), table.lines[r], 0},
                       fmt::format("'{}' is not a number", row[value]));
    set.set(row[parameter], {number, row[unit], row[source], row[status]});
  }
  return set;
}

void apply_overrides(ExposureSet& set, const ConfigNode& overrides) {
  for (const auto& key : overrides.keys()) {
    ExposureValue value;
    if (set.has(key)) {
      value = set.values().at(key);
    } else {
      for (const auto& [name, unit] : kParameters)
        if (key == name) value.unit = unit;
      if (value.unit.empty())
        throw overrides.at(key).error(fmt::format(
            "'{}' is not an exposure parameter of {} {} (data/exposure.csv) nor one the risk "
            "model reads",
            key, set.framework(), set.land_use()));
    }
    value.value = overrides.quantity(key, deck_unit(value.unit));
    value.source =
        fmt::format("deck {}:{}", overrides.at(key).where().file, overrides.at(key).where().line);
    value.status = "deck";
    set.set(key, value);
  }
}

} // namespace terrafate
