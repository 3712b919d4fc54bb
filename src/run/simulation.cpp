#include "terrafate/run/simulation.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <ctime>
#include <limits>
#include <map>
#include <set>

#include <fmt/format.h>

#include "terrafate/run/observations.hpp"
#include "terrafate/run/progress.hpp"
#include "terrafate/run/risk_run.hpp"
#include "terrafate/run/table_writer.hpp"
#include "terrafate/core/random.hpp"
#include "terrafate/core/version.hpp"
#include "terrafate/flow/flow_solver.hpp"
#include "terrafate/io/atomic_file.hpp"
#include "terrafate/io/cell_field_hdf5.hpp"
#include "terrafate/io/checkpoint_hdf5.hpp"
#include "terrafate/io/results_hdf5.hpp"
#include "terrafate/io/vtk_series.hpp"
#include "terrafate/soil/soil_columns.hpp"
#include "terrafate/soil/soil_standards.hpp"
#include "terrafate/transport/transport_solver.hpp"

namespace terrafate {

namespace {
using Clock = std::chrono::steady_clock;
volatile std::sig_atomic_t g_stop_requested = 0;
/// Thrown (and caught in run_simulation) when a shared history reaches its stop time.
struct StopForBranching {};
extern "C" void request_stop(int) {
  g_stop_requested = 1;
}
/// Retries of a failed transport step (each with a quarter of the previous step).
constexpr int kMaxStepRetries = 4;
double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

io::LocalBlock local_block(const Grid& grid) {
  io::LocalBlock block;
  for (int axis = 0; axis < 3; ++axis) {
    block.offset[axis] = grid.owned_begin(axis);
    block.count[axis] = grid.owned_count(axis);
  }
  return block;
}

CellFieldLoader hdf5_loader(const Grid& grid) {
  return [&grid](const CellFieldRef& ref) {
    const std::array<int, 3> cells{grid.cells(0), grid.cells(1), grid.cells(2)};
    try {
      const auto shape = io::dataset_shape(ref.file, ref.dataset);
      const int components = shape.size() == 4 ? static_cast<int>(shape[3]) : 1;
      LoadedCellField field;
      field.components = components;
      field.values = io::read_cell_field(grid.comm(), ref.file, ref.dataset, cells,
                                         local_block(grid), components);
      return field;
    } catch (const std::runtime_error& e) {
      throw InputError(ref.key_path, ref.where, e.what());
    }
  };
}

std::string iso_time_now() {
  const std::time_t now = std::time(nullptr);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  return buffer;
}

/// A CSV field: quoted (quotes doubled) when it holds a comma, quote or line break.
std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (const char c : text)
    quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

/// The copy of results.h5 that goes with checkpoint `checkpoint` (x.h5 -> x_results.h5).
std::filesystem::path results_snapshot_path(const std::filesystem::path& checkpoint) {
  std::filesystem::path path = checkpoint;
  path.replace_filename(checkpoint.stem().string() + "_results.h5");
  return path;
}

/// A JSON string literal.
std::string json_string(const std::string& text) {
  std::string quoted = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') quoted += '\\';
    if (c == '\n') {
      quoted += "\\n";
      continue;
    }
    if (static_cast<unsigned char>(c) < 0x20) {
      quoted += fmt::format("\\u{:04x}", static_cast<unsigned char>(c));
      continue;
    }
    quoted += c;
  }
  return quoted + "\"";
}

/// OUTDIR/provenance.json: what produced the folder's outputs.
std::string provenance_json(const std::map<std::string, std::string>& provenance) {
  std::string text = "{\n";
  for (const auto& [name, value] : provenance)
    text += fmt::format("  {}: {}{}\n", json_string(name), json_string(value),
                        name == provenance.rbegin()->first ? "" : ",");
  return text + "}\n";
}

std::string join(const std::vector<std::string>& items) {
  std::string text;
  for (const auto& item : items)
    text += (text.empty() ? "" : " ") + item;
  return text;
}

/// Stress-period boundaries: 0, every well start/end inside the run, and the end.
std::vector<double> stress_periods(const FlowSpec& flow, double end) {
  std::set<double> times{0.0, end};
  for (const auto& well : flow.wells)
    for (double t : {well.start, well.end})
      if (t > 0.0 && t < end) times.insert(t);
  for (const auto& cap : flow.caps)
    for (double t : {cap.start, cap.end})
      if (t > 0.0 && t < end) times.insert(t);
  std::vector<double> periods(times.begin(), times.end());
  if (periods.size() == 1) periods.push_back(end); // end = 0: one instantaneous steady period
  return periods;
}

} // namespace

Model::Model(MPI_Comm comm, const Deck& deck, const std::vector<ConductivityField>& fields)
    : grid(comm, deck.grid), materials(grid, deck.materials, hdf5_loader(grid)),
      flow(read_flow_spec(deck.root.at("flow"), grid)) {
  for (const auto& field : fields) {
    const GaussianField gaussian({grid.centers(0), grid.centers(1), grid.centers(2)},
                                 field.correlation_length, field.seed, field.stream);
    auto factors = gaussian.block({grid.owned_begin(0), grid.owned_begin(1), grid.owned_begin(2)},
                                  {grid.owned_count(0), grid.owned_count(1), grid.owned_count(2)});
    for (auto& factor : factors)
      factor = std::pow(10.0, field.log10_std * factor);
    materials.multiply_conductivity(field.material, factors);
  }
  if (const auto node = deck.root.find("transport"))
    transport = read_transport_spec(*node, grid, flow, deck.materials);
  if (const auto node = deck.root.find("soil")) {
    if (!transport)
      throw node->error("the soil columns carry the transport's species: soil: needs a "
                        "transport: section");
    soil = read_soil_spec(*node, grid, *transport);
  }
  if (const auto node = deck.root.find("remediation")) {
    remediation = read_remediation(*node, grid, deck.time.end, flow,
                                   transport ? &*transport : nullptr, soil ? &*soil : nullptr);
    // Installed structures (in place from the start): their conductivity and porosity.
    for (const auto& action : remediation)
      if (action.conductivity || action.porosity)
        materials.override_in_region(grid, action.region, action.conductivity, action.porosity);
  }
  if (const auto node = deck.root.find("risk")) {
    if (!transport) throw node->error("risk needs simulated concentrations: a transport: section");
    std::vector<std::pair<std::string, std::string>> species;
    for (const auto& entry : transport->species)
      species.emplace_back(entry.name, entry.chemical);
    risk = read_risk_spec(*node, species, read_csv_table(data_table_path("chemicals.csv")),
                          read_csv_table(data_table_path("exposure.csv")),
                          read_csv_table(data_table_path("standards.csv")));
    const auto receptors = node->at("receptors").elements();
    for (std::size_t r = 0; r < risk->receptors.size(); ++r) {
      const auto& receptor = risk->receptors[r];
      const ConfigNode& entry = receptors[r];
      if (receptor.at_plane &&
          std::none_of(deck.observation_planes.begin(), deck.observation_planes.end(),
                       [&](const auto& plane) { return plane.name == receptor.plane; }))
        throw entry.at("plane").error(
            fmt::format("no control plane named '{}' (observations.planes)", receptor.plane));
      if (!receptor.at_plane && !grid.inside(receptor.position))
        throw entry.at("position").error("the receptor lies outside the grid");
      if (!soil && std::any_of(receptor.pathways.begin(), receptor.pathways.end(),
                               [](Pathway p) { return is_soil_pathway(p); }))
        throw entry.at("pathways").error("soil pathways need simulated soil: a soil: section");
    }
  }
  if (const auto node = deck.root.find("carbon")) {
    carbon = read_carbon_spec(*node, read_csv_table(data_table_path("emission_factors.csv")));
    // Every factor the actions will need must be known before the run.
    std::vector<LedgerLine> expected;
    for (const auto& action : remediation)
      for (const auto& [item, unit] : emitting_items(action))
        expected.push_back({action.name, action.type_name, item, 1.0, unit});
    try {
      footprint(expected, *carbon);
    } catch (const InputError& e) {
      throw node->error(e.what());
    }
  }
  for (const auto& well : flow.wells)
    if (well.start >= deck.time.end && deck.time.end > 0.0)
      throw InputError(well.key_path, well.where,
                       fmt::format("well '{}' starts at {} d, at or after the end of the run "
                                   "({} d)",
                                   well.name, well.start, deck.time.end));
}

/// The remediation actions during a run: their excavations, and the ledger of what they consume
/// and remove, accumulated step by step from the simulated flow and transport.
class RemediationRun {
public:
  /// Collective. Throws InputError when an excavation digs cells without a bulk density.
  RemediationRun(MPI_Comm comm, const Model& model, double end_time, SoilColumns* soil)
      : actions_(model.remediation), end_time_(end_time), soil_(soil),
        species_(model.transport ? model.transport->species.size() : 0),
        done_(actions_.size(), false), soil_mass_(actions_.size(), 0.0) {
    const auto& grid = model.grid;
    for (std::size_t a = 0; a < actions_.size(); ++a) {
      const auto& action = actions_[a];
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
      for (int k = grid.owned_begin(2); k < grid.owned_end(2); ++k)
        for (int j = grid.owned_begin(1); j < grid.owned_end(1); ++j)
          for (int i = grid.owned_begin(0); i < grid.owned_end(0); ++i) {
            if (!action.region.contains(grid.cell_center(i, j, k))) continue;
            const double density = model.materials.bulk_density(grid.owned_index(i, j, k));
            dug[0] += density * grid.cell_volume(i, j, k);
            if (!(density > 0.0)) dug[1] += 1.0;
          }
      MPI_Allreduce(MPI_IN_PLACE, dug, 2, MPI_DOUBLE, MPI_SUM, comm);
      if (dug[1] > 0.0)
        throw InputError(action.key_path, action.where,
                         fmt::format("excavation '{}' digs {} cells whose material has no "
                                     "bulk_density (needed for the soil mass and haulage)",
                                     action.name, dug[1]));
      soil_mass_[a] = dug[0] + action.soil_column_dry_mass;
    }
    if (model.transport) {
      for (const auto& species : model.transport->species)
        names_.push_back(species.name);
      sources_ = model.transport->sources;
    }
  }

  /// Times [d] the transport steps must land on: zone windows and excavations.
  std::vector<double> breakpoints() const {
    std::vector<double> times;
    for (const auto& action : actions_)
      if (action.zone >= 0 || action.oxidation >= 0 || action.extraction >= 0 ||
          action.type == ActionType::excavation || action.type == ActionType::source_removal) {
        times.push_back(action.start);
        if (action.end < end_time_) times.push_back(action.end);
        for (const auto& injection : action.injections)
          times.push_back(injection.time);
      }
    return times;
  }

  /// Collective: the excavations and oxidant injections due at time t [d], before the step
  /// from t.
  void before_step(double t, TransportSolver& transport) {
    for (std::size_t a = 0; a < actions_.size(); ++a) {
      const auto& action = actions_[a];
      for (std::size_t m = 0; m < action.injections.size(); ++m) {
        const auto& injection = action.injections[m];
        if (injection.time > t || injected_[a].size() > m) continue;
        injected_[a].push_back(true);
        transport.inject(static_cast<std::size_t>(action.oxidant), action.region,
                         injection.mass * 1000.0);
        ledger_.add(action.name, "material:" + action.material, injection.mass, "kg", action.start,
                    action.end);
        if (m == 0) {
          ledger_.add(action.name, "injection_points", action.injection_points, "points",
                      action.start, action.end);
          ledger_.add(action.name, "electricity:injection", action.injection_energy, "kWh",
                      action.start, action.end);
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
      if (!action.material.empty())
        ledger_.add(action.name, "material:" + action.material, volume * action.density * 1000.0,
                    "kg", t, t);
    }
  }

  /// Collective: pumping, treatment and removal by pump-and-treat over the step [t, t + dt].
  void after_step(double t, double dt, const FlowSolver& flow, const FlowSpec& flow_spec,
                  TransportSolver* transport) {
    for (const auto& action : actions_) {
      if (action.type != ActionType::pump_and_treat) continue;
      if (!(action.start <= t && t + dt <= action.end)) continue;
      double removed_total = 0.0;
      std::vector<double> treated(species_, 0.0); // [g] left in the treated water
      double pumped = 0.0;                        // [m3]
      for (const int w : action.wells) {
        const auto well = static_cast<std::size_t>(w);
        const double volume = -flow_spec.wells[well].rate * dt;
        const double lift = action.surface_elevation - flow.well_head(well) + action.system_head;
        ledger_.add(action.name, "water_pumped", volume, "m3", action.start, action.end);
        ledger_.add(action.name, "electricity:pumping",
                    lifting_energy(volume, lift, action.pump_efficiency), "kWh", action.start,
                    action.end);
        ledger_.add(action.name, "electricity:treatment", action.treatment_energy * volume, "kWh",
                    action.start, action.end);
        pumped += volume;
        for (std::size_t s = 0; transport && s < species_; ++s) {
          const double extracted = transport->well_extraction(well, s);
          const double removed = action.treatment_efficiency[s] * extracted;
          removed_total += removed;
          treated[s] += extracted - removed;
          ledger_.add(action.name, "extracted:" + names_[s], extracted, "g", action.start,
                      action.end);
          ledger_.add(action.name, "removed:" + names_[s], removed, "g", action.start, action.end);
        }
      }
      // Treated water: re-injected over the next step (at this step's treated concentration),
      // or discharged; the last step's, when the action ends, is discharged.
      const bool last_step = t + dt >= action.end * (1.0 - 1.0e-12);
      for (std::size_t s = 0; transport && s < species_; ++s) {
        if (action.reinjection_wells.empty() || last_step)
          ledger_.add(action.name, "discharged:" + names_[s], treated[s], "g", action.start,
                      action.end);
        double reinjected = 0.0;
        for (const int w : action.reinjection_wells) {
          reinjected += transport->well_injection(static_cast<std::size_t>(w), s);
          transport->set_well_concentration(static_cast<std::size_t>(w), s, treated[s] / pumped);
        }
        if (!action.reinjection_wells.empty())
          ledger_.add(action.name, "reinjected:" + names_[s], reinjected, "g", action.start,
                      action.end);
      }
      if (!action.reinjection_wells.empty())
        ledger_.add(action.name, "water_reinjected", pumped, "m3", action.start, action.end);
      if (!action.material.empty())
        ledger_.add(action.name, "material:" + action.material,
                    action.sorbent_per_gram * removed_total, "kg", action.start, action.end);
    }
  }

  /// Collective: ledger.csv text for the run up to time t [d] (rank 0's is the one written).
  std::string csv(double t, const TransportSolver* transport) const {
    Ledger ledger = ledger_;
    for (const auto& action : actions_) {
      const double active_days = std::max(0.0, std::min(t, action.end) - action.start);
      if (action.zone >= 0 && transport)
        for (std::size_t s = 0; s < species_; ++s)
          ledger.add(action.name, "destroyed:" + names_[s],
                     transport->zone_decayed(static_cast<std::size_t>(action.zone), s), "g",
                     action.start, action.end);
      if ((action.zone >= 0 || action.oxidation >= 0) && t >= action.start)
        ledger.add(action.name, "treated_volume", action.region_volume, "m3", action.start,
                   action.end);
      if (action.oxidation >= 0 && transport)
        for (std::size_t s = 0; s < species_; ++s)
          ledger.add(action.name,
                     (static_cast<int>(s) == action.oxidant ? "consumed:" : "destroyed:") +
                         names_[s],
                     transport->oxidized(static_cast<std::size_t>(action.oxidation), s), "g",
                     action.start, action.end);
      if (action.type == ActionType::enhanced_bioremediation && t >= action.start) {
        ledger.add(action.name, "material:" + action.material, action.donor_mass, "kg",
                   action.start, action.end);
        ledger.add(action.name, "electricity:injection", action.injection_energy, "kWh",
                   action.start, action.end);
      }
      if (action.type == ActionType::thermal)
        ledger.add(action.name, "electricity:heating",
                   action.heating_energy * action.region_volume * active_days, "kWh", action.start,
                   action.end);
      if (action.type == ActionType::soil_vapour_extraction) {
        ledger.add(action.name, "electricity:blower", action.blower_power * 24.0 * active_days,
                   "kWh", action.start, action.end);
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
          ledger.add(action.name, "material:" + action.material,
                     action.sorbent_per_gram * removed_total, "kg", action.start, action.end);
      }
      if (action.type == ActionType::monitoring) {
        const double campaigns = action.events_per_year * active_days / kDaysPerYear;
        ledger.add(action.name, "sampling_events", campaigns, "events", action.start, action.end);
        ledger.add(action.name, "samples", campaigns * action.monitoring_wells, "samples",
                   action.start, action.end);
        ledger.add(action.name, "vehicle_km", campaigns * action.vehicle_km_per_event, "km",
                   action.start, action.end);
      }
    }
    return ledger.csv();
  }

  /// The ledger so far and the one-off events done, for a checkpoint.
  void save_state(StateRecord& record) const {
    record.texts["remediation/ledger"] = ledger_.csv();
    std::vector<double> done, injected;
    for (std::size_t a = 0; a < actions_.size(); ++a) {
      done.push_back(done_[a] ? 1.0 : 0.0);
      injected.push_back(static_cast<double>(injected_[a].size()));
    }
    record.values["remediation/done"] = done;
    record.values["remediation/injected"] = injected;
  }
  void load_state(const StateRecord& record) {
    ledger_ = Ledger::from_csv(record.texts.at("remediation/ledger"));
    const auto& done = record.value("remediation/done");
    const auto& injected = record.value("remediation/injected");
    for (std::size_t a = 0; a < actions_.size(); ++a) {
      done_[a] = done.at(a) != 0.0;
      injected_[a].assign(static_cast<std::size_t>(injected.at(a)), true);
    }
  }

private:
  static constexpr double kDaysPerYear = 365.25;

  /// The materials and fuel of a structure in place from the start (barrier, wall).
  void install(const RemediationAction& action) {
    const double volume = action.region_volume;
    ledger_.add(action.name, "excavated_volume", volume, "m3", action.start, action.end);
    if (!action.material.empty())
      ledger_.add(action.name, "material:" + action.material, volume * action.density * 1000.0,
                  "kg", action.start, action.end);
    if (action.diesel_per_m3 > 0.0)
      ledger_.add(action.name, "diesel", action.diesel_per_m3 * volume, "L", action.start,
                  action.end);
  }

  const std::vector<RemediationAction>& actions_;
  double end_time_;
  SoilColumns* soil_; ///< null without soil columns
  std::size_t species_;
  std::vector<std::string> names_;
  std::vector<TransportSource> sources_;
  std::vector<bool> done_;                                   ///< excavations carried out
  std::vector<std::vector<bool>> injected_{actions_.size()}; ///< injections carried out
  std::vector<double> soil_mass_;                            ///< [t] per action (excavations)
  Ledger ledger_;
};

void prepare_output_folder(MPI_Comm comm, const std::filesystem::path& folder, bool overwrite) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  int state = 0; // 0 ready, 1 exists and holds files, 2 cannot create
  if (rank == 0) {
    std::error_code ec;
    if (!overwrite && std::filesystem::exists(folder, ec) && !std::filesystem::is_empty(folder, ec))
      state = 1;
    else if (std::filesystem::create_directories(folder, ec); ec)
      state = 2;
  }
  MPI_Bcast(&state, 1, MPI_INT, 0, comm);
  if (state == 1)
    throw InputError(fmt::format("the output folder {} exists and is not empty: give --overwrite "
                                 "to write into it (files terrafate does not write are left "
                                 "alone) or choose another folder with -o",
                                 folder.string()));
  if (state == 2)
    throw InputError(fmt::format("cannot create the output folder {}", folder.string()));
}

/// OUTDIR/carbon.csv (a row per emitting ledger item) and carbon_summary.csv (per phase and in
/// all) from the run's ledger.
void write_footprint(const std::filesystem::path& folder, const Model& model,
                     const Ledger& ledger) {
  std::vector<LedgerLine> lines;
  for (const auto& entry : ledger.entries()) {
    std::string type;
    for (const auto& action : model.remediation)
      if (action.name == entry.action) type = action.type_name;
    lines.push_back({entry.action, type, entry.item, entry.quantity, entry.unit});
  }
  const auto items = footprint(lines, *model.carbon);
  std::string text = "action,item,phase,quantity,unit,factor_key,factor_kgco2e_per_unit,tco2e,"
                     "cost,factor_source,factor_status\n";
  double phases[4] = {}, costs[4] = {}, total = 0.0, cost_total = 0.0;
  for (const auto& item : items) {
    text += fmt::format("{},{},{},{},{},{},{},{},{},{},{}\n", csv_field(item.ledger.action),
                        csv_field(item.ledger.item), phase_name(item.phase), item.ledger.quantity,
                        item.ledger.unit, item.factor_key, item.factor.value, item.tco2e,
                        std::isnan(item.cost) ? std::string("nan") : fmt::format("{}", item.cost),
                        csv_field(item.factor.source), csv_field(item.factor.status));
    phases[static_cast<int>(item.phase)] += item.tco2e;
    total += item.tco2e;
    if (!std::isnan(item.cost)) {
      costs[static_cast<int>(item.phase)] += item.cost;
      cost_total += item.cost;
    }
  }
  io::write_file_atomically(folder / "carbon.csv", text);
  std::string summary = fmt::format("phase,tco2e,cost_{}\n", model.carbon->currency);
  for (int p = 0; p < 4; ++p)
    summary += fmt::format("{},{},{}\n", phase_name(static_cast<Phase>(p)), phases[p], costs[p]);
  summary += fmt::format("total,{},{}\n", total, cost_total);
  io::write_file_atomically(folder / "carbon_summary.csv", summary);
}

/// Advances transport over [t, t + length] [d] with the flow field it holds; a failed step is
/// undone and done again as four quarter steps, recursively, down to kMaxStepRetries levels.
void advance_transport_span(TransportSolver& transport, double t, double length, int depth,
                            TransportSolver::State& saved, long& retries) {
  transport.save(saved);
  try {
    transport.advance(t, length);
    return;
  } catch (const NumericalError& e) {
    transport.restore(saved);
    if (depth == kMaxStepRetries)
      throw NumericalError(fmt::format("transport step from t = {} d failed after {} retries down "
                                       "to a step of {} d: {}",
                                       t, depth, length, e.what()));
    ++retries;
  }
  for (int quarter = 0; quarter < 4; ++quarter)
    advance_transport_span(transport, t + quarter * 0.25 * length, 0.25 * length, depth + 1, saved,
                           retries);
}

void install_stop_signal_handlers() {
  std::signal(SIGTERM, request_stop);
  std::signal(SIGINT, request_stop);
}

void run_simulation(MPI_Comm comm, const Deck& deck, const RunOptions& options) {
  const auto run_start = Clock::now();
  int rank = 0, ranks = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &ranks);
  const bool root = rank == 0;

  const auto setup_start = Clock::now();
  Model model(comm, deck, options.fields);
  const PointSampler sampler(model.grid, deck.observation_points);
  FlowSolver flow(model.grid, model.materials, model.flow);
  std::unique_ptr<TransportSolver> transport;
  if (model.transport)
    transport = std::make_unique<TransportSolver>(model.grid, model.materials, model.flow,
                                                  *model.transport);
  std::unique_ptr<SoilColumns> soil;
  if (model.soil) {
    PetscReal max_courant = 0.1;
    TF_PETSC_CHECK(
        PetscOptionsGetReal(nullptr, nullptr, "-soil_max_courant", &max_courant, nullptr));
    if (!(max_courant > 0.0))
      throw InputError(fmt::format("-soil_max_courant must be positive (got {})", max_courant));
    soil = std::make_unique<SoilColumns>(model.grid, *model.soil, *model.transport, model.flow,
                                         max_courant);
  }
  const double model_setup_seconds = seconds_since(setup_start);

  const auto& folder = options.output_folder;
  prepare_output_folder(comm, folder, options.overwrite);

  const std::map<std::string, std::string> provenance{
      {"program", "terrafate"},
      {"version", kVersion},
      {"git_commit", kGitCommit},
      {"ranks", std::to_string(ranks)},
      {"start_time", iso_time_now()},
      {"deck_path", deck.path.string()},
      {"deck", deck.text},
      {"petsc_options", join(options.petsc_arguments)}};

  // A restart: the checkpoint's state, which must come from the same deck.
  const std::array<int, 3> grid_cells{model.grid.cells(0), model.grid.cells(1),
                                      model.grid.cells(2)};
  std::unique_ptr<StateRecord> resume;
  if (!options.restart.empty()) {
    try {
      resume = std::make_unique<StateRecord>(
          io::read_checkpoint(comm, options.restart, grid_cells, local_block(model.grid)));
    } catch (const std::runtime_error& e) {
      throw InputError(fmt::format("--restart: {}", e.what()));
    }
    if (!options.branch && resume->texts.at("deck") != deck.text)
      throw InputError(fmt::format("--restart: {} was written for another deck (the deck text "
                                   "differs from the one it records)",
                                   options.restart.string()));
  }
  io::GridCoordinates coordinates{{model.grid.nodes(0), model.grid.nodes(1), model.grid.nodes(2)}};
  std::unique_ptr<io::ResultsHdf5Writer> hdf5;
  if (deck.output.hdf5 && resume)
    hdf5 = std::make_unique<io::ResultsHdf5Writer>(
        comm, folder / "results.h5", coordinates, local_block(model.grid),
        results_snapshot_path(options.restart), resume->texts.at("hdf5_outputs"));
  else if (deck.output.hdf5)
    hdf5 = std::make_unique<io::ResultsHdf5Writer>(comm, folder / "results.h5", coordinates,
                                                   local_block(model.grid), provenance);
  std::unique_ptr<io::VtkSeriesWriter> vtk;
  if (deck.output.vtk) {
    vtk = std::make_unique<io::VtkSeriesWriter>(comm, folder / "vtk", coordinates,
                                                local_block(model.grid));
    if (resume)
      vtk->resume(resume->value("vtk_steps"),
                  std::filesystem::path(resume->texts.at("output_folder")) / "vtk");
  }
  if (root) io::write_file_atomically(folder / "provenance.json", provenance_json(provenance));
  TableWriter observations(folder / "observations.csv", "time,location,variable,value,unit", root);
  TableWriter budget_table(folder / "budget.csv", "time,component,inflow,outflow,unit", root);
  TableWriter mass_table(folder / "mass_balance.csv",
                         "time,species,dissolved,sorbed,immobile,inflow,outflow,sources,decayed,"
                         "produced,removed,soil,leached,volatilized,relative_closure,unit",
                         root && transport);
  TableWriter soil_table(folder / "soil.csv",
                         "time,zone,species,depth_top,depth_bottom,concentration_mg_per_kg",
                         root && soil);
  TableWriter leaching_table(folder / "leaching.csv", "time,zone,species,process,value,unit",
                             root && soil);
  // Soil concentrations against the GB 36600-2018 values of the deck's land use.
  std::vector<SoilStandard> soil_standards;
  const int land_class = model.soil ? model.soil->land_class : 0;
  if (land_class > 0) {
    soil_standards = gb36600_values(read_csv_table(data_table_path("standards.csv")), land_class,
                                    model.transport->species);
    for (std::size_t s = 0; s < soil_standards.size(); ++s)
      if (root && !options.quiet && !soil_standards[s].listed)
        fmt::print("terrafate: note: no GB 36600-2018 {} land value for species '{}' (chemical "
                   "'{}') in {}: soil_standards.csv leaves it out\n",
                   land_class == 1 ? "first class" : "second class",
                   model.transport->species[s].name, model.transport->species[s].chemical,
                   data_table_path("standards.csv").string());
  }
  TableWriter standards_table(folder / "soil_standards.csv",
                              "time,zone,species,depth_top,depth_bottom,concentration_mg_per_kg,"
                              "land_use,screening_mg_per_kg,intervention_mg_per_kg,"
                              "exceeds_screening,exceeds_intervention,status",
                              root && land_class > 0);
  double max_mass_closure = 0.0;
  int dual_domain = 0;
  for (long n = 0; n < model.grid.owned_cells(); ++n)
    if (model.materials.immobile_porosity(n) > 0.0) dual_domain = 1;
  MPI_Allreduce(MPI_IN_PLACE, &dual_domain, 1, MPI_INT, MPI_MAX, comm);
  const bool has_napl =
      transport &&
      std::any_of(model.transport->sources.begin(), model.transport->sources.end(),
                  [](const auto& source) { return source.type == TransportSource::Type::napl; });
  TableWriter napl_table(folder / "napl.csv",
                         "time,source,species,napl_mass_g,source_concentration_mg_per_L,"
                         "dissolution_g_per_d",
                         root && has_napl);
  TableWriter discharge_table(folder / "mass_discharge.csv", "time,plane,species,value,unit",
                              root && transport && !deck.observation_planes.empty());
  // Each plane lies on the interior grid plane (node) nearest to its position.
  std::vector<int> plane_faces;
  for (const auto& plane : deck.observation_planes) {
    const auto& nodes = model.grid.nodes(plane.axis);
    if (!(plane.position > nodes.front() && plane.position < nodes.back()) || nodes.size() < 3)
      throw InputError(
          plane.key_path, plane.where,
          fmt::format("the plane must lie inside the grid ({}, {})", nodes.front(), nodes.back()));
    int face = 1;
    for (int n = 1; n + 1 < static_cast<int>(nodes.size()); ++n)
      if (std::abs(nodes[n] - plane.position) < std::abs(nodes[face] - plane.position)) face = n;
    plane_faces.push_back(face);
  }

  std::unique_ptr<RiskRun> risk;
  if (model.risk) {
    for (const auto& species : model.risk->species)
      if (root && !options.quiet && !species.chemical)
        fmt::print("terrafate: warning: species '{}' matches no chemical of {} (give "
                   "chemical: a name, abbreviation or CAS number): no risk is computed for it\n",
                   species.name, data_table_path("chemicals.csv").string());
    risk = std::make_unique<RiskRun>(model, deck, plane_faces, folder, root);
  }

  const auto& time = deck.time;
  Progress progress(comm, time.end, options.quiet);
  double output_seconds = 0.0;
  double max_closure = 0.0;

  RemediationRun remediation(comm, model, time.end, soil.get());
  auto write_ledger = [&](double t) {
    if (model.remediation.empty()) return;
    const auto text = remediation.csv(t, transport.get()); // collective
    if (root) io::write_file_atomically(folder / "ledger.csv", text);
  };

  auto write_outputs = [&](double t, long step) {
    write_ledger(t);
    const auto output_start = Clock::now();
    const auto heads = sampler.sample(flow.head());
    for (std::size_t p = 0; p < heads.size(); ++p)
      observations.add(
          fmt::format("{},{},head,{},m", t, deck.observation_points[p].name, heads[p]));
    if (transport) {
      const auto& species = model.transport->species;
      for (std::size_t s = 0; s < species.size(); ++s) {
        const auto values = sampler.sample(transport->concentration(s));
        for (std::size_t p = 0; p < values.size(); ++p)
          observations.add(fmt::format("{},{},{},{},mg/L", t, deck.observation_points[p].name,
                                       species[s].name, values[p]));
      }
      // Groundwater and soil columns together.
      auto balances = transport->balances();
      if (soil) {
        const auto soil_balances = soil->balances();
        for (std::size_t s = 0; s < species.size(); ++s) {
          auto& b = balances[s];
          const auto& sb = soil_balances[s];
          b.soil = sb.stored;
          b.initial_stored += sb.initial;
          b.decayed += sb.decayed;
          b.produced += sb.produced;
          b.removed += sb.removed;
          b.leached = sb.leached;
          b.volatilized = sb.volatilized;
        }
      }
      for (std::size_t s = 0; s < species.size(); ++s) {
        const auto& b = balances[s];
        max_mass_closure = std::max(max_mass_closure, b.relative_closure());
        mass_table.add(fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{:.3e},g", t,
                                   species[s].name, b.dissolved, b.sorbed, b.immobile, b.inflow,
                                   b.outflow, b.sources, b.decayed, b.produced, b.removed, b.soil,
                                   b.leached, b.volatilized, b.relative_closure()));
      }
      mass_table.flush();
      if (risk) risk->output(t, *transport, soil.get(), balances); // collective
      if (soil) {
        const auto& spec = *model.soil;
        const auto concentrations = soil->zone_concentrations(); // collective
        const std::size_t intervals = spec.report_depths.size() - 1;
        for (std::size_t z = 0; z < spec.zones.size(); ++z)
          for (std::size_t k = 0; k < intervals; ++k)
            for (std::size_t s = 0; s < species.size(); ++s)
              soil_table.add(fmt::format("{},{},{},{},{},{}", t, spec.zones[z].name,
                                         species[s].name, spec.report_depths[k],
                                         spec.report_depths[k + 1],
                                         concentrations[(z * intervals + k) * species.size() + s]));
        soil_table.flush();
        for (std::size_t z = 0; z < spec.zones.size() && land_class > 0; ++z)
          for (std::size_t k = 0; k < intervals; ++k)
            for (std::size_t s = 0; s < species.size(); ++s) {
              const auto& standard = soil_standards[s];
              if (!standard.listed) continue;
              const double value = concentrations[(z * intervals + k) * species.size() + s];
              standards_table.add(fmt::format(
                  "{},{},{},{},{},{},{},{},{},{},{},{}", t, spec.zones[z].name, species[s].name,
                  spec.report_depths[k], spec.report_depths[k + 1], value,
                  land_class == 1 ? "first_class" : "second_class", standard.screening,
                  standard.intervention, value > standard.screening ? 1 : 0,
                  value > standard.intervention ? 1 : 0, csv_field(standard.status)));
            }
        standards_table.flush();
        const auto rates = soil->zone_rates(); // collective
        for (std::size_t z = 0; z < spec.zones.size(); ++z)
          for (std::size_t s = 0; s < species.size(); ++s)
            for (std::size_t process = 0; process < 2; ++process)
              leaching_table.add(fmt::format("{},{},{},{},{},g/d", t, spec.zones[z].name,
                                             species[s].name,
                                             process == 0 ? "leached" : "volatilized",
                                             rates[(z * species.size() + s) * 2 + process]));
        leaching_table.flush();
      }
      for (std::size_t p = 0; p < plane_faces.size(); ++p)
        for (std::size_t s = 0; s < species.size(); ++s)
          discharge_table.add(fmt::format(
              "{},{},{},{},g/d", t, deck.observation_planes[p].name, species[s].name,
              transport->plane_discharge(s, deck.observation_planes[p].axis, plane_faces[p])));
      discharge_table.flush();
      const auto& sources = model.transport->sources;
      for (std::size_t n = 0; n < sources.size(); ++n)
        if (sources[n].type == TransportSource::Type::napl)
          napl_table.add(fmt::format(
              "{},{},{},{},{},{}", t, sources[n].name,
              species[static_cast<std::size_t>(sources[n].species)].name, transport->napl_mass(n),
              transport->held_concentration(static_cast<int>(n)), transport->napl_dissolution(n)));
      napl_table.flush();
    }
    observations.flush();
    for (const auto& entry : flow.budget().entries)
      budget_table.add(
          fmt::format("{},{},{},{},m3/d", t, entry.component, entry.inflow, entry.outflow));
    budget_table.flush();
    if (hdf5 || vtk) {
      const auto darcy = flow.cell_darcy_flux();
      std::vector<double> velocity(darcy.size());
      for (std::size_t n = 0; n < velocity.size(); ++n)
        velocity[n] = darcy[n] / model.materials.porosity(static_cast<long>(n / 3));
      std::vector<const PetscScalar*> arrays;
      std::vector<Vec> vectors{flow.head()};
      if (transport)
        for (std::size_t s = 0; s < transport->species_count(); ++s)
          vectors.push_back(transport->concentration(s));
      for (Vec vector : vectors) {
        const PetscScalar* values = nullptr;
        TF_PETSC_CHECK(VecGetArrayRead(vector, &values));
        arrays.push_back(values);
      }
      std::vector<io::FieldView> fields{
          {"head", "m", "hydraulic head", 1, arrays[0]},
          {"darcy_flux", "m/d", "specific discharge at cell centres", 3, darcy.data()},
          {"velocity", "m/d", "seepage (pore) velocity: darcy_flux / porosity", 3,
           velocity.data()}};
      if (transport)
        for (std::size_t s = 0; s < transport->species_count(); ++s) {
          fields.push_back({model.transport->species[s].name, "mg/L",
                            "dissolved concentration (mobile domain)", 1, arrays[s + 1]});
          if (dual_domain)
            fields.push_back({model.transport->species[s].name + "_immobile", "mg/L",
                              "dissolved concentration in the immobile domain", 1,
                              transport->immobile_concentration(s).data()});
        }
      if (hdf5) hdf5->write_output(t, fields);
      if (vtk) vtk->write_output(t, fields);
      for (std::size_t v = 0; v < vectors.size(); ++v)
        TF_PETSC_CHECK(VecRestoreArrayRead(vectors[v], &arrays[v]));
    }
    progress.output(t, step);
    output_seconds += seconds_since(output_start);
  };

  const auto periods = stress_periods(model.flow, time.end);
  const auto& outputs = time.output_times;
  std::size_t next_output = 0;
  long step = 0;
  const auto solve_start = Clock::now();
  long retries = 0;
  double transport_seconds = 0.0;     // in TransportSolver::advance (steps, retries included)
  TransportSolver::State saved_state; // reused every step
  SoilColumns::State saved_soil;

  // Checkpoints: every output.checkpoint.every simulated days, every --checkpoint-every-minutes
  // of wall clock, and on SIGTERM/SIGINT, at the end of a step; the last two are kept.
  const auto checkpoint_folder = folder / "checkpoints";
  const std::pair<TableWriter*, const char*> tables[] = {
      {&observations, "observations"},      {&budget_table, "budget"},
      {&mass_table, "mass_balance"},        {&napl_table, "napl"},
      {&discharge_table, "mass_discharge"}, {&soil_table, "soil"},
      {&leaching_table, "leaching"},        {&standards_table, "soil_standards"}};
  const double checkpoint_every = deck.output.checkpoint_every;
  double next_checkpoint_time =
      checkpoint_every > 0.0 ? checkpoint_every : std::numeric_limits<double>::infinity();
  long checkpoint_index = 0;
  auto last_checkpoint_wall = Clock::now();
  std::vector<std::filesystem::path> checkpoints_written;
  auto save_checkpoint = [&](std::size_t period, double t, double dt, bool recovering,
                             double step_cap, std::filesystem::path path = {}) {
    StateRecord record;
    flow.save_state(record);
    if (transport) transport->save_state(record);
    if (soil) soil->save_state(record);
    remediation.save_state(record);
    if (risk) risk->save_state(record);
    for (const auto& [table, name] : tables)
      record.texts[std::string("tables/") + name] = table->text();
    record.texts["deck"] = deck.text;
    record.texts["output_folder"] = std::filesystem::absolute(folder).string();
    const bool numbered = path.empty();
    if (numbered)
      path = checkpoint_folder / fmt::format("checkpoint_{:06d}.h5", ++checkpoint_index);
    record.values["loop"] = {static_cast<double>(period),
                             t,
                             dt,
                             recovering ? 1.0 : 0.0,
                             step_cap,
                             static_cast<double>(step),
                             static_cast<double>(next_output),
                             max_closure,
                             max_mass_closure,
                             static_cast<double>(retries),
                             static_cast<double>(checkpoint_index),
                             next_checkpoint_time};
    if (hdf5) {
      hdf5->snapshot(results_snapshot_path(path));
      record.texts["hdf5_outputs"] = hdf5->record();
    }
    if (vtk) record.values["vtk_steps"] = vtk->step_times();
    try {
      io::write_checkpoint(comm, path, grid_cells, local_block(model.grid), record);
    } catch (const std::runtime_error& e) {
      throw InputError(fmt::format("cannot write the checkpoint: {}", e.what()));
    }
    if (numbered) checkpoints_written.push_back(path);
    if (checkpoints_written.size() > 2) {
      if (root) {
        std::error_code ignored;
        std::filesystem::remove(checkpoints_written.front(), ignored);
        std::filesystem::remove(results_snapshot_path(checkpoints_written.front()), ignored);
      }
      checkpoints_written.erase(checkpoints_written.begin());
    }
    return path;
  };
  auto checkpoint_after_step = [&](std::size_t period, double t, double dt, bool recovering,
                                   double step_cap) {
    if (t >= options.stop_at) {
      save_checkpoint(period, t, dt, recovering, step_cap, options.stop_checkpoint);
      throw StopForBranching{};
    }
    int flags[2] = {g_stop_requested ? 1 : 0, t >= next_checkpoint_time ? 1 : 0};
    if (root && options.checkpoint_minutes > 0.0 &&
        seconds_since(last_checkpoint_wall) >= 60.0 * options.checkpoint_minutes)
      flags[1] = 1;
    MPI_Allreduce(MPI_IN_PLACE, flags, 2, MPI_INT, MPI_MAX, comm);
    if (!flags[0] && !flags[1]) return;
    if (t >= next_checkpoint_time)
      next_checkpoint_time = (std::floor(t / checkpoint_every) + 1.0) * checkpoint_every;
    const auto path = save_checkpoint(period, t, dt, recovering, step_cap);
    last_checkpoint_wall = Clock::now();
    if (flags[0])
      throw RunInterrupted(fmt::format("stopped by a signal at t = {} d after writing {}; "
                                       "continue with --restart {}",
                                       t, path.string(), path.string()));
  };

  // A restart continues the loop where the checkpoint was taken.
  bool resuming = resume != nullptr;
  std::size_t resume_period = 0;
  double resume_t = 0.0, resume_dt = 0.0, resume_step_cap = 0.0;
  bool resume_recovering = false;
  if (resuming) {
    flow.load_state(*resume);
    if (soil) soil->load_state(*resume, options.branch);
    if (!options.branch) remediation.load_state(*resume); // a branch's actions start afresh
    if (risk) risk->load_state(*resume);
    // The tables so far, written at once (a restart may have no output left to write).
    for (const auto& [table, name] : tables) {
      table->set_text(resume->texts.at(std::string("tables/") + name));
      table->flush();
    }
    const auto& loop = resume->value("loop");
    resume_period = static_cast<std::size_t>(loop.at(0));
    resume_t = loop.at(1);
    resume_dt = loop.at(2);
    resume_recovering = loop.at(3) != 0.0;
    resume_step_cap = loop.at(4);
    step = static_cast<long>(loop.at(5));
    next_output = static_cast<std::size_t>(loop.at(6));
    max_closure = loop.at(7);
    max_mass_closure = loop.at(8);
    retries = static_cast<long>(loop.at(9));
    checkpoint_index = static_cast<long>(loop.at(10));
    next_checkpoint_time = loop.at(11);
  }
  // A numerical failure ends the run (exit 3), but keeps what is complete: the outputs written so
  // far (results.h5 is closed under its final name) and the checkpoints.
  try {
    if (transport && !model.flow.transient) {
      // Steady flow per stress period; transport steps hit every period change, source window
      // and output time exactly.
      std::set<double> breaks(periods.begin(), periods.end());
      for (const auto& source : model.transport->sources)
        for (double t : {source.start, source.end})
          if (t > 0.0 && t < time.end) breaks.insert(t);
      for (const double t : remediation.breakpoints())
        if (t > 0.0 && t < time.end) breaks.insert(t);
      for (const double t : options.breakpoints)
        if (t > 0.0 && t < time.end) breaks.insert(t);
      breaks.insert(outputs.begin(), outputs.end());
      if (!resuming && next_output < outputs.size() && outputs[next_output] == 0.0) {
        flow.solve_steady(periods[0], periods[1]);
        write_outputs(outputs[next_output++], step);
      }
      for (std::size_t p = resuming ? resume_period : 0; p + 1 < periods.size(); ++p) {
        const double begin = periods[p];
        const double end = periods[p + 1];
        if (!resuming) flow.solve_steady(begin, end); // a restart has the period's flow
        max_closure = std::max(max_closure, flow.budget().relative_closure);
        transport->set_flow(flow, begin, end);
        flow.release_solver(); // steady until the next period: free the multigrid hierarchy
        if (resuming) transport->load_state(*resume, options.branch);
        double t = resuming ? resume_t : begin;
        double dt = resuming ? resume_dt : time.initial_step;
        // After a cut step the step doubles back, but stays below half of the smallest failed one.
        bool recovering = resuming && resume_recovering;
        double step_cap = resuming ? resume_step_cap : time.max_step;
        resuming = false;
        while (t < end) {
          // A step that would stop short of the next break by round-off (30.416... d steps to
          // 7300 d, say) runs to the break instead of leaving a step of 1e-12 d after it.
          const double next_break = *breaks.upper_bound(t);
          const double t_next = t + dt >= next_break - 1.0e-9 * dt ? next_break : t + dt;
          double step_length = t_next - t;
          // A failed step is undone and retried with a quarter of the step, a few times.
          remediation.before_step(t, *transport);
          transport->save(saved_state);
          if (soil) soil->save(saved_soil);
          for (int retry = 0;; ++retry) {
            if (soil) {
              // The soil columns over the same step; their leachate is the groundwater's loading.
              if (retry > 0) soil->restore(saved_soil);
              soil->advance(t, step_length);
              transport->set_loading(soil->loading_cells(), soil->loading_rates());
            }
            const auto step_start = Clock::now();
            try {
              transport->advance(t, step_length);
              transport_seconds += seconds_since(step_start);
              break;
            } catch (const NumericalError& e) {
              transport_seconds += seconds_since(step_start);
              transport->restore(saved_state);
              if (retry == kMaxStepRetries)
                throw NumericalError(fmt::format("transport step from t = {} d failed after {} "
                                                 "retries down to a step of {} d: {}",
                                                 t, retry, step_length, e.what()));
              step_cap = std::min(step_cap, 0.5 * step_length);
              step_length *= 0.25;
              dt = step_length;
              recovering = true;
              ++retries;
            }
          }
          remediation.after_step(t, step_length, flow, model.flow, transport.get());
          // Land exactly on breakpoints (output times) unless the step was cut.
          t = step_length == t_next - t ? t_next : t + step_length;
          ++step;
          progress.step(t, step);
          while (next_output < outputs.size() && outputs[next_output] <= t)
            write_outputs(outputs[next_output++], step);
          dt = std::min(
              dt * (recovering ? std::max(2.0, time.step_multiplier) : time.step_multiplier),
              step_cap);
          if (dt == step_cap) recovering = false;
          checkpoint_after_step(p, t, dt, recovering, step_cap);
        }
      }
    } else if (!model.flow.transient) {
      // Steady flow: one solve per stress period.
      for (std::size_t p = 0; p + 1 < periods.size(); ++p) {
        const double begin = periods[p];
        const double end = periods[p + 1];
        flow.solve_steady(begin, end);
        max_closure = std::max(max_closure, flow.budget().relative_closure);
        ++step;
        // As in transient runs, an output at a period boundary shows the period that ends there.
        while (next_output < outputs.size() && outputs[next_output] <= end)
          write_outputs(outputs[next_output++], step);
      }
    } else {
      // Transient flow; transport, if any, advances over each flow step with the flow at its end
      // (and the water released from storage during it), in quarter steps when a step fails.
      std::size_t period = resuming ? resume_period : 0;
      if (resuming) {
        // The checkpoint's head.
      } else if (model.flow.initial_steady) {
        flow.solve_steady(periods[0], periods[1]);
        max_closure = std::max(max_closure, flow.budget().relative_closure);
      } else {
        flow.set_uniform_head(model.flow.initial_head);
      }
      std::set<double> breaks(periods.begin(), periods.end());
      if (transport) {
        transport->set_flow(flow, periods[0], periods[1]);
        for (const auto& source : model.transport->sources)
          for (double t : {source.start, source.end})
            if (t > 0.0 && t < time.end) breaks.insert(t);
        for (const double t : remediation.breakpoints())
          if (t > 0.0 && t < time.end) breaks.insert(t);
        for (const double t : options.breakpoints)
          if (t > 0.0 && t < time.end) breaks.insert(t);
      }
      if (resuming && transport) transport->load_state(*resume, options.branch);
      if (!resuming && next_output < outputs.size() && outputs[next_output] == 0.0)
        write_outputs(outputs[next_output++], step);
      double t = resuming ? resume_t : 0.0;
      double dt = resuming ? resume_dt : time.initial_step;
      resuming = false;
      while (t < time.end) {
        while (period + 1 < periods.size() && periods[period + 1] <= t) {
          ++period;
          dt = time.initial_step; // a new stress period restarts the step sequence
        }
        double t_next = std::min(t + dt, *breaks.upper_bound(t));
        if (next_output < outputs.size()) t_next = std::min(t_next, outputs[next_output]);
        flow.advance(periods[period], periods[period + 1], t_next - t);
        max_closure = std::max(max_closure, flow.budget().relative_closure);
        if (transport) {
          transport->set_flow(flow, periods[period], periods[period + 1]);
          remediation.before_step(t, *transport);
          if (soil) {
            // The leachate over the flow step loads the groundwater at a constant rate, also
            // through the quarter steps of a retry.
            soil->advance(t, t_next - t);
            transport->set_loading(soil->loading_cells(), soil->loading_rates());
          }
          const auto step_start = Clock::now();
          advance_transport_span(*transport, t, t_next - t, 0, saved_state, retries);
          transport_seconds += seconds_since(step_start);
          remediation.after_step(t, t_next - t, flow, model.flow, transport.get());
        }
        t = t_next;
        ++step;
        progress.step(t, step);
        while (next_output < outputs.size() && outputs[next_output] <= t)
          write_outputs(outputs[next_output++], step);
        dt = std::min(dt * time.step_multiplier, time.max_step);
        checkpoint_after_step(period, t, dt, false, 0.0);
      }
    }
  } catch (const NumericalError&) {
    if (hdf5) hdf5->finish();
    throw;
  } catch (const StopForBranching&) {
    return; // a shared history: its checkpoint is what the strategies continue
  }
  const double solve_seconds = seconds_since(solve_start) - output_seconds;
  progress.finish();
  write_ledger(time.end);
  if (model.carbon && root)
    write_footprint(folder, model, Ledger::from_csv(remediation.csv(time.end, transport.get())));
  else if (model.carbon)
    remediation.csv(time.end, transport.get()); // collective
  if (risk) risk->finish();
  if (hdf5) hdf5->finish();

  const auto& stats = flow.stats();
  if (root) {
    const std::string summary = fmt::format(
        R"({{
  "program": "terrafate",
  "version": "{}",
  "git_commit": "{}",
  "ranks": {},
  "cells": {},
  "steps": {},
  "flow_solves": {},
  "flow_iterations": {},
  "last_flow_iterations": {},
  "model_setup_seconds": {:.6f},
  "last_flow_setup_seconds": {:.6f},
  "last_flow_solve_seconds": {:.6f},
  "time_loop_seconds": {:.6f},
  "output_seconds": {:.6f},
  "wall_seconds": {:.6f},
  "max_budget_closure": {:.6e},
  "transport_iterations": {},
  "transport_tvd_sweeps": {},
  "transport_nonlinear_iterations": {},
  "transport_step_retries": {},
  "transport_seconds": {:.6f},
  "max_mass_balance_closure": {:.6e}
}}
)",
        kVersion, kGitCommit, ranks, model.grid.total_cells(), step, stats.solves,
        stats.total_iterations, stats.iterations, model_setup_seconds, stats.setup_seconds,
        stats.solve_seconds, solve_seconds, output_seconds, seconds_since(run_start), max_closure,
        transport ? transport->linear_iterations() : 0, transport ? transport->tvd_sweeps() : 0,
        transport ? transport->nonlinear_iterations() : 0, retries, transport_seconds,
        max_mass_closure);
    io::write_file_atomically(folder / "run_summary.json", summary);
    if (!options.quiet)
      fmt::print("terrafate: {} steps, {} flow solves ({} iterations), budget closure {:.2e}, "
                 "{:.2f} s\nresults in {}\n",
                 step, stats.solves, stats.total_iterations, max_closure, seconds_since(run_start),
                 std::filesystem::absolute(folder).string());
  }
}

} // namespace terrafate
