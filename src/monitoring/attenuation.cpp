#include "terrafate/monitoring/attenuation.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <stdexcept>

namespace terrafate::monitoring {

namespace {

/// Continued fraction of the regularized incomplete beta function (modified Lentz).
double beta_continued_fraction(double a, double b, double x) {
  constexpr double tiny = 1e-300;
  double c = 1.0;
  double d = 1.0 - (a + b) * x / (a + 1.0);
  if (std::abs(d) < tiny) d = tiny;
  d = 1.0 / d;
  double h = d;
  for (int m = 1; m <= 10000; ++m) {
    const double m2 = 2.0 * m;
    double numerator = m * (b - m) * x / ((a + m2 - 1.0) * (a + m2));
    d = 1.0 + numerator * d;
    c = 1.0 + numerator / c;
    if (std::abs(d) < tiny) d = tiny;
    if (std::abs(c) < tiny) c = tiny;
    d = 1.0 / d;
    h *= d * c;
    numerator = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0));
    d = 1.0 + numerator * d;
    c = 1.0 + numerator / c;
    if (std::abs(d) < tiny) d = tiny;
    if (std::abs(c) < tiny) c = tiny;
    d = 1.0 / d;
    const double step = d * c;
    h *= step;
    if (std::abs(step - 1.0) < 1e-15) return h;
  }
  return h;
}

/// I_x(a, b).
double incomplete_beta(double a, double b, double x) {
  if (x <= 0.0) return 0.0;
  if (x >= 1.0) return 1.0;
  const double log_front =
      std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x);
  const double front = std::exp(log_front);
  if (x < (a + 1.0) / (a + b + 2.0)) return front * beta_continued_fraction(a, b, x) / a;
  return 1.0 - front * beta_continued_fraction(b, a, 1.0 - x) / b;
}

/// Student's t CDF.
double student_t_cdf(double t, double dof) {
  const double tail = 0.5 * incomplete_beta(0.5 * dof, 0.5, dof / (dof + t * t));
  return t >= 0.0 ? 1.0 - tail : tail;
}

RateEstimate rate_from_fit(const LineFit& fit, double scale) {
  const double half = student_t_quantile(0.975, fit.n - 2.0) * fit.slope_standard_error;
  RateEstimate rate;
  rate.n = fit.n;
  rate.rate = -fit.slope * scale;
  rate.low = (-fit.slope - half) * scale;
  rate.high = (-fit.slope + half) * scale;
  return rate;
}

LineFit fit_ln_concentration(const std::vector<double>& distance,
                             const std::vector<double>& concentration) {
  if (distance.size() != concentration.size())
    throw std::invalid_argument("distances and concentrations differ in number");
  std::vector<double> ln_c;
  for (const double c : concentration) {
    if (!(c > 0.0)) throw std::invalid_argument("ln C needs concentrations > 0");
    ln_c.push_back(std::log(c));
  }
  return fit_line(distance, ln_c);
}

} // namespace

double student_t_quantile(double p, double dof) {
  if (!(p > 0.0 && p < 1.0) || !(dof > 0.0))
    throw std::invalid_argument("the t quantile needs p in (0, 1) and dof > 0");
  if (p < 0.5) return -student_t_quantile(1.0 - p, dof);
  if (p == 0.5) return 0.0;
  double low = 0.0, high = 1.0;
  while (student_t_cdf(high, dof) < p)
    high *= 2.0;
  for (int i = 0; i < 200 && high - low > 1e-13 * high; ++i) {
    const double mid = 0.5 * (low + high);
    (student_t_cdf(mid, dof) < p ? low : high) = mid;
  }
  return 0.5 * (low + high);
}

LineFit fit_line(const std::vector<double>& x, const std::vector<double>& y) {
  if (x.size() != y.size() || x.size() < 3)
    throw std::invalid_argument("a regression with its interval needs 3 or more points");
  const double n = static_cast<double>(x.size());
  double mx = 0.0, my = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  double sxx = 0.0, sxy = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sxx += (x[i] - mx) * (x[i] - mx);
    sxy += (x[i] - mx) * (y[i] - my);
  }
  if (!(sxx > 0.0)) throw std::invalid_argument("a regression needs two different abscissae");
  LineFit fit;
  fit.n = static_cast<int>(x.size());
  fit.slope = sxy / sxx;
  fit.intercept = my - fit.slope * mx;
  double sse = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double r = y[i] - fit.intercept - fit.slope * x[i];
    sse += r * r;
  }
  fit.slope_standard_error = std::sqrt(sse / (n - 2.0) / sxx);
  return fit;
}

RateEstimate point_decay_rate(const std::vector<SeriesPoint>& series) {
  std::vector<double> time, concentration;
  for (const auto& point : series)
    if (!point.non_detect) {
      time.push_back(point.time);
      concentration.push_back(point.value);
    }
  return rate_from_fit(fit_ln_concentration(time, concentration), 1.0);
}

RateEstimate bulk_attenuation_rate(const std::vector<double>& distance,
                                   const std::vector<double>& concentration,
                                   double seepage_velocity, double retardation) {
  if (!(seepage_velocity > 0.0) || !(retardation >= 1.0))
    throw std::invalid_argument("the bulk rate needs a seepage velocity > 0 and R >= 1");
  return rate_from_fit(fit_ln_concentration(distance, concentration),
                       seepage_velocity / retardation);
}

double buscheck_alcantar_rate(double attenuation_per_distance, double contaminant_velocity,
                              double dispersivity) {
  if (!(dispersivity > 0.0))
    throw std::invalid_argument("Buscheck-Alcantar needs a dispersivity > 0");
  const double factor = 1.0 + 2.0 * dispersivity * attenuation_per_distance;
  return contaminant_velocity / (4.0 * dispersivity) * (factor * factor - 1.0);
}

RateEstimate biodegradation_rate(const std::vector<double>& distance,
                                 const std::vector<double>& concentration, double seepage_velocity,
                                 double retardation, double dispersivity) {
  const RateEstimate slope = bulk_attenuation_rate(distance, concentration, 1.0, 1.0);
  const double velocity = seepage_velocity / retardation;
  RateEstimate rate;
  rate.n = slope.n;
  rate.rate = buscheck_alcantar_rate(slope.rate, velocity, dispersivity);
  rate.low = buscheck_alcantar_rate(slope.low, velocity, dispersivity);
  rate.high = buscheck_alcantar_rate(slope.high, velocity, dispersivity);
  return rate;
}

PlumeMoments plume_moments(const std::vector<WellValue>& wells, double porosity_thickness) {
  bool equal = true;
  for (const auto& well : wells)
    equal = equal && well.area <= 0.0;
  PlumeMoments moments;
  double weight = 0.0;
  std::array<double, 3> first{};
  for (const auto& well : wells) {
    const double w = (equal ? 1.0 : well.area) * well.concentration;
    weight += w;
    for (int d = 0; d < 3; ++d)
      first[d] += w * well.position[d];
    ++moments.wells;
  }
  if (!(weight > 0.0))
    throw std::invalid_argument("plume moments need a well with a concentration > 0");
  moments.mass = porosity_thickness * weight;
  for (int d = 0; d < 3; ++d)
    moments.centre[d] = first[d] / weight;
  std::array<double, 3> second{};
  for (const auto& well : wells) {
    const double w = (equal ? 1.0 : well.area) * well.concentration;
    for (int d = 0; d < 3; ++d)
      second[d] +=
          w * (well.position[d] - moments.centre[d]) * (well.position[d] - moments.centre[d]);
  }
  for (int d = 0; d < 3; ++d)
    moments.spread[d] = std::sqrt(second[d] / weight);
  return moments;
}

std::vector<RatioPoint> daughter_parent_ratios(const std::vector<SeriesPoint>& parent,
                                               const std::vector<SeriesPoint>& daughter,
                                               double parent_molar_mass,
                                               double daughter_molar_mass) {
  if (!(parent_molar_mass > 0.0) || !(daughter_molar_mass > 0.0))
    throw std::invalid_argument("molar masses must be > 0");
  const auto molar = [](const SeriesPoint& point, double molar_mass) {
    return (point.non_detect ? 0.5 * point.value : point.value) / molar_mass;
  };
  std::map<double, const SeriesPoint*> parents;
  for (const auto& point : parent)
    parents[point.time] = &point;
  std::vector<RatioPoint> ratios;
  for (const auto& point : daughter) {
    const auto found = parents.find(point.time);
    if (found == parents.end()) continue;
    ratios.push_back({point.time,
                      molar(point, daughter_molar_mass) / molar(*found->second, parent_molar_mass),
                      point.non_detect || found->second->non_detect});
  }
  std::sort(ratios.begin(), ratios.end(),
            [](const RatioPoint& a, const RatioPoint& b) { return a.time < b.time; });
  return ratios;
}

} // namespace terrafate::monitoring
