#pragma once
// What the optimizer minimizes over strategies: the carbon footprint [tCO2e], the present-value
// cost [currency], or a weighted indicator score: sum over the deck's weights w_i of
// w_i x_i / max over strategies of x_i (each indicator scaled by the largest value among the
// strategies compared, so the score is in [0, sum w_i] and 0 for an indicator all strategies
// have none of). Plain C++ (no PETSc, no MPI).
#include <map>
#include <set>
#include <string>
#include <vector>

#include "terrafate/carbon/cost.hpp"

namespace terrafate {

enum class ObjectiveKind { carbon, cost, weighted };

struct FootprintObjective {
  ObjectiveKind kind = ObjectiveKind::carbon;
  /// Weights by indicator name (ghg, energy_diesel, nox, ..., or cost for the present value).
  std::map<std::string, double> weights;
};

/// Reads `minimize: carbon | cost | weighted` and, for weighted, `weights: {NAME: w >= 0}`
/// (at least one positive) from the deck's `objective:` node; the caller declares the keys.
/// Every weighted indicator's group must be among `groups` (carbon.indicators).
FootprintObjective read_objective_spec(const ConfigNode& objective,
                                       const std::set<std::string>& groups);

/// One strategy's totals.
struct StrategyFootprint {
  std::string name;
  std::map<std::string, double> indicators; ///< indicator_totals(); ghg [tCO2e]
  PresentValue cost;
};

/// The objective value of each strategy (lower is better). Throws InputError when the cost is
/// wanted (minimize: cost, or a weight on cost) and a strategy's present value is partial.
std::vector<double> objective_values(const std::vector<StrategyFootprint>& strategies,
                                     const FootprintObjective& spec);

} // namespace terrafate
