#include "terrafate/remediation/action_run.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "terrafate/core/units.hpp"
#include "terrafate/grid/cell_overlap.hpp"
#include "terrafate/remediation/action_footprint.hpp"

namespace terrafate {

namespace {
/// Books `spent` [kg] of `action`'s sorbent over [start, end]. Disposed of: replaced by virgin
/// material, and with `waste`, spent activated carbon leaves the site as hazardous waste.
/// Regenerated: the make-up share is virgin material, the rest `material:<name>_regenerated`,
/// and the spent sorbent is hauled to the regeneration plant and back (2 x t x one-way km).
void book_sorbent(Ledger& ledger, const RemediationAction& action, double spent, double start,
                  double end, bool waste) {
  const std::string item = "material:" + action.material;
  if (!action.sorbent_regenerated) {
    ledger.add(action.name, item, spent, "kg", start, end);
    if (waste && action.material == "activated_carbon")
      ledger.add(action.name, "waste:hazardous", spent / 1000.0, "t", start, end);
    return;
  }
  if (action.sorbent_make_up > 0.0)
    ledger.add(action.name, item, action.sorbent_make_up * spent, "kg", start, end);
  ledger.add(action.name, item + "_regenerated", (1.0 - action.sorbent_make_up) * spent, "kg",
             start, end);
  if (action.sorbent_haul_distance > 0.0)
    ledger.add(action.name, "haulage", 2.0 * spent / 1000.0 * action.sorbent_haul_distance, "t*km",
               start, end);
}
} // namespace

ActionRun::ActionRun(MPI_Comm comm, const Grid& grid, const Materials& materials,
                     const std::vector<RemediationAction>& actions, const TransportSpec* transport,
                     double end_time, SoilColumns* soil)
    : actions_(actions), end_time_(end_time), soil_(soil),
      species_(transport ? transport->species.size() : 0), done_(actions_.size(), false),
      soil_mass_(actions_.size(), 0.0) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  for (std::size_t a = 0; a < actions_.size(); ++a) {
    const auto& action = actions_[a];
    starts_.push_back(action.start);
    ends_.push_back(action.end);
    next_check_.push_back(action.trigger ? action.trigger->every
                                         : std::numeric_limits<double>::infinity());
    if (rank == 0)
      for (const auto& warning : action.volume_warnings)
        fmt::print(stderr, "terrafate: warning: {}\n", warning);
    if (action.type == ActionType::permeable_reactive_barrier ||
        action.type == ActionType::barrier_wall)
      install(action);
    if (action.type == ActionType::cap) {
      ledger_.add(action.name, "cap_area", action.cap_area, "m2", action.start, action.end);
      ledger_.add(action.name, "material:" + action.material,
                  action.cap_area * action.cap_thickness * action.density * 1000.0, "kg",
                  action.start, action.end);
    }
    if (action.type != ActionType::excavation &&
        !(action.type == ActionType::source_removal && !action.thermal_removal))
      continue;
    // [t] dry soil dug out: bulk density [kg/L = t/m3] x volume.
    double dug[2] = {0.0, 0.0}; // mass, cells without a bulk density
    const auto dig = [&](int i, int j, int k, double volume) {
      const double density = materials.bulk_density(grid.owned_index(i, j, k));
      dug[0] += density * volume;
      if (!(density > 0.0)) dug[1] += 1.0;
    };
    if (action.region.all || action.region.polygon) {
      for (int k = grid.owned_begin(2); k < grid.owned_end(2); ++k)
        for (int j = grid.owned_begin(1); j < grid.owned_end(1); ++j)
          for (int i = grid.owned_begin(0); i < grid.owned_end(0); ++i)
            if (action.region.contains(grid.cell_center(i, j, k)))
              dig(i, j, k, grid.cell_volume(i, j, k));
    } else if (grid.has_surfaces()) { // a box over layer surfaces: each cell's own elevations
      for (int k = grid.owned_begin(2); k < grid.owned_end(2); ++k)
        for (int j = grid.owned_begin(1); j < grid.owned_end(1); ++j)
          for (int i = grid.owned_begin(0); i < grid.owned_end(0); ++i)
            if (const double volume =
                    grid.box_overlap_volume(i, j, k, action.region.box.min, action.region.box.max);
                volume > 0.0)
              dig(i, j, k, volume);
    } else { // a box: the part of each cell inside it (region_volume's exact overlap)
      for (const auto& overlap :
           box_cell_overlaps({grid.nodes(0), grid.nodes(1), grid.nodes(2)}, action.region.box,
                             {grid.owned_begin(0), grid.owned_begin(1), grid.owned_begin(2)},
                             {grid.owned_end(0), grid.owned_end(1), grid.owned_end(2)}))
        dig(overlap.cell[0], overlap.cell[1], overlap.cell[2], overlap.volume);
    }
    MPI_Allreduce(MPI_IN_PLACE, dug, 2, MPI_DOUBLE, MPI_SUM, comm);
    if (dug[1] > 0.0)
      throw InputError(action.key_path, action.where,
                       fmt::format("excavation '{}' digs {} cells whose material has no "
                                   "bulk_density (needed for the soil mass and haulage)",
                                   action.name, dug[1]));
    soil_mass_[a] = dug[0] + action.soil_column_dry_mass;
  }
  if (transport) {
    for (const auto& species : transport->species)
      names_.push_back(species.name);
    sources_ = transport->sources;
  }
}

std::vector<double> ActionRun::breakpoints() const {
  std::vector<double> times;
  for (const auto& action : actions_) {
    if (action.trigger)
      for (double k = 1.0; k * action.trigger->every < std::min(end_time_, action.end); k += 1.0) {
        const double check = k * action.trigger->every;
        times.push_back(check);
        if (action.duration && check + *action.duration < end_time_)
          times.push_back(check + *action.duration);
        for (const auto& injection : action.injections)
          if (check + injection.time < end_time_) times.push_back(check + injection.time);
      }
    if (action.zone >= 0 || action.oxidation >= 0 || action.extraction >= 0 ||
        action.type == ActionType::excavation || action.type == ActionType::source_removal) {
      if (!action.trigger) times.push_back(action.start);
      if (action.end < end_time_) times.push_back(action.end);
      if (!action.trigger)
        for (const auto& injection : action.injections)
          times.push_back(injection.time);
    }
  }
  return times;
}

std::vector<double> ActionRun::well_switch_times() const {
  std::vector<double> times;
  for (const auto& action : actions_)
    if (action.trigger && action.type == ActionType::pump_and_treat)
      for (double k = 1.0; k * action.trigger->every < std::min(end_time_, action.end); k += 1.0) {
        const double check = k * action.trigger->every;
        times.push_back(check);
        if (action.duration && check + *action.duration < end_time_)
          times.push_back(check + *action.duration);
      }
  return times;
}

void ActionRun::apply_well_windows(FlowSolver& flow) const {
  for (std::size_t a = 0; a < actions_.size(); ++a) {
    const auto& action = actions_[a];
    if (!action.trigger || action.type != ActionType::pump_and_treat) continue;
    for (const auto* wells : {&action.wells, &action.reinjection_wells})
      for (const int w : *wells)
        flow.set_well_window(static_cast<std::size_t>(w), starts_[a], ends_[a]);
  }
}

std::vector<std::size_t> ActionRun::checks_due(double t) {
  std::vector<std::size_t> due;
  for (std::size_t a = 0; a < actions_.size(); ++a) {
    const auto& trigger = actions_[a].trigger;
    // The checks fall on steps' starts (breakpoints): k x every, up to round-off.
    if (!trigger || std::isfinite(starts_[a]) || t < next_check_[a] - 1.0e-9 * trigger->every ||
        t >= actions_[a].end)
      continue;
    due.push_back(a);
    next_check_[a] = (std::floor(t / trigger->every + 1.0e-9) + 1.0) * trigger->every;
  }
  return due;
}

void ActionRun::fire(std::size_t a, double t, TransportSolver* transport) {
  starts_[a] = t;
  if (const auto& duration = actions_[a].duration) ends_[a] = std::min(end_time_, t + *duration);
  if (transport) start_reactions(a, *transport);
}

void ActionRun::start_reactions(std::size_t a, TransportSolver& transport) const {
  const auto& action = actions_[a];
  if (action.zone >= 0)
    transport.start_zone(static_cast<std::size_t>(action.zone), starts_[a], ends_[a]);
  if (action.oxidation >= 0)
    transport.start_oxidation(static_cast<std::size_t>(action.oxidation), starts_[a], ends_[a]);
}

void ActionRun::before_step(double t, TransportSolver& transport) {
  for (std::size_t a = 0; a < actions_.size(); ++a) {
    const auto& action = actions_[a];
    // A fired contingent zone or oxidation (again after a restart, whose transport starts with
    // the spec's).
    if (action.trigger && std::isfinite(starts_[a])) start_reactions(a, transport);
    // A triggered action's injections are counted from its firing; none after its end.
    const double offset = action.trigger ? starts_[a] : 0.0;
    for (std::size_t m = 0; m < action.injections.size(); ++m) {
      const auto& injection = action.injections[m];
      const double time = offset + injection.time;
      if (!(time <= t) || time >= ends_[a] || injected_[a].size() > m) continue;
      injected_[a].push_back(true);
      transport.inject(static_cast<std::size_t>(action.oxidant), action.region,
                       injection.mass * 1000.0);
      ledger_.add(action.name, "material:" + action.material,
                  injection.mass * action.reagent_per_kg, "kg", starts_[a], ends_[a]);
      if (action.injection_concentration > 0.0) // make-up water of the injected solution
        ledger_.add(action.name, "water_used",
                    injection.mass * action.reagent_per_kg / action.injection_concentration, "m3",
                    starts_[a], ends_[a]);
      if (m == 0) {
        ledger_.add(action.name, "injection_points", action.injection_points, "points", starts_[a],
                    ends_[a]);
        ledger_.add(action.name, "electricity:injection", action.injection_energy, "kWh",
                    starts_[a], ends_[a]);
      }
    }
    if (action.type == ActionType::source_removal && !done_[a] && action.start <= t) {
      done_[a] = true;
      const auto source = static_cast<std::size_t>(action.napl_source);
      const double removed = transport.remove_napl_fraction(source, action.fraction);
      const auto species = static_cast<std::size_t>(sources_[source].species);
      ledger_.add(action.name, "removed:" + names_[species], removed, "g", t, t);
      const double volume = action.region_volume;
      if (action.thermal_removal) {
        ledger_.add(action.name, "electricity:heating", action.heating_energy * volume, "kWh", t,
                    t);
      } else {
        ledger_.add(action.name, "excavated_volume", volume, "m3", t, t);
        ledger_.add(action.name, "soil_mass", soil_mass_[a], "t", t, t);
        ledger_.add(action.name, "diesel", action.diesel_per_m3 * volume, "L", t, t);
        ledger_.add(action.name, "haulage", soil_mass_[a] * action.haul_distance, "t*km", t, t);
        add_disposal(action, soil_mass_[a], t);
        ledger_.add(action.name, "excavated_area", action.dug_area, "m2", t, t);
        if (action.overburden_volume > 0.0) {
          ledger_.add(action.name, "overburden_volume", action.overburden_volume, "m3", t, t);
          ledger_.add(action.name, "diesel", action.overburden_diesel, "L", t, t);
        }
      }
    }
    if (action.type != ActionType::excavation || done_[a] || action.start > t) continue;
    done_[a] = true;
    auto removed = transport.excavate(action.region);
    if (soil_) {
      const auto from_soil = soil_->excavate(action.region);
      for (std::size_t s = 0; s < species_; ++s)
        removed[s] += from_soil[s];
    }
    for (std::size_t s = 0; s < species_; ++s)
      ledger_.add(action.name, "removed:" + names_[s], removed[s], "g", t, t);
    const double volume = action.region_volume;
    ledger_.add(action.name, "excavated_volume", volume, "m3", t, t);
    const double soil = soil_mass_[a];
    ledger_.add(action.name, "soil_mass", soil, "t", t, t);
    ledger_.add(action.name, "diesel", action.diesel_per_m3 * volume, "L", t, t);
    ledger_.add(action.name, "haulage", soil * action.haul_distance, "t*km", t, t);
    add_disposal(action, soil, t);
    if (!action.material.empty())
      ledger_.add(action.name, "material:" + action.material, volume * action.density * 1000.0,
                  "kg", t, t);
    ledger_.add(action.name, "excavated_area", action.dug_area, "m2", t, t);
    if (action.overburden_volume > 0.0) {
      ledger_.add(action.name, "overburden_volume", action.overburden_volume, "m3", t, t);
      ledger_.add(action.name, "diesel", action.overburden_diesel, "L", t, t);
    }
    // Pit support: sheet piles driven at the excavation, dewatering from it on.
    if (action.sheet_pile_steel > 0.0)
      ledger_.add(action.name, "material:steel_sheet_pile", action.sheet_pile_steel, "kg", t, t);
    if (action.dewatering_volume > 0.0) {
      const double until = t + action.dewatering_days;
      ledger_.add(action.name, "dewatering_water", action.dewatering_volume, "m3", t, until);
      if (action.dewatering_energy > 0.0)
        ledger_.add(action.name, "electricity:dewatering",
                    action.dewatering_volume * action.dewatering_energy, "kWh", t, until);
    }
  }
}

void ActionRun::after_step(double t, double dt, const FlowSolver& flow, const FlowSpec& flow_spec,
                           TransportSolver* transport) {
  for (std::size_t a = 0; a < actions_.size(); ++a) {
    const auto& action = actions_[a];
    if (action.type != ActionType::pump_and_treat) continue;
    const double start = starts_[a], end = ends_[a]; // a triggered one's: from its firing
    if (!(start <= t && t + dt <= end)) continue;
    double removed_total = 0.0;
    std::vector<double> treated(species_, 0.0); // [g] left in the treated water
    double pumped = 0.0;                        // [m3]
    for (const int w : action.wells) {
      const auto well = static_cast<std::size_t>(w);
      const double volume = -flow_spec.wells[well].rate * dt;
      const double lift = action.surface_elevation - flow.well_head(well) + action.system_head;
      ledger_.add(action.name, "water_pumped", volume, "m3", start, end);
      ledger_.add(action.name, "electricity:pumping",
                  lifting_energy(volume, lift, action.pump_efficiency), "kWh", start, end);
      ledger_.add(action.name, "electricity:treatment", action.treatment_energy * volume, "kWh",
                  start, end);
      pumped += volume;
      for (std::size_t s = 0; transport && s < species_; ++s) {
        const double extracted = transport->well_extraction(well, s);
        const double removed = action.treatment_efficiency[s] * extracted;
        removed_total += removed;
        treated[s] += extracted - removed;
        ledger_.add(action.name, "extracted:" + names_[s], extracted, "g", start, end);
        ledger_.add(action.name, "removed:" + names_[s], removed, "g", start, end);
      }
    }
    // Treated water: re-injected over the next step (at this step's treated concentration),
    // or discharged; the last step's, when the action ends, is discharged.
    const bool last_step = t + dt >= end * (1.0 - 1.0e-12);
    for (std::size_t s = 0; transport && s < species_; ++s) {
      if (action.reinjection_wells.empty() || last_step)
        ledger_.add(action.name, "discharged:" + names_[s], treated[s], "g", start, end);
      double reinjected = 0.0;
      for (const int w : action.reinjection_wells) {
        reinjected += transport->well_injection(static_cast<std::size_t>(w), s);
        transport->set_well_concentration(static_cast<std::size_t>(w), s, treated[s] / pumped);
      }
      if (!action.reinjection_wells.empty())
        ledger_.add(action.name, "reinjected:" + names_[s], reinjected, "g", start, end);
    }
    if (!action.reinjection_wells.empty())
      ledger_.add(action.name, "water_reinjected", pumped, "m3", start, end);
    if (!action.material.empty())
      book_sorbent(ledger_, action, action.sorbent_per_gram * removed_total, start, end, true);
  }
}

std::string ActionRun::csv(double t, const TransportSolver* transport) const {
  Ledger ledger = ledger_;
  for (std::size_t a = 0; a < actions_.size(); ++a) {
    // A contingent action that has not fired (by t) has no ledger item.
    if (actions_[a].trigger && !(starts_[a] <= t)) continue;
    RemediationAction action = actions_[a];
    action.start = starts_[a];
    action.end = ends_[a];
    const double active_days = std::max(0.0, std::min(t, action.end) - action.start);
    // Wells drilled when the action starts (a contingent action's when it fires): pump-and-
    // treat's extraction and injection wells, EISB and ISCO injection points, SVE and thermal
    // wells, monitoring's new wells.
    if (action.drilled_length > 0.0)
      ledger.add(action.name, "drilling", action.drilled_length, "m", action.start, action.start);
    // Equipment hauled to the site and back, booked at the start.
    if (action.mobilisation_haulage > 0.0)
      ledger.add(action.name, "mobilisation", action.mobilisation_haulage, "t*km", action.start,
                 action.start);
    if (action.type == ActionType::monitoring && action.well_depth > 0.0)
      ledger.add(action.name, "drilling", action.well_depth * action.monitoring_wells, "m",
                 action.start, action.start);
    if (action.zone >= 0 && transport)
      for (std::size_t s = 0; s < species_; ++s)
        ledger.add(action.name, "destroyed:" + names_[s],
                   transport->zone_decayed(static_cast<std::size_t>(action.zone), s), "g",
                   action.start, action.end);
    if ((action.zone >= 0 || action.oxidation >= 0) && t >= action.start) {
      ledger.add(action.name, "treated_volume", action.region_volume, "m3", action.start,
                 action.end);
      ledger.add(action.name, "treated_volume_requested", action.requested_volume, "m3",
                 action.start, action.end);
    }
    if (action.oxidation >= 0 && transport)
      for (std::size_t s = 0; s < species_; ++s)
        ledger.add(action.name,
                   (static_cast<int>(s) == action.oxidant ? "consumed:" : "destroyed:") + names_[s],
                   transport->oxidized(static_cast<std::size_t>(action.oxidation), s), "g",
                   action.start, action.end);
    if (action.type == ActionType::enhanced_bioremediation && t >= action.start) {
      ledger.add(action.name, "material:" + action.material, action.donor_mass, "kg", action.start,
                 action.end);
      ledger.add(action.name, "electricity:injection", action.injection_energy, "kWh", action.start,
                 action.end);
      if (action.injection_concentration > 0.0) // make-up water of the injected solution
        ledger.add(action.name, "water_used", action.donor_mass / action.injection_concentration,
                   "m3", action.start, action.end);
    }
    if (action.type == ActionType::thermal)
      ledger.add(action.name, "electricity:heating",
                 action.heating_energy * action.region_volume * active_days, "kWh", action.start,
                 action.end);
    if (action.type == ActionType::soil_vapour_extraction) {
      ledger.add(action.name, "electricity:blower", action.blower_power * 24.0 * active_days, "kWh",
                 action.start, action.end);
      if (t >= action.start)
        ledger.add(action.name, "treated_volume", action.region_volume, "m3", action.start,
                   action.end);
      double removed_total = 0.0;
      for (std::size_t s = 0; s < species_; ++s) {
        const double removed = soil_->extracted(static_cast<std::size_t>(action.extraction), s);
        removed_total += removed;
        ledger.add(action.name, "removed:" + names_[s], removed, "g", action.start, action.end);
      }
      if (!action.material.empty())
        book_sorbent(ledger, action, action.sorbent_per_gram * removed_total, action.start,
                     action.end, false);
    }
    if (action.type == ActionType::institutional_control ||
        (travel_form(action.type) == TravelForm::per_year &&
         action.vehicle_km_per_year > 0.0)) // inspections, O&M
      ledger.add(action.name, "vehicle_km", action.vehicle_km_per_year * active_days / kDaysPerYear,
                 "km", action.start, action.end);
    if (action.vehicle_km_once > 0.0) // the crew's trips during one-off works, at the start
      ledger.add(action.name, "vehicle_km", action.vehicle_km_once, "km", action.start,
                 action.start);
    if (action.type == ActionType::vapour_mitigation) {
      ledger.add(action.name, "electricity:fan",
                 action.fan_power * action.units * 24.0 * active_days, "kWh", action.start,
                 action.end);
      if (!action.material.empty() && t >= action.start)
        ledger.add(action.name, "material:" + action.material,
                   action.material_per_unit * action.units, "kg", action.start, action.end);
    }
    if (action.type == ActionType::monitoring) {
      const double campaigns = action.events_per_year * active_days / kDaysPerYear;
      ledger.add(action.name, "sampling_events", campaigns, "events", action.start, action.end);
      const double samples = campaigns * action.monitoring_wells;
      ledger.add(action.name, "samples", samples, "samples", action.start, action.end);
      if (action.analyte_suites > 0.0)
        ledger.add(action.name, "lab_analysis", samples * action.analyte_suites, "sample",
                   action.start, action.end);
      if (action.purge_volume > 0.0)
        ledger.add(action.name, "purge_water", samples * action.purge_volume, "m3", action.start,
                   action.end);
      ledger.add(action.name, "vehicle_km", campaigns * action.vehicle_km_per_event, "km",
                 action.start, action.end);
    }
    if (action.worker_hours)
      ledger.add(action.name, "worker_hours",
                 worker_hours(action,
                              action.events_per_year * active_days / kDaysPerYear *
                                  action.monitoring_wells,
                              active_days, done_[a]),
                 "h", action.start, action.end);
  }
  return ledger.csv();
}

void ActionRun::save_state(StateRecord& record) const {
  record.texts["remediation/ledger"] = ledger_.csv();
  std::vector<double> done, injected;
  for (std::size_t a = 0; a < actions_.size(); ++a) {
    done.push_back(done_[a] ? 1.0 : 0.0);
    injected.push_back(static_cast<double>(injected_[a].size()));
  }
  record.values["remediation/done"] = done;
  record.values["remediation/injected"] = injected;
  record.values["remediation/starts"] = starts_;
  record.values["remediation/ends"] = ends_;
  record.values["remediation/next_check"] = next_check_;
}
void ActionRun::load_state(const StateRecord& record) {
  ledger_ = Ledger::from_csv(record.texts.at("remediation/ledger"));
  const auto& done = record.value("remediation/done");
  const auto& injected = record.value("remediation/injected");
  for (std::size_t a = 0; a < actions_.size(); ++a) {
    done_[a] = done.at(a) != 0.0;
    injected_[a].assign(static_cast<std::size_t>(injected.at(a)), true);
  }
  starts_ = record.value("remediation/starts");
  // A checkpoint written before `duration` existed: the deck's ends.
  if (record.values.count("remediation/ends")) ends_ = record.value("remediation/ends");
  next_check_ = record.value("remediation/next_check");
}

void ActionRun::add_disposal(const RemediationAction& action, double soil, double t) {
  ledger_.add(action.name, "excavated_volume_requested", action.requested_volume, "m3", t, t);
  for (const auto& [route, fraction] : action.disposal)
    ledger_.add(action.name, "disposal:" + route, soil * fraction, "t", t, t);
  if (!action.waste_class.empty())
    ledger_.add(action.name, "waste:" + action.waste_class, soil, "t", t, t);
}

void ActionRun::install(const RemediationAction& action) {
  const double volume = action.region_volume;
  ledger_.add(action.name, "excavated_volume", volume, "m3", action.start, action.end);
  ledger_.add(action.name, "excavated_volume_requested", action.requested_volume, "m3",
              action.start, action.end);
  if (!action.material.empty())
    ledger_.add(action.name, "material:" + action.material, volume * action.density * 1000.0, "kg",
                action.start, action.end);
  if (action.diesel_per_m3 > 0.0)
    ledger_.add(action.name, "diesel", action.diesel_per_m3 * volume, "L", action.start,
                action.end);
}

} // namespace terrafate
