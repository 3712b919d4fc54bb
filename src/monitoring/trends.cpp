#include "terrafate/monitoring/trends.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <stdexcept>

namespace terrafate::monitoring {

namespace {
int sign(double value) {
  return (value > 0.0) - (value < 0.0);
}

/// The value used in S: detected values as measured, non-detects tied below the smallest
/// detected value.
std::vector<double> ranked_values(const std::vector<SeriesPoint>& series) {
  double smallest = std::numeric_limits<double>::infinity();
  for (const auto& point : series)
    if (!point.non_detect) smallest = std::min(smallest, point.value);
  const double below = std::isfinite(smallest) ? smallest - 1.0 - std::abs(smallest) : 0.0;
  std::vector<double> values;
  for (const auto& point : series)
    values.push_back(point.non_detect ? below : point.value);
  return values;
}

/// Values with non-detects at half their detection limit.
std::vector<double> substituted_values(const std::vector<SeriesPoint>& series) {
  std::vector<double> values;
  for (const auto& point : series)
    values.push_back(point.non_detect ? 0.5 * point.value : point.value);
  return values;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}
} // namespace

double mann_kendall_exact_upper(int n, long s) {
  if (n < 2 || n > 60) throw std::invalid_argument("exact Mann-Kendall: n must be in 2..60");
  // counts[k]: permutations of n values with k inversions (Mahonian numbers), as doubles
  // (exact below 2^53 for n <= 18; relative rounding ~1e-16 above, far below table precision).
  const long pairs = static_cast<long>(n) * (n - 1) / 2;
  std::vector<double> counts{1.0};
  for (int m = 2; m <= n; ++m) {
    std::vector<double> next(counts.size() + static_cast<std::size_t>(m - 1), 0.0);
    for (std::size_t k = 0; k < counts.size(); ++k)
      for (int j = 0; j < m; ++j)
        next[k + static_cast<std::size_t>(j)] += counts[k];
    counts = std::move(next);
  }
  // S = pairs - 2 inversions: S >= s <=> inversions <= (pairs - s) / 2.
  double total = 0.0, upper = 0.0;
  for (std::size_t k = 0; k < counts.size(); ++k) {
    total += counts[k];
    if (pairs - 2 * static_cast<long>(k) >= s) upper += counts[k];
  }
  return upper / total;
}

MannKendall mann_kendall(std::vector<SeriesPoint> series) {
  if (series.size() < 4)
    throw std::invalid_argument("the Mann-Kendall test needs at least 4 values");
  std::stable_sort(series.begin(), series.end(),
                   [](const SeriesPoint& a, const SeriesPoint& b) { return a.time < b.time; });
  const std::vector<double> x = ranked_values(series);
  MannKendall result;
  result.n = static_cast<int>(x.size());
  const double n = result.n;
  for (std::size_t i = 0; i < x.size(); ++i)
    for (std::size_t j = i + 1; j < x.size(); ++j)
      result.s += sign(x[j] - x[i]);
  std::map<double, int> groups;
  for (const double value : x)
    ++groups[value];
  double ties = 0.0;
  for (const auto& [value, t] : groups)
    ties += static_cast<double>(t) * (t - 1) * (2 * t + 5);
  result.variance = (n * (n - 1) * (2 * n + 5) - ties) / 18.0;
  const double s = static_cast<double>(result.s);
  result.z = result.variance > 0.0 ? (s - sign(s)) / std::sqrt(result.variance) : 0.0;
  result.p_normal = 0.5 * std::erfc(std::abs(result.z) / std::sqrt(2.0));
  result.p_exact =
      result.n <= 10 ? mann_kendall_exact_upper(result.n, std::abs(result.s)) : result.p_normal;
  result.p_value = result.n <= 10 ? result.p_exact : result.p_normal;
  return result;
}

double sen_slope(const std::vector<SeriesPoint>& series) {
  const std::vector<double> x = substituted_values(series);
  std::vector<double> slopes;
  for (std::size_t i = 0; i < series.size(); ++i)
    for (std::size_t j = 0; j < series.size(); ++j)
      if (series[j].time > series[i].time)
        slopes.push_back((x[j] - x[i]) / (series[j].time - series[i].time));
  if (slopes.empty()) throw std::invalid_argument("Sen's slope needs two different times");
  return median(std::move(slopes));
}

double coefficient_of_variation(const std::vector<SeriesPoint>& series) {
  const std::vector<double> x = substituted_values(series);
  if (x.size() < 2) throw std::invalid_argument("a coefficient of variation needs two values");
  double mean = 0.0;
  for (const double v : x)
    mean += v;
  mean /= static_cast<double>(x.size());
  double squares = 0.0;
  for (const double v : x)
    squares += (v - mean) * (v - mean);
  const double sd = std::sqrt(squares / static_cast<double>(x.size() - 1));
  return mean > 0.0 ? sd / mean : std::numeric_limits<double>::infinity();
}

Trend maros_trend(long s, double p_value, double cov) {
  const double confidence = 1.0 - p_value;
  if (s > 0) {
    if (confidence > 0.95) return Trend::increasing;
    if (confidence >= 0.90) return Trend::probably_increasing;
    return Trend::no_trend;
  }
  if (s < 0) {
    if (confidence > 0.95) return Trend::decreasing;
    if (confidence >= 0.90) return Trend::probably_decreasing;
  }
  return cov < 1.0 ? Trend::stable : Trend::no_trend;
}

std::string_view trend_name(Trend trend) {
  switch (trend) {
  case Trend::increasing:
    return "Increasing";
  case Trend::probably_increasing:
    return "Probably Increasing";
  case Trend::no_trend:
    return "No Trend";
  case Trend::stable:
    return "Stable";
  case Trend::probably_decreasing:
    return "Probably Decreasing";
  case Trend::decreasing:
    return "Decreasing";
  }
  return "No Trend";
}

} // namespace terrafate::monitoring
