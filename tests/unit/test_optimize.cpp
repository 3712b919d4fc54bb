// The design-space encoding and the Pareto filter (plain C++), against values worked by hand;
// NSGA-II and COBYLA on closed-form problems whose optima are known.
#include <cmath>
#include <limits>
#include <stdexcept>

#include <gtest/gtest.h>

#include "terrafate/search/design.hpp"
#include "terrafate/search/search.hpp"

using terrafate::search::DesignFitness;
using terrafate::search::DesignParameter;
using terrafate::search::DesignSpace;
using terrafate::search::dominates;
using terrafate::search::non_dominated;

namespace {
DesignSpace mixed_space() {
  // Deck order: a discrete start first, then two continuous ranges.
  return DesignSpace({{"eisb", "start", "d", true, 0, 0, {0.0, 1825.0, 3650.0}},
                      {"pt", "rate", "m3/d", false, -400.0, -50.0, {}},
                      {"pt", "end", "d", false, 730.0, 3650.0, {}}});
}
} // namespace

TEST(DesignSpace, ContinuousFirstThenIntegerIndices) {
  const auto space = mixed_space();
  EXPECT_EQ(space.dimension(), 3u);
  EXPECT_EQ(space.integer_dimension(), 1u);
  EXPECT_EQ(space.lower_bounds(), (std::vector<double>{-400.0, 730.0, 0.0}));
  EXPECT_EQ(space.upper_bounds(), (std::vector<double>{-50.0, 3650.0, 2.0}));
}

TEST(DesignSpace, EncodeDecodeRoundTrip) {
  const auto space = mixed_space();
  const std::vector<double> values{1825.0, -123.5, 1000.0};
  const auto x = space.encode(values);
  EXPECT_EQ(x, (std::vector<double>{-123.5, 1000.0, 1.0}));
  EXPECT_EQ(space.decode(x), values);
}

TEST(DesignSpace, DecodeRoundsIndicesAndClamps) {
  const auto space = mixed_space();
  // Index 1.6 -> 2 (3650 d); a rate beyond its range is clamped to -50.
  EXPECT_EQ(space.decode({10.0, 800.0, 1.6}), (std::vector<double>{3650.0, -50.0, 800.0}));
  EXPECT_EQ(space.canonical({-500.0, 800.0, 0.4}), (std::vector<double>{-400.0, 800.0, 0.0}));
  EXPECT_EQ(space.canonical({-200.0, 800.0, 7.0}), (std::vector<double>{-200.0, 800.0, 2.0}));
}

TEST(DesignSpace, RejectsInvalidParameters) {
  EXPECT_THROW(DesignSpace({{"pt", "rate", "m3/d", false, -50.0, -400.0, {}}}),
               std::invalid_argument);
  EXPECT_THROW(DesignSpace({{"eisb", "start", "d", true, 0, 0, {}}}), std::invalid_argument);
  EXPECT_THROW(mixed_space().encode({1.0, -100.0, 1000.0}), std::invalid_argument);
}

TEST(Pareto, DominanceByHand) {
  EXPECT_TRUE(dominates({1, 2, 3}, {1, 2, 4}));
  EXPECT_FALSE(dominates({1, 2, 3}, {1, 2, 3})); // equal: neither dominates
  EXPECT_FALSE(dominates({1, 5, 3}, {2, 2, 3})); // a trade-off
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_TRUE(dominates({1, 100, 1}, {1, nan, 1})); // never reaching the target is worst
}

TEST(Pareto, NonDominatedSetByHand) {
  // (carbon, time, cost): 0 and 1 trade off; 2 is dominated by 0; 3 equals 1 (kept); 4 is
  // dominated by 1.
  const std::vector<std::vector<double>> points{
      {1, 10, 5}, {2, 5, 5}, {1.5, 10, 5}, {2, 5, 5}, {2, 6, 5}};
  EXPECT_EQ(non_dominated(points), (std::vector<std::size_t>{0, 1, 3}));
}

TEST(Search, PenaltyKeepsFeasibleAhead) {
  DesignFitness infeasible;
  infeasible.violation = 0.5;
  const auto f = terrafate::search::penalized_objectives(infeasible);
  EXPECT_DOUBLE_EQ(f[0], 1.5e12);
  DesignFitness feasible;
  feasible.feasible = true;
  feasible.objectives = {3, 4, 5};
  EXPECT_EQ(terrafate::search::penalized_objectives(feasible), (std::vector<double>{3, 4, 5}));
}

TEST(Search, Nsga2FindsTheTradeOffOfSchafferN1) {
  // Schaffer's problem: f1 = x^2, f2 = (x - 2)^2; the Pareto set is x in [0, 2]. Designs with
  // x > 3 are infeasible (violation x - 3).
  const DesignSpace space({{"a", "x", "1", false, -10.0, 10.0, {}}});
  int batches = 0;
  const terrafate::search::BatchEvaluator evaluate =
      [&](const std::vector<std::vector<double>>& xs) {
        ++batches;
        std::vector<DesignFitness> out;
        for (const auto& x : xs) {
          DesignFitness f;
          f.objectives = {x[0] * x[0], (x[0] - 2) * (x[0] - 2), 0.0};
          f.feasible = x[0] <= 3.0;
          f.violation = f.feasible ? 0.0 : x[0] - 3.0;
          out.push_back(f);
        }
        return out;
      };
  const auto population = terrafate::search::nsga2_search(space, {16, 30, 7, 0}, evaluate);
  EXPECT_EQ(batches, 31); // the initial population and one batch per generation
  ASSERT_EQ(population.size(), 16u);
  for (const auto& x : population) {
    EXPECT_GE(x[0], -0.05);
    EXPECT_LE(x[0], 2.05);
  }
}

TEST(Search, CobylaFindsTheConstraintBoundary) {
  // Minimize |x| subject to x <= -1.25 (compliance needs at least 1.25 of extraction), from -3.
  const DesignSpace space({{"pt", "rate", "m3/d", false, -4.0, -0.5, {}}});
  const terrafate::search::BatchEvaluator evaluate =
      [&](const std::vector<std::vector<double>>& xs) {
        std::vector<DesignFitness> out;
        for (const auto& x : xs) {
          DesignFitness f;
          f.minimized = -x[0];
          f.constraint = x[0] + 1.25;
          f.feasible = f.constraint <= 0.0;
          out.push_back(f);
        }
        return out;
      };
  double best = -4.0;
  const terrafate::search::BatchEvaluator tracking =
      [&](const std::vector<std::vector<double>>& xs) {
        const auto out = evaluate(xs);
        if (out[0].feasible) best = std::max(best, xs[0][0]);
        return out;
      };
  const unsigned used = terrafate::search::refine(space, {16, 1, 1, 30}, {-3.0}, tracking);
  EXPECT_LE(used, 30u);
  EXPECT_NEAR(best, -1.25, 1e-3);
}
