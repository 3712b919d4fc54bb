#pragma once
// Remediation actions (deck key `remediation:`): engineered interventions in a region and a time
// window. Each is turned into changes of the flow and transport inputs (wells, conductivity and
// porosity of installed structures, reaction zones, excavation events) and records what it
// consumes in a Ledger. Plain C++ apart from the specs it edits.
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "terrafate/core/config.hpp"
#include "terrafate/flow/flow_spec.hpp"
#include "terrafate/grid/grid.hpp"
#include "terrafate/remediation/action_catalog.hpp"
#include "terrafate/remediation/ledger.hpp"
#include "terrafate/soil/soil_spec.hpp"
#include "terrafate/transport/transport_spec.hpp"

namespace terrafate {

/// An oxidant injection (chemical oxidation): `mass` [kg] into the action's region at `time`.
struct Injection {
  double time = 0.0; ///< [d]; a triggered action's: after it fires
  double mass = 0.0; ///< [kg]
};

/// A contingent start (deck `start: {trigger: {location, species, above, checked}}`): the
/// action starts at the first check at which the groundwater concentration of `species` at the
/// observation point `location` exceeds `above`; the checks fall every `every` from t = every.
struct ActionTrigger {
  std::string location; ///< name of an observation point (observations.points)
  int species = -1;     ///< index into TransportSpec::species
  double above = 0.0;   ///< [mg/L]
  double every = 0.0;   ///< [d]
  SourceLocation where; ///< of the trigger's entry (for errors)
  std::string key_path;
};

struct RemediationAction {
  std::string name;
  SourceLocation where; ///< of the action's entry (for errors)
  std::string key_path;
  ActionType type = ActionType::monitoring;
  std::string type_name;
  double start = 0.0; ///< [d]; infinity for a contingent action (it starts when triggered)
  std::optional<ActionTrigger> trigger;                 ///< a contingent action's trigger
  double end = std::numeric_limits<double>::infinity(); ///< [d]; the run's end when open
  /// [d] a triggered action's deck `duration`: it runs this long from its firing (to the end of
  /// the run at most); empty: it runs to `end`.
  std::optional<double> duration;
  Region region; ///< barrier, wall, excavation, bioremediation and thermal zones
  /// [m3] of the grid cells, and of the soil column cells, whose centres lie in the region
  double region_volume = 0.0;
  double soil_column_dry_mass = 0.0; ///< [t] of the soil column cells in the region
  /// Excavations (and source removal by digging): [m3] the region asked for (the box's
  /// extents; for a polygon, the modelled volume) and the warnings when the modelled volume
  /// differs from it, or from the cells whose centres lie in the region (whose contaminant the
  /// transport removes), by more than kVolumeMismatchWarning.
  double requested_volume = 0.0;
  /// [m2] plan area of the pit as given (not snapped to the cells): land disturbed.
  double dug_area = 0.0;
  std::vector<std::string> volume_warnings;
  /// Excavated soil by disposal route (landfill, cement_kiln, thermal_desorption): the
  /// fractions [-] of the soil mass, adding up to 1; empty: the routes are not given.
  std::vector<std::pair<std::string, double>> disposal;
  std::string waste_class; ///< hazardous or non_hazardous (the excavated soil); empty: not given
  /// [m] wells drilled, summed: pump-and-treat, ground surface minus screen bottom; injection
  /// points (EISB, ISCO), SVE and thermal wells, ground surface to the region's bottom.
  double drilled_length = 0.0;
  /// Excavation support: [kg] steel sheet piles around the pit (perimeter of the box x (ground
  /// surface - box bottom + embedment) x steel per m2 of wall); 0 without `sheet_piling`.
  double sheet_pile_steel = 0.0;
  /// [m3] groundwater pumped to dewater the pit, in all; 0 without `dewatering`.
  double dewatering_volume = 0.0;
  /// [d] the dewatering lasts, from the excavation on.
  double dewatering_days = 0.0;
  /// [kWh/m3] electricity per m3 pumped to dewater the pit.
  double dewatering_energy = 0.0;
  /// [m3] clean overburden above a deep pit (plan area of the box x (ground surface - box top)),
  /// dug, stockpiled and put back; 0 without `overburden`.
  double overburden_volume = 0.0;
  double overburden_diesel = 0.0;     ///< [L] to move the overburden
  int zone = -1;                      ///< index into TransportSpec::zones (barrier, EISB, thermal)
  std::optional<double> conductivity; ///< [m/d] barrier medium, wall
  std::optional<double> porosity;     ///< [-] barrier medium
  std::string material;          ///< barrier medium, wall material, backfill, donor or sorbent name
  double density = 0.0;          ///< [kg/L] of the barrier medium, wall material, backfill or cap
  double cap_area = 0.0;         ///< [m2] of the top cells whose centres lie in the region (cap)
  double cap_thickness = 0.0;    ///< [m] cap material
  double donor_mass = 0.0;       ///< [kg] electron donor (EISB)
  double diesel_per_m3 = 0.0;    ///< [L/m3] excavation; installation of a barrier or wall
  double haul_distance = 0.0;    ///< [km] to the disposal site (excavation)
  double heating_energy = 0.0;   ///< [kWh/m3/d] thermal
  double injection_energy = 0.0; ///< [kWh] EISB injection, in all
  std::vector<int> wells;        ///< pump-and-treat: indices into FlowSpec::wells
  std::vector<int> reinjection_wells;       ///< pump-and-treat: re-injection of the treated water
  std::vector<double> treatment_efficiency; ///< [-] per species
  double system_head = 0.0;                 ///< [m] added to the lift
  double pump_efficiency = 1.0;             ///< [-]
  double treatment_energy = 0.0;            ///< [kWh/m3]
  double surface_elevation = 0.0;           ///< [m] ground surface the water is lifted to
  double sorbent_per_gram = 0.0;            ///< [kg per g removed]
  int oxidation = -1;                       ///< index into TransportSpec::oxidations
  int oxidant = -1;                         ///< species index of the oxidant
  std::vector<Injection> injections;        ///< chemical oxidation
  int injection_points = 0;
  int napl_source = -1;         ///< source removal: index into TransportSpec::sources
  double fraction = 0.0;        ///< [-] of the NAPL mass left, removed (source removal)
  bool thermal_removal = false; ///< source removal by heating (else by excavation)
  int monitoring_wells = 0;
  double events_per_year = 0.0;      ///< sampling campaigns per year
  double vehicle_km_per_event = 0.0; ///< [km] per campaign
  double analyte_suites = 0.0;       ///< laboratory analyses per sample; 0: not counted
  double purge_volume = 0.0;         ///< [m3] purge water per sample
  double well_depth = 0.0;           ///< [m] drilled per monitoring well (0: existing wells)
  double reagent_per_kg = 1.0;       ///< chemical oxidation: [kg] reagent per kg oxidant injected
  int extraction = -1;               ///< soil vapour extraction: index into SoilSpec::extractions
  double blower_power = 0.0;         ///< [kW] soil vapour extraction
  /// Institutional control by groundwater-use restriction (no ingestion of groundwater there)
  /// and vapour mitigation (indoor attenuation divided by `mitigation_factor`): the risk
  /// receptors.
  std::vector<std::string> receptors;
  /// Institutional control by land-use change: from the action's start the receptors
  /// `land_use_receptors` are exposed as land use `land_use` (a land use of the risk framework).
  std::string land_use;
  std::vector<std::string> land_use_receptors;
  double mitigation_factor = 1.0; ///< [-] vapour mitigation
  double fan_power = 0.0;         ///< [kW] per vapour mitigation unit
  int units = 0;                  ///< vapour mitigation systems installed
  double material_per_unit = 0.0; ///< [kg] installation material per vapour mitigation unit
  /// [km] per year: institutional control inspections; O&M travel of the long-running actions
  /// (`travel`: trips_per_year x km_per_trip).
  double vehicle_km_per_year = 0.0;
  /// [t*km] equipment hauled to and from the site (`mobilisation`: equipment_t x distance x
  /// trips), at the action's start; 0 without `mobilisation`.
  double mobilisation_haulage = 0.0;
  /// Spent sorbent sent for regeneration (`sorbent.end_of_life: regeneration`) instead of
  /// disposal: `sorbent_make_up` [-] of it replaced by virgin material, the rest by regenerated
  /// material; [km] one way to the regeneration plant (0: not counted).
  bool sorbent_regenerated = false;
  double sorbent_make_up = 0.0;
  double sorbent_haul_distance = 0.0;
  /// [kg/m3] reagent (EISB donor, ISCO reagent) per m3 of injected solution; the make-up water
  /// is the reagent mass / this; 0 without `injection_concentration`.
  double injection_concentration = 0.0;
  /// Worker-hour intensities (`worker_hours`): a lump sum [h] and hours per drilled m, per
  /// sample, per excavated m3 and per operating day; empty: not given.
  struct WorkerHours {
    std::optional<double> hours, per_drilled_m, per_sample, per_excavated_m3, per_operating_day;
    SourceLocation where; ///< of the deck's worker_hours
  };
  std::optional<WorkerHours> worker_hours;
};

/// Reads `remediation:` for a run ending at `end_time` [d]: validates every action (regions in
/// the grid or the soil columns, windows in the run, known species), adds the pump-and-treat
/// wells and caps to `flow`, the reaction zones to `transport` (re-ordering its species for the
/// zones' products) and the soil vapour extractions to `soil`. `transport` and `soil` are null
/// without their sections; the actions that need them then fail.
std::vector<RemediationAction> read_remediation(const ConfigNode& node, const Grid& grid,
                                                double end_time, FlowSpec& flow,
                                                TransportSpec* transport, SoilSpec* soil);

/// [kWh] energy to lift `volume` [m3] of water through `lift` [m] with a pump of `efficiency`:
/// rho g V H / efficiency, rho = 1000 kg/m3, g = 9.80665 m/s2.
double lifting_energy(double volume, double lift, double efficiency);

} // namespace terrafate
