#pragma once
// Strategies and their evaluation (deck keys `strategies:`, `objective:`, `design_space:` and
// `optimizer:`): each strategy is a set of the deck's remediation actions; `terrafate optimize`
// simulates every strategy (from a shared history computed once, on MPI sub-communicators),
// accounts their carbon and picks the lowest-carbon one that keeps every receptor compliant from
// the deadline to the horizon, preferring less intervention on ties.
//
// Design space: the parameters it lists are varied within one strategy, the base strategy:
// `optimizer.strategy`, or by default the first explicit strategy (in deck order) whose actions
// include every varied action. A design is the base strategy with those values written into
// the deck; designs are searched with NSGA-II over (t CO2e, time to target, cost), infeasible
// designs dominated by every feasible one and ranked by their violation, then the best feasible
// one is refined by COBYLA (minimizing the objective subject to compliance).
//
// With an ensemble (`ensemble:` and `objective.confidence`), every strategy and design runs in
// every realization; its probability of compliance is the fraction of realizations that comply
// (a failed realization does not), and it is feasible when that is at least the confidence.
#include <optional>
#include <string>
#include <vector>

#include "terrafate/carbon/objective.hpp"

#include "terrafate/remediation/action_catalog.hpp"
#include "terrafate/run/deck.hpp"
#include "terrafate/search/decision.hpp"
#include "terrafate/search/design.hpp"
#include "terrafate/search/search.hpp"
#include "terrafate/studies/ensemble.hpp"

namespace terrafate {

struct StrategySpec {
  std::string name;
  std::vector<std::string> actions; ///< names of entries of remediation:
};

struct ObjectiveSpec {
  double deadline = 0.0;           ///< [d] every receptor compliant from here to the horizon
  double horizon = 0.0;            ///< [d] end of the evaluation
  std::string minimize = "carbon"; ///< carbon, cost or weighted
  /// minimize: weighted: the weights by indicator (footprint.csv) or cost (present value); the
  /// explicit strategies are ranked by sum_i w_i x_i / max over the feasible strategies x_i.
  FootprintObjective footprint;
  /// [-] with an ensemble: the probability of compliance a feasible strategy reaches; 1 without
  double confidence = 1.0;
  /// judge the confidence on the interval's lower bound (deck decision.on; copied from
  /// OptimizationSpec::decision for the search's violation)
  bool on_lower_bound = false;
};

struct OptimizationSpec {
  std::vector<StrategySpec> strategies;
  ObjectiveSpec objective;
  /// [d] the earliest start of an action that changes the physics (monitoring does not), over
  /// the strategies and the design space's start values: the history before it is the same for
  /// every strategy and design.
  double branch_time = 0.0;
  search::DesignSpace design_space; ///< no parameters: no design search
  std::size_t base_strategy = 0;    ///< index into strategies: the one the designs vary
  search::SearchSettings search;
  std::optional<EnsembleSpec> ensemble;
  /// Deck `decision:`: the confidence (with an ensemble, judged on the interval's lower bound or
  /// the estimate), the interval level and the relative carbon tolerance of a tie.
  search::DecisionRule decision;
};

/// Reads `strategies:`, `objective:`, `design_space:`, `optimizer:` (and `ensemble:`) against
/// the deck's remediation actions.
OptimizationSpec read_optimization_spec(const Deck& deck);
/// The names of the deck's strategies (its strategies: section), comma-separated.
std::string strategy_names(const Deck& deck);

/// The deck text of a strategy: only its actions in remediation:, without the strategies,
/// objective, design space and optimizer settings, and running to the objective's horizon.
std::string strategy_deck_text(const Deck& deck, const OptimizationSpec& spec,
                               const std::vector<std::string>& actions);

/// The deck text of a design: the base strategy's deck (as strategy_deck_text) with the design
/// space's parameters set to `values` (in the order of spec.design_space.parameters(), base
/// units). A pump-and-treat `rate` is the total extraction [m3/d, negative], shared by the
/// extraction wells in the proportions of their deck rates (re-injection scaled alike).
std::string design_deck_text(const Deck& deck, const OptimizationSpec& spec,
                             const std::vector<double>& values);

/// The type (deck `type:`) of the deck's remediation action `name` ("" when there is none).
std::string action_type(const Deck& deck, const std::string& name);
/// The intervention level of a set of the deck's actions: the highest of theirs.
InterventionLevel intervention_level(const Deck& deck, const std::vector<std::string>& actions);

} // namespace terrafate
