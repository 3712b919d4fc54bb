#include "terrafate/studies/assimilate.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "terrafate/core/csv_table.hpp"
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

/// Everything the iterations share.
struct Setup {
  const Deck& deck;
  monitoring::AssimilationSpec spec;
  MonitoringInput input;
  monitoring::Observations observations;
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
/// model (species simulated, data within the horizon). Collective (builds the model).
Setup read_setup(MPI_Comm world, const Deck& deck, const RunOptions& options) {
  const auto node = deck.root.find("assimilation");
  if (!node)
    throw InputError("assimilation", SourceLocation{deck.path.string(), 0, 0},
                     "assimilate needs an assimilation: section (iterations, realizations, seed, "
                     "parameters, error)");
  Setup setup{deck,
              monitoring::read_assimilation_spec(*node, deck.root),
              read_monitoring_input(deck),
              {},
              {},
              {},
              {},
              {},
              {},
              {}};
  for (const auto& parameter : setup.spec.parameters)
    if (parameter.kind == monitoring::AssimilationParameter::Kind::field)
      throw InputError(parameter.path, parameter.where,
                       "assimilate updates scalar values of the deck; calibrate a material's "
                       "conductivity through its hydraulic_conductivity value");
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
  try {
    setup.observations = monitoring::make_observations(
        samples, setup.spec.error_relative, setup.spec.error_absolute, setup.spec.log_transform);
  } catch (const std::invalid_argument& e) {
    throw InputError("assimilation.error", setup.spec.where, e.what());
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
/// [d], no field outputs, without the monitoring, assimilation and ensemble blocks.
std::string member_deck_text(const Setup& setup, const std::vector<double>& values, double end) {
  std::vector<std::vector<std::string>> paths;
  for (const auto& parameter : setup.spec.parameters)
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
  root["output"]["vtk"] = false;
  root["output"]["hdf5"] = false;
  YAML::Emitter out;
  out << root;
  return std::string(out.c_str()) + "\n";
}

/// A run's observations.csv: per "location,variable", its (time [d], value) rows in time order.
std::map<std::string, std::vector<std::pair<double, double>>>
read_series(const std::filesystem::path& folder) {
  const auto table = read_csv_table(folder / "observations.csv");
  const auto time = table.column("time"), location = table.column("location"),
             variable = table.column("variable"), value = table.column("value");
  std::map<std::string, std::vector<std::pair<double, double>>> series;
  for (const auto& row : table.rows)
    series[row[location] + "," + row[variable]].emplace_back(std::stod(row[time]),
                                                             std::stod(row[value]));
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

/// The simulated concentrations [mg/L] of one member at every sample (rank 0 reads its folder).
std::vector<double> member_values(const Setup& setup, const std::filesystem::path& folder) {
  const auto series = read_series(folder);
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

std::filesystem::path iteration_folder(const Setup& setup, int iteration) {
  return setup.folder / "runs" / fmt::format("iteration_{}", iteration);
}

/// Collective: runs every member of one iteration (parameters in the Gaussian space of
/// to_gaussian) across the groups, to `end` [d]; returns the simulated concentrations [mg/L] at
/// the samples (N_e x N_d), the same on every rank. Throws NumericalError when a run failed.
MemberMatrix run_iteration(const RunGroups& groups, MPI_Comm world, const Setup& setup,
                           const MemberMatrix& gaussian, int iteration, double end) {
  const int members = static_cast<int>(gaussian.size());
  const auto folder = iteration_folder(setup, iteration);
  for (int r = groups.group(); r < members; r += groups.groups()) {
    std::vector<double> values;
    for (std::size_t p = 0; p < setup.spec.parameters.size(); ++p)
      values.push_back(monitoring::from_gaussian(setup.spec.parameters[p], gaussian[r][p]));
    RunOptions member = setup.options;
    member.output_folder = folder / fmt::format("{:04d}", r);
    std::string status = "ok";
    try {
      run_simulation(groups.comm(),
                     read_deck_text(member_deck_text(setup, values, end), setup.deck.path), member);
    } catch (const InputError& e) {
      status = fmt::format("input error: {}", e.what());
    } catch (const NumericalError& e) {
      status = fmt::format("numerical error: {}", e.what());
    }
    if (groups.group_root()) write_run_status(member.output_folder, status);
  }
  MPI_Barrier(world);
  const std::size_t nd = setup.input.data.samples.size();
  std::vector<double> flat(static_cast<std::size_t>(members) * nd, 0.0);
  std::string failure;
  if (groups.world_root()) {
    for (int r = 0; r < members && failure.empty(); ++r) {
      const auto out = folder / fmt::format("{:04d}", r);
      const std::string status = read_run_status(out);
      if (status != "ok") {
        failure = fmt::format("member {} of iteration {} failed ({}): {}", r, iteration,
                              out.string(), status.substr(0, 300));
        break;
      }
      const auto values = member_values(setup, out);
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

/// Values in the deck's units of a matrix in the Gaussian space.
MemberMatrix deck_values(const Setup& setup, const MemberMatrix& gaussian) {
  MemberMatrix values = gaussian;
  for (auto& row : values)
    for (std::size_t p = 0; p < row.size(); ++p)
      row[p] = monitoring::from_gaussian(setup.spec.parameters[p], row[p]);
  return values;
}

/// predictive.csv rows of one stage: per observation point of the deck, variable and output time
/// of the deck, the P5/P50/P95 over the members.
std::string predictive_rows(const Setup& setup, int iteration, int members, const char* stage) {
  std::map<std::pair<std::string, double>, std::vector<double>> values;
  for (int r = 0; r < members; ++r) {
    const auto series = read_series(iteration_folder(setup, iteration) / fmt::format("{:04d}", r));
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
/// met the risk target within the horizon (compliance.csv's time_to_target not NaN).
std::string compliance_rows(const Setup& setup, int iteration, int members, const char* stage) {
  std::map<std::string, std::pair<int, int>> met; // receptor: (met, members)
  for (int r = 0; r < members; ++r) {
    const auto table = read_csv_table(iteration_folder(setup, iteration) /
                                      fmt::format("{:04d}", r) / "compliance.csv");
    for (const auto& row : table.rows) {
      auto& entry = met[row[table.column("receptor")]];
      entry.first += row[table.column("time_to_target")] == "nan" ? 0 : 1;
      entry.second += 1;
    }
  }
  std::string text;
  for (const auto& [receptor, entry] : met)
    text += fmt::format("{},{},{},{:.10g}\n", receptor, stage, entry.second,
                        static_cast<double>(entry.first) / entry.second);
  return text;
}

/// Rank 0: the output tables.
void write_tables(const Setup& setup, const MemberMatrix& prior, const MemberMatrix& posterior,
                  const MemberMatrix& prior_simulated, const MemberMatrix& posterior_simulated,
                  const std::string& misfit) {
  const auto& parameters = setup.spec.parameters;
  const auto& folder = setup.folder;
  const int members = static_cast<int>(prior.size());
  const int last = setup.spec.iterations;
  io::write_file_atomically(folder / "posterior.csv",
                            monitoring::posterior_csv(parameters, deck_values(setup, posterior)));
  io::write_file_atomically(folder / "parameters_summary.csv",
                            monitoring::parameters_summary_csv(parameters,
                                                               deck_values(setup, prior),
                                                               deck_values(setup, posterior)));
  io::write_file_atomically(
      folder / "fit.csv",
      monitoring::fit_csv(setup.input.data.samples, prior_simulated, posterior_simulated));
  io::write_file_atomically(folder / "misfit.csv", "iteration,mean_normalized_misfit\n" + misfit);
  io::write_file_atomically(folder / "predictive.csv",
                            "location,variable,time,stage,p5,p50,p95\n" +
                                predictive_rows(setup, 0, members, "prior") +
                                predictive_rows(setup, last, members, "posterior"));
  if (setup.deck.root.has("risk"))
    io::write_file_atomically(folder / "compliance_probability.csv",
                              "receptor,stage,realizations,probability_target_met\n" +
                                  compliance_rows(setup, 0, members, "prior") +
                                  compliance_rows(setup, last, members, "posterior"));
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
    for (std::size_t p = 0; p < spec.parameters.size(); ++p)
      gaussian[r].push_back(monitoring::prior_gaussian(spec.parameters[p], spec.seed, p, r));
  const MemberMatrix prior = gaussian;
  // The updates need the data period only; the prior and the posterior run the whole horizon.
  const double data_end = std::max(setup.data_times.back(), kTimeTolerance);
  if (root)
    fmt::print("terrafate: ES-MDA, {} members x {} iterations, {} data, {} parameters, on {} "
               "group(s) of {} rank(s)\n",
               members, spec.iterations, setup.observations.value.size(), spec.parameters.size(),
               groups.groups(), ranks_per_run);
  MemberMatrix prior_simulated, simulated;
  std::string misfit;
  for (int i = 0; i <= spec.iterations; ++i) {
    const bool whole = i == 0 || i == spec.iterations;
    simulated = run_iteration(groups, world, setup, gaussian, i, whole ? deck.time.end : data_end);
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
    write_tables(setup, prior, gaussian, prior_simulated, simulated, misfit);
    fmt::print("terrafate: posterior in {}\n", (setup.folder / "posterior.csv").string());
  }
  MPI_Barrier(world);
}

} // namespace terrafate
