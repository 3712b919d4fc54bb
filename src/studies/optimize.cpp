#include "terrafate/studies/optimize.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <optional>

#include <fmt/format.h>

#include "terrafate/run/figures.hpp"
#include "terrafate/studies/evaluator.hpp"
#include "terrafate/studies/recommendation.hpp"
#include "terrafate/studies/run_groups.hpp"

namespace terrafate {

namespace {
/// The explicit strategies as candidates. Every strategy's deck must build (the same on all
/// ranks, so errors are uniform), and so must the designs at the corners of the design space.
std::vector<Candidate> checked_strategies(MPI_Comm comm, const Deck& deck,
                                          const OptimizationSpec& spec) {
  // Every strategy's deck must build (the same on all ranks, so errors are uniform), and so
  // must the designs at the corners of the design space.
  std::vector<Candidate> strategies;
  for (const auto& strategy : spec.strategies) {
    strategies.push_back({strategy.name,
                          strategy_deck_text(deck, spec, strategy.actions),
                          intervention_level(deck, strategy.actions),
                          false,
                          {}});
    const Model model(comm, read_deck_text(strategies.back().text, deck.path));
  }
  const auto& space = spec.design_space;
  const bool searching = space.dimension() > 0;
  if (searching)
    for (const auto& corner : {space.lower_bounds(), space.upper_bounds()}) {
      const auto values = space.decode(corner);
      try {
        const Model model(comm, read_deck_text(design_deck_text(deck, spec, values), deck.path));
      } catch (const InputError& e) {
        std::string design;
        for (std::size_t p = 0; p < values.size(); ++p)
          design += fmt::format("{}{}.{} = {}", p ? ", " : "", space.parameters()[p].action,
                                space.parameters()[p].parameter, values[p]);
        throw InputError("design_space", deck.root.key_where("design_space"),
                         fmt::format("the design {} is not a valid deck: {}", design, e.what()));
      }
    }
  return strategies;
}

/// An evaluation's value of indicator `name` (footprint.csv totals; cost: the present value).
double indicator_value(const Evaluation& e, const std::string& name) {
  if (name == "cost") return e.present_value;
  const auto found = e.indicators.find(name);
  return found == e.indicators.end() ? 0.0 : found->second;
}

/// minimize: weighted in the design search: sum_i w_i x_i / ref_i, with ref_i the largest x_i
/// among the explicit strategies that ran (fixed before the search, so that a design's score
/// does not depend on which designs were evaluated before it; an indicator no strategy has is
/// left out). The designs vary the base strategy's numbers, so they are priced as it is: a weight
/// on cost with its present value partial throws InputError before the search.
class WeightedScore {
public:
  WeightedScore(const FootprintObjective& objective, const std::vector<Evaluation>& strategies,
                const Evaluation& base)
      : weights_(objective.weights) {
    if (weights_.count("cost") && base.ok && base.cost_status != "complete")
      throw InputError(fmt::format("the weighted objective has a weight on cost, but the designs' "
                                   "base strategy '{}' has a {} present value",
                                   base.name, base.cost_status));
    for (const auto& [name, weight] : weights_) {
      double largest = 0.0;
      for (const auto& e : strategies)
        if (e.ok) largest = std::max(largest, indicator_value(e, name));
      reference_[name] = largest;
    }
  }
  double operator()(const Evaluation& e) const {
    double score = 0.0;
    for (const auto& [name, weight] : weights_)
      if (reference_.at(name) > 0.0)
        score += weight * indicator_value(e, name) / reference_.at(name);
    return score;
  }

private:
  std::map<std::string, double> weights_, reference_;
};

/// The design space: NSGA-II, then COBYLA from the best feasible design; every design evaluated
/// once (identical decision vectors share the evaluation). Appends the designs to
/// outcome.results.
void search_designs(const Deck& deck, const OptimizationSpec& spec, const Evaluator& evaluator,
                    StudyOutcome& outcome, const std::function<double()>& elapsed, bool root) {
  const auto& space = spec.design_space;
  const bool searching = outcome.searching;
  auto& results = outcome.results;
  const std::size_t explicit_count = outcome.explicit_count;
  unsigned& requested = outcome.requested;
  unsigned& cached = outcome.cached;
  unsigned& refinement_evaluations = outcome.refinement_evaluations;
  std::string& refined_from = outcome.refined_from;
  std::map<std::vector<double>, std::size_t> cache; ///< canonical x -> index into results
  const unsigned planned =
      spec.search.population * (spec.search.generations + 1) + spec.search.refinement;
  const double search_start = elapsed();
  const bool by_cost = spec.objective.minimize == "cost";
  const bool weighted = searching && spec.objective.minimize == "weighted";
  // The designs vary the base strategy's numbers and are priced as it is: ranking them on a
  // partial present value would count the unpriced items as nothing.
  if (searching && by_cost)
    if (const auto& base = results[spec.base_strategy]; base.ok && base.cost_status != "complete")
      throw InputError(fmt::format("minimize: cost ranks on the present value, but the designs' "
                                   "base strategy '{}' has a {} present value: give the prices "
                                   "under carbon.costs and carbon.present_value",
                                   base.name, base.cost_status));
  std::optional<WeightedScore> score;
  if (weighted)
    score.emplace(spec.objective.footprint,
                  std::vector<Evaluation>(results.begin(),
                                          results.begin() + static_cast<long>(explicit_count)),
                  results[spec.base_strategy]);
  // The value the search minimizes: t CO2e, the cost, or the weighted score.
  const auto objective_of = [&](const Evaluation& e) {
    return weighted ? (*score)(e) : by_cost ? e.present_value : e.tco2e;
  };
  const char* objective_unit = weighted ? "weighted score" : by_cost ? "present value" : "t CO2e";
  const auto base_level = intervention_level(deck, spec.strategies[spec.base_strategy].actions);
  auto best_feasible_design = [&]() -> const Evaluation* {
    const Evaluation* best = nullptr;
    for (std::size_t i = explicit_count; i < results.size(); ++i) {
      const auto& e = results[i];
      if (e.ok && e.feasible && (!best || objective_of(e) < objective_of(*best))) best = &e;
    }
    return best;
  };
  const search::BatchEvaluator evaluate_designs =
      [&](const std::vector<std::vector<double>>& batch) {
        std::vector<Candidate> fresh;
        std::vector<std::size_t> index(batch.size());
        std::map<std::vector<double>, std::size_t> pending;
        for (std::size_t i = 0; i < batch.size(); ++i) {
          ++requested;
          if (const auto hit = cache.find(batch[i]); hit != cache.end()) {
            index[i] = hit->second;
            ++cached;
          } else if (const auto same = pending.find(batch[i]); same != pending.end()) {
            index[i] = same->second;
            ++cached;
          } else {
            const std::size_t at = results.size() + fresh.size();
            const auto values = space.decode(batch[i]);
            fresh.push_back({fmt::format("design_{:04d}", at - explicit_count + 1),
                             design_deck_text(deck, spec, values), base_level, true, values});
            pending[batch[i]] = index[i] = at;
          }
        }
        for (auto& e : evaluator.run(fresh))
          results.push_back(std::move(e));
        for (const auto& [x, at] : pending)
          cache[x] = at;
        std::vector<search::DesignFitness> fitness;
        for (const std::size_t i : index) {
          fitness.push_back(fitness_of(results[i], spec.objective));
          // NSGA-II's first objective and COBYLA's quantity: the weighted score.
          if (weighted && results[i].ok)
            fitness.back().objectives[0] = fitness.back().minimized = (*score)(results[i]);
        }
        if (root) {
          const auto* best = best_feasible_design();
          const double spent = elapsed() - search_start;
          const double remaining = std::max(static_cast<double>(planned) - requested, 0.0);
          fmt::print(
              "terrafate: designs {}/{} evaluated ({} cached); best feasible: {}; {:.1f} "
              "s, ETA {:.0f} s\n",
              requested, planned, cached,
              best ? fmt::format("{} ({:.6g} {})", best->name, objective_of(*best), objective_unit)
                   : std::string("none yet"),
              elapsed(), spent / requested * remaining);
          std::fflush(stdout);
        }
        return fitness;
      };
  if (searching) {
    search::nsga2_search(space, spec.search, evaluate_designs);
    // Every rank holds the same search numbers, so every rank picks the same start.
    if (const auto* best = best_feasible_design()) {
      refined_from = best->name;
      const auto x = space.encode(best->values);
      refinement_evaluations = search::refine(space, spec.search, x, evaluate_designs);
    }
  }
}
} // namespace

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
  run.strategy = name;
  const Deck strategy = read_deck_text(strategy_deck_text(deck, spec, found->actions), deck.path);
  if (spec.ensemble)
    run_ensemble(comm, strategy, run, 1);
  else
    run_simulation(comm, strategy, run);
}

void run_optimize(MPI_Comm world, const Deck& deck, const RunOptions& options, int ranks_per_run,
                  const std::filesystem::path& posterior) {
  auto spec = read_optimization_spec(deck);
  if (!posterior.empty()) spec.ensemble = read_posterior_ensemble(posterior, deck);
  const RunGroups run_groups(world, ranks_per_run);
  const bool root = run_groups.world_root();
  const auto& folder = options.output_folder;
  // The decks first: a deck that does not build leaves no output folder behind.
  const std::vector<Candidate> strategies = checked_strategies(run_groups.comm(), deck, spec);
  // --resume keeps the folder and every run that finished (each simulated deck is compared).
  const auto held = prepare_output_folder(world, folder,
                                          options.resume      ? FolderUse::restart
                                          : options.overwrite ? FolderUse::overwrite
                                                              : FolderUse::fresh);
  const auto start = std::chrono::steady_clock::now();
  const std::function<double()> elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };

  // The shared history (no actions), once per realization; every strategy continues it.
  StudyOutcome outcome;
  outcome.plots = options.figures && !figures_off_by_environment();
  outcome.searching = spec.design_space.dimension() > 0;
  outcome.branching = spec.branch_time > 0.0 && spec.branch_time < spec.objective.horizon;
  const Evaluator evaluator(run_groups, world, deck, spec, options, outcome.branching);
  const int realizations = evaluator.realizations();
  if (outcome.branching) {
    evaluator.run_histories(strategy_deck_text(deck, spec, {}));
    outcome.history_seconds = elapsed();
    if (root)
      fmt::print("terrafate: shared history to {} d in {:.1f} s{}\n", spec.branch_time,
                 outcome.history_seconds,
                 realizations > 1 ? fmt::format(" ({} realizations)", realizations) : "");
  }

  // The explicit strategies, in batches that give every run group one run, each reported as
  // its batch ends with the elapsed time and an ETA (the mean time per strategy so far).
  const double strategies_start = elapsed();
  const std::size_t per_batch =
      std::max<std::size_t>(1, static_cast<std::size_t>(run_groups.groups() / realizations));
  for (std::size_t next = 0; next < strategies.size(); next += per_batch) {
    const auto last =
        strategies.begin() + static_cast<long>(std::min(next + per_batch, strategies.size()));
    for (auto& r : evaluator.run({strategies.begin() + static_cast<long>(next), last})) {
      outcome.results.push_back(std::move(r));
      if (!root) continue;
      const auto& e = outcome.results.back();
      const double done = static_cast<double>(outcome.results.size());
      const double left = static_cast<double>(strategies.size()) - done;
      fmt::print(
          "terrafate: strategy {}/{} {}: {}{}{}; elapsed {:.1f} s, ETA {:.0f} s\n",
          outcome.results.size(), strategies.size(), e.name,
          e.ok ? (e.feasible ? "feasible" : "not feasible") : "failed",
          realizations > 1 ? fmt::format(" (probability of compliance {:.3g})", e.probability) : "",
          e.kept ? " (kept from the earlier run)" : "", elapsed(),
          (elapsed() - strategies_start) / done * left);
      std::fflush(stdout);
    }
  }
  outcome.explicit_count = outcome.results.size();
  search_designs(deck, spec, evaluator, outcome, elapsed, root);
  outcome.evaluation_seconds = elapsed() - outcome.history_seconds;
  if (root && options.resume)
    fmt::print("terrafate: resumed: {} run(s) kept from the earlier run, {} simulated\n",
               evaluator.kept_runs(), evaluator.simulated_runs());
  MPI_Barrier(world);
  if (root) {
    const std::string recommended = write_recommendation(deck, spec, evaluator, outcome, folder);
    if (deck.output.strategies == "recommended")
      evaluator.keep_fields_of(outcome.results, recommended);
  }
}

} // namespace terrafate
