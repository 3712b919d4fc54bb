#pragma once
// The design-space search: NSGA-II (pagmo2) over (carbon, time to target, cost) with the risk
// constraint, then a single-objective refinement (NLopt COBYLA) of the best feasible design.
// Plain C++: the evaluations are a callback (the application runs them as simulations, in
// batches across its MPI sub-communicators) and must return the same numbers on every caller
// so that every rank follows the same search.
#include <array>
#include <functional>
#include <vector>

#include "terrafate/search/design.hpp"

namespace terrafate::search {

/// Search settings (deck section `optimizer:`).
struct SearchSettings {
  unsigned population = 16;  ///< NSGA-II individuals: a multiple of 4, at least 8
  unsigned generations = 10; ///< NSGA-II generations after the initial population
  unsigned seed = 1;         ///< of the initial population and the variation operators
  unsigned refinement = 20;  ///< COBYLA evaluations (0: no refinement)
};

/// What one evaluated design achieved.
struct DesignFitness {
  /// t CO2e (the weighted score with minimize: weighted), time to target [d], cost (all minimized)
  std::array<double, 3> objectives{};
  bool feasible = false; ///< the risk constraint holds
  /// How far from compliance (> 0 when infeasible, 0 when feasible): ranks infeasible designs.
  double violation = 0.0;
  /// A continuous compliance measure, <= 0 when compliant (the peak risk after the deadline
  /// over the target, minus 1): the constraint of the refinement.
  double constraint = 0.0;
  double minimized = 0.0; ///< the objective's quantity: t CO2e, cost or the weighted score
};

/// Evaluates a batch of decision vectors (each canonical, see DesignSpace::canonical).
using BatchEvaluator =
    std::function<std::vector<DesignFitness>(const std::vector<std::vector<double>>&)>;

/// The objective values NSGA-II sees: a feasible design's own; an infeasible one's
/// kInfeasiblePenalty x (1 + violation) in every objective, so that every feasible design
/// dominates every infeasible one and infeasible designs are ranked by their violation (Deb's
/// constraint-domination rule, as objective values for pagmo's unconstrained NSGA-II).
constexpr double kInfeasiblePenalty = 1.0e12;
std::vector<double> penalized_objectives(const DesignFitness& fitness);

/// NSGA-II over the design space: an initial population and `generations` generations, every
/// population evaluated as one batch. Returns the final population's decision vectors.
std::vector<std::vector<double>> nsga2_search(const DesignSpace& space,
                                              const SearchSettings& settings,
                                              const BatchEvaluator& evaluate);

/// COBYLA from decision vector `start` (a feasible design) over the continuous parameters
/// (discrete ones held), minimizing DesignFitness::minimized subject to
/// DesignFitness::constraint <= 0, within settings.refinement evaluations (one at a time).
/// Returns the number of evaluations made. No-op without continuous parameters.
unsigned refine(const DesignSpace& space, const SearchSettings& settings,
                const std::vector<double>& start, const BatchEvaluator& evaluate);

} // namespace terrafate::search
