#pragma once
// The decision rule of a strategy study (issue 21): the probability of compliance with a
// binomial confidence interval, the number of realizations a decision would need, and the
// choice among feasible strategies with a relative carbon tolerance in which the less
// intrusive intervention wins. Plain C++.
#include <cstddef>
#include <string>
#include <vector>

#include "terrafate/core/units.hpp"

namespace terrafate::search {

/// A two-sided binomial confidence interval on a probability.
struct Interval {
  double low = 0.0, high = 1.0;
};

/// Clopper-Pearson ("exact") two-sided interval of level 1 - alpha for `successes` of `trials`:
/// low solves P(X >= successes | p) = alpha/2 (0 when successes = 0), high solves
/// P(X <= successes | p) = alpha/2 (1 when successes = trials). Found by bisection on the
/// binomial tail to 1e-13. Throws std::invalid_argument on trials = 0 or successes > trials.
Interval clopper_pearson(std::size_t successes, std::size_t trials, double alpha);

/// Wilson score interval of level 1 - alpha (z the normal quantile of 1 - alpha/2).
Interval wilson(std::size_t successes, std::size_t trials, double alpha);

/// The standard normal quantile (inverse distribution function), by bisection on erfc.
double normal_quantile(double probability);

/// The fewest realizations, all complying, whose Clopper-Pearson lower bound (level 1 - alpha)
/// reaches `confidence`: the smallest n with (alpha/2)^(1/n) >= confidence.
std::size_t realizations_needed(double confidence, double alpha);

/// How a study decides (deck `decision:`).
struct DecisionRule {
  double confidence = 1.0;       ///< required probability of compliance
  bool on_lower_bound = false;   ///< judge the interval's lower bound (else the estimate)
  double alpha = 0.05;           ///< the interval is two-sided of level 1 - alpha
  double carbon_tolerance = 0.1; ///< relative: footprints this close count as a tie
  double stability_window = 5 * kDaysPerYear; ///< [d] window of the post-horizon stability check
};

/// The post-horizon stability check (issue 21): whether a receptor's risk series is still
/// rising at its end. `ratio`: the worst of risk / target, hazard / target and concentration /
/// standard at `times` [d] (ascending). Rising: the least-squares slope over the points in
/// [times.back() - window, times.back()] is positive and the rise it makes over the window
/// (slope x window) exceeds `tolerance` (in units of the target: 1e-3 is 0.1 % of it), so that
/// numerical noise far below the target does not count. Fewer than two points: not rising.
bool rising_at_end(const std::vector<double>& times, const std::vector<double>& ratio,
                   double window, double tolerance);

/// A feasible option as the choice sees it.
struct Option {
  double objective = 0.0; ///< minimized (t CO2e or cost)
  int level = 0;          ///< intervention level: lower is less intrusive
};

/// The index of the option to recommend among `options` (all feasible; none: returns
/// options.size()): the least intrusive level among those whose objective is within
/// `tolerance` (relative) of the smallest objective; among those, the smallest objective.
std::size_t choose(const std::vector<Option>& options, double tolerance);

/// The order of `options` for the report: the chosen one first, then by objective.
std::vector<std::size_t> ranking(const std::vector<Option>& options, double tolerance);

} // namespace terrafate::search
