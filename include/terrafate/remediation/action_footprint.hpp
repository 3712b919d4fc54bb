#pragma once
// Footprint keys of remediation actions beyond their process quantities (issue 22):
// mobilisation, worker hours, O&M travel, the sorbent's end of life and the make-up water of
// injections. Each is opt-in: an action without the key books no item for it.
#include <string>
#include <vector>

#include "terrafate/core/config.hpp"
#include "terrafate/remediation/remediation.hpp"

namespace terrafate {

/// Reads the footprint keys of `entry` into `action` (whose type is set): `mobilisation:
/// {equipment_t, distance, trips}` and `worker_hours: {hours, per_drilled_m, per_sample,
/// per_excavated_m3, per_operating_day}` for every type (each intensity only where the type has
/// its quantity), `travel: {trips_per_year, km_per_trip}` for pump_and_treat,
/// enhanced_bioremediation, chemical_oxidation, thermal and soil_vapour_extraction, and
/// `injection_concentration` [kg/m3] for enhanced_bioremediation and chemical_oxidation.
void read_action_footprint(const ConfigNode& entry, RemediationAction& action);

/// Reads `sorbent: {material, per_gram, end_of_life: disposal | regeneration, make_up,
/// haul_distance}` (pump_and_treat, soil_vapour_extraction) into `action`.
void read_sorbent(const ConfigNode& sorbent, RemediationAction& action);

/// Whether the action type runs over a window with a crew on site (pump_and_treat,
/// enhanced_bioremediation, chemical_oxidation, thermal, soil_vapour_extraction): the types
/// that take `travel` and `worker_hours.per_operating_day`.
bool long_running(ActionType type);

/// The `worker_hours` intensities `action` must give for its quantities to be counted (drilled
/// metres, samples, excavated m3, operating days; `hours` for a type with none of these) and
/// does not: the whole key `worker_hours` when it is absent. Empty: its hours are complete.
std::vector<std::string> missing_worker_hour_intensities(const RemediationAction& action);

/// [h] worked on `action` at its deck intensities (the quantities without an intensity are not
/// counted): `hours`, plus its drilled metres (drilled_length; a monitoring action's new wells),
/// `samples` (monitoring), its excavated m3 once `dug` (excavation, source removal by digging)
/// and `days` run [d] (the long-running types).
double worker_hours(const RemediationAction& action, double samples, double days, bool dug);

} // namespace terrafate
