#include "terrafate/studies/recommendation.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "terrafate/core/csv_table.hpp"
#include "terrafate/core/version.hpp"
#include "terrafate/io/atomic_file.hpp"
#include "terrafate/io/subprocess.hpp"
#include "terrafate/io/trajectories_hdf5.hpp"

namespace terrafate {

namespace {
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

/// strategies.csv's cost_status: complete, partial (cost.csv names the unpriced items), or empty
/// without cost.csv.
std::string cost_status_field(const std::string& status) {
  if (status.empty() || status == "complete") return status;
  return "partial";
}

std::string csv_number(double value) {
  return std::isnan(value) ? std::string("nan") : fmt::format("{}", value);
}

/// The recommendation's files, written in turn from the outcome.
class Recommendation {
public:
  Recommendation(const Deck& deck_, const OptimizationSpec& spec_, const Evaluator& evaluator_,
                 const StudyOutcome& outcome, const std::filesystem::path& folder_)
      : deck(deck_), spec(spec_), evaluator(evaluator_), folder(folder_), results(outcome.results),
        explicit_count(outcome.explicit_count), searching(outcome.searching),
        branching(outcome.branching), requested(outcome.requested), cached(outcome.cached),
        refinement_evaluations(outcome.refinement_evaluations), refined_from(outcome.refined_from),
        history_seconds(outcome.history_seconds), evaluation_seconds(outcome.evaluation_seconds),
        plots(outcome.plots) {}

  std::string write() {
    write_tables();
    write_pareto();
    write_trajectories();
    write_json();
    write_report();
    return feasible.empty() ? std::string() : feasible.front()->name;
  }

private:
  /// designs/*.yaml and strategies.csv.
  void write_tables() {
    if (searching) {
      std::filesystem::create_directories(folder / "designs");
      for (std::size_t i = explicit_count; i < results.size(); ++i)
        io::write_file_atomically(folder / "designs" / (results[i].name + ".yaml"),
                                  design_deck_text(deck, spec, results[i].values));
    }
    const char* phases[] = {"construction", "operation", "monitoring", "transport_and_disposal"};
    std::string table =
        "name,level,feasible,probability_of_compliance,time_to_target,tco2e,cost,"
        "max_cancer_risk,exceedance_after_deadline,tco2e_construction,"
        "tco2e_operation,tco2e_monitoring,tco2e_transport_and_disposal,status,p_low,p_high,"
        "realizations,unstable,failing_receptor,failing_criterion,failing_time,worst_ratio";
    for (const auto& p : parameters)
      table += fmt::format(",{}.{}", p.action, p.parameter);
    // The footprint indicators (footprint.csv totals) and the present-value cost (cost.csv).
    std::set<std::string> indicator_names;
    for (const auto& r : results)
      for (const auto& [name, value] : r.indicators)
        indicator_names.insert(name);
    for (const auto& name : indicator_names)
      table += "," + name;
    table += ",present_value,currency,cost_status\n";
    for (const auto& r : results) {
      table +=
          fmt::format("{},{},{},{},{},{},{},{},{}", r.name, level_name(r.level), r.feasible ? 1 : 0,
                      r.ok ? csv_number(r.probability) : "nan", csv_number(r.time_to_target),
                      r.tco2e, r.cost, r.max_cancer_risk, csv_number(r.exceedance_after));
      for (const char* phase : phases)
        table += fmt::format(",{}", r.phases.count(phase) ? r.phases.at(phase) : 0.0);
      table += fmt::format(",{}", r.status == "ok" ? "ok" : r.ok ? "partial" : "failed");
      // Where an infeasible strategy fails (empty for a feasible one); unstable: 1 when its
      // risk still rises over the stability window at the horizon (empty when no run ran).
      const bool failing = r.ok && !r.feasible && !r.failing_receptor.empty();
      table += fmt::format(",{},{},{},{},{},{},{},{}", r.ok ? csv_number(r.p_low) : "nan",
                           r.ok ? csv_number(r.p_high) : "nan", r.realizations,
                           r.ok ? (r.unstable ? "1" : "0") : "", failing ? r.failing_receptor : "",
                           failing ? r.failing_criterion : "",
                           failing ? csv_number(r.failing_time) : "", csv_number(r.worst_ratio));
      for (std::size_t p = 0; p < parameters.size(); ++p)
        table += r.design ? fmt::format(",{}", r.values[p]) : std::string(",");
      // An indicator in no footprint.csv row of a strategy that ran is 0 for it (every
      // strategy has the same carbon.indicators); nan only when the run failed.
      for (const auto& name : indicator_names)
        table += r.indicators.count(name) ? fmt::format(",{}", r.indicators.at(name))
                 : r.ok                   ? std::string(",0")
                                          : std::string(",nan");
      table += fmt::format(",{},{},{}\n", csv_number(r.present_value), r.currency,
                           cost_status_field(r.cost_status));
    }
    io::write_file_atomically(folder / "strategies.csv", table);
  }

  const char* objective_name() const {
    return by_cost                                 ? "present-value cost"
           : spec.objective.minimize == "weighted" ? "weighted score"
                                                   : "footprint";
  }

  /// The feasible strategies, best first, and pareto.csv.
  void write_pareto() {
    for (const auto& r : results)
      if (r.ok && r.feasible) feasible.push_back(&r);
    // minimize: weighted: each feasible strategy's score over the feasible strategies;
    // minimize: cost: its present value (an InputError when one is partial).
    std::map<const Evaluation*, double> score;
    if (spec.objective.minimize != "carbon") {
      std::vector<StrategyFootprint> totals;
      for (const auto* r : feasible) {
        StrategyFootprint footprint{r->name, r->indicators, {}};
        footprint.cost.total = r->present_value;
        if (r->cost_status != "complete") footprint.cost.unpriced.push_back(r->cost_status);
        totals.push_back(footprint);
      }
      const auto values = objective_values(totals, spec.objective.footprint);
      for (std::size_t i = 0; i < feasible.size(); ++i)
        score[feasible[i]] = values[i];
    }
    // The lowest objective, except that within decision.carbon_tolerance of it the lower
    // intervention level wins.
    std::vector<search::Option> options;
    for (const auto* a : feasible)
      options.push_back({score.count(a) ? score.at(a) : a->tco2e, static_cast<int>(a->level)});
    std::vector<const Evaluation*> ranked;
    for (const std::size_t i : search::ranking(options, spec.decision.carbon_tolerance))
      ranked.push_back(feasible[i]);
    // A strategy whose risk still rises at the horizon (unstable) ranks after every stable
    // feasible one; among themselves the order above holds.
    if (!ranked.empty()) first_by_objective = ranked.front();
    std::stable_partition(ranked.begin(), ranked.end(),
                          [](const Evaluation* a) { return !a->unstable; });
    feasible = ranked;
    std::vector<std::vector<double>> points;
    for (const auto* a : feasible)
      points.push_back({a->tco2e, a->time_to_target, a->cost});
    std::string pareto = "name,level,tco2e,time_to_target,cost\n";
    for (const std::size_t i : search::non_dominated(points))
      pareto += fmt::format("{},{},{},{},{}\n", feasible[i]->name, level_name(feasible[i]->level),
                            feasible[i]->tco2e, json_number(feasible[i]->time_to_target),
                            feasible[i]->cost);
    io::write_file_atomically(folder / "pareto.csv", pareto);
  }

  void write_trajectories() {
    // Risk trajectories of every strategy and design (every realization) in results.h5.
    std::vector<io::RiskTrajectory> series;
    for (const auto& r : results)
      for (std::size_t m = 0; m < r.runs.size(); ++m) {
        const std::string prefix =
            "/strategies/" + r.name +
            (spec.ensemble ? fmt::format("/realizations/{:04d}", m) : std::string());
        for (auto& t : trajectories(r.runs[m], prefix))
          series.push_back(std::move(t));
      }
    io::write_risk_trajectories(
        folder / "results.h5", series,
        {{"program", "terrafate optimize"},
         {"version", kVersion},
         {"deck", deck.path.string()},
         {"content", "per strategy and receptor (and realization): the total cancer risk and "
                     "hazard index (the all,all rows of its risk.csv) over time"}});
  }

  void write_json() {
    const auto& rule = spec.decision;
    confidence_note =
        !spec.ensemble ? std::string()
        : rule.on_lower_bound
            ? fmt::format(" with a probability whose {:g} % Clopper-Pearson lower bound over the "
                          "{} realizations is at least {:g}",
                          100.0 * (1.0 - rule.alpha), realizations, rule.confidence)
            : fmt::format(" in at least {:g} of the {} realizations", rule.confidence,
                          realizations);
    std::string json = "{\n";
    if (!feasible.empty()) {
      const auto& best = *feasible.front();
      json += fmt::format("  \"recommended\": {},\n", json_string(best.name));
      std::string why = fmt::format(
          "{} keeps every receptor within the risk target{} from {} d (deadline {} d) to the "
          "horizon ({} d), with the lowest {} of the {} {}feasible strategies: {}{:.6g} t CO2e "
          "(level: {})",
          best.name, confidence_note, json_number(best.time_to_target), spec.objective.deadline,
          spec.objective.horizon, objective_name(),
          best.unstable ? feasible.size()
                        : std::count_if(feasible.begin(), feasible.end(),
                                        [](const Evaluation* a) { return !a->unstable; }),
          best.unstable || first_by_objective == &best ? "" : "stable ",
          by_cost ? fmt::format("{:.6g} {} present value, ", best.present_value, best.currency)
                  : std::string(),
          best.tco2e, level_name(best.level));
      if (best.design) {
        std::string values;
        for (std::size_t p = 0; p < parameters.size(); ++p)
          values += fmt::format("{}{}.{} = {:.6g} {}", p ? ", " : "", parameters[p].action,
                                parameters[p].parameter, best.values[p], parameters[p].unit);
        why += fmt::format("; a design of strategy {} with {} (deck: designs/{}.yaml)",
                           spec.strategies[spec.base_strategy].name, values, best.name);
        json += fmt::format("  \"design\": {{\"strategy\": {}, \"deck\": {}, \"parameters\": {{",
                            json_string(spec.strategies[spec.base_strategy].name),
                            json_string("designs/" + best.name + ".yaml"));
        for (std::size_t p = 0; p < parameters.size(); ++p)
          json += fmt::format("{}{}: {}", p ? ", " : "",
                              json_string(parameters[p].action + "." + parameters[p].parameter),
                              best.values[p]);
        json += "}},\n";
      }
      if (feasible.size() > 1) {
        const auto& second = *feasible[1];
        why += second.unstable && !best.unstable
                   ? fmt::format("; the runner-up {} ({:.6g} t CO2e, level: {}) is unstable",
                                 second.name, second.tco2e, level_name(second.level))
               : second.tco2e >= best.tco2e
                   ? fmt::format("; the runner-up {} needs {:.6g} t CO2e more (level: {})",
                                 second.name, second.tco2e - best.tco2e, level_name(second.level))
                   : fmt::format("; the runner-up {} needs {:.6g} t CO2e less, within the "
                                 "{:g} % tolerance, but is more intrusive (level: {})",
                                 second.name, best.tco2e - second.tco2e,
                                 100.0 * spec.decision.carbon_tolerance, level_name(second.level));
        json += fmt::format("  \"runner_up\": {},\n  \"margin_tco2e\": {},\n",
                            json_string(second.name), second.tco2e - best.tco2e);
      }
      json += fmt::format("  \"tco2e\": {},\n  \"level\": {},\n  \"time_to_target\": {},\n"
                          "  \"probability_of_compliance\": {},\n",
                          best.tco2e, json_string(level_name(best.level)),
                          json_number(best.time_to_target), json_number(best.probability));
      if (best.level > InterventionLevel::natural_attenuation)
        for (const auto* other : feasible)
          if (other->level < best.level && other->unstable == best.unstable) {
            why += fmt::format("; the less intrusive {} ({}) also complies but needs {:.6g} t "
                               "CO2e, more than {:g} % above",
                               other->name, level_name(other->level), other->tco2e,
                               100.0 * spec.decision.carbon_tolerance);
            break;
          }
      if (spec.ensemble) why += interval_note(best);
      if (best.unstable)
        why += fmt::format("; caution: its risk still rises over the last {:g} d before the "
                           "horizon at some receptor (unstable), and no feasible strategy is "
                           "stable",
                           spec.decision.stability_window);
      if (first_by_objective != &best)
        why +=
            fmt::format("; {} would rank first by its {} but its risk still rises over the "
                        "last {:g} d before the horizon at some receptor (unstable): a stable "
                        "feasible strategy is recommended over an unstable one",
                        first_by_objective->name, objective_name(), spec.decision.stability_window);
      json += fmt::format("  \"reasons\": {},\n", json_string(why));
      json += fmt::format("  \"unstable\": {},\n", best.unstable ? "true" : "false");
      json += fmt::format("  \"p_low\": {},\n  \"p_high\": {},\n", json_number(best.p_low),
                          json_number(best.p_high));
      summary = why;
    } else {
      const Evaluation* closest = nullptr;
      for (const auto& r : results)
        if (r.ok && (!closest || r.worst_ratio < closest->worst_ratio ||
                     (spec.ensemble && r.worst_ratio == closest->worst_ratio &&
                      r.probability > closest->probability)))
          closest = &r;
      const std::string why =
          closest ? fmt::format("no strategy keeps every receptor compliant{} from the deadline "
                                "({} d) to the horizon ({} d); the closest is {}, whose worst "
                                "ratio after the deadline (risk/target or concentration/standard) "
                                "is {:.4g} ({} at {}, {} d){}",
                                confidence_note, spec.objective.deadline, spec.objective.horizon,
                                closest->name, closest->worst_ratio, closest->failing_criterion,
                                closest->failing_receptor, json_number(closest->failing_time),
                                spec.ensemble ? fmt::format(" (probability of compliance {:.3g})",
                                                            closest->probability)
                                              : std::string())
                  : std::string("no strategy could be simulated");
      json += "  \"recommended\": null,\n";
      json += fmt::format("  \"closest\": {},\n",
                          closest ? json_string(closest->name) : std::string("null"));
      json += fmt::format("  \"reasons\": {},\n", json_string(why));
      summary = why;
    }
    json +=
        fmt::format("  \"feasible\": {},\n  \"evaluated\": {},\n", feasible.size(), results.size());
    json += fmt::format("  \"deadline\": {},\n  \"horizon\": {},\n  \"target_cancer_risk\": {},\n",
                        spec.objective.deadline, spec.objective.horizon, evaluator.target_risk());
    if (spec.ensemble)
      json += fmt::format("  \"confidence\": {},\n  \"realizations\": {},\n"
                          "  \"decision_on\": {},\n  \"realizations_needed\": {},\n",
                          spec.objective.confidence, realizations,
                          json_string(spec.decision.on_lower_bound ? "lower_bound" : "estimate"),
                          needed());
    json += fmt::format("  \"carbon_tolerance\": {},\n", spec.decision.carbon_tolerance);
    if (searching)
      json += fmt::format(
          "  \"search\": {{\"designs\": {}, \"requested\": {}, \"cached\": {}, \"population\": {}, "
          "\"generations\": {}, \"seed\": {}, \"refinement_evaluations\": {}, \"refined_from\": "
          "{}}},\n",
          results.size() - explicit_count, requested, cached, spec.search.population,
          spec.search.generations, spec.search.seed, refinement_evaluations,
          refined_from.empty() ? std::string("null") : json_string(refined_from));
    json += fmt::format("  \"shared_history_days\": {},\n  \"shared_history_seconds\": {:.3f},\n",
                        branching ? spec.branch_time : 0.0, history_seconds);
    json += fmt::format("  \"evaluation_seconds\": {:.3f},\n", evaluation_seconds);
    json +=
        fmt::format("  \"saved_seconds_estimate\": {:.3f}\n}}\n",
                    branching ? history_seconds * static_cast<double>(results.size() - 1) : 0.0);
    io::write_file_atomically(folder / "recommendation.json", json);
  }

  /// report.md's plausibility warnings: each distinct warning of the runs (every strategy and
  /// realization), with the strategies it came from; a line saying there are none otherwise.
  std::string warnings_section() const {
    std::map<std::string, std::vector<std::string>> sources; // warning -> strategies
    for (const auto& r : results)
      for (const auto& run : r.runs)
        for (const auto& warning : run.warnings) {
          auto& names = sources[warning];
          if (names.empty() || names.back() != r.name) names.push_back(r.name);
        }
    if (sources.empty()) return "Plausibility warnings: none.\n\n";
    std::string text = "**Plausibility warnings** (run_summary.json of each run):\n\n";
    constexpr std::size_t kShown = 20; // ensembles: one per realization at most
    std::size_t shown = 0;
    for (const auto& [warning, names] : sources)
      if (++shown <= kShown)
        text += fmt::format("- {} ({}: {})\n", warning,
                            names.size() == 1 ? "strategy" : "strategies", fmt::join(names, ", "));
    if (sources.size() > kShown)
      text +=
          fmt::format("- and {} more (run_summary.json of each run)\n", sources.size() - kShown);
    return text + "\n";
  }

  /// report.md, with the plots made by scripts/plot_strategies.py.
  void write_report() {
    std::string report = fmt::format("# {}: remediation strategies\n\n", deck.title);
    report += fmt::format("**Recommendation.** {}.\n\n", summary);
    report += fmt::format(
        "Objective: every receptor compliant (total cancer risk <= {:g}, hazard index <= {:g}, "
        "standards met){} from the deadline {} d to the horizon {} d; minimize {}; ties go to the "
        "lower intervention level (natural attenuation < institutional control < engineering "
        "control: caps, barriers, vapour mitigation, pump-and-treat as hydraulic containment "
        "< active remediation), footprints within {:g} % of each other counting as ties; a "
        "strategy whose risk still rises over the last {:g} d before the horizon at some "
        "receptor (unstable) ranks after every stable feasible strategy.\n\n",
        evaluator.target_risk(), evaluator.target_quotient(), confidence_note,
        spec.objective.deadline, spec.objective.horizon, spec.objective.minimize,
        100.0 * spec.decision.carbon_tolerance, spec.decision.stability_window);
    report += warnings_section();
    if (searching) {
      report += fmt::format(
          "Design space: {} parameter(s) of strategy {}, searched with NSGA-II (population {}, "
          "{} generations, seed {}; infeasible designs dominated by every feasible one and ranked "
          "by their violation), then COBYLA from {} ({} evaluations); {} designs simulated, {} "
          "requests answered from the cache. Each design's deck is in designs/.\n\n",
          parameters.size(), spec.strategies[spec.base_strategy].name, spec.search.population,
          spec.search.generations, spec.search.seed,
          refined_from.empty() ? std::string("no feasible design (no refinement)") : refined_from,
          refinement_evaluations, results.size() - explicit_count, cached);
    }
    report +=
        "| strategy | level | feasible | P(compliance) | time to target [d] | t CO2e | cost | "
        "max CR |\n";
    report += "|---|---|---|---|---|---|---|---|\n";
    for (const auto& r : results)
      report += fmt::format("| {} | {} | {} | {:.3g} | {} | {:.4g} | {:.4g} | {:.3g} |\n", r.name,
                            level_name(r.level), r.ok ? (r.feasible ? "yes" : "no") : "failed",
                            r.probability, json_number(r.time_to_target), r.tco2e, r.cost,
                            r.max_cancer_risk);
    report += "\nFootprint by indicator (footprint.csv) and present-value cost (cost.csv):\n\n";
    for (const auto& r : results) {
      report += fmt::format("- {}: present value {} {} ({})", r.name,
                            std::isnan(r.present_value) ? std::string("n/a")
                                                        : fmt::format("{:.6g}", r.present_value),
                            r.currency, r.cost_status.empty() ? "no cost.csv" : r.cost_status);
      for (const auto& [name, value] : r.indicators)
        report += fmt::format("; {} {:.4g}", name, value);
      report += "\n";
    }
    report += fmt::format(
        "\nEvery strategy continued a shared history of {} d (simulated once{}, {:.1f} s). The "
        "per-strategy outputs (risk.csv, compliance.csv, ledger.csv, carbon.csv, results.h5) are "
        "in strategies/<name>/{}; strategies.csv, pareto.csv and recommendation.json hold the "
        "numbers, results.h5 every strategy's risk trajectories. Plots: `python3 "
        "scripts/plot_strategies.py {}`.\n",
        branching ? spec.branch_time : 0.0, spec.ensemble ? " per realization" : "",
        history_seconds, spec.ensemble ? "realizations/NNNN/" : "", folder.string());
    // The plots, made from the files above (matplotlib); the report shows those that exist.
    const auto plotter =
        std::filesystem::path(kDataDirectory).parent_path() / "scripts" / "plot_strategies.py";
    const bool plotted = plots && std::filesystem::exists(plotter) &&
                         io::run_program({"/usr/bin/python3", plotter.string(), folder.string()},
                                         folder / "plots.log") == 0;
    if (plotted) {
      report += "\n## Plots\n\n";
      for (const auto& entry : std::filesystem::directory_iterator(folder))
        if (entry.path().extension() == ".png")
          report += fmt::format("![{}]({})\n\n", entry.path().stem().string(),
                                entry.path().filename().string());
    } else if (!plots) {
      report += "\n(No plots: figures were turned off by --no-figures or TERRAFATE_NO_FIGURES; "
                "the command above makes them.)\n";
    } else {
      report += "\n(No plots: scripts/plot_strategies.py or matplotlib is not available; see "
                "plots.log.)\n";
    }
    io::write_file_atomically(folder / "report.md", report);
    fmt::print("terrafate: {}\nresults in {}\n", summary,
               std::filesystem::absolute(folder).string());
  }

  /// The fewest realizations, all complying, whose lower bound reaches the confidence.
  std::size_t needed() const {
    return spec.decision.confidence < 1.0
               ? search::realizations_needed(spec.decision.confidence, spec.decision.alpha)
               : 0;
  }

  /// The recommended strategy's interval and what a decision on the lower bound would need.
  std::string interval_note(const Evaluation& best) const {
    const double level = 100.0 * (1.0 - spec.decision.alpha);
    std::string note =
        fmt::format("; P(compliance) {:.3g} ({:g} % Clopper-Pearson interval "
                    "{:.3g} to {:.3g} over {} realizations)",
                    best.probability, level, best.p_low, best.p_high, best.realizations);
    if (best.p_low < spec.decision.confidence && needed() > 0)
      note += fmt::format("; the lower bound reaches {:g} only with at least {} realizations, "
                          "all complying",
                          spec.decision.confidence, needed());
    return note;
  }

  const Deck& deck;
  const OptimizationSpec& spec;
  const Evaluator& evaluator;
  const std::filesystem::path& folder;
  const std::vector<Evaluation>& results;
  const std::size_t explicit_count;
  const bool searching, branching;
  const unsigned requested, cached, refinement_evaluations;
  const std::string refined_from;
  const double history_seconds, evaluation_seconds;
  const bool plots;
  const search::DesignSpace& space = spec.design_space;
  const std::vector<search::DesignParameter>& parameters = space.parameters();
  const int realizations = evaluator.realizations();
  const bool by_cost = spec.objective.minimize == "cost";
  std::vector<const Evaluation*> feasible;
  /// The first feasible strategy by the objective and the level tie-break alone (before the
  /// unstable ones are moved after the stable ones); null without a feasible strategy.
  const Evaluation* first_by_objective = nullptr;
  std::string summary, confidence_note;
};
} // namespace

std::string write_recommendation(const Deck& deck, const OptimizationSpec& spec,
                                 const Evaluator& evaluator, const StudyOutcome& outcome,
                                 const std::filesystem::path& folder) {
  return Recommendation(deck, spec, evaluator, outcome, folder).write();
}

} // namespace terrafate
