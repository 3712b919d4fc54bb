#include "terrafate/remediation/action_catalog.hpp"

#include <limits>

#include <fmt/format.h>

#include "terrafate/remediation/action_footprint.hpp"
#include "terrafate/remediation/remediation.hpp"

namespace terrafate {

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr const char* kLevelNames[] = {"natural_attenuation", "institutional_control",
                                       "engineering_control", "active_remediation"};

std::vector<ActionTypeInfo> build_catalog() {
  const Range positive = Range::positive(), non_negative = Range::non_negative();
  const Range window = non_negative, fraction = Range::fraction_open_low();
  using L = InterventionLevel;
  using T = ActionType;
  return {
      {"permeable_reactive_barrier",
       T::permeable_reactive_barrier,
       L::active_remediation,
       {{"hydraulic_conductivity", "m/d", positive},
        {"porosity", "1", fraction},
        {"reactivity_half_life", "d", positive},
        {"installation_diesel", "L/m3", non_negative},
        {"rates.*", "1/d", non_negative}}},
      {"barrier_wall",
       T::barrier_wall,
       L::engineering_control,
       {{"hydraulic_conductivity", "m/d", positive},
        {"installation_diesel", "L/m3", non_negative}}},
      {"pump_and_treat",
       T::pump_and_treat,
       L::engineering_control,
       {{"rate", "m3/d", Range{-kInf, 0.0, false, true}},
        {"start", "d", window},
        {"end", "d", window},
        {"system_head", "m", non_negative},
        {"pump_efficiency", "1", fraction},
        {"treatment_energy", "kWh/m3", non_negative},
        {"treatment_efficiency.*", "1", Range::unit_interval()}},
       true},
      {"excavation",
       T::excavation,
       L::active_remediation,
       {{"start", "d", window},
        {"haul_distance", "km", non_negative},
        {"diesel_per_m3", "L/m3", non_negative}}},
      {"enhanced_bioremediation",
       T::enhanced_bioremediation,
       L::active_remediation,
       {{"start", "d", window},
        {"end", "d", window},
        {"factor", "1", non_negative},
        {"injection_energy", "kWh", non_negative},
        {"donor.mass", "kg", non_negative},
        {"rates.*", "1/d", non_negative}},
       true},
      {"thermal",
       T::thermal,
       L::active_remediation,
       {{"start", "d", window},
        {"end", "d", window},
        {"electricity", "kWh/m3/d", non_negative},
        {"rates.*", "1/d", non_negative}},
       true},
      {"monitoring",
       T::monitoring,
       L::natural_attenuation,
       {{"start", "d", window},
        {"end", "d", window},
        {"events_per_year", "1", positive},
        {"vehicle_km_per_event", "km", non_negative}},
       true},
      {"chemical_oxidation",
       T::chemical_oxidation,
       L::active_remediation,
       {{"start", "d", window},
        {"end", "d", window},
        {"natural_demand", "1/d", non_negative},
        {"injection_energy", "kWh", non_negative},
        {"rate_constants.*", "L/mg/d", non_negative},
        {"demand.*", "1", non_negative}},
       true},
      {"source_removal",
       T::source_removal,
       L::active_remediation,
       {{"start", "d", window}, {"fraction", "1", fraction}}},
      {"cap",
       T::cap,
       L::engineering_control,
       {{"start", "d", window},
        {"end", "d", window},
        {"factor", "1", Range::unit_interval()},
        {"volatilization_factor", "1", Range::unit_interval()}}},
      {"institutional_control",
       T::institutional_control,
       L::institutional_control,
       {{"start", "d", window}, {"end", "d", window}, {"vehicle_km_per_year", "km", non_negative}},
       true},
      {"vapour_mitigation",
       T::vapour_mitigation,
       L::engineering_control,
       {{"start", "d", window},
        {"end", "d", window},
        {"factor", "1", Range{1.0, kInf, true, false}},
        {"fan_power", "kW", non_negative}},
       true},
      {"soil_vapour_extraction",
       T::soil_vapour_extraction,
       L::active_remediation,
       {{"start", "d", window},
        {"end", "d", window},
        {"removal_rate", "1/d", positive},
        {"power", "kW", non_negative}}},
  };
}
} // namespace

const std::vector<ActionTypeInfo>& action_catalog() {
  static const std::vector<ActionTypeInfo> catalog = build_catalog();
  return catalog;
}

std::vector<std::string> action_type_names() {
  std::vector<std::string> names;
  for (const auto& info : action_catalog())
    names.emplace_back(info.name);
  return names;
}

std::span<const std::string_view> action_type_choices() {
  static const std::vector<std::string_view> choices = [] {
    std::vector<std::string_view> names;
    for (const auto& info : action_catalog())
      names.push_back(info.name);
    return names;
  }();
  return choices;
}

const ActionTypeInfo& action_info(std::string_view name) {
  for (const auto& info : action_catalog())
    if (info.name == name) return info;
  throw InputError(fmt::format("unknown remediation action type '{}'", name));
}

const ActionTypeInfo& action_info(ActionType type) {
  for (const auto& info : action_catalog())
    if (info.type == type) return info;
  throw InputError("unknown remediation action type");
}

const char* level_name(InterventionLevel level) {
  return kLevelNames[static_cast<int>(level)];
}

std::vector<std::pair<std::string, std::string>> emitting_items(const RemediationAction& action) {
  std::vector<std::pair<std::string, std::string>> items;
  const auto material = [&] {
    if (action.material.empty()) return;
    if (!action.sorbent_regenerated || action.sorbent_make_up > 0.0)
      items.emplace_back("material:" + action.material, "kg");
    if (action.sorbent_regenerated) {
      items.emplace_back("material:" + action.material + "_regenerated", "kg");
      if (action.sorbent_haul_distance > 0.0) items.emplace_back("haulage", "t*km");
    }
  };
  // The opt-in footprint keys of every type: mobilisation, worker hours, O&M travel.
  if (action.mobilisation_haulage > 0.0) items.emplace_back("mobilisation", "t*km");
  if (action.worker_hours) items.emplace_back("worker_hours", "h");
  if (long_running(action.type) && action.vehicle_km_per_year > 0.0)
    items.emplace_back("vehicle_km", "km");
  switch (action.type) {
  case ActionType::permeable_reactive_barrier:
  case ActionType::barrier_wall:
    material();
    if (action.diesel_per_m3 > 0.0) items.emplace_back("diesel", "L");
    break;
  case ActionType::pump_and_treat:
    items.emplace_back("electricity:pumping", "kWh");
    material();
    if (action.drilled_length > 0.0) items.emplace_back("drilling", "m");
    break;
  case ActionType::excavation:
    items.emplace_back("diesel", "L");
    items.emplace_back("haulage", "t*km");
    material();
    if (action.sheet_pile_steel > 0.0) items.emplace_back("material:steel_sheet_pile", "kg");
    if (action.dewatering_volume > 0.0 && action.dewatering_energy > 0.0)
      items.emplace_back("electricity:dewatering", "kWh");
    for (const auto& [route, fraction] : action.disposal)
      items.emplace_back("disposal:" + route, "t");
    break;
  case ActionType::source_removal:
    if (action.thermal_removal) {
      items.emplace_back("electricity:heating", "kWh");
    } else {
      items.emplace_back("diesel", "L");
      items.emplace_back("haulage", "t*km");
      for (const auto& [route, fraction] : action.disposal)
        items.emplace_back("disposal:" + route, "t");
    }
    break;
  case ActionType::enhanced_bioremediation:
  case ActionType::chemical_oxidation:
    material();
    if (action.injection_energy > 0.0) items.emplace_back("electricity:injection", "kWh");
    if (action.drilled_length > 0.0) items.emplace_back("drilling", "m");
    break;
  case ActionType::thermal:
    items.emplace_back("electricity:heating", "kWh");
    if (action.drilled_length > 0.0) items.emplace_back("drilling", "m");
    break;
  case ActionType::cap:
    material();
    break;
  case ActionType::monitoring:
    if (action.vehicle_km_per_event > 0.0) items.emplace_back("vehicle_km", "km");
    if (action.analyte_suites > 0.0) items.emplace_back("lab_analysis", "sample");
    if (action.well_depth > 0.0) items.emplace_back("drilling", "m");
    break;
  case ActionType::soil_vapour_extraction:
    if (action.blower_power > 0.0) items.emplace_back("electricity:blower", "kWh");
    material();
    if (action.drilled_length > 0.0) items.emplace_back("drilling", "m");
    break;
  case ActionType::institutional_control:
    if (action.vehicle_km_per_year > 0.0) items.emplace_back("vehicle_km", "km");
    break;
  case ActionType::vapour_mitigation:
    if (action.fan_power > 0.0) items.emplace_back("electricity:fan", "kWh");
    material();
    break;
  }
  return items;
}

} // namespace terrafate
