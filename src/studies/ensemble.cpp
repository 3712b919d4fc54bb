#include "terrafate/studies/ensemble.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "terrafate/core/distribution.hpp"
#include "terrafate/core/random.hpp"
#include "terrafate/core/units.hpp"
#include "terrafate/io/atomic_file.hpp"
#include "terrafate/io/checkpoint_hdf5.hpp"
#include "terrafate/search/decision.hpp"
#include "terrafate/studies/run_groups.hpp"

namespace terrafate {

namespace {
/// Stream of the random conductivity field of parameter p in realization r (distinct from the
/// scalar parameters' streams, which are p).
std::uint64_t field_stream(std::size_t p, int realization) {
  return (std::uint64_t{1} << 63) | (static_cast<std::uint64_t>(p) << 32) |
         static_cast<std::uint64_t>(realization);
}

/// The node at `parts` in `root`: map keys, and in sequences the element whose `name` is the
/// part; an undefined node when there is none. (yaml-cpp's Node::operator= assigns contents:
/// reset() rebinds.)
YAML::Node resolve(YAML::Node root, const std::vector<std::string>& parts) {
  YAML::Node node;
  node.reset(root);
  for (const auto& part : parts) {
    YAML::Node next(YAML::NodeType::Undefined);
    if (node.IsMap() && node[part]) {
      next.reset(node[part]);
    } else if (node.IsSequence()) {
      for (std::size_t n = 0; n < node.size(); ++n)
        if (node[n].IsMap() && node[n]["name"] && node[n]["name"].IsScalar() &&
            node[n]["name"].as<std::string>() == part)
          next.reset(node[n]);
    }
    if (!next.IsDefined()) return next;
    node.reset(next);
  }
  return node;
}

} // namespace

EnsembleSpec read_ensemble_spec(const ConfigNode& node, const Deck& deck) {
  node.expect_keys({"realizations", "seed", "parameters"});
  EnsembleSpec spec;
  spec.realizations = static_cast<int>(node.at("realizations").as_integer(1, 100000));
  spec.seed = static_cast<std::uint64_t>(node.at("seed").as_integer(0, 9007199254740991L));
  if (!deck.root.has("risk"))
    throw node.error("an ensemble gives the uncertainty of the risk: it needs a risk: section");
  const YAML::Node root = YAML::Load(deck.text);
  for (const auto& entry : node.at("parameters").elements()) {
    entry.expect_keys(
        {"path", "distribution", "median", "gsd", "mean", "std", "min", "max", "field"});
    EnsembleParameter parameter;
    parameter.path = entry.string("path");
    std::stringstream stream(parameter.path);
    for (std::string part; std::getline(stream, part, '.');)
      parameter.parts.push_back(part);
    if (parameter.parts.empty() || parameter.parts[0] == "ensemble")
      throw entry.at("path").error("the path must name a value of the deck");
    if (const auto field = entry.find("field")) {
      if (entry.has("distribution")) throw field->error("give a distribution or a field, not both");
      field->expect_keys({"type", "log10_std", "correlation_length"});
      field->at("type").as_choice({"gaussian"});
      parameter.kind = EnsembleParameter::Kind::field;
      if (parameter.parts.size() != 3 || parameter.parts[0] != "materials" ||
          parameter.parts[2] != "hydraulic_conductivity")
        throw entry.at("path").error(
            "a random field applies to materials.<material>.hydraulic_conductivity");
      for (std::size_t m = 0; m < deck.materials.size(); ++m)
        if (deck.materials[m].name == parameter.parts[1]) parameter.material = static_cast<int>(m);
      if (parameter.material < 0)
        throw entry.at("path").error(fmt::format("no material named '{}'", parameter.parts[1]));
      parameter.log10_std = field->quantity("log10_std", "1", Range::positive());
      parameter.correlation_length =
          field->at("correlation_length").as_vector<3>("m", Range::positive());
    } else {
      const YAML::Node target = resolve(root, parameter.parts);
      if (!target.IsDefined() || !target.IsScalar())
        throw entry.at("path").error(fmt::format(
            "'{}' names no single value of the deck (a list element is chosen by its name)",
            parameter.path));
      const Distribution distribution = read_distribution(entry, true);
      parameter.kind =
          distribution.kind == Distribution::Kind::lognormal ? EnsembleParameter::Kind::lognormal
          : distribution.kind == Distribution::Kind::normal  ? EnsembleParameter::Kind::normal
                                                             : EnsembleParameter::Kind::uniform;
      parameter.a = distribution.a;
      parameter.b = distribution.b;
    }
    spec.parameters.push_back(parameter);
  }
  if (spec.parameters.empty()) throw node.at("parameters").error("at least one parameter");
  return spec;
}

double sample_parameter(const EnsembleSpec& spec, std::size_t p, int realization) {
  if (!spec.values.empty()) return spec.values.at(static_cast<std::size_t>(realization)).at(p);
  const auto& parameter = spec.parameters[p];
  const auto r = static_cast<std::uint64_t>(realization);
  switch (parameter.kind) {
  case EnsembleParameter::Kind::normal:
    return parameter.a + parameter.b * random_normal(spec.seed, p, r);
  case EnsembleParameter::Kind::lognormal:
    return parameter.a * std::pow(parameter.b, random_normal(spec.seed, p, r));
  case EnsembleParameter::Kind::uniform:
    return parameter.a + (parameter.b - parameter.a) * random_uniform(spec.seed, p, r);
  case EnsembleParameter::Kind::field:
    break;
  }
  return std::nan("");
}

std::string deck_text_with_values(const std::string& text,
                                  const std::vector<std::vector<std::string>>& paths,
                                  const std::vector<double>& values,
                                  const std::vector<std::string>& removed) {
  YAML::Node root = YAML::Load(text);
  for (const auto& key : removed)
    root.remove(key);
  for (std::size_t p = 0; p < paths.size(); ++p) {
    YAML::Node target = resolve(root, paths[p]);
    // A remediation value of an action this deck (a strategy's) does not take: nothing to set.
    if (!target.IsDefined() && paths[p].front() == "remediation") continue;
    target = fmt::format("{:.17g}", values.at(p));
  }
  YAML::Emitter out;
  out << root;
  return std::string(out.c_str()) + "\n";
}

std::string realization_deck_text(const Deck& deck, const EnsembleSpec& spec, int realization) {
  std::vector<std::vector<std::string>> paths;
  std::vector<double> values;
  for (std::size_t p = 0; p < spec.parameters.size(); ++p) {
    if (spec.parameters[p].kind == EnsembleParameter::Kind::field) continue;
    paths.push_back(spec.parameters[p].parts);
    values.push_back(sample_parameter(spec, p, realization));
  }
  return deck_text_with_values(deck.text, paths, values, {"ensemble"});
}

std::vector<ConductivityField> realization_fields(const EnsembleSpec& spec, int realization) {
  std::vector<ConductivityField> fields;
  for (std::size_t p = 0; p < spec.parameters.size(); ++p) {
    const auto& parameter = spec.parameters[p];
    if (parameter.kind == EnsembleParameter::Kind::field)
      fields.push_back({parameter.material, parameter.log10_std, parameter.correlation_length,
                        spec.seed, field_stream(p, realization)});
  }
  return fields;
}

double stability_window(const Deck& deck) {
  const auto decision = deck.root.find("decision");
  return decision ? decision->quantity_or("stability_window", 5 * kDaysPerYear, "d",
                                          Range::non_negative())
                  : 5 * kDaysPerYear;
}

bool unstable_run(const RunResult& run, double window, double target_risk, double target_quotient) {
  // [-] Rises over the window smaller than this fraction of a target do not count (numerical
  // noise far below the target).
  constexpr double kStabilityTolerance = 1.0e-3;
  return std::any_of(run.receptors.begin(), run.receptors.end(), [&](const auto& receptor) {
    std::vector<double> ratios;
    for (std::size_t n = 0; n < receptor.series_cancer_risk.size(); ++n)
      ratios.push_back(std::fmax(std::max(receptor.series_cancer_risk[n] / target_risk,
                                          receptor.series_hazard_index[n] / target_quotient),
                                 receptor.series_standard_ratio[n]));
    return search::rising_at_end(run.series_times, ratios, window, kStabilityTolerance);
  });
}

namespace {
/// The progress line of realization r: its status, the elapsed time since `start` and an ETA
/// from the mean time of the `done` of this group's `count` realizations.
void report_realization(int r, int total, const std::string& status,
                        std::chrono::steady_clock::time_point start, int done, int count) {
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  fmt::print("terrafate: realization {} of {}: {}; elapsed {:.1f} s, ETA {:.0f} s\n", r + 1, total,
             status.substr(0, 200), elapsed, elapsed / done * (count - done));
  std::fflush(stdout);
}

/// --resume: whether the realization in `out` finished in an earlier run (status "ok") and
/// whether it holds a checkpoint to continue from, as the group root sees them (broadcast, so
/// every rank of the group agrees).
std::pair<bool, bool> resume_state(MPI_Comm comm, const std::filesystem::path& out,
                                   bool group_root) {
  int state[2] = {0, 0};
  if (group_root) {
    state[0] = read_run_status(out) == "ok" ? 1 : 0;
    state[1] = io::kept_checkpoints_before(out / "checkpoints" / "newest.h5").empty() ? 0 : 1;
  }
  MPI_Bcast(state, 2, MPI_INT, 0, comm);
  return {state[0] != 0, state[1] != 0};
}

/// risk_quantiles.csv: per output time and receptor, the P5/P50/P95 of the total cancer risk
/// and hazard index over the realizations that succeeded (`runs`), and the fraction of them that
/// met the target by that time (time_to_target <= time); a last column date with `start_day`.
void write_risk_quantiles(const std::vector<RunResult>& runs, const std::filesystem::path& folder,
                          std::optional<long> start_day) {
  std::map<std::pair<double, std::string>, std::array<std::vector<double>, 2>> values;
  std::map<std::string, std::vector<double>> reached; // per receptor: time_to_target per member
  for (const auto& run : runs) {
    for (std::size_t n = 0; n < run.output_times.size(); ++n)
      for (const auto& receptor : run.receptors) {
        auto& entry = values[{run.output_times[n], receptor.name}];
        entry[0].push_back(receptor.site_cancer_risk[n]);
        entry[1].push_back(receptor.site_hazard_index[n]);
      }
    for (const auto& receptor : run.receptors)
      reached[receptor.name].push_back(receptor.time_to_target);
  }
  std::string quantiles = "time,receptor,realizations,cancer_risk_p5,cancer_risk_p50,"
                          "cancer_risk_p95,hazard_index_p5,hazard_index_p50,hazard_index_p95,"
                          "probability_target_met\n";
  for (const auto& [key, entry] : values) {
    const auto& times = reached[key.second];
    double met = 0.0;
    for (const double t : times)
      if (!std::isnan(t) && t <= key.first) met += 1.0;
    quantiles +=
        fmt::format("{},{},{},{},{},{},{},{},{},{}\n", key.first, key.second, entry[0].size(),
                    sample_quantile(entry[0], 0.05), sample_quantile(entry[0], 0.5),
                    sample_quantile(entry[0], 0.95), sample_quantile(entry[1], 0.05),
                    sample_quantile(entry[1], 0.5), sample_quantile(entry[1], 0.95),
                    met / static_cast<double>(times.size()));
  }
  io::write_file_atomically(folder / "risk_quantiles.csv",
                            add_date_column(quantiles, "time", start_day));
}
/// ensemble.csv: the sampled values and the status of every realization, its time to target
/// (the latest over the receptors) and stability over the last `window` [d] of the run, from
/// the per-step series (with --gather: from each realization's receptor_series.csv) against
/// the risk targets; returns the results of the realizations that succeeded.
std::vector<RunResult> write_ensemble_table(const EnsembleSpec& spec,
                                            std::vector<RunOutcome>& outcomes, double window,
                                            double target_risk, double target_quotient,
                                            const std::filesystem::path& folder) {
  std::string table = "realization,status";
  for (const auto& parameter : spec.parameters)
    if (parameter.kind != EnsembleParameter::Kind::field) table += "," + parameter.path;
  table += ",time_to_target,unstable\n";
  std::vector<RunResult> succeeded;
  for (int r = 0; r < spec.realizations; ++r) {
    auto& outcome = outcomes[static_cast<std::size_t>(r)];
    const bool ok = outcome.status == "ok";
    table += fmt::format("{},{}", r, ok ? "ok" : "failed");
    for (std::size_t p = 0; p < spec.parameters.size(); ++p)
      if (spec.parameters[p].kind != EnsembleParameter::Kind::field)
        table += fmt::format(",{}", sample_parameter(spec, p, r)); // shortest round trip
    if (ok) {
      const auto& run = outcome.result;
      double latest = 0.0; // NaN: some receptor never reaches the target
      for (const auto& receptor : run.receptors)
        latest = std::isnan(latest) || std::isnan(receptor.time_to_target)
                     ? std::nan("")
                     : std::max(latest, receptor.time_to_target);
      table += fmt::format(",{},{}", latest,
                           unstable_run(run, window, target_risk, target_quotient) ? 1 : 0);
      succeeded.push_back(std::move(outcome.result));
    } else {
      table += ",nan,";
    }
    table += "\n";
  }
  io::write_file_atomically(folder / "ensemble.csv", table);
  return succeeded;
}
} // namespace

EnsemblePart ensemble_part(const std::string& range, bool gather) {
  EnsemblePart part;
  part.gather = gather;
  if (range.empty()) return part;
  const auto colon = range.find(':');
  const auto digits = [](const std::string& text) {
    return !text.empty() && text.size() <= 9 &&
           text.find_first_not_of("0123456789") == std::string::npos;
  };
  if (colon == std::string::npos || !digits(range.substr(0, colon)) ||
      !digits(range.substr(colon + 1)))
    throw InputError(fmt::format(
        "--realizations {}: give A:B, the realizations A to B-1 (numbered from 0)", range));
  part.first = std::stoi(range.substr(0, colon));
  part.end = std::stoi(range.substr(colon + 1));
  return part;
}

void run_ensemble(MPI_Comm world, const Deck& deck, const RunOptions& options, int ranks_per_run,
                  const EnsemblePart& part) {
  const EnsembleSpec spec = read_ensemble_spec(deck.root.at("ensemble"), deck);
  const int first = part.first;
  const int end = part.end < 0 ? spec.realizations : std::min(part.end, spec.realizations);
  if (!part.gather && (first < 0 || first >= spec.realizations || part.end == 0 || first >= end))
    throw InputError(fmt::format(
        "--realizations {}:{}: the ensemble has {} realizations (0 to {}); "
        "give A:B with 0 <= A < B and A < {}",
        part.first, part.end, spec.realizations, spec.realizations - 1, spec.realizations));
  const bool whole = !part.gather && first == 0 && end == spec.realizations;
  const RunGroups run_groups(world, ranks_per_run);
  const MPI_Comm comm = run_groups.comm();
  const int groups = run_groups.groups();
  const int group = run_groups.group();
  const bool root = run_groups.world_root();
  const auto& folder = options.output_folder;
  const auto members = folder / "realizations";

  std::unique_ptr<HeldOutputFolder> held, held_members; // for the run's life
  // Every realization's status and results, on the world root: in memory from the runs, or
  // with --gather from the folders the parts left.
  std::vector<RunOutcome> outcomes;
  // The base deck must build on every group (the same on every rank, so errors are uniform);
  // its risk targets judge each realization's stability.
  const Model base_model(comm, read_deck_text(realization_deck_text(deck, spec, 0), deck.path));
  if (part.gather) {
    // Every realization must have run (its status written, "ok" or the failure).
    std::string missing;
    int count = 0;
    if (root)
      for (int r = 0; r < spec.realizations; ++r)
        if (!std::filesystem::exists(members / fmt::format("{:04d}", r) / "status.txt")) {
          if (++count <= 20) missing += fmt::format("{}{}", count > 1 ? ", " : "", r);
        }
    MPI_Bcast(&count, 1, MPI_INT, 0, world);
    if (count > 0)
      throw InputError(fmt::format(
          "--gather: {} of the {} realizations have not run to the end in {} (no "
          "realizations/NNNN/status.txt): {}{}; run them with --realizations A:B",
          count, spec.realizations, members.string(), missing, count > 20 ? ", ..." : ""));
  } else {
    // A part shares the folder with the other parts (job-array tasks): it writes its own
    // realizations only, and removes a summary that no longer describes the folder.
    // --resume keeps the folder and every realization that finished.
    held = prepare_output_folder(world, folder,
                                 !whole              ? FolderUse::shared
                                 : options.resume    ? FolderUse::restart
                                 : options.overwrite ? FolderUse::overwrite
                                                     : FolderUse::fresh);
    held_members = prepare_output_folder(
        world, members, whole && !options.resume ? FolderUse::fresh : FolderUse::shared);
    if (root && !whole) {
      std::error_code ignored;
      std::filesystem::remove(folder / "ensemble.csv", ignored);
      std::filesystem::remove(folder / "risk_quantiles.csv", ignored);
    }
    if (root)
      fmt::print("terrafate: ensemble of {} realizations{} on {} group(s) of {} rank(s)\n",
                 spec.realizations,
                 whole ? "" : fmt::format(" (this part: {} to {})", first, end - 1), groups,
                 ranks_per_run);

    std::map<int, RunOutcome> mine; // this group's realizations, on its root
    const auto start = std::chrono::steady_clock::now();
    const int count = (end - first - group + groups - 1) / groups; // this group's realizations
    int done = 0;
    for (int r = first + group; r < end; r += groups) {
      RunOptions member = options;
      member.output_folder = members / fmt::format("{:04d}", r);
      member.quiet = true;
      member.overwrite = true; // its own folder, inside the ensemble's
      member.restart.clear();
      ++done;
      // --resume: a realization that finished is kept; one with a checkpoint continues from it.
      const auto [finished, checkpointed] =
          options.resume ? resume_state(comm, member.output_folder, run_groups.group_root())
                         : std::pair{false, false};
      member.resume = checkpointed;
      if (finished) {
        if (root)
          fmt::print("terrafate: realization {} of {}: ok (kept from the earlier run)\n", r + 1,
                     spec.realizations);
        if (run_groups.group_root()) mine[r] = {"ok", read_risk_results(member.output_folder)};
        continue;
      }
      member.fields = realization_fields(spec, r);
      if (run_groups.group_root()) { // a status from an earlier run no longer applies
        std::error_code ignored;
        std::filesystem::remove(member.output_folder / "status.txt", ignored);
      }
      RunOutcome outcome{"ok", {}};
      try {
        outcome.result = run_simulation(
            comm, read_deck_text(realization_deck_text(deck, spec, r), deck.path), member);
      } catch (const InputError& e) {
        outcome.status = fmt::format("input error: {}", e.what());
      } catch (const NumericalError& e) {
        outcome.status = fmt::format("numerical error: {}", e.what());
      }
      if (root) report_realization(r, spec.realizations, outcome.status, start, done, count);
      if (run_groups.group_root()) {
        write_run_status(member.output_folder, outcome.status);
        mine[r] = std::move(outcome);
      }
    }
    outcomes = gather_run_outcomes(world, mine, spec.realizations);
    if (!whole) {
      if (root)
        fmt::print("terrafate: realizations {} to {} done; when every part has run, "
                   "`terrafate run {} -o {} --gather` writes ensemble.csv and "
                   "risk_quantiles.csv\n",
                   first, end - 1, deck.path.string(), folder.string());
      return;
    }
  }
  if (!root) return;

  if (part.gather)
    for (int r = 0; r < spec.realizations; ++r) {
      const auto member = members / fmt::format("{:04d}", r);
      outcomes.push_back({read_run_status(member), {}});
      if (outcomes.back().status == "ok") outcomes.back().result = read_risk_results(member);
    }
  const auto& risk = *base_model.risk;
  const auto succeeded = write_ensemble_table(spec, outcomes, stability_window(deck),
                                              risk.target_risk, risk.target_quotient, folder);
  write_risk_quantiles(succeeded, folder, deck.time.start_day());
  fmt::print("terrafate: {} of {} realizations succeeded; quantiles in {}\n", succeeded.size(),
             spec.realizations, (folder / "risk_quantiles.csv").string());
}

EnsembleSpec read_posterior_ensemble(const std::filesystem::path& path, const Deck& deck) {
  const CsvTable table = read_csv_table(path);
  const auto where = [&](std::size_t line) {
    return SourceLocation{path.string(), static_cast<int>(line), 0};
  };
  if (table.header.size() < 2 || table.header.front() != "realization")
    throw InputError("--posterior", where(1),
                     "expected the header realization,<deck paths...> of a posterior.csv");
  if (table.rows.size() < 2)
    throw InputError("--posterior", where(1), "a posterior needs at least 2 realizations");
  EnsembleSpec spec;
  spec.realizations = static_cast<int>(table.rows.size());
  const YAML::Node root = YAML::Load(deck.text);
  for (std::size_t c = 1; c < table.header.size(); ++c) {
    EnsembleParameter parameter;
    parameter.path = table.header[c];
    std::stringstream stream(parameter.path);
    for (std::string part; std::getline(stream, part, '.');)
      parameter.parts.push_back(part);
    const YAML::Node target = resolve(root, parameter.parts);
    if (!target.IsDefined() || !target.IsScalar())
      throw InputError("--posterior", where(1),
                       fmt::format("column '{}' names no single value of {}", parameter.path,
                                   deck.path.string()));
    spec.parameters.push_back(parameter);
  }
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    std::vector<double> values;
    for (std::size_t c = 1; c < table.header.size(); ++c) {
      const std::string& text = table.rows[r][c];
      std::size_t used = 0;
      double value = std::nan("");
      try {
        value = std::stod(text, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used != text.size() || !std::isfinite(value))
        throw InputError("--posterior", where(r + 2),
                         fmt::format("column '{}': '{}' is not a number", table.header[c], text));
      values.push_back(value);
    }
    spec.values.push_back(values);
  }
  return spec;
}

} // namespace terrafate
