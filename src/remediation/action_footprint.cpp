#include "terrafate/remediation/action_footprint.hpp"

#include <fmt/format.h>

namespace terrafate {

namespace {
bool drills(ActionType type) {
  return long_running(type) || type == ActionType::monitoring;
}
bool digs(const RemediationAction& action) {
  return action.type == ActionType::excavation ||
         (action.type == ActionType::source_removal && !action.thermal_removal);
}
} // namespace

bool long_running(ActionType type) {
  return type == ActionType::pump_and_treat || type == ActionType::enhanced_bioremediation ||
         type == ActionType::chemical_oxidation || type == ActionType::thermal ||
         type == ActionType::soil_vapour_extraction;
}

void read_action_footprint(const ConfigNode& entry, RemediationAction& action) {
  if (const auto mobilisation = entry.find("mobilisation")) {
    // Equipment hauled to the site and back: `trips` one-way loaded trips (mobilisation and
    // demobilisation: 2) of `equipment_t` over `distance`.
    mobilisation->expect_keys({"equipment_t", "distance", "trips"});
    action.mobilisation_haulage =
        mobilisation->quantity("equipment_t", "t", Range::positive()) *
        mobilisation->quantity("distance", "km", Range::non_negative()) *
        static_cast<double>(mobilisation->at("trips").as_integer(1, 100000));
  }
  if (const auto travel = entry.find("travel")) {
    if (!long_running(action.type))
      throw travel->error(fmt::format("travel is the O&M travel of a long-running action "
                                      "(pump_and_treat, enhanced_bioremediation, "
                                      "chemical_oxidation, thermal, soil_vapour_extraction); a "
                                      "{} does not take it",
                                      action.type_name));
    travel->expect_keys({"trips_per_year", "km_per_trip"});
    action.vehicle_km_per_year = travel->quantity("trips_per_year", "1", Range::non_negative()) *
                                 travel->quantity("km_per_trip", "km", Range::non_negative());
  }
  if (entry.has("injection_concentration"))
    action.injection_concentration =
        entry.quantity("injection_concentration", "kg/m3", Range::positive());
  if (const auto hours = entry.find("worker_hours")) {
    hours->expect_keys(
        {"hours", "per_drilled_m", "per_sample", "per_excavated_m3", "per_operating_day"});
    const auto only = [&](const char* key, bool applies, const char* what) {
      if (hours->has(key) && !applies)
        throw hours->at(key).error(
            fmt::format("a {} has no {}: {} does not apply", action.type_name, what, key));
    };
    only("per_drilled_m", drills(action.type), "drilled wells");
    only("per_sample", action.type == ActionType::monitoring, "samples");
    only("per_excavated_m3", digs(action), "excavated soil");
    only("per_operating_day", long_running(action.type), "operating days");
    RemediationAction::WorkerHours given;
    given.where = hours->where();
    const auto read = [&](const char* key, const char* unit, std::optional<double>& into) {
      if (hours->has(key)) into = hours->quantity(key, unit, Range::non_negative());
    };
    read("hours", "h", given.hours);
    read("per_drilled_m", "h/m", given.per_drilled_m);
    read("per_sample", "h", given.per_sample);
    read("per_excavated_m3", "h/m3", given.per_excavated_m3);
    read("per_operating_day", "h/d", given.per_operating_day);
    action.worker_hours = given;
  }
}

void read_sorbent(const ConfigNode& sorbent, RemediationAction& action) {
  sorbent.expect_keys({"material", "per_gram", "end_of_life", "make_up", "haul_distance"});
  action.material = sorbent.string("material");
  action.sorbent_per_gram = sorbent.quantity("per_gram", "kg/g", Range::non_negative());
  const std::string end_of_life =
      sorbent.has("end_of_life") ? sorbent.at("end_of_life").as_choice({"disposal", "regeneration"})
                                 : "disposal";
  action.sorbent_regenerated = end_of_life == "regeneration";
  if (!action.sorbent_regenerated) {
    for (const char* key : {"make_up", "haul_distance"})
      if (sorbent.has(key))
        throw sorbent.at(key).error(
            fmt::format("{} applies to end_of_life: regeneration (spent sorbent disposed of "
                        "is replaced by virgin sorbent)",
                        key));
    return;
  }
  // The regeneration loses part of the sorbent, replaced by virgin material: the deck says
  // how much (no default).
  action.sorbent_make_up = sorbent.quantity("make_up", "1", Range::unit_interval());
  action.sorbent_haul_distance =
      sorbent.quantity_or("haul_distance", 0.0, "km", Range::non_negative());
}

std::vector<std::string> missing_worker_hour_intensities(const RemediationAction& action) {
  if (!action.worker_hours) return {"worker_hours"};
  const auto& given = *action.worker_hours;
  std::vector<std::string> missing;
  const bool drilled = action.drilled_length > 0.0 ||
                       (action.type == ActionType::monitoring && action.well_depth > 0.0);
  if (drilled && !given.per_drilled_m) missing.emplace_back("worker_hours.per_drilled_m");
  if (action.type == ActionType::monitoring && !given.per_sample)
    missing.emplace_back("worker_hours.per_sample");
  if (digs(action) && !given.per_excavated_m3)
    missing.emplace_back("worker_hours.per_excavated_m3");
  if (long_running(action.type) && !given.per_operating_day)
    missing.emplace_back("worker_hours.per_operating_day");
  const bool has_quantity =
      drilled || action.type == ActionType::monitoring || digs(action) || long_running(action.type);
  if (!has_quantity && !given.hours) missing.emplace_back("worker_hours.hours");
  return missing;
}

double worker_hours(const RemediationAction& action, double samples, double days, bool dug) {
  if (!action.worker_hours) return 0.0;
  const auto& given = *action.worker_hours;
  const bool monitoring = action.type == ActionType::monitoring;
  const double drilled =
      action.drilled_length + (monitoring ? action.well_depth * action.monitoring_wells : 0.0);
  const double excavated = dug && digs(action) ? action.region_volume : 0.0;
  return given.hours.value_or(0.0) + drilled * given.per_drilled_m.value_or(0.0) +
         (monitoring ? samples : 0.0) * given.per_sample.value_or(0.0) +
         excavated * given.per_excavated_m3.value_or(0.0) +
         (long_running(action.type) ? days : 0.0) * given.per_operating_day.value_or(0.0);
}

} // namespace terrafate
