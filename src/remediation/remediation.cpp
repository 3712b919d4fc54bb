#include "terrafate/remediation/remediation.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "terrafate/core/csv_table.hpp"
#include "terrafate/grid/cell_overlap.hpp"
#include "terrafate/remediation/action_footprint.hpp"

namespace terrafate {

namespace {
constexpr double kWaterDensity = 1000.0; ///< [kg/m3]
constexpr double kGravity = 9.80665;     ///< [m/s2] standard gravity
constexpr double kJoulesPerKwh = 3.6e6;

int species_named(const ConfigNode& node, const TransportSpec& transport) {
  const std::string name = node.as_string();
  for (std::size_t s = 0; s < transport.species.size(); ++s)
    if (transport.species[s].name == name) return static_cast<int>(s);
  throw node.error(fmt::format("unknown species '{}'", name));
}

/// A map species -> value (e.g. rates [1/d]); species not listed get `fallback`.
std::vector<double> per_species(const ConfigNode& map, const TransportSpec& transport,
                                std::string_view unit, const Range& range, double fallback) {
  std::vector<double> values(transport.species.size(), fallback);
  for (const auto& key : map.keys()) {
    bool known = false;
    for (std::size_t s = 0; s < transport.species.size(); ++s)
      if (transport.species[s].name == key) {
        values[s] = map.quantity(key, unit, range);
        known = true;
      }
    if (!known) throw map.at(key).error(fmt::format("unknown species '{}'", key));
  }
  return values;
}

/// [m3] volume of the grid cells whose centres lie in the region (all ranks see the same grid
/// geometry, so no communication).
/// [m] drilled per injection point or well from the ground surface (the soil section's, else the
/// top of the grid) to the bottom of `region` (at most the grid's bottom).
double drilled_depth(const Grid& grid, const SoilSpec* soil, const Region& region) {
  const double surface = soil ? soil->ground_surface : grid.upper(2);
  const double bottom = region.all ? grid.lower(2) : std::max(region.box.min[2], grid.lower(2));
  return std::max(0.0, surface - bottom);
}

double region_volume(const Grid& grid, const Region& region) {
  double volume = 0.0;
  for (int k = 0; k < grid.cells(2); ++k)
    for (int j = 0; j < grid.cells(1); ++j)
      for (int i = 0; i < grid.cells(0); ++i)
        if (region.contains(grid.cell_center(i, j, k))) volume += grid.cell_volume(i, j, k);
  return volume;
}

/// [m3] dug out of the grid by an excavation of `region`: the exact overlap of a box with the
/// cells (fractional cells); a polygon keeps the cells whose centres lie in it.
double dug_volume(const Grid& grid, const Region& region) {
  if (region.all || region.polygon) return region_volume(grid, region);
  if (!grid.has_surfaces())
    return box_overlap_volume({grid.nodes(0), grid.nodes(1), grid.nodes(2)}, region.box);
  // Layer surfaces: each cell's own bottom and top.
  double volume = 0.0;
  for (int k = 0; k < grid.cells(2); ++k)
    for (int j = 0; j < grid.cells(1); ++j)
      for (int i = 0; i < grid.cells(0); ++i)
        volume += grid.box_overlap_volume(i, j, k, region.box.min, region.box.max);
  return volume;
}

/// [m2] plan area of `region` as given (not snapped to the cells): a box's x-y extents, a
/// polygon's area, the whole grid's plan for `all`.
double plan_area(const Grid& grid, const Region& region) {
  if (region.all) return (grid.upper(0) - grid.lower(0)) * (grid.upper(1) - grid.lower(1));
  if (region.polygon) {
    const auto& vertices = region.polygon->vertices;
    double twice_area = 0.0;
    for (std::size_t a = 0, b = vertices.size() - 1; a < vertices.size(); b = a++)
      twice_area += (vertices[b][0] - vertices[a][0]) * (vertices[b][1] + vertices[a][1]);
    return 0.5 * std::abs(twice_area);
  }
  return (region.box.max[0] - region.box.min[0]) * (region.box.max[1] - region.box.min[1]);
}

/// Sets the modelled volume of an excavation, barrier or treatment zone (the box's exact overlap
/// with the cells plus `in_soil` [m3] of the soil columns), its requested volume (the box's
/// extents) and the warnings when they differ, or when the cells the transport acts on (centres
/// in the region: `acts` says how) differ from it.
void set_box_volumes(RemediationAction& action, const Grid& grid, double in_soil,
                     const char* acts) {
  action.region_volume = dug_volume(grid, action.region) + in_soil;
  action.requested_volume = action.region_volume;
  const Box& box = action.region.box;
  if (!action.region.all && !action.region.polygon)
    action.requested_volume =
        (box.max[0] - box.min[0]) * (box.max[1] - box.min[1]) * (box.max[2] - box.min[2]);
  const std::string name = fmt::format("{} '{}'", action.type_name, action.name);
  if (auto warning = volume_mismatch_warning(name, action.requested_volume, action.region_volume);
      !warning.empty())
    action.volume_warnings.push_back(std::move(warning));
  const double centres = region_volume(grid, action.region) + in_soil;
  if (action.region_volume > 0.0 &&
      std::abs(centres - action.region_volume) > kVolumeMismatchWarning * action.region_volume)
    action.volume_warnings.push_back(fmt::format(
        "{}: the transport {} the cells whose centres lie in the region, {:.6g} m3, {:+.1f} % "
        "from the volume {:.6g} m3 that the ledger counts (more than {:.0f} %)",
        name, acts, centres, 100.0 * (centres - action.region_volume) / action.region_volume,
        action.region_volume, 100.0 * kVolumeMismatchWarning));
}

void set_dug_volumes(RemediationAction& action, const Grid& grid, double in_soil) {
  set_box_volumes(action, grid, in_soil, "removes the contaminant of");
  action.dug_area = plan_area(grid, action.region);
}

/// Reads `disposal: {landfill, cement_kiln, thermal_desorption}` (fractions of the excavated
/// soil adding up to 1) and `waste: hazardous | non_hazardous` of an excavation or a source
/// removal's digging method.
void read_disposal(const ConfigNode& node, RemediationAction& action) {
  if (const auto disposal = node.find("disposal")) {
    disposal->expect_keys({"landfill", "cement_kiln", "thermal_desorption"});
    double sum = 0.0;
    for (const auto& route : disposal->keys()) {
      const double fraction = disposal->quantity(route, "1", Range::unit_interval());
      action.disposal.emplace_back(route, fraction);
      sum += fraction;
    }
    if (std::abs(sum - 1.0) > 1.0e-9)
      throw disposal->error(
          fmt::format("the disposal fractions add up to {}: they must add up to 1", sum));
  }
  if (node.has("waste"))
    action.waste_class = node.at("waste").as_choice({"hazardous", "non_hazardous"});
}

/// Reads an excavation's `sheet_piling: {steel_per_m2, embedment}` (steel sheet piles around
/// the box or polygon: perimeter x (ground surface - box bottom + embedment) x steel_per_m2, booked
/// as material:steel_sheet_pile) and `dewatering: {rate, days, energy}` (rate x days of groundwater
/// pumped at `energy` kWh per m3) and `overburden: {diesel_per_m3}` (the clean soil between the
/// ground surface and the box's top, dug, stockpiled and put back on site).
void read_excavation_support(const ConfigNode& entry, RemediationAction& action, const Grid& grid,
                             const SoilSpec* soil) {
  if (const auto piling = entry.find("sheet_piling")) {
    piling->expect_keys({"steel_per_m2", "embedment"});
    if (action.region.all)
      throw piling->error("sheet piling is laid around the pit: give the excavation's region as "
                          "a box or a polygon, not all");
    const Box& box = action.region.box;
    double perimeter = 2.0 * ((box.max[0] - box.min[0]) + (box.max[1] - box.min[1]));
    if (action.region.polygon) { // a polygon, or a box on a rotated grid: its edges
      const auto& vertices = action.region.polygon->vertices;
      perimeter = 0.0;
      for (std::size_t a = 0, b = vertices.size() - 1; a < vertices.size(); b = a++)
        perimeter += std::hypot(vertices[a][0] - vertices[b][0], vertices[a][1] - vertices[b][1]);
    }
    const double depth = drilled_depth(grid, soil, action.region);
    if (!(depth > 0.0))
      throw piling->error(fmt::format("the pit has no depth: its bottom z = {} m is not below the "
                                      "ground surface",
                                      box.min[2]));
    const double embedment = piling->quantity("embedment", "m", Range::non_negative());
    const double intensity = piling->quantity("steel_per_m2", "kg/m2", Range::positive());
    action.sheet_pile_steel = perimeter * (depth + embedment) * intensity;
  }
  if (const auto overburden = entry.find("overburden")) {
    overburden->expect_keys({"diesel_per_m3"});
    if (action.region.all)
      throw overburden->error("the overburden is counted above the pit: give the excavation's "
                              "region as a box or a polygon, not all");
    const double surface = soil ? soil->ground_surface : grid.upper(2);
    const double thickness = surface - action.region.box.max[2];
    if (!(thickness > 0.0))
      throw overburden->error(fmt::format("the box's top z = {} m is not below the ground "
                                          "surface z = {} m: there is no overburden",
                                          action.region.box.max[2], surface));
    action.overburden_volume = plan_area(grid, action.region) * thickness;
    action.overburden_diesel =
        overburden->quantity("diesel_per_m3", "L/m3", Range::non_negative()) *
        action.overburden_volume;
  }
  if (const auto dewatering = entry.find("dewatering")) {
    dewatering->expect_keys({"rate", "days", "energy"});
    const double rate = dewatering->quantity("rate", "m3/d", Range::positive());
    action.dewatering_days = dewatering->quantity("days", "d", Range::positive());
    action.dewatering_energy = dewatering->quantity("energy", "kWh/m3", Range::non_negative());
    action.dewatering_volume = rate * action.dewatering_days;
  }
}

/// The reaction zone of a barrier, bioremediation or thermal action.
ReactionZone read_zone(const ConfigNode& node, const RemediationAction& action,
                       const TransportSpec& transport, bool allow_factor) {
  ReactionZone zone;
  zone.name = action.name;
  zone.region = action.region;
  zone.start = action.start;
  zone.end = action.end;
  const std::size_t count = transport.species.size();
  zone.rate.assign(count, -1.0);
  zone.factor.assign(count, 1.0);
  if (const auto rates = node.find("rates"))
    zone.rate = per_species(*rates, transport, "1/d", Range::non_negative(), -1.0);
  if (allow_factor && node.has("factor")) {
    if (node.has("rates")) throw node.at("factor").error("give rates or factor, not both");
    const double factor = node.quantity("factor", "1", Range::non_negative());
    std::vector<int> chosen;
    if (const auto species = node.find("species"))
      for (const auto& entry : species->elements())
        chosen.push_back(species_named(entry, transport));
    else
      for (std::size_t s = 0; s < count; ++s)
        chosen.push_back(static_cast<int>(s));
    for (const int s : chosen)
      zone.factor[static_cast<std::size_t>(s)] = factor;
  } else if (!node.has("rates")) {
    throw node.error(allow_factor ? "give rates (1/d per species) or factor"
                                  : "give rates (1/d per species)");
  }
  if (const auto products = node.find("products"))
    for (const auto& entry : products->elements()) {
      entry.expect_keys({"from", "to", "yield"});
      ReactionSpec product;
      product.parent = species_named(entry.at("from"), transport);
      product.daughter = species_named(entry.at("to"), transport);
      if (product.parent == product.daughter)
        throw entry.at("to").error("a species cannot decay into itself");
      product.yield = entry.quantity("yield", "1", Range::non_negative());
      zone.products.push_back(product);
    }
  return zone;
}
} // namespace

std::vector<RemediationAction> read_remediation(const ConfigNode& node, const Grid& grid,
                                                double end_time, FlowSpec& flow,
                                                TransportSpec* transport, SoilSpec* soil) {
  std::vector<RemediationAction> actions;
  for (const auto& entry : node.elements()) {
    RemediationAction action;
    action.name = entry.at("name").as_name("action");
    action.where = entry.where();
    action.key_path = entry.key_path();
    for (const auto& other : actions)
      if (other.name == action.name)
        throw entry.at("name").error(fmt::format("action '{}' is defined twice", action.name));
    action.type_name = entry.at("type").as_choice(action_type_choices());
    const ConfigNode type = entry.at("type");
    // Window: inside the run; a contingent action starts when its trigger fires.
    const ConfigNode start = entry.at("start");
    if (start.is_map()) {
      start.expect_keys({"trigger"});
      if (!action_info(action.type_name).contingent) {
        std::string types;
        for (const auto& info : action_catalog())
          if (info.contingent) types += fmt::format("{}{}", types.empty() ? "" : ", ", info.name);
        throw start.error(fmt::format("a {} action cannot start on a trigger (those that can: {})",
                                      action.type_name, types));
      }
      if (!transport) throw start.error("a trigger watches a concentration: it needs transport:");
      const ConfigNode watch = start.at("trigger");
      watch.expect_keys({"location", "species", "above", "checked"});
      ActionTrigger trigger;
      trigger.location = watch.string("location");
      trigger.species = species_named(watch.at("species"), *transport);
      trigger.above = watch.quantity("above", "mg/L", Range::non_negative());
      trigger.every = watch.quantity("checked", "d", Range::positive());
      trigger.where = watch.where();
      trigger.key_path = watch.key_path();
      if (!(trigger.every < end_time))
        throw watch.at("checked").error(
            fmt::format("the first check at {} d is not before the end of the run ({} d)",
                        trigger.every, end_time));
      action.trigger = trigger;
      action.start = std::numeric_limits<double>::infinity();
    } else {
      action.start = entry.time_point("start");
      if (!(action.start < end_time))
        throw start.error(fmt::format("start {} d is not before the end of the run ({} d)",
                                      action.start, end_time));
    }
    // A duration instead of an end: a triggered action runs that long from its firing (to the
    // end of the run at most), a dated one ends at start + duration.
    if (entry.has("duration")) {
      if (entry.has("end")) throw entry.at("duration").error("give end or duration, not both");
      const double duration = entry.quantity("duration", "d", Range::positive());
      if (action.trigger) {
        action.duration = duration;
        action.end = end_time;
      } else {
        action.end = action.start + duration;
        if (action.end > end_time)
          throw entry.at("duration")
              .error(fmt::format(
                  "start {} d + duration {} d = {} d is after the end of the run ({} d)",
                  action.start, duration, action.end, end_time));
      }
    } else {
      action.end = entry.time_point_or("end", end_time);
    }
    if (action.trigger && !action.duration && !(action.end > action.trigger->every))
      throw entry.at("end").error(fmt::format("end {} d must be after the trigger's first check "
                                              "at {} d",
                                              action.end, action.trigger->every));
    if (!action.trigger && !(action.end > action.start))
      throw entry.at("end").error(
          fmt::format("end {} d must be after start {} d", action.end, action.start));
    if (action.end > end_time)
      throw entry.at("end").error(
          fmt::format("end {} d is after the end of the run ({} d)", action.end, end_time));
    const bool at_receptors =
        action.type_name == "institutional_control" || action.type_name == "vapour_mitigation";
    const bool needs_region = action.type_name != "pump_and_treat" &&
                              action.type_name != "monitoring" &&
                              action.type_name != "source_removal" && !at_receptors;
    if (needs_region) {
      action.region = read_region(entry.at("region"), grid.frame());
      // Excavations and soil vapour extraction may act in the soil columns only.
      SoilVolume in_soil;
      if (soil &&
          (action.type_name == "excavation" || action.type_name == "soil_vapour_extraction"))
        in_soil = soil_volume_in(*soil, grid, action.region);
      if (action.type_name == "soil_vapour_extraction") {
        if (!soil)
          throw type.error("soil vapour extraction acts on the soil columns: it needs a soil: "
                           "section");
        if (in_soil.cells == 0)
          throw entry.at("region").error(
              fmt::format("the region holds no soil column cell (between the ground surface at "
                          "z = {} m and the water table at z = {} m)",
                          soil->ground_surface, soil->water_table));
      } else if (in_soil.cells == 0) {
        grid.require_cells_in(action.region);
      }
      action.region_volume =
          (action.type_name == "soil_vapour_extraction" ? 0.0
                                                        : region_volume(grid, action.region)) +
          in_soil.volume;
      if (action.type_name == "excavation") set_dug_volumes(action, grid, in_soil.volume);
      if (action.type_name == "barrier_wall" || action.type_name == "permeable_reactive_barrier")
        set_box_volumes(action, grid, 0.0, "gives the barrier's properties to");
      if (action.type_name == "enhanced_bioremediation" || action.type_name == "thermal" ||
          action.type_name == "chemical_oxidation")
        set_box_volumes(action, grid, 0.0, "treats");
      action.soil_column_dry_mass = in_soil.dry_mass;
    }
    const bool needs_transport = action.type_name != "barrier_wall" &&
                                 action.type_name != "monitoring" && action.type_name != "cap" &&
                                 !at_receptors;
    if (needs_transport && !transport)
      throw type.error(fmt::format("the '{}' action needs a transport: section", action.type_name));
    // Installed structures change the flow field for the whole run.
    auto installed_from_start = [&]() {
      if (action.start != 0.0)
        throw entry.at("start").error(
            fmt::format("a {} must be in place from the start of the run (start: 0) in this "
                        "version of terrafate",
                        action.type_name));
      if (entry.has("end"))
        throw entry.at("end").error(
            fmt::format("a {} stays until the end of the run: no end", action.type_name));
    };

    if (action.type_name == "permeable_reactive_barrier") {
      action.type = ActionType::permeable_reactive_barrier;
      entry.expect_keys({"name", "type", "region", "start", "end", "rates", "products",
                         "hydraulic_conductivity", "porosity", "medium", "installation_diesel",
                         "reactivity_half_life", "mobilisation", "worker_hours", "travel"});
      installed_from_start();
      if (entry.has("hydraulic_conductivity"))
        action.conductivity = entry.quantity("hydraulic_conductivity", "m/d", Range::positive());
      if (entry.has("porosity"))
        action.porosity = entry.quantity("porosity", "1", Range::fraction_open_low());
      const ConfigNode medium = entry.at("medium");
      medium.expect_keys({"material", "bulk_density"});
      action.material = medium.string("material");
      action.density = medium.quantity("bulk_density", "kg/L", Range::positive());
      action.diesel_per_m3 =
          entry.quantity_or("installation_diesel", 0.0, "L/m3", Range::non_negative());
      action.zone = static_cast<int>(transport->zones.size());
      transport->zones.push_back(read_zone(entry, action, *transport, false));
      if (entry.has("reactivity_half_life"))
        transport->zones.back().reactivity_half_life =
            entry.quantity("reactivity_half_life", "d", Range::positive());
    } else if (action.type_name == "barrier_wall") {
      action.type = ActionType::barrier_wall;
      entry.expect_keys({"name", "type", "region", "start", "end", "hydraulic_conductivity",
                         "material", "installation_diesel", "mobilisation", "worker_hours",
                         "travel"});
      installed_from_start();
      action.conductivity = entry.quantity("hydraulic_conductivity", "m/d", Range::positive());
      if (const auto material = entry.find("material")) {
        material->expect_keys({"name", "density"});
        action.material = material->string("name");
        action.density = material->quantity("density", "kg/L", Range::positive());
      }
      action.diesel_per_m3 =
          entry.quantity_or("installation_diesel", 0.0, "L/m3", Range::non_negative());
    } else if (action.type_name == "pump_and_treat") {
      action.type = ActionType::pump_and_treat;
      entry.expect_keys({"name", "type", "start", "end", "duration", "wells",
                         "treatment_efficiency", "system_head", "pump_efficiency",
                         "treatment_energy", "surface_elevation", "sorbent", "reinjection",
                         "mobilisation", "worker_hours", "travel"});
      // Extraction wells, then the optional re-injection wells of the treated water.
      std::vector<ConfigNode> well_nodes = entry.at("wells").elements();
      const std::size_t extraction_count = well_nodes.size();
      if (const auto reinjection = entry.find("reinjection"))
        for (const auto& injection_well : reinjection->elements())
          well_nodes.push_back(injection_well);
      double extracted = 0.0, reinjected = 0.0; // [m3/d]
      for (std::size_t w = 0; w < well_nodes.size(); ++w) {
        const auto& well_node = well_nodes[w];
        Well well = read_well(well_node, grid);
        if (well.rate_series)
          throw well_node.at("rate").error(
              "a remediation well's rate is one number (the action's window says when it pumps)");
        const bool extraction = w < extraction_count;
        if (extraction && !(well.rate < 0.0))
          throw well_node.at("rate").error(
              "a pump-and-treat well extracts: give a negative rate (m3/d)");
        if (!extraction && !(well.rate > 0.0))
          throw well_node.at("rate").error(
              "a re-injection well injects: give a positive rate (m3/d)");
        (extraction ? extracted : reinjected) += std::abs(well.rate);
        if (well_node.has("start") || well_node.has("end"))
          throw well_node.error("the well runs over the action's window: give start and end "
                                "on the action");
        for (const auto& other : flow.wells)
          if (other.name == well.name)
            throw well_node.at("name").error(
                fmt::format("a well named '{}' exists already", well.name));
        well.start = action.start;
        well.end = action.end;
        (extraction ? action.wells : action.reinjection_wells)
            .push_back(static_cast<int>(flow.wells.size()));
        flow.wells.push_back(well);
      }
      if (action.wells.empty()) throw entry.at("wells").error("at least one well is required");
      if (!action.reinjection_wells.empty() &&
          std::abs(reinjected - extracted) > 1.0e-9 * extracted)
        throw entry.at("reinjection")
            .error(fmt::format(
                "the re-injection rates add up to {} m3/d, but the wells extract {} m3/d: "
                "all the treated water is re-injected",
                reinjected, extracted));
      action.treatment_efficiency = per_species(entry.at("treatment_efficiency"), *transport, "1",
                                                Range::unit_interval(), 0.0);
      action.system_head = entry.quantity_or("system_head", 0.0, "m", Range::non_negative());
      action.pump_efficiency = entry.quantity("pump_efficiency", "1", Range::fraction_open_low());
      action.treatment_energy =
          entry.quantity_or("treatment_energy", 0.0, "kWh/m3", Range::non_negative());
      action.surface_elevation =
          entry.quantity_or("surface_elevation", grid.upper(2), "m", Range::any());
      // Drilled from the ground surface to the bottom of each screen.
      for (const auto* indices : {&action.wells, &action.reinjection_wells})
        for (const int w : *indices)
          action.drilled_length +=
              std::max(0.0, action.surface_elevation -
                                flow.wells[static_cast<std::size_t>(w)].screen_bottom);
      if (const auto sorbent = entry.find("sorbent")) read_sorbent(*sorbent, action);
    } else if (action.type_name == "excavation") {
      action.type = ActionType::excavation;
      entry.expect_keys({"name", "type", "region", "start", "haul_distance", "diesel_per_m3",
                         "backfill", "disposal", "waste", "sheet_piling", "dewatering",
                         "overburden", "mobilisation", "worker_hours", "travel"});
      read_disposal(entry, action);
      read_excavation_support(entry, action, grid, soil);
      action.end = action.start;
      action.haul_distance = entry.quantity("haul_distance", "km", Range::non_negative());
      action.diesel_per_m3 = entry.quantity("diesel_per_m3", "L/m3", Range::non_negative());
      if (const auto backfill = entry.find("backfill")) {
        backfill->expect_keys({"material", "density"});
        action.material = backfill->string("material");
        action.density = backfill->quantity("density", "kg/L", Range::positive());
      }
    } else if (action.type_name == "enhanced_bioremediation") {
      action.type = ActionType::enhanced_bioremediation;
      entry.expect_keys({"name", "type", "region", "start", "end", "duration", "rates", "factor",
                         "species", "products", "donor", "injection_energy", "injection_points",
                         "mobilisation", "worker_hours", "travel", "injection_concentration"});
      // Injection wells drilled to the bottom of the treated region (none counted without).
      if (entry.has("injection_points"))
        action.drilled_length =
            static_cast<double>(entry.at("injection_points").as_integer(1, 1000000)) *
            drilled_depth(grid, soil, action.region);
      const ConfigNode donor = entry.at("donor");
      donor.expect_keys({"material", "mass"});
      action.material = donor.string("material");
      action.donor_mass = donor.quantity("mass", "kg", Range::non_negative());
      action.injection_energy =
          entry.quantity_or("injection_energy", 0.0, "kWh", Range::non_negative());
      action.zone = static_cast<int>(transport->zones.size());
      transport->zones.push_back(read_zone(entry, action, *transport, true));
    } else if (action.type_name == "chemical_oxidation") {
      action.type = ActionType::chemical_oxidation;
      entry.expect_keys({"name", "type", "region", "start", "end", "duration", "oxidant",
                         "injections", "rate_constants", "demand", "natural_demand",
                         "injection_points", "injection_energy", "reagent", "mobilisation",
                         "worker_hours", "travel", "injection_concentration"});
      OxidationSpec oxidation;
      oxidation.name = action.name;
      oxidation.oxidant = species_named(entry.at("oxidant"), *transport);
      action.oxidant = oxidation.oxidant;
      action.material = transport->species[static_cast<std::size_t>(oxidation.oxidant)].name;
      if (const auto reagent = entry.find("reagent")) {
        // The product injected (e.g. potassium_permanganate for the MnO4 ion) per kg oxidant.
        reagent->expect_keys({"material", "per_kg_oxidant"});
        action.material = reagent->string("material");
        action.reagent_per_kg = reagent->quantity("per_kg_oxidant", "1", Range::positive());
      }
      oxidation.rate_constant =
          per_species(entry.at("rate_constants"), *transport, "L/mg/d", Range::non_negative(), 0.0);
      oxidation.demand =
          per_species(entry.at("demand"), *transport, "1", Range::non_negative(), 0.0);
      if (oxidation.rate_constant[static_cast<std::size_t>(oxidation.oxidant)] > 0.0)
        throw entry.at("rate_constants").error("the oxidant cannot react with itself");
      oxidation.natural_demand =
          entry.quantity_or("natural_demand", 0.0, "1/d", Range::non_negative());
      oxidation.start = action.start;
      oxidation.end = action.end;
      for (const auto& injection_node : entry.at("injections").elements()) {
        injection_node.expect_keys({"time", "mass"});
        Injection injection;
        // A dated action's injection time is a time point; a triggered one's, a delay.
        injection.time = action.trigger
                             ? injection_node.quantity("time", "d", Range::non_negative())
                             : injection_node.time_point("time");
        injection.mass = injection_node.quantity("mass", "kg", Range::positive());
        // A triggered action's injection times are counted from its firing.
        const double begin = action.trigger ? 0.0 : action.start;
        const double finish = action.trigger
                                  ? action.duration.value_or(action.end - action.trigger->every)
                                  : action.end;
        if (injection.time < begin || injection.time >= finish)
          throw injection_node.at("time").error(fmt::format(
              "injection at {} d{} is outside the action's window [{}, {}) d", injection.time,
              action.trigger ? " after the trigger fires" : "", begin, finish));
        action.injections.push_back(injection);
      }
      action.injection_points =
          static_cast<int>(entry.at("injection_points").as_integer(1, 1000000));
      action.drilled_length = action.injection_points * drilled_depth(grid, soil, action.region);
      action.injection_energy =
          entry.quantity_or("injection_energy", 0.0, "kWh", Range::non_negative());
      action.oxidation = static_cast<int>(transport->oxidations.size());
      transport->oxidations.push_back(oxidation);
    } else if (action.type_name == "source_removal") {
      action.type = ActionType::source_removal;
      entry.expect_keys({"name", "type", "start", "source", "fraction", "method", "mobilisation",
                         "worker_hours", "travel"});
      action.end = action.start;
      const ConfigNode source = entry.at("source");
      const std::string source_name = source.as_string();
      for (std::size_t n = 0; n < transport->sources.size(); ++n)
        if (transport->sources[n].name == source_name &&
            transport->sources[n].type == TransportSource::Type::napl)
          action.napl_source = static_cast<int>(n);
      if (action.napl_source < 0)
        throw source.error(fmt::format("no NAPL source named '{}'", source_name));
      action.region = transport->sources[static_cast<std::size_t>(action.napl_source)].region;
      action.region_volume = region_volume(grid, action.region);
      action.requested_volume = action.region_volume;
      action.fraction = entry.quantity("fraction", "1", Range::fraction_open_low());
      // The method's resources, per m3 of the source zone.
      const ConfigNode method = entry.at("method");
      const std::string kind = method.at("type").as_choice({"excavation", "thermal"});
      action.thermal_removal = kind == "thermal";
      if (action.thermal_removal) {
        method.expect_keys({"type", "electricity"});
        action.heating_energy = method.quantity("electricity", "kWh/m3", Range::non_negative());
      } else {
        method.expect_keys(
            {"type", "diesel_per_m3", "haul_distance", "disposal", "waste", "overburden"});
        set_dug_volumes(action, grid, 0.0);
        read_disposal(method, action);
        read_excavation_support(method, action, grid, soil); // overburden only
        action.diesel_per_m3 = method.quantity("diesel_per_m3", "L/m3", Range::non_negative());
        action.haul_distance = method.quantity("haul_distance", "km", Range::non_negative());
      }
    } else if (action.type_name == "cap") {
      action.type = ActionType::cap;
      entry.expect_keys({"name", "type", "region", "start", "end", "duration", "factor",
                         "volatilization_factor", "material", "mobilisation", "worker_hours",
                         "travel"});
      RechargeCap cap;
      cap.area = action.region;
      cap.factor = entry.quantity("factor", "1", Range::unit_interval());
      cap.volatilization_factor =
          entry.quantity_or("volatilization_factor", cap.factor, "1", Range::unit_interval());
      cap.start = action.start;
      cap.end = action.end;
      flow.caps.push_back(cap);
      const int top = grid.cells(2) - 1;
      for (int j = 0; j < grid.cells(1); ++j)
        for (int i = 0; i < grid.cells(0); ++i)
          if (cap.covers(grid.center(0, i), grid.center(1, j)))
            action.cap_area += grid.face_area(2, i, j, top);
      const ConfigNode material = entry.at("material");
      material.expect_keys({"name", "thickness", "density"});
      action.material = material.string("name");
      action.cap_thickness = material.quantity("thickness", "m", Range::positive());
      action.density = material.quantity("density", "kg/L", Range::positive());
    } else if (action.type_name == "thermal") {
      action.type = ActionType::thermal;
      entry.expect_keys({"name", "type", "region", "start", "end", "duration", "rates",
                         "electricity", "wells", "mobilisation", "worker_hours", "travel"});
      // Heater (and vapour recovery) wells drilled from the ground surface to the region's bottom.
      if (entry.has("wells"))
        action.drilled_length = static_cast<double>(entry.at("wells").as_integer(1, 1000000)) *
                                drilled_depth(grid, soil, action.region);
      action.heating_energy = entry.quantity("electricity", "kWh/m3/d", Range::non_negative());
      action.zone = static_cast<int>(transport->zones.size());
      transport->zones.push_back(read_zone(entry, action, *transport, false));
    } else if (action.type_name == "soil_vapour_extraction") {
      action.type = ActionType::soil_vapour_extraction;
      entry.expect_keys({"name", "type", "region", "start", "end", "duration", "removal_rate",
                         "power", "sorbent", "wells", "mobilisation", "worker_hours", "travel"});
      // Extraction wells drilled from the ground surface to the bottom of the region.
      if (entry.has("wells"))
        action.drilled_length = static_cast<double>(entry.at("wells").as_integer(1, 1000000)) *
                                drilled_depth(grid, soil, action.region);
      GasExtraction extraction;
      extraction.name = action.name;
      extraction.region = action.region;
      extraction.rate = entry.quantity("removal_rate", "1/d", Range::positive());
      extraction.start = action.start;
      extraction.end = action.end;
      action.blower_power = entry.quantity("power", "kW", Range::non_negative());
      if (const auto sorbent = entry.find("sorbent")) read_sorbent(*sorbent, action);
      action.extraction = static_cast<int>(soil->extractions.size());
      soil->extractions.push_back(extraction);
    } else if (action.type_name == "institutional_control") {
      // A groundwater-use restriction at named risk receptors and/or a land-use change of
      // named receptors (both checked by the risk model).
      action.type = ActionType::institutional_control;
      entry.expect_keys({"name", "type", "start", "end", "duration", "restrict", "receptors",
                         "land_use", "vehicle_km_per_year", "mobilisation", "worker_hours"});
      if (!entry.has("restrict") && !entry.has("land_use"))
        throw entry.error("an institutional control needs restrict: groundwater_use (with "
                          "receptors:) or land_use: {receptors: [...], to: LAND_USE}");
      if (entry.has("restrict")) {
        entry.at("restrict").as_choice({"groundwater_use"});
        for (const auto& receptor : entry.at("receptors").elements())
          action.receptors.push_back(receptor.as_string());
        if (action.receptors.empty()) throw entry.at("receptors").error("at least one receptor");
      } else if (entry.has("receptors")) {
        throw entry.at("receptors")
            .error("receptors: names where restrict: applies; a land-use "
                   "change names its receptors under land_use:");
      }
      if (const auto land_use = entry.find("land_use")) {
        land_use->expect_keys({"receptors", "to"});
        action.land_use = land_use->string("to");
        for (const auto& receptor : land_use->at("receptors").elements())
          action.land_use_receptors.push_back(receptor.as_string());
        if (action.land_use_receptors.empty())
          throw land_use->at("receptors").error("at least one receptor");
      }
      action.vehicle_km_per_year =
          entry.quantity_or("vehicle_km_per_year", 0.0, "km", Range::non_negative());
    } else if (action.type_name == "vapour_mitigation") {
      // Sub-slab depressurization at named risk receptors.
      action.type = ActionType::vapour_mitigation;
      entry.expect_keys({"name", "type", "start", "end", "duration", "receptors", "factor",
                         "fan_power", "units", "material", "mobilisation", "worker_hours",
                         "travel"});
      for (const auto& receptor : entry.at("receptors").elements())
        action.receptors.push_back(receptor.as_string());
      if (action.receptors.empty()) throw entry.at("receptors").error("at least one receptor");
      action.mitigation_factor = entry.quantity("factor", "1", Range{1.0, 1.0e12, true, true});
      action.fan_power = entry.quantity("fan_power", "kW", Range::non_negative());
      action.units = static_cast<int>(entry.at("units").as_integer(1, 100000));
      if (const auto material = entry.find("material")) {
        material->expect_keys({"name", "per_unit"});
        action.material = material->string("name");
        action.material_per_unit = material->quantity("per_unit", "kg", Range::non_negative());
      }
    } else {
      action.type = ActionType::monitoring;
      entry.expect_keys({"name", "type", "start", "end", "duration", "wells", "events_per_year",
                         "vehicle_km_per_event", "analyte_suites", "purge_volume", "well_depth",
                         "mobilisation", "worker_hours"});
      action.monitoring_wells = static_cast<int>(entry.at("wells").as_integer(1, 100000));
      action.events_per_year = entry.quantity("events_per_year", "1", Range::positive());
      action.vehicle_km_per_event =
          entry.quantity_or("vehicle_km_per_event", 0.0, "km", Range::non_negative());
      action.analyte_suites = entry.quantity_or("analyte_suites", 0.0, "1", Range::non_negative());
      action.purge_volume = entry.quantity_or("purge_volume", 0.0, "m3", Range::non_negative());
      action.well_depth = entry.quantity_or("well_depth", 0.0, "m", Range::non_negative());
    }
    read_action_footprint(entry, action);
    actions.push_back(action);
  }
  if (transport && !transport->zones.empty()) {
    transport->solve_order = decay_network_order(*transport);
    if (transport->solve_order.empty())
      throw node.error("the products of the actions and the decay network form a cycle");
  }
  return actions;
}

double lifting_energy(double volume, double lift, double efficiency) {
  return kWaterDensity * kGravity * volume * lift / efficiency / kJoulesPerKwh;
}

} // namespace terrafate
