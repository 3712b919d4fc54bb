#include "terrafate/search/search.hpp"

#include <algorithm>
#include <cmath>

#include <nlopt.hpp>
#include <pagmo/algorithms/nsga2.hpp>
#include <pagmo/batch_evaluators/member_bfe.hpp>
#include <pagmo/bfe.hpp>
#include <pagmo/population.hpp>
#include <pagmo/problem.hpp>

namespace terrafate::search {

namespace {
/// pagmo user-defined problem: three objectives, the discrete parameters as its integer part,
/// evaluated in batches by the caller's evaluator (through pagmo::member_bfe).
struct DesignProblem {
  const DesignSpace* space = nullptr;
  const BatchEvaluator* evaluate = nullptr;

  pagmo::vector_double fitness(const pagmo::vector_double& x) const {
    return penalized_objectives((*evaluate)({space->canonical(x)}).front());
  }
  pagmo::vector_double batch_fitness(const pagmo::vector_double& xs) const {
    const std::size_t n = space->dimension();
    std::vector<std::vector<double>> batch;
    for (std::size_t i = 0; i + n <= xs.size(); i += n)
      batch.push_back(space->canonical(std::vector<double>(xs.begin() + static_cast<long>(i),
                                                           xs.begin() + static_cast<long>(i + n))));
    pagmo::vector_double out;
    for (const auto& fitness : (*evaluate)(batch)) {
      const auto f = penalized_objectives(fitness);
      out.insert(out.end(), f.begin(), f.end());
    }
    return out;
  }
  std::pair<pagmo::vector_double, pagmo::vector_double> get_bounds() const {
    return {space->lower_bounds(), space->upper_bounds()};
  }
  pagmo::vector_double::size_type get_nobj() const { return 3; }
  pagmo::vector_double::size_type get_nix() const { return space->integer_dimension(); }
};

/// NLopt's objective and constraint callbacks share one evaluation per point.
struct Refinement {
  const DesignSpace* space = nullptr;
  const BatchEvaluator* evaluate = nullptr;
  std::vector<double> fixed;  ///< the full decision vector; continuous entries replaced
  std::size_t continuous = 0; ///< leading entries varied
  unsigned evaluations = 0;
  std::vector<double> last_x;
  DesignFitness last;

  const DesignFitness& at(const std::vector<double>& x) {
    if (x != last_x || evaluations == 0) {
      std::vector<double> full = fixed;
      std::copy(x.begin(), x.end(), full.begin());
      last = (*evaluate)({space->canonical(full)}).front();
      last_x = x;
      ++evaluations;
    }
    return last;
  }
};

double refinement_objective(unsigned, const double* x, double*, void* data) {
  auto* r = static_cast<Refinement*>(data);
  return r->at(std::vector<double>(x, x + r->continuous)).minimized;
}

double refinement_constraint(unsigned, const double* x, double*, void* data) {
  auto* r = static_cast<Refinement*>(data);
  return r->at(std::vector<double>(x, x + r->continuous)).constraint;
}
} // namespace

std::vector<double> penalized_objectives(const DesignFitness& fitness) {
  if (fitness.feasible)
    return {fitness.objectives[0], fitness.objectives[1], fitness.objectives[2]};
  const double value = kInfeasiblePenalty * (1.0 + std::max(fitness.violation, 0.0));
  return {value, value, value};
}

std::vector<std::vector<double>> nsga2_search(const DesignSpace& space,
                                              const SearchSettings& settings,
                                              const BatchEvaluator& evaluate) {
  const pagmo::problem problem{DesignProblem{&space, &evaluate}};
  const pagmo::bfe batch{pagmo::member_bfe{}};
  pagmo::population population{problem, batch, settings.population, settings.seed};
  // Crossover 0.95 (distribution index 10), mutation of one parameter per design on average
  // (distribution index 20): Deb's usual settings.
  pagmo::nsga2 algorithm{
      settings.generations, 0.95, 10.0, 1.0 / static_cast<double>(space.dimension()), 20.0,
      settings.seed};
  algorithm.set_bfe(batch);
  population = algorithm.evolve(population);
  std::vector<std::vector<double>> result;
  for (const auto& x : population.get_x())
    result.push_back(space.canonical(x));
  return result;
}

unsigned refine(const DesignSpace& space, const SearchSettings& settings,
                const std::vector<double>& start, const BatchEvaluator& evaluate) {
  const std::size_t continuous = space.dimension() - space.integer_dimension();
  if (continuous == 0 || settings.refinement == 0) return 0;
  Refinement state{&space, &evaluate, space.canonical(start), continuous, 0, {}, {}};
  const auto lower = space.lower_bounds(), upper = space.upper_bounds();
  nlopt::opt opt(nlopt::LN_COBYLA, static_cast<unsigned>(continuous));
  std::vector<double> lo(lower.begin(), lower.begin() + static_cast<long>(continuous));
  std::vector<double> hi(upper.begin(), upper.begin() + static_cast<long>(continuous));
  std::vector<double> step(continuous);
  for (std::size_t k = 0; k < continuous; ++k)
    step[k] = 0.1 * (hi[k] - lo[k]);
  opt.set_lower_bounds(lo);
  opt.set_upper_bounds(hi);
  opt.set_initial_step(step);
  opt.set_min_objective(refinement_objective, &state);
  opt.add_inequality_constraint(refinement_constraint, &state, 0.0);
  opt.set_maxeval(static_cast<int>(settings.refinement));
  opt.set_xtol_rel(1.0e-4);
  std::vector<double> x(state.fixed.begin(), state.fixed.begin() + static_cast<long>(continuous));
  double value = 0.0;
  try {
    opt.optimize(x, value);
  } catch (const nlopt::roundoff_limited&) {
    // COBYLA stopped at round-off: every evaluation so far stands.
  }
  return state.evaluations;
}

} // namespace terrafate::search
