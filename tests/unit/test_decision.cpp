// The decision rule (issue 21): binomial intervals against closed forms and published tables,
// the realizations a decision needs, and the carbon tolerance in which the lower level wins.
#include <cmath>

#include <gtest/gtest.h>

#include "terrafate/search/decision.hpp"

using namespace terrafate::search;

TEST(Decision, ClopperPearsonAllCompliantIsClosedForm) {
  // x = n: the lower bound solves p^n = alpha/2; x = 0: the upper bound solves (1-p)^n = alpha/2.
  for (const std::size_t n : {1u, 4u, 10u, 50u}) {
    const Interval all = clopper_pearson(n, n, 0.05);
    EXPECT_NEAR(all.low, std::pow(0.025, 1.0 / static_cast<double>(n)), 1e-6) << n;
    EXPECT_EQ(all.high, 1.0);
    const Interval none = clopper_pearson(0, n, 0.05);
    EXPECT_EQ(none.low, 0.0);
    EXPECT_NEAR(none.high, 1.0 - std::pow(0.025, 1.0 / static_cast<double>(n)), 1e-6) << n;
  }
  // The example: 4/4 compliant, 95 % two-sided: lower bound 0.3976.
  EXPECT_NEAR(clopper_pearson(4, 4, 0.05).low, 0.397635364, 1e-6);
}

TEST(Decision, ClopperPearsonOneOfTwoIsClosedForm) {
  // x = 1, n = 2: P(X >= 1) = 1 - (1-p)^2 = alpha/2 and P(X <= 1) = 1 - p^2 = alpha/2.
  const Interval i = clopper_pearson(1, 2, 0.1);
  EXPECT_NEAR(i.low, 1.0 - std::sqrt(0.95), 1e-6);
  EXPECT_NEAR(i.high, std::sqrt(0.95), 1e-6);
}

TEST(Decision, ClopperPearsonMatchesPublishedTable) {
  // 3 of 4 at 95 %: (0.1941, 0.9937) (Clopper & Pearson 1934 tables; risk-review O5: ~0.19).
  const Interval i = clopper_pearson(3, 4, 0.05);
  EXPECT_NEAR(i.low, 0.1941, 5e-5);
  EXPECT_NEAR(i.high, 0.9937, 5e-5);
}

TEST(Decision, WilsonMatchesClosedForms) {
  EXPECT_NEAR(normal_quantile(0.975), 1.959963984540054, 1e-9); // published constant
  const double z = 1.959963984540054;
  // x = n: the Wilson lower bound is n / (n + z^2).
  EXPECT_NEAR(wilson(4, 4, 0.05).low, 4.0 / (4.0 + z * z), 1e-6);
  EXPECT_NEAR(wilson(20, 20, 0.05).low, 20.0 / (20.0 + z * z), 1e-6);
  // x = 0: the upper bound is z^2 / (n + z^2).
  EXPECT_NEAR(wilson(0, 10, 0.05).high, z * z / (10.0 + z * z), 1e-6);
}

TEST(Decision, RealizationsNeeded) {
  // (0.025)^(1/35) = 0.89997 < 0.9 <= (0.025)^(1/36) = 0.90265.
  EXPECT_EQ(realizations_needed(0.9, 0.05), 36u);
  EXPECT_LT(clopper_pearson(35, 35, 0.05).low, 0.9);
  EXPECT_GE(clopper_pearson(36, 36, 0.05).low, 0.9);
}

TEST(Decision, CarbonToleranceTieGoesToLowerLevel) {
  const int mna = 0, active = 3;
  // MNA 8 % above the active option: within the 10 % tolerance, MNA wins.
  EXPECT_EQ(choose({{100.0, active}, {108.0, mna}}, 0.1), 1u);
  // 15 % apart: the lower-carbon active option wins.
  EXPECT_EQ(choose({{100.0, active}, {115.0, mna}}, 0.1), 0u);
  // Without a tolerance only an exact tie goes to the lower level.
  EXPECT_EQ(choose({{100.0, active}, {108.0, mna}}, 0.0), 0u);
  EXPECT_EQ(choose({{100.0, active}, {100.0, mna}}, 0.0), 1u);
  // Within the tolerance, among equal levels the lower carbon; the ranking lists the rest.
  const auto order = ranking({{100.0, active}, {105.0, 1}, {103.0, 1}, {150.0, mna}}, 0.1);
  EXPECT_EQ(order, (std::vector<std::size_t>{2, 0, 1, 3}));
}

TEST(Decision, RisingAtEndUsesTheLeastSquaresSlopeOverTheWindow) {
  // Points (0, 5), (10, 1), (20, 2), (30, 3.5) with a window of 20 d: only t = 10, 20, 30 count;
  // their slope by hand is sum (t - 20)(r - 13/6) / sum (t - 20)^2 = (-10 x -7/6 + 10 x 4/3) / 200
  // = 0.125 /d, a rise of 2.5 over the window.
  const std::vector<double> times{0, 10, 20, 30}, ratio{5, 1, 2, 3.5};
  EXPECT_TRUE(rising_at_end(times, ratio, 20.0, 2.49));
  EXPECT_FALSE(rising_at_end(times, ratio, 20.0, 2.51));
  // The whole series (window 30 d) falls: slope (-15 x 5 - 5 x 1 + 5 x 2 + 15 x 3.5)/500 < 0.
  EXPECT_FALSE(rising_at_end(times, ratio, 30.0, 0.0));
  // One point in the window: no trend.
  EXPECT_FALSE(rising_at_end(times, ratio, 5.0, 0.0));
}
