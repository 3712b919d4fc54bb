#pragma once
// Strategies and their evaluation (deck keys `strategies:` and `objective:`): each strategy is a
// set of the deck's remediation actions; `terrafate optimize` simulates every strategy (from a
// shared history computed once, on MPI sub-communicators), accounts their carbon and picks the
// lowest-carbon one that keeps every receptor compliant from the deadline to the horizon,
// preferring less intervention on ties.
#include <string>
#include <vector>

#include <mpi.h>

#include "terrafate/app/deck.hpp"
#include "terrafate/app/simulation.hpp"

namespace terrafate {

/// Intervention hierarchy: natural attenuation < risk control (monitoring, cap, barrier wall) <
/// active remediation (reactive barrier, bioremediation, oxidation, pump-and-treat, thermal,
/// excavation, source removal, vapour extraction). The one place it is defined.
enum class InterventionLevel { natural_attenuation, risk_control, active_remediation };
InterventionLevel intervention_level(ActionType type);
const char* level_name(InterventionLevel level);

struct StrategySpec {
  std::string name;
  std::vector<std::string> actions; ///< names of entries of remediation:
};

struct ObjectiveSpec {
  double deadline = 0.0; ///< [d] every receptor compliant from here to the horizon
  double horizon = 0.0;  ///< [d] end of the evaluation
  std::string minimize = "carbon";
};

struct OptimizationSpec {
  std::vector<StrategySpec> strategies;
  ObjectiveSpec objective;
  /// [d] the earliest start of an action that changes the physics (monitoring does not): the
  /// history before it is the same for every strategy.
  double branch_time = 0.0;
};

/// Reads `strategies:` and `objective:` against the deck's remediation actions.
OptimizationSpec read_optimization_spec(const Deck& deck);

/// The deck text of a strategy: only its actions in remediation:, without the strategies,
/// objective and design space, and running to the objective's horizon.
std::string strategy_deck_text(const Deck& deck, const OptimizationSpec& spec,
                               const std::vector<std::string>& actions);

/// Collective: `terrafate run DECK --strategy NAME`: that strategy alone, with the branch time
/// as a breakpoint so that it matches an evaluation branched from the shared history.
void run_strategy(MPI_Comm comm, const Deck& deck, const std::string& name,
                  const RunOptions& options);

/// Collective over `world`: `terrafate optimize`: evaluates every strategy on sub-communicators
/// of `ranks_per_run` ranks into OUTDIR/strategies/<name>/ and writes strategies.csv,
/// pareto.csv, recommendation.json and report.md.
void run_optimize(MPI_Comm world, const Deck& deck, const RunOptions& options, int ranks_per_run);

} // namespace terrafate
