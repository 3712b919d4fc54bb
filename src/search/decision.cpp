#include "terrafate/search/decision.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace terrafate::search {

namespace {
/// P(X <= k) for X ~ Binomial(n, p), summed in log space.
double binomial_cdf(std::size_t k, std::size_t n, double p) {
  if (p <= 0.0) return 1.0;
  if (p >= 1.0) return k >= n ? 1.0 : 0.0;
  const double ln_n = std::lgamma(static_cast<double>(n) + 1.0);
  double sum = 0.0;
  for (std::size_t i = 0; i <= k && i <= n; ++i) {
    const double di = static_cast<double>(i), dn = static_cast<double>(n);
    sum += std::exp(ln_n - std::lgamma(di + 1.0) - std::lgamma(dn - di + 1.0) + di * std::log(p) +
                    (dn - di) * std::log1p(-p));
  }
  return std::min(sum, 1.0);
}

/// The p in [0, 1] where the decreasing function f(p) crosses `target`, by bisection.
template <typename F> double solve_decreasing(F f, double target) {
  double lo = 0.0, hi = 1.0;
  for (int i = 0; i < 200 && hi - lo > 1e-15; ++i) {
    const double mid = 0.5 * (lo + hi);
    (f(mid) > target ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

void check(std::size_t successes, std::size_t trials, double alpha) {
  if (trials == 0 || successes > trials || !(alpha > 0.0 && alpha < 1.0))
    throw std::invalid_argument("a binomial interval needs 0 <= successes <= trials, trials > 0 "
                                "and 0 < alpha < 1");
}
} // namespace

Interval clopper_pearson(std::size_t successes, std::size_t trials, double alpha) {
  check(successes, trials, alpha);
  Interval interval;
  // P(X >= x | p) increases with p; P(X <= x | p) decreases with p.
  if (successes > 0)
    interval.low = solve_decreasing(
        [&](double p) { return binomial_cdf(successes - 1, trials, p); }, 1.0 - alpha / 2.0);
  if (successes < trials)
    interval.high =
        solve_decreasing([&](double p) { return binomial_cdf(successes, trials, p); }, alpha / 2.0);
  return interval;
}

double normal_quantile(double probability) {
  // Phi(x) = erfc(-x / sqrt 2) / 2 increases with x.
  double lo = -40.0, hi = 40.0;
  for (int i = 0; i < 200 && hi - lo > 1e-15; ++i) {
    const double mid = 0.5 * (lo + hi);
    (0.5 * std::erfc(-mid / std::sqrt(2.0)) < probability ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

Interval wilson(std::size_t successes, std::size_t trials, double alpha) {
  check(successes, trials, alpha);
  const double z = normal_quantile(1.0 - alpha / 2.0), n = static_cast<double>(trials);
  const double p = static_cast<double>(successes) / n, z2 = z * z;
  const double centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
  const double half = z / (1.0 + z2 / n) * std::sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n));
  return {std::max(centre - half, 0.0), std::min(centre + half, 1.0)};
}

std::size_t realizations_needed(double confidence, double alpha) {
  if (confidence <= 0.0) return 1;
  if (confidence >= 1.0)
    throw std::invalid_argument("a confidence of 1 needs infinitely many "
                                "realizations");
  return static_cast<std::size_t>(std::ceil(std::log(alpha / 2.0) / std::log(confidence) - 1e-12));
}

std::vector<std::size_t> ranking(const std::vector<Option>& options, double tolerance) {
  std::vector<std::size_t> order(options.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (options[a].objective != options[b].objective)
      return options[a].objective < options[b].objective;
    return options[a].level < options[b].level;
  });
  if (order.empty()) return order;
  const double best = options[order.front()].objective;
  const double limit = best + tolerance * std::abs(best);
  std::size_t chosen = order.front();
  for (const std::size_t i : order)
    if (options[i].objective <= limit && options[i].level < options[chosen].level) chosen = i;
  order.erase(std::find(order.begin(), order.end(), chosen));
  order.insert(order.begin(), chosen);
  return order;
}

std::size_t choose(const std::vector<Option>& options, double tolerance) {
  return options.empty() ? 0 : ranking(options, tolerance).front();
}

bool rising_at_end(const std::vector<double>& times, const std::vector<double>& ratio,
                   double window, double tolerance) {
  if (times.size() < 2 || times.size() != ratio.size()) return false;
  const double begin = times.back() - window;
  double n = 0.0, mean_t = 0.0, mean_r = 0.0;
  for (std::size_t i = 0; i < times.size(); ++i)
    if (times[i] >= begin) {
      n += 1.0;
      mean_t += times[i];
      mean_r += ratio[i];
    }
  if (n < 2.0) return false;
  mean_t /= n;
  mean_r /= n;
  double covariance = 0.0, variance = 0.0;
  for (std::size_t i = 0; i < times.size(); ++i)
    if (times[i] >= begin) {
      covariance += (times[i] - mean_t) * (ratio[i] - mean_r);
      variance += (times[i] - mean_t) * (times[i] - mean_t);
    }
  const double slope = covariance / variance;
  return slope > 0.0 && slope * window > tolerance;
}

} // namespace terrafate::search
