#include "terrafate/app/optimize.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <map>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "terrafate/app/run_groups.hpp"
#include "terrafate/core/csv_table.hpp"
#include "terrafate/core/version.hpp"
#include "terrafate/io/atomic_file.hpp"

namespace terrafate {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr const char* kLevelNames[] = {"natural_attenuation", "risk_control", "active_remediation"};

/// The type of remediation action `name` in the deck's YAML.
std::string action_type(const Deck& deck, const std::string& name) {
  for (const auto& entry : deck.root.at("remediation").elements())
    if (entry.string("name") == name) return entry.string("type");
  return "";
}

ActionType parse_type(const std::string& type) {
  static const std::map<std::string, ActionType> types = {
      {"permeable_reactive_barrier", ActionType::permeable_reactive_barrier},
      {"barrier_wall", ActionType::barrier_wall},
      {"pump_and_treat", ActionType::pump_and_treat},
      {"excavation", ActionType::excavation},
      {"enhanced_bioremediation", ActionType::enhanced_bioremediation},
      {"thermal", ActionType::thermal},
      {"chemical_oxidation", ActionType::chemical_oxidation},
      {"source_removal", ActionType::source_removal},
      {"cap", ActionType::cap},
      {"monitoring", ActionType::monitoring},
      {"soil_vapour_extraction", ActionType::soil_vapour_extraction}};
  return types.at(type);
}

/// What an evaluated strategy achieved, from its output folder.
struct Evaluation {
  std::string name;
  InterventionLevel level = InterventionLevel::natural_attenuation;
  bool ok = false; ///< the simulation succeeded
  std::string status;
  bool feasible = false;
  double time_to_target = kNaN;  ///< [d] the latest over the receptors; NaN: never
  double max_cancer_risk = 0.0;  ///< over the receptors and the horizon
  double exceedance_after = 0.0; ///< largest CR/target or HI/HQ target from the deadline on
  double tco2e = 0.0, cost = 0.0;
  std::map<std::string, double> phases; ///< t CO2e per phase
};

double number(const std::string& text) {
  return text == "nan" ? kNaN : std::stod(text);
}

Evaluation evaluate(const std::filesystem::path& out, const StrategySpec& strategy,
                    InterventionLevel level, const ObjectiveSpec& objective, double target_risk,
                    double target_quotient) {
  Evaluation result;
  result.name = strategy.name;
  result.level = level;
  result.status = read_run_status(out);
  result.ok = result.status == "ok";
  if (!result.ok) return result;
  const auto compliance = read_csv_table(out / "compliance.csv");
  result.feasible = !compliance.rows.empty();
  double latest = 0.0;
  for (const auto& row : compliance.rows) {
    const double t = number(row[compliance.column("time_to_target")]);
    result.max_cancer_risk =
        std::max(result.max_cancer_risk, number(row[compliance.column("max_cancer_risk")]));
    if (std::isnan(t) || t > objective.deadline) result.feasible = false;
    latest = std::isnan(t) || std::isnan(latest) ? kNaN : std::max(latest, t);
  }
  result.time_to_target = latest;
  const auto risk = read_csv_table(out / "risk.csv");
  for (const auto& row : risk.rows)
    if (row[risk.column("species")] == "all" &&
        number(row[risk.column("time")]) >= objective.deadline)
      result.exceedance_after =
          std::max({result.exceedance_after, number(row[risk.column("cancer_risk")]) / target_risk,
                    number(row[risk.column("hazard_quotient")]) / target_quotient});
  const auto carbon = read_csv_table(out / "carbon_summary.csv");
  for (const auto& row : carbon.rows) {
    const double value = number(row[1]);
    if (row[0] == "total") {
      result.tco2e = value;
      result.cost = number(row[2]);
    } else {
      result.phases[row[0]] = value;
    }
  }
  return result;
}

/// Whether a dominates b over (carbon, time to target, cost), all minimized.
bool dominates(const Evaluation& a, const Evaluation& b) {
  const double ta =
      std::isnan(a.time_to_target) ? std::numeric_limits<double>::infinity() : a.time_to_target;
  const double tb =
      std::isnan(b.time_to_target) ? std::numeric_limits<double>::infinity() : b.time_to_target;
  const bool no_worse = a.tco2e <= b.tco2e && ta <= tb && a.cost <= b.cost;
  const bool better = a.tco2e < b.tco2e || ta < tb || a.cost < b.cost;
  return no_worse && better;
}

std::string json_string(const std::string& text) {
  std::string quoted = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c == '\n' ? ' ' : c;
  }
  return quoted + "\"";
}

std::string json_number(double value) {
  return std::isnan(value) ? std::string("null") : fmt::format("{}", value);
}
} // namespace

InterventionLevel intervention_level(ActionType type) {
  switch (type) {
  case ActionType::monitoring:
  case ActionType::cap:
  case ActionType::barrier_wall:
    return InterventionLevel::risk_control;
  default:
    return InterventionLevel::active_remediation;
  }
}

const char* level_name(InterventionLevel level) {
  return kLevelNames[static_cast<int>(level)];
}

OptimizationSpec read_optimization_spec(const Deck& deck) {
  OptimizationSpec spec;
  const ConfigNode strategies = deck.root.at("strategies");
  const auto remediation = deck.root.find("remediation");
  for (const auto& entry : strategies.elements()) {
    entry.expect_keys({"name", "actions"});
    StrategySpec strategy;
    strategy.name = entry.string("name");
    for (const auto& other : spec.strategies)
      if (other.name == strategy.name)
        throw entry.at("name").error(fmt::format("strategy '{}' is defined twice", strategy.name));
    for (const auto& action : entry.at("actions").elements()) {
      const std::string name = action.as_string();
      if (!remediation || action_type(deck, name).empty())
        throw action.error(fmt::format("no remediation action named '{}'", name));
      strategy.actions.push_back(name);
    }
    spec.strategies.push_back(strategy);
  }
  if (spec.strategies.empty()) throw strategies.error("at least one strategy is required");
  const ConfigNode objective = deck.root.at("objective");
  objective.expect_keys({"deadline", "horizon", "minimize", "confidence"});
  spec.objective.horizon = objective.quantity("horizon", "d", Range::positive());
  spec.objective.deadline = objective.quantity("deadline", "d", Range::non_negative());
  if (spec.objective.deadline > spec.objective.horizon)
    throw objective.at("deadline").error("the deadline is after the horizon");
  spec.objective.minimize = objective.has("minimize")
                                ? objective.at("minimize").as_choice({"carbon", "cost"})
                                : std::string("carbon");
  if (objective.has("confidence"))
    throw objective.at("confidence")
        .error("confidence applies to ensembles, which terrafate optimize does not evaluate yet");
  if (!deck.root.has("risk"))
    throw objective.error("optimize judges compliance by risk: the deck needs a risk: section");
  if (!deck.root.has("carbon"))
    throw objective.error("optimize minimizes the footprint: the deck needs a carbon: section");
  if (deck.root.has("ensemble"))
    throw deck.root.at("ensemble")
        .error("terrafate optimize does not evaluate ensembles yet: remove ensemble:");
  // The shared history ends at the earliest start of an action that changes the physics.
  spec.branch_time = spec.objective.horizon;
  for (const auto& strategy : spec.strategies)
    for (const auto& name : strategy.actions)
      for (const auto& entry : remediation->elements())
        if (entry.string("name") == name && entry.string("type") != "monitoring")
          spec.branch_time =
              std::min(spec.branch_time, entry.quantity("start", "d", Range::non_negative()));
  return spec;
}

std::string strategy_deck_text(const Deck& deck, const OptimizationSpec& spec,
                               const std::vector<std::string>& actions) {
  YAML::Node root = YAML::Load(deck.text);
  for (const char* key : {"strategies", "objective", "design_space"})
    root.remove(key);
  YAML::Node kept(YAML::NodeType::Sequence);
  if (root["remediation"])
    for (std::size_t n = 0; n < root["remediation"].size(); ++n) {
      const auto name = root["remediation"][n]["name"].as<std::string>();
      if (std::find(actions.begin(), actions.end(), name) != actions.end())
        kept.push_back(root["remediation"][n]);
    }
  root.remove("remediation");
  if (kept.size() > 0) root["remediation"] = kept;
  // The horizon is the end; output times beyond it are dropped and it is an output.
  root["time"]["end"] = fmt::format("{:.17g}", spec.objective.horizon);
  YAML::Node times(YAML::NodeType::Sequence);
  for (const double t : deck.time.output_times)
    if (t < spec.objective.horizon) times.push_back(fmt::format("{:.17g}", t));
  times.push_back(fmt::format("{:.17g}", spec.objective.horizon));
  root["time"]["output_times"] = times;
  YAML::Emitter out;
  out << root;
  return std::string(out.c_str()) + "\n";
}

void run_strategy(MPI_Comm comm, const Deck& deck, const std::string& name,
                  const RunOptions& options) {
  const auto spec = read_optimization_spec(deck);
  const auto found = std::find_if(spec.strategies.begin(), spec.strategies.end(),
                                  [&](const auto& strategy) { return strategy.name == name; });
  if (found == spec.strategies.end())
    throw InputError(
        fmt::format("--strategy: no strategy named '{}' in {}", name, deck.path.string()));
  RunOptions run = options;
  run.breakpoints.push_back(spec.branch_time);
  run_simulation(comm, read_deck_text(strategy_deck_text(deck, spec, found->actions), deck.path),
                 run);
}

void run_optimize(MPI_Comm world, const Deck& deck, const RunOptions& options, int ranks_per_run) {
  const auto spec = read_optimization_spec(deck);
  const RunGroups run_groups(world, ranks_per_run);
  const MPI_Comm comm = run_groups.comm();
  const int groups = run_groups.groups();
  const int group = run_groups.group();
  const bool root = run_groups.world_root();
  const auto& folder = options.output_folder;
  prepare_output_folder(world, folder, options.overwrite);
  // Every strategy's deck must build (the same on all ranks, so errors are uniform).
  std::vector<Deck> decks;
  for (const auto& strategy : spec.strategies) {
    decks.push_back(read_deck_text(strategy_deck_text(deck, spec, strategy.actions), deck.path));
    const Model model(comm, decks.back());
  }
  const auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };

  // The shared history (no actions), once, on the first group; every strategy continues it.
  const bool branching = spec.branch_time > 0.0 && spec.branch_time < spec.objective.horizon;
  const auto branch = folder / "shared_history" / "branch.h5";
  double history_seconds = 0.0;
  if (branching) {
    if (group == 0) {
      RunOptions base = options;
      base.output_folder = folder / "shared_history";
      base.overwrite = true;
      base.quiet = true;
      base.breakpoints = {spec.branch_time};
      base.stop_at = spec.branch_time;
      base.stop_checkpoint = branch;
      run_simulation(comm, read_deck_text(strategy_deck_text(deck, spec, {}), deck.path), base);
    }
    MPI_Barrier(world);
    history_seconds = elapsed();
    if (root)
      fmt::print("terrafate: shared history to {} d in {:.1f} s; {} strategies continue it\n",
                 spec.branch_time, history_seconds, spec.strategies.size());
  }

  const std::size_t count = spec.strategies.size();
  for (std::size_t s = static_cast<std::size_t>(group); s < count;
       s += static_cast<std::size_t>(groups)) {
    RunOptions run = options;
    run.output_folder = folder / "strategies" / spec.strategies[s].name;
    run.overwrite = true;
    run.quiet = true;
    run.breakpoints = {spec.branch_time};
    if (branching) {
      run.restart = branch;
      run.branch = true;
    }
    std::string status = "ok";
    try {
      run_simulation(comm, decks[s], run);
    } catch (const InputError& e) {
      status = fmt::format("input error: {}", e.what());
    } catch (const NumericalError& e) {
      status = fmt::format("numerical error: {}", e.what());
    }
    if (run_groups.group_root()) write_run_status(run.output_folder, status);
    if (root) {
      const double done = static_cast<double>(s + 1);
      fmt::print("terrafate: evaluation {} of {} ({}): {}; {:.1f} s, ETA {:.0f} s\n", s + 1, count,
                 spec.strategies[s].name, status.substr(0, 160), elapsed(),
                 elapsed() * (static_cast<double>(count) - done) / done);
    }
  }
  const double evaluation_seconds = elapsed() - history_seconds;
  MPI_Barrier(world);
  if (!root) return;

  // Results, recommendation, Pareto set.
  const ConfigNode risk = deck.root.at("risk");
  const double target_risk =
      risk.has("target") ? risk.at("target").quantity_or("cancer_risk", 1e-6, "1") : 1e-6;
  const double target_quotient =
      risk.has("target") ? risk.at("target").quantity_or("hazard_quotient", 1.0, "1") : 1.0;
  std::vector<Evaluation> results;
  for (std::size_t s = 0; s < count; ++s) {
    auto level = InterventionLevel::natural_attenuation;
    for (const auto& name : spec.strategies[s].actions)
      level = std::max(level, intervention_level(parse_type(action_type(deck, name))));
    results.push_back(evaluate(folder / "strategies" / spec.strategies[s].name, spec.strategies[s],
                               level, spec.objective, target_risk, target_quotient));
  }
  const char* phases[] = {"construction", "operation", "monitoring", "transport_and_disposal"};
  std::string table = "name,level,feasible,probability_of_compliance,time_to_target,tco2e,cost,"
                      "max_cancer_risk,exceedance_after_deadline,tco2e_construction,"
                      "tco2e_operation,tco2e_monitoring,tco2e_transport_and_disposal,status\n";
  for (const auto& r : results) {
    table += fmt::format("{},{},{},{},{},{},{},{},{}", r.name, level_name(r.level),
                         r.feasible ? 1 : 0, r.ok ? (r.feasible ? 1.0 : 0.0) : kNaN,
                         std::isnan(r.time_to_target) ? std::string("nan")
                                                      : fmt::format("{}", r.time_to_target),
                         r.tco2e, r.cost, r.max_cancer_risk, r.exceedance_after);
    for (const char* phase : phases)
      table += fmt::format(",{}", r.phases.count(phase) ? r.phases.at(phase) : 0.0);
    table += fmt::format(",{}\n", r.ok ? "ok" : "failed");
  }
  io::write_file_atomically(folder / "strategies.csv", table);

  std::vector<const Evaluation*> feasible;
  for (const auto& r : results)
    if (r.ok && r.feasible) feasible.push_back(&r);
  const bool by_cost = spec.objective.minimize == "cost";
  std::sort(feasible.begin(), feasible.end(), [&](const Evaluation* a, const Evaluation* b) {
    const double ka = by_cost ? a->cost : a->tco2e, kb = by_cost ? b->cost : b->tco2e;
    if (ka != kb) return ka < kb;
    return a->level < b->level; // ties: less intervention
  });
  std::string pareto = "name,level,tco2e,time_to_target,cost\n";
  for (const auto* a : feasible) {
    if (std::any_of(feasible.begin(), feasible.end(),
                    [&](const Evaluation* b) { return dominates(*b, *a); }))
      continue;
    pareto += fmt::format("{},{},{},{},{}\n", a->name, level_name(a->level), a->tco2e,
                          json_number(a->time_to_target), a->cost);
  }
  io::write_file_atomically(folder / "pareto.csv", pareto);

  std::string json = "{\n";
  std::string summary;
  if (!feasible.empty()) {
    const auto& best = *feasible.front();
    json += fmt::format("  \"recommended\": {},\n", json_string(best.name));
    std::string why = fmt::format(
        "{} keeps every receptor within the risk target from {} d (deadline {} d) to the "
        "horizon ({} d), with the lowest {} of the {} feasible strategies: {:.6g} t CO2e "
        "(level: {})",
        best.name, json_number(best.time_to_target), spec.objective.deadline,
        spec.objective.horizon, by_cost ? "cost" : "footprint", feasible.size(), best.tco2e,
        level_name(best.level));
    if (feasible.size() > 1) {
      const auto& second = *feasible[1];
      why += fmt::format("; the runner-up {} needs {:.6g} t CO2e more (level: {})", second.name,
                         second.tco2e - best.tco2e, level_name(second.level));
      json += fmt::format("  \"runner_up\": {},\n  \"margin_tco2e\": {},\n",
                          json_string(second.name), second.tco2e - best.tco2e);
    }
    json +=
        fmt::format("  \"tco2e\": {},\n  \"level\": {},\n  \"time_to_target\": {},\n", best.tco2e,
                    json_string(level_name(best.level)), json_number(best.time_to_target));
    json += fmt::format("  \"reasons\": {},\n", json_string(why));
    summary = why;
  } else {
    const Evaluation* closest = nullptr;
    for (const auto& r : results)
      if (r.ok && (!closest || r.exceedance_after < closest->exceedance_after)) closest = &r;
    const std::string why =
        closest ? fmt::format("no strategy keeps every receptor compliant from the deadline ({} "
                              "d) to the horizon ({} d); the closest is {}, whose risk after the "
                              "deadline peaks at {:.4g} times the target",
                              spec.objective.deadline, spec.objective.horizon, closest->name,
                              closest->exceedance_after)
                : std::string("no strategy could be simulated");
    json += "  \"recommended\": null,\n";
    json += fmt::format("  \"closest\": {},\n",
                        closest ? json_string(closest->name) : std::string("null"));
    json += fmt::format("  \"reasons\": {},\n", json_string(why));
    summary = why;
  }
  json += fmt::format("  \"feasible\": {},\n  \"evaluated\": {},\n", feasible.size(), count);
  json += fmt::format("  \"deadline\": {},\n  \"horizon\": {},\n  \"target_cancer_risk\": {},\n",
                      spec.objective.deadline, spec.objective.horizon, target_risk);
  json += fmt::format("  \"shared_history_days\": {},\n  \"shared_history_seconds\": {:.3f},\n",
                      branching ? spec.branch_time : 0.0, history_seconds);
  json += fmt::format("  \"evaluation_seconds\": {:.3f},\n", evaluation_seconds);
  json += fmt::format("  \"saved_seconds_estimate\": {:.3f}\n}}\n",
                      branching ? history_seconds * static_cast<double>(count - 1) : 0.0);
  io::write_file_atomically(folder / "recommendation.json", json);

  std::string report = fmt::format("# {}: remediation strategies\n\n", deck.title);
  report += fmt::format("**Recommendation.** {}.\n\n", summary);
  report += fmt::format(
      "Objective: every receptor compliant (total cancer risk <= {:g}, hazard index <= {:g}, "
      "standards met) from the deadline {} d to the horizon {} d; minimize {}; ties go to the "
      "lower intervention level (natural attenuation < risk control < active remediation).\n\n",
      target_risk, target_quotient, spec.objective.deadline, spec.objective.horizon,
      spec.objective.minimize);
  report += "| strategy | level | feasible | time to target [d] | t CO2e | cost | max CR |\n";
  report += "|---|---|---|---|---|---|---|\n";
  for (const auto& r : results)
    report += fmt::format("| {} | {} | {} | {} | {:.4g} | {:.4g} | {:.3g} |\n", r.name,
                          level_name(r.level), r.ok ? (r.feasible ? "yes" : "no") : "failed",
                          json_number(r.time_to_target), r.tco2e, r.cost, r.max_cancer_risk);
  report += fmt::format(
      "\nEvery strategy continued a shared history of {} d (simulated once, {:.1f} s). The "
      "per-strategy outputs (risk.csv, compliance.csv, ledger.csv, carbon.csv, results.h5) are "
      "in strategies/<name>/; strategies.csv, pareto.csv and recommendation.json hold the "
      "numbers. Plots: `python3 scripts/plot_strategies.py {}`.\n",
      branching ? spec.branch_time : 0.0, history_seconds, folder.string());
  // The plots, made from the files above (matplotlib); the report shows those that exist.
  const auto plotter =
      std::filesystem::path(kDataDirectory).parent_path() / "scripts" / "plot_strategies.py";
  const bool plotted =
      std::filesystem::exists(plotter) &&
      std::system(fmt::format("/usr/bin/python3 '{}' '{}' > '{}' 2>&1", plotter.string(),
                              folder.string(), (folder / "plots.log").string())
                      .c_str()) == 0;
  if (plotted) {
    report += "\n## Plots\n\n";
    for (const auto& entry : std::filesystem::directory_iterator(folder))
      if (entry.path().extension() == ".png")
        report += fmt::format("![{}]({})\n\n", entry.path().stem().string(),
                              entry.path().filename().string());
  } else {
    report += "\n(No plots: scripts/plot_strategies.py or matplotlib is not available; see "
              "plots.log.)\n";
  }
  io::write_file_atomically(folder / "report.md", report);
  fmt::print("terrafate: {}\nresults in {}\n", summary, std::filesystem::absolute(folder).string());
}

} // namespace terrafate
