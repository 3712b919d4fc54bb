#include "terrafate/studies/assimilate.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "terrafate/core/errors.hpp"
#include "terrafate/core/random.hpp"
#include "terrafate/io/atomic_file.hpp"
#include "terrafate/monitoring/assimilation_tables.hpp"
#include "terrafate/monitoring/es_mda.hpp"
#include "terrafate/run/observations.hpp"
#include "terrafate/studies/ensemble.hpp"
#include "terrafate/studies/evidence.hpp"
#include "terrafate/studies/run_groups.hpp"

namespace terrafate {

namespace {
using monitoring::MemberMatrix;

/// Where the model samples a monitoring well: one observation point per layer its screen crosses
/// (a point well: one), and the weights of flux_weighted_concentration.
struct WellPoints {
  std::vector<std::string> names; ///< observation points added to the member decks
  std::vector<double> flux;       ///< [m/d] Darcy flux |q| of the base deck's steady flow
  std::vector<double> overlap;    ///< [m] length of the screen in the layer (a point well: 1)
};

/// A conductivity field updated cell by cell: the ln of the factor on the material's
/// conductivity per cell of the whole grid, after the scalar parameters in a member's vector.
struct FieldParameter {
  monitoring::AssimilationParameter parameter;
  std::size_t index = 0; ///< in the deck's assimilation.parameters (the prior's stream)
  int material = 0;      ///< index into the deck's materials
};

/// Everything the iterations share.
struct Setup {
  const Deck& deck;
  monitoring::AssimilationSpec spec;
  MonitoringInput input;
  monitoring::Observations observations;
  std::vector<monitoring::AssimilationParameter> scalars; ///< values written into the deck
  std::vector<std::size_t> scalar_index;      ///< per scalar: its index in assimilation.parameters
  std::vector<FieldParameter> fields;         ///< conductivity fields
  std::array<std::vector<double>, 3> centers; ///< [m] cell centres of the whole grid per axis
  std::vector<int> cell_material; ///< per cell of the whole grid (x fastest): material index
  std::vector<ObservationPointSpec> points; ///< the wells' sampling points
  std::vector<WellPoints> wells;            ///< per monitoring well
  std::vector<std::size_t> sample_well;     ///< per sample: index into wells
  std::vector<double> data_times;           ///< [d] ascending, distinct
  std::filesystem::path folder;             ///< the assimilation's output folder
  RunOptions options;                       ///< of the member runs
};

constexpr double kTimeTolerance = 1e-6; ///< [d] times closer than this are the same output time

/// The sampling points of every monitoring well: a point well at its position; a screened well at
/// the centre of each layer its screen crosses, at the well's x and y, weighted by the Darcy flux
/// of the steady flow of the base deck's first stress period times the overlap. Collective.
void add_well_points(MPI_Comm comm, Setup& setup) {
  const Model model(comm, setup.deck);
  const Grid& grid = model.grid;
  for (int a = 0; a < 3; ++a)
    setup.centers[static_cast<std::size_t>(a)] = grid.centers(a);
  setup.cell_material.assign(static_cast<std::size_t>(grid.total_cells()), -1);
  for (int k = grid.owned_begin(2); k < grid.owned_end(2); ++k)
    for (int j = grid.owned_begin(1); j < grid.owned_end(1); ++j)
      for (int i = grid.owned_begin(0); i < grid.owned_end(0); ++i)
        setup.cell_material[static_cast<std::size_t>(
            i + grid.cells(0) * (static_cast<long>(j) + static_cast<long>(grid.cells(1)) * k))] =
            model.materials.material_of(grid.owned_index(i, j, k));
  MPI_Allreduce(MPI_IN_PLACE, setup.cell_material.data(),
                static_cast<int>(setup.cell_material.size()), MPI_INT, MPI_MAX, comm);
  const auto& spec = setup.input.spec;
  bool layered = false;
  for (std::size_t w = 0; w < spec.wells.size(); ++w) {
    const auto& well = spec.wells[w];
    WellPoints entry;
    // Monitoring positions are site coordinates; the points are kept in the grid frame.
    const auto add = [&](int layer, std::array<double, 3> position, double overlap) {
      entry.names.push_back(fmt::format("monitoring.w{}.k{}", w, layer));
      entry.overlap.push_back(overlap);
      setup.points.push_back({entry.names.back(), model.grid.frame().to_grid(position), spec.where,
                              "monitoring.wells"});
    };
    if (!well.screened) {
      add(0, well.position, 1.0);
    } else {
      const auto& nodes = model.grid.nodes(2);
      for (std::size_t k = 0; k + 1 < nodes.size(); ++k) {
        const double overlap =
            monitoring::screen_overlap(nodes[k], nodes[k + 1], well.screen_bottom, well.screen_top);
        if (overlap > 0.0)
          add(static_cast<int>(k),
              {well.position[0], well.position[1], model.grid.center(2, static_cast<int>(k))},
              overlap);
      }
      if (entry.names.empty())
        throw InputError("monitoring.wells", spec.where,
                         fmt::format("the screen [{}, {}] m of well '{}' lies outside the grid",
                                     well.screen_bottom, well.screen_top, well.name));
      layered = layered || entry.names.size() > 1;
    }
    setup.wells.push_back(entry);
  }
  const PointSampler inside(model.grid, setup.points); // InputError for a well off the grid
  std::vector<double> flux(setup.points.size(), 1.0);
  if (layered) flux = steady_flow_speed_at(comm, setup.deck, setup.points, false);
  std::size_t n = 0;
  for (auto& well : setup.wells)
    for (std::size_t p = 0; p < well.names.size(); ++p)
      well.flux.push_back(flux[n++]);
}

/// The deck's monitoring record, assimilation settings and observations, checked against the
/// model (species simulated, data within the horizon). With `data` (run --observations-at): that
/// monitoring CSV instead of the deck's, and no assimilation settings. Collective (builds the
/// model).
Setup read_setup(MPI_Comm world, const Deck& deck, const RunOptions& options,
                 const std::filesystem::path& data = {}) {
  const auto node = deck.root.find("assimilation");
  if (!node && data.empty())
    throw InputError("assimilation", SourceLocation{deck.path.string(), 0, 0},
                     "assimilate needs an assimilation: section (iterations, realizations, seed, "
                     "parameters, error)");
  Setup setup{deck,
              data.empty() ? monitoring::read_assimilation_spec(*node, deck.root)
                           : monitoring::AssimilationSpec{},
              read_monitoring_input(deck, data),
              {},
              {},
              {},
              {},
              {},
              {},
              {},
              {},
              {},
              {},
              {},
              {}};
  for (std::size_t p = 0; p < setup.spec.parameters.size(); ++p) {
    const auto& parameter = setup.spec.parameters[p];
    if (parameter.kind != monitoring::AssimilationParameter::Kind::field) {
      setup.scalars.push_back(parameter);
      setup.scalar_index.push_back(p);
      continue;
    }
    FieldParameter field{parameter, p, 0};
    for (std::size_t m = 0; m < deck.materials.size(); ++m)
      if (deck.materials[m].name == parameter.parts[1]) field.material = static_cast<int>(m);
    setup.fields.push_back(field);
  }
  const auto& samples = setup.input.data.samples;
  if (samples.empty())
    throw InputError("monitoring.data", setup.input.spec.where,
                     fmt::format("{} holds no samples", setup.input.data.path.string()));
  if (!deck.root.has("transport"))
    throw InputError("assimilation", setup.spec.where,
                     "assimilate compares simulated concentrations with the monitoring record: "
                     "the deck needs a transport: section");
  std::vector<std::string> species;
  for (const auto& entry : deck.root.at("transport").at("species").elements())
    species.push_back(entry.string("name"));
  for (const auto& sample : samples) {
    const auto where = SourceLocation{setup.input.data.path.string(), sample.line, 0};
    if (std::find(species.begin(), species.end(), sample.species) == species.end())
      throw InputError(
          "species", where,
          fmt::format("'{}' is not a species of the deck's transport: section", sample.species));
    if (sample.time < 0.0 || sample.time > deck.time.end)
      throw InputError("time", where,
                       fmt::format("the sample at {} d lies outside the simulated time 0 to {} d",
                                   sample.time, deck.time.end));
    const auto& wells = setup.input.spec.wells;
    setup.sample_well.push_back(static_cast<std::size_t>(
        std::find_if(wells.begin(), wells.end(),
                     [&](const auto& well) { return well.name == sample.well; }) -
        wells.begin()));
    setup.data_times.push_back(sample.time);
  }
  std::sort(setup.data_times.begin(), setup.data_times.end());
  setup.data_times.erase(std::unique(setup.data_times.begin(), setup.data_times.end()),
                         setup.data_times.end());
  if (data.empty()) {
    try {
      setup.observations = monitoring::make_observations(
          samples, setup.spec.error_relative, setup.spec.error_absolute, setup.spec.log_transform);
    } catch (const std::invalid_argument& e) {
      throw InputError("assimilation.error", setup.spec.where, e.what());
    }
  }
  add_well_points(world, setup);
  setup.folder = options.output_folder;
  setup.options = options;
  setup.options.quiet = true;
  setup.options.overwrite = true; // its own folder, inside the assimilation's
  setup.options.restart.clear();
  setup.options.fields.clear();
  return setup;
}

/// The deck of one member: its parameter values written in place, the wells' sampling points
/// added to the observation points, the data times to the output times, the run ending at `end`
/// [d], no VTK or HDF5 outputs (unless `keep_outputs`), without the monitoring, assimilation
/// and ensemble blocks.
std::string member_deck_text(const Setup& setup, const std::vector<double>& values, double end,
                             bool keep_outputs = false) {
  std::vector<std::vector<std::string>> paths;
  for (const auto& parameter : setup.scalars)
    paths.push_back(parameter.parts);
  YAML::Node root = YAML::Load(deck_text_with_values(setup.deck.text, paths, values,
                                                     {"monitoring", "assimilation", "ensemble"}));
  if (!root["observations"]) root["observations"] = YAML::Node(YAML::NodeType::Map);
  if (!root["observations"]["points"])
    root["observations"]["points"] = YAML::Node(YAML::NodeType::Sequence);
  YAML::Node list = root["observations"]["points"];
  for (const auto& point : setup.points) {
    YAML::Node entry;
    entry["name"] = point.name;
    for (const double c : setup.deck.grid.frame.to_site(point.position)) // the deck's frame
      entry["position"].push_back(fmt::format("{:.17g}", c));
    list.push_back(entry);
  }
  std::vector<double> times;
  for (const double t : setup.deck.time.output_times)
    if (t <= end) times.push_back(t);
  for (const double t : setup.data_times)
    if (std::none_of(times.begin(), times.end(),
                     [&](double other) { return std::abs(other - t) < kTimeTolerance; }))
      times.push_back(t);
  std::sort(times.begin(), times.end());
  root["time"]["end"] = fmt::format("{:.17g}", end);
  root["time"]["output_times"] = YAML::Node(YAML::NodeType::Sequence);
  for (const double t : times)
    root["time"]["output_times"].push_back(fmt::format("{:.17g}", t));
  if (!keep_outputs) {
    root["output"]["vtk"] = false;
    root["output"]["hdf5"] = false;
  }
  YAML::Emitter out;
  out << root;
  return std::string(out.c_str()) + "\n";
}

/// A run's sampled observations (observations.csv's rows): per "location,variable", its (time
/// [d], value) rows in time order.
std::map<std::string, std::vector<std::pair<double, double>>>
series_of(const ObservationResult& observations) {
  std::map<std::string, std::vector<std::pair<double, double>>> series;
  for (std::size_t t = 0; t < observations.times.size(); ++t)
    for (std::size_t v = 0; v < observations.variables.size(); ++v)
      for (std::size_t l = 0; l < observations.locations.size(); ++l)
        series[observations.locations[l] + "," + observations.variables[v]].emplace_back(
            observations.times[t], observations.value(t, v, l));
  return series;
}

/// The value of `series` at time t: the row at t, else linear between the rows around it.
double value_at(const std::vector<std::pair<double, double>>& series, double t) {
  for (std::size_t n = 0; n < series.size(); ++n) {
    if (std::abs(series[n].first - t) < kTimeTolerance) return series[n].second;
    if (series[n].first > t && n > 0)
      return monitoring::interpolate_in_time(series[n - 1].first, series[n - 1].second,
                                             series[n].first, series[n].second, t);
  }
  throw NumericalError(fmt::format("assimilate: no simulated value at {} d", t));
}

/// The simulated concentrations [mg/L] of one member at every sample, from its run's result.
std::vector<double> member_values(const Setup& setup, const RunResult& run) {
  const auto series = series_of(run.observations);
  std::vector<double> values;
  const auto& samples = setup.input.data.samples;
  for (std::size_t k = 0; k < samples.size(); ++k) {
    const auto& well = setup.wells[setup.sample_well[k]];
    std::vector<double> layers;
    for (const auto& name : well.names)
      layers.push_back(value_at(series.at(name + "," + samples[k].species), samples[k].time));
    values.push_back(monitoring::flux_weighted_concentration(layers, well.flux, well.overlap));
  }
  return values;
}

/// Field f of a member's vector in the Gaussian space: ln of the conductivity factor per cell of
/// the whole grid (x fastest), stored after the scalar parameters.
std::vector<double> field_of(const Setup& setup, const std::vector<double>& member, std::size_t f) {
  const std::size_t cells = setup.cell_material.size();
  const auto begin = member.begin() + static_cast<long>(setup.scalars.size() + f * cells);
  return {begin, begin + static_cast<long>(cells)};
}

std::filesystem::path iteration_folder(const Setup& setup, int iteration) {
  return setup.folder / "runs" / fmt::format("iteration_{}", iteration);
}

/// Collective: runs every member of one iteration (parameters in the Gaussian space of
/// to_gaussian) across the groups, to `end` [d]; returns the simulated concentrations [mg/L] at
/// the samples (N_e x N_d), the same on every rank, from the members' results gathered in memory.
/// `runs` (when given) receives the members' results on world rank 0. Throws NumericalError when
/// a run failed.
MemberMatrix run_iteration(const RunGroups& groups, MPI_Comm world, const Setup& setup,
                           const MemberMatrix& gaussian, int iteration, double end,
                           std::vector<RunResult>* runs = nullptr) {
  const int members = static_cast<int>(gaussian.size());
  const auto folder = iteration_folder(setup, iteration);
  std::map<int, RunOutcome> mine;
  for (int r = groups.group(); r < members; r += groups.groups()) {
    std::vector<double> values;
    for (std::size_t p = 0; p < setup.scalars.size(); ++p)
      values.push_back(monitoring::from_gaussian(setup.scalars[p], gaussian[r][p]));
    RunOptions member = setup.options;
    for (std::size_t f = 0; f < setup.fields.size(); ++f)
      member.fields.push_back(
          {setup.fields[f].material, 0.0, {}, 0, 0, field_of(setup, gaussian[r], f)});
    member.output_folder = folder / fmt::format("{:04d}", r);
    RunOutcome outcome{"ok", {}};
    try {
      outcome.result = run_simulation(
          groups.comm(), read_deck_text(member_deck_text(setup, values, end), setup.deck.path),
          member);
    } catch (const InputError& e) {
      outcome.status = fmt::format("input error: {}", e.what());
    } catch (const NumericalError& e) {
      outcome.status = fmt::format("numerical error: {}", e.what());
    }
    if (groups.group_root()) {
      write_run_status(member.output_folder, outcome.status);
      mine[r] = std::move(outcome);
    }
  }
  auto outcomes = gather_run_outcomes(world, mine, members);
  const std::size_t nd = setup.input.data.samples.size();
  std::vector<double> flat(static_cast<std::size_t>(members) * nd, 0.0);
  std::string failure;
  if (groups.world_root()) {
    for (int r = 0; r < members && failure.empty(); ++r) {
      const auto& outcome = outcomes[static_cast<std::size_t>(r)];
      if (outcome.status != "ok") {
        failure = fmt::format("member {} of iteration {} failed ({}): {}", r, iteration,
                              (folder / fmt::format("{:04d}", r)).string(),
                              outcome.status.substr(0, 300));
        break;
      }
      const auto values = member_values(setup, outcome.result);
      std::copy(values.begin(), values.end(), flat.begin() + static_cast<long>(r * nd));
    }
  }
  int failed = failure.empty() ? 0 : 1;
  MPI_Bcast(&failed, 1, MPI_INT, 0, world);
  if (failed) throw NumericalError(failure.empty() ? "assimilate: a member's run failed" : failure);
  MPI_Bcast(flat.data(), static_cast<int>(flat.size()), MPI_DOUBLE, 0, world);
  MemberMatrix simulated(static_cast<std::size_t>(members));
  for (int r = 0; r < members; ++r)
    simulated[r].assign(flat.begin() + static_cast<long>(r * nd),
                        flat.begin() + static_cast<long>((r + 1) * nd));
  if (runs && groups.world_root())
    for (auto& outcome : outcomes)
      runs->push_back(std::move(outcome.result));
  return simulated;
}

/// Mean over the members of the mean squared normalized residual ((g - d) / sigma)^2 over the
/// data each member does not satisfy as a censored bound (1 when the members fit to the error).
double mean_misfit(const MemberMatrix& predictions, const monitoring::Observations& data) {
  double total = 0.0;
  for (const auto& member : predictions) {
    double sum = 0.0;
    int count = 0;
    for (std::size_t k = 0; k < member.size(); ++k) {
      if (data.censored[k] && member[k] <= data.value[k]) continue;
      const double residual = (member[k] - data.value[k]) / data.sigma[k];
      sum += residual * residual;
      ++count;
    }
    total += count > 0 ? sum / count : 0.0;
  }
  return total / static_cast<double>(predictions.size());
}

/// The scalar parameters' values in the deck's units of a matrix in the Gaussian space.
MemberMatrix deck_values(const Setup& setup, const MemberMatrix& gaussian) {
  MemberMatrix values;
  for (const auto& member : gaussian) {
    values.emplace_back();
    for (std::size_t p = 0; p < setup.scalars.size(); ++p)
      values.back().push_back(monitoring::from_gaussian(setup.scalars[p], member[p]));
  }
  return values;
}

/// Per member, the geometric mean over the material's cells of field f's conductivity factor
/// [1]: exp(mean ln factor), the field's effective multiplier on the material's conductivity.
std::vector<double> field_geometric_means(const Setup& setup, const MemberMatrix& gaussian,
                                          std::size_t f) {
  std::vector<double> means;
  for (const auto& member : gaussian) {
    const auto ln_factor = field_of(setup, member, f);
    double sum = 0.0;
    long count = 0;
    for (std::size_t n = 0; n < ln_factor.size(); ++n)
      if (setup.cell_material[n] == setup.fields[f].material) {
        sum += ln_factor[n];
        ++count;
      }
    means.push_back(count > 0 ? std::exp(sum / static_cast<double>(count)) : 1.0);
  }
  return means;
}

/// posterior_field.csv: per field and cell of its material, the cell's indices and centre [m],
/// and the members' mean of log10 of the conductivity factor [1], prior and posterior, and the
/// posterior's standard deviation of it.
std::string posterior_field_csv(const Setup& setup, const MemberMatrix& prior,
                                const MemberMatrix& posterior) {
  std::string text = "parameter,i,j,k,x,y,z,prior_mean_log10_factor,posterior_mean_log10_factor,"
                     "posterior_std_log10_factor\n";
  const std::size_t nx = setup.centers[0].size(), ny = setup.centers[1].size();
  for (std::size_t f = 0; f < setup.fields.size(); ++f) {
    std::vector<std::vector<double>> prior_fields, posterior_fields;
    for (const auto& member : prior)
      prior_fields.push_back(field_of(setup, member, f));
    for (const auto& member : posterior)
      posterior_fields.push_back(field_of(setup, member, f));
    for (std::size_t n = 0; n < setup.cell_material.size(); ++n) {
      if (setup.cell_material[n] != setup.fields[f].material) continue;
      double prior_mean = 0.0, mean = 0.0, squares = 0.0;
      for (const auto& field : prior_fields)
        prior_mean += field[n] / std::log(10.0);
      for (const auto& field : posterior_fields)
        mean += field[n] / std::log(10.0);
      prior_mean /= static_cast<double>(prior_fields.size());
      mean /= static_cast<double>(posterior_fields.size());
      for (const auto& field : posterior_fields)
        squares += (field[n] / std::log(10.0) - mean) * (field[n] / std::log(10.0) - mean);
      const std::size_t i = n % nx, j = (n / nx) % ny, k = n / (nx * ny);
      text += fmt::format("{},{},{},{},{},{},{},{:.10g},{:.10g},{:.10g}\n",
                          setup.fields[f].parameter.path, i, j, k, setup.centers[0][i],
                          setup.centers[1][j], setup.centers[2][k], prior_mean, mean,
                          std::sqrt(squares / static_cast<double>(posterior_fields.size() - 1)));
    }
  }
  return text;
}

/// predictive.csv rows of one stage: per observation point of the deck, variable and output time
/// of the deck, the P5/P50/P95 over the members.
std::string predictive_rows(const Setup& setup, const std::vector<RunResult>& runs,
                            const char* stage) {
  std::map<std::pair<std::string, double>, std::vector<double>> values;
  for (const auto& run : runs) {
    const auto series = series_of(run.observations);
    for (const auto& point : setup.deck.observation_points)
      for (const auto& [key, rows] : series) {
        if (key.rfind(point.name + ",", 0) != 0) continue;
        for (const double t : setup.deck.time.output_times)
          if (std::any_of(rows.begin(), rows.end(), [&](const auto& row) {
                return std::abs(row.first - t) < kTimeTolerance;
              }))
            values[{key, t}].push_back(value_at(rows, t));
      }
  }
  std::string text;
  for (const auto& [key, entry] : values)
    text += fmt::format("{},{},{},{:.10g},{:.10g},{:.10g}\n", key.first, key.second, stage,
                        sample_quantile(entry, 0.05), sample_quantile(entry, 0.5),
                        sample_quantile(entry, 0.95));
  return text;
}

/// compliance_probability.csv rows of one stage: per receptor, the fraction of the members that
/// met the risk target within the horizon (time_to_target not NaN).
std::string compliance_rows(const std::vector<RunResult>& runs, const char* stage) {
  std::map<std::string, std::pair<int, int>> met; // receptor: (met, members)
  for (const auto& run : runs)
    for (const auto& receptor : run.receptors) {
      auto& entry = met[receptor.name];
      entry.first += std::isnan(receptor.time_to_target) ? 0 : 1;
      entry.second += 1;
    }
  std::string text;
  for (const auto& [receptor, entry] : met)
    text += fmt::format("{},{},{},{:.10g}\n", receptor, stage, entry.second,
                        static_cast<double>(entry.first) / entry.second);
  return text;
}

/// The risk criteria of the trajectories: name and a receptor's values per output time [1].
struct RiskCriterion {
  const char* name;
  std::vector<double> ReceptorResult::*values;
};
constexpr std::array<RiskCriterion, 2> kRiskCriteria{
    {{"cancer_risk", &ReceptorResult::site_cancer_risk},
     {"hazard_index", &ReceptorResult::site_hazard_index}}};

/// Throws NumericalError unless every run has the first run's output times and receptors.
void check_same_layout(const std::vector<RunResult>& runs) {
  for (std::size_t r = 1; r < runs.size(); ++r) {
    bool same = runs[r].output_times == runs[0].output_times &&
                runs[r].receptors.size() == runs[0].receptors.size();
    for (std::size_t k = 0; same && k < runs[r].receptors.size(); ++k)
      same = runs[r].receptors[k].name == runs[0].receptors[k].name;
    if (!same)
      throw NumericalError(fmt::format("assimilate: member {} has other risk output times or "
                                       "receptors than member 0",
                                       r));
  }
}

/// prior_risk.csv / posterior_risk.csv: per receptor, criterion and risk output time, the
/// P5/P50/P95 over the members, their number, and the fraction of them that met the risk target
/// by that time (time_to_target <= time).
std::string risk_trajectory_csv(const std::vector<RunResult>& runs) {
  std::string text = "receptor,criterion,time_d,p5,p50,p95,realizations,probability_target_met\n";
  if (runs.empty()) return text;
  check_same_layout(runs);
  const auto& first = runs.front();
  for (std::size_t k = 0; k < first.receptors.size(); ++k)
    for (const auto& criterion : kRiskCriteria)
      for (std::size_t n = 0; n < first.output_times.size(); ++n) {
        const double t = first.output_times[n];
        std::vector<double> values;
        double met = 0.0;
        for (const auto& run : runs) {
          const auto& receptor = run.receptors[k];
          values.push_back((receptor.*criterion.values).at(n));
          if (!std::isnan(receptor.time_to_target) && receptor.time_to_target <= t) met += 1.0;
        }
        text += fmt::format(
            "{},{},{},{:.10g},{:.10g},{:.10g},{},{:.10g}\n", first.receptors[k].name,
            criterion.name, t, sample_quantile(values, 0.05), sample_quantile(values, 0.5),
            sample_quantile(values, 0.95), values.size(), met / static_cast<double>(runs.size()));
      }
  return text;
}

/// posterior_risk_members.csv: every member's trajectory (realization, receptor, criterion,
/// time, value), the values the quantiles of risk_trajectory_csv are taken over.
std::string risk_members_csv(const std::vector<RunResult>& runs) {
  std::string text = "realization,receptor,criterion,time_d,value\n";
  check_same_layout(runs);
  for (std::size_t r = 0; r < runs.size(); ++r)
    for (const auto& receptor : runs[r].receptors)
      for (const auto& criterion : kRiskCriteria)
        for (std::size_t n = 0; n < runs[r].output_times.size(); ++n)
          text += fmt::format("{},{},{},{},{}\n", r, receptor.name, criterion.name,
                              runs[r].output_times[n], (receptor.*criterion.values).at(n));
  return text;
}

/// Rank 0: the output tables.
void write_tables(const Setup& setup, const MemberMatrix& prior, const MemberMatrix& posterior,
                  const MemberMatrix& prior_simulated, const MemberMatrix& posterior_simulated,
                  const std::vector<RunResult>& prior_runs,
                  const std::vector<RunResult>& posterior_runs, const std::string& misfit) {
  const auto& folder = setup.folder;
  const std::optional<long> start = setup.deck.time.start_day(); // the tables' date column
  // The fields' effective multipliers, summarized with the scalars (not in posterior.csv, which
  // holds deck values only).
  auto summarized = setup.scalars;
  auto prior_values = deck_values(setup, prior), posterior_values = deck_values(setup, posterior);
  for (std::size_t f = 0; f < setup.fields.size(); ++f) {
    summarized.push_back(setup.fields[f].parameter);
    summarized.back().path += ":geometric_mean_factor";
    const auto prior_means = field_geometric_means(setup, prior, f);
    const auto posterior_means = field_geometric_means(setup, posterior, f);
    for (std::size_t r = 0; r < prior.size(); ++r) {
      prior_values[r].push_back(prior_means[r]);
      posterior_values[r].push_back(posterior_means[r]);
    }
  }
  io::write_file_atomically(
      folder / "posterior.csv",
      monitoring::posterior_csv(setup.scalars, deck_values(setup, posterior)));
  io::write_file_atomically(
      folder / "parameters_summary.csv",
      monitoring::parameters_summary_csv(summarized, prior_values, posterior_values));
  if (!setup.fields.empty())
    io::write_file_atomically(folder / "posterior_field.csv",
                              posterior_field_csv(setup, prior, posterior));
  io::write_file_atomically(
      folder / "fit.csv", add_date_column(monitoring::fit_csv(setup.input.data.samples,
                                                              prior_simulated, posterior_simulated),
                                          "time", start));
  io::write_file_atomically(folder / "misfit.csv", "iteration,mean_normalized_misfit\n" + misfit);
  io::write_file_atomically(folder / "predictive.csv",
                            add_date_column("location,variable,time,stage,p5,p50,p95\n" +
                                                predictive_rows(setup, prior_runs, "prior") +
                                                predictive_rows(setup, posterior_runs, "posterior"),
                                            "time", start));
  if (setup.deck.root.has("risk"))
    io::write_file_atomically(folder / "compliance_probability.csv",
                              "receptor,stage,realizations,probability_target_met\n" +
                                  compliance_rows(prior_runs, "prior") +
                                  compliance_rows(posterior_runs, "posterior"));
  if (setup.deck.root.has("risk")) {
    io::write_file_atomically(folder / "prior_risk.csv",
                              add_date_column(risk_trajectory_csv(prior_runs), "time_d", start));
    io::write_file_atomically(
        folder / "posterior_risk.csv",
        add_date_column(risk_trajectory_csv(posterior_runs), "time_d", start));
    io::write_file_atomically(folder / "posterior_risk_members.csv",
                              add_date_column(risk_members_csv(posterior_runs), "time_d", start));
  }
}
} // namespace

void run_assimilation(MPI_Comm world, const Deck& deck, const RunOptions& options,
                      int ranks_per_run) {
  const RunGroups groups(world, ranks_per_run);
  const Setup setup = read_setup(world, deck, options);
  const auto& spec = setup.spec;
  const bool root = groups.world_root();
  const auto held = prepare_output_folder(
      world, setup.folder, options.overwrite ? FolderUse::overwrite : FolderUse::fresh);
  const int members = spec.realizations;
  MemberMatrix gaussian(static_cast<std::size_t>(members));
  for (int r = 0; r < members; ++r)
    for (std::size_t p = 0; p < setup.scalars.size(); ++p)
      gaussian[r].push_back(
          monitoring::prior_gaussian(setup.scalars[p], spec.seed, setup.scalar_index[p], r));
  for (const auto& field : setup.fields) {
    // ln factor = ln(10) log10_std g, g the GaussianField of the member's stream (as an
    // ensemble's realization field, keyed by the parameter's index and the member).
    for (int r = 0; r < members; ++r) {
      const GaussianField member_field(setup.centers, field.parameter.correlation_length, spec.seed,
                                       (std::uint64_t{1} << 63) |
                                           (static_cast<std::uint64_t>(field.index) << 32) |
                                           static_cast<std::uint64_t>(r));
      for (const double g : member_field.block({0, 0, 0}, member_field.cells()))
        gaussian[r].push_back(std::log(10.0) * field.parameter.log10_std * g);
    }
  }
  const MemberMatrix prior = gaussian;
  // The updates need the data period only; the prior and the posterior run the whole horizon.
  const double data_end = std::max(setup.data_times.back(), kTimeTolerance);
  if (root)
    fmt::print("terrafate: ES-MDA, {} members x {} iterations, {} data, {} parameters, on {} "
               "group(s) of {} rank(s)\n",
               members, spec.iterations, setup.observations.value.size(), spec.parameters.size(),
               groups.groups(), ranks_per_run);
  MemberMatrix prior_simulated, simulated;
  std::vector<RunResult> prior_runs, posterior_runs; // on world rank 0
  std::string misfit;
  for (int i = 0; i <= spec.iterations; ++i) {
    const bool whole = i == 0 || i == spec.iterations;
    simulated = run_iteration(groups, world, setup, gaussian, i, whole ? deck.time.end : data_end,
                              i == 0                 ? &prior_runs
                              : i == spec.iterations ? &posterior_runs
                                                     : nullptr);
    if (i == 0) prior_simulated = simulated;
    MemberMatrix predictions;
    for (const auto& member : simulated)
      predictions.push_back(monitoring::transform_predictions(member, spec.log_transform));
    const double mean = mean_misfit(predictions, setup.observations);
    misfit += fmt::format("{},{:.10g}\n", i, mean);
    if (root)
      fmt::print("terrafate: iteration {} of {}: mean normalized misfit {:.4g}\n", i,
                 spec.iterations, mean);
    if (i == spec.iterations) break;
    const double alpha = spec.inflation[static_cast<std::size_t>(i)];
    const auto perturbed =
        monitoring::perturb_observations(setup.observations, alpha, members, spec.seed, i);
    monitoring::es_mda_update(gaussian, predictions, perturbed, setup.observations, alpha);
  }
  if (root) {
    write_tables(setup, prior, gaussian, prior_simulated, simulated, prior_runs, posterior_runs,
                 misfit);
    fmt::print("terrafate: posterior in {}\n", (setup.folder / "posterior.csv").string());
  }
  MPI_Barrier(world);
}

void run_observations_at(MPI_Comm comm, const Deck& deck, const RunOptions& options,
                         const std::filesystem::path& data) {
  for (const char* key : {"ensemble", "strategies"})
    if (deck.root.has(key))
      throw InputError(fmt::format("--observations-at: {} has an {}: section; the option applies "
                                   "to a single run (no ensemble, no strategies)",
                                   deck.path.string(), key));
  const Setup setup = read_setup(comm, deck, options, data);
  const RunResult result = run_simulation(
      comm, read_deck_text(member_deck_text(setup, {}, deck.time.end, true), deck.path), options);
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  if (rank != 0) return;
  const auto values = member_values(setup, result);
  const auto& samples = setup.input.data.samples;
  std::string text = "well,time,species,value,unit\n";
  for (std::size_t k = 0; k < samples.size(); ++k)
    text += fmt::format("{},{},{},{},mg/L\n", samples[k].well, samples[k].time, samples[k].species,
                        values[k]);
  io::write_file_atomically(options.output_folder / "observations_at.csv", text);
}

} // namespace terrafate
