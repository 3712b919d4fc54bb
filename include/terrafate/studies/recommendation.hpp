#pragma once
// The recommendation of `terrafate optimize`: strategies.csv, pareto.csv, results.h5 (every
// strategy's risk trajectories), recommendation.json, report.md and the plots.
#include <filesystem>
#include <string>
#include <vector>

#include "terrafate/run/deck.hpp"
#include "terrafate/studies/evaluator.hpp"
#include "terrafate/studies/strategy_spec.hpp"

namespace terrafate {

/// What the evaluation of strategies and designs found, and what it cost.
struct StudyOutcome {
  std::vector<Evaluation> results; ///< the explicit strategies, then the designs
  std::size_t explicit_count = 0;  ///< explicit strategies at the front of results
  bool searching = false;          ///< a design space was searched
  bool branching = false;          ///< the strategies continued a shared history
  unsigned requested = 0, cached = 0, refinement_evaluations = 0;
  std::string refined_from;        ///< the design COBYLA started from ("" when none)
  double history_seconds = 0.0;    ///< [s] wall clock of the shared history
  double evaluation_seconds = 0.0; ///< [s] wall clock of the evaluations
  bool plots = true; ///< scripts/plot_strategies.py runs (false: no figures were asked for)
};

/// Rank 0: writes the recommendation files into `folder` and prints the summary; returns the
/// recommended strategy's name ("" when none is feasible).
std::string write_recommendation(const Deck& deck, const OptimizationSpec& spec,
                                 const Evaluator& evaluator, const StudyOutcome& outcome,
                                 const std::filesystem::path& folder);

} // namespace terrafate
