#pragma once
// Trend statistics of a monitoring series: the Mann-Kendall test (Gilbert 1987, "Statistical
// Methods for Environmental Pollution Monitoring", ch. 16), Sen's slope (Gilbert 1987, sec. 16.5)
// and the MAROS trend categories (AFCEE MAROS 2.x/3.0 manual, Aziz et al. 2003, the Mann-Kendall
// decision matrix). Plain C++.
//
// Non-detects: in the Mann-Kendall S every non-detect is tied with every other non-detect at a
// value below the smallest detected value (Gilbert 1987, sec. 16.4.1: "considered to be tied at
// a value less than the smallest measured value"); this counts each non-detect as one tie group
// in the variance. In Sen's slope and the coefficient of variation a non-detect is taken at half
// its detection limit (the MAROS default substitution).
#include <string>
#include <string_view>
#include <vector>

namespace terrafate::monitoring {

/// One point of a series.
struct SeriesPoint {
  double time = 0.0;  ///< [d]
  double value = 0.0; ///< concentration [mg/L] (a non-detect: its detection limit)
  bool non_detect = false;
};

struct MannKendall {
  int n = 0;
  long s = 0;            ///< sum over i < j of sign(x_j - x_i), in time order
  double variance = 0.0; ///< Var(S) with the tie correction (Gilbert 1987, eq. 16.4)
  double z = 0.0;        ///< (S - sign(S)) / sqrt(Var S) (continuity correction, eq. 16.5)
  double p_normal = 0.5; ///< one-sided P(S' >= |S|) under no trend by the normal approximation
  double p_exact = 0.5;  ///< one-sided exact P(S' >= |S|) for n <= 10 (no ties; Gilbert Table
                         ///< A18), otherwise equal to p_normal
  double p_value = 0.5;  ///< the one reported: p_exact for n <= 10, p_normal above
};

/// The Mann-Kendall test of `series` (sorted by time here; equal times are kept in input order).
/// Throws std::invalid_argument when fewer than 4 points are given.
MannKendall mann_kendall(std::vector<SeriesPoint> series);

/// One-sided exact probability P(S >= s) of the Mann-Kendall S for n values without ties under no
/// trend (the distribution of n(n-1)/2 - 2 x inversions of a random permutation). n in 2..60.
double mann_kendall_exact_upper(int n, long s);

/// Sen's slope [mg/L/d]: the median of (x_j - x_i) / (t_j - t_i) over pairs with t_j > t_i.
/// Throws std::invalid_argument when no two points have different times.
double sen_slope(const std::vector<SeriesPoint>& series);

/// Coefficient of variation (sample standard deviation / mean) of the values.
double coefficient_of_variation(const std::vector<SeriesPoint>& series);

enum class Trend {
  increasing,
  probably_increasing,
  no_trend,
  stable,
  probably_decreasing,
  decreasing
};

/// MAROS decision matrix with the confidence in the trend CF = 1 - p (one-sided):
/// S > 0: CF > 95 % Increasing, 90-95 % Probably Increasing, < 90 % No Trend;
/// S < 0: CF > 95 % Decreasing, 90-95 % Probably Decreasing;
/// S <= 0 and CF < 90 %: Stable when COV < 1, No Trend when COV >= 1.
Trend maros_trend(long s, double p_value, double coefficient_of_variation);

/// "Increasing", "Probably Increasing", "No Trend", "Stable", "Probably Decreasing",
/// "Decreasing".
std::string_view trend_name(Trend trend);

} // namespace terrafate::monitoring
