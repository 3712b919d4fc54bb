#include "terrafate/monitoring/es_mda.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "terrafate/core/errors.hpp"
#include "terrafate/core/random.hpp"

namespace terrafate::monitoring {

namespace {
constexpr double kLogFloor = 1e-12; ///< [mg/L]

/// In-place Cholesky factorization A = L L^T (lower triangle of `a`, n x n row-major).
void cholesky(std::vector<double>& a, std::size_t n) {
  for (std::size_t j = 0; j < n; ++j) {
    double diagonal = a[j * n + j];
    for (std::size_t k = 0; k < j; ++k)
      diagonal -= a[j * n + k] * a[j * n + k];
    if (!(diagonal > 0.0))
      throw NumericalError("ES-MDA: C_DD + alpha C_D is not positive definite");
    const double l = std::sqrt(diagonal);
    a[j * n + j] = l;
    for (std::size_t i = j + 1; i < n; ++i) {
      double value = a[i * n + j];
      for (std::size_t k = 0; k < j; ++k)
        value -= a[i * n + k] * a[j * n + k];
      a[i * n + j] = value / l;
    }
  }
}

/// Solves L L^T x = b in place.
void cholesky_solve(const std::vector<double>& l, std::size_t n, std::vector<double>& b) {
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t k = 0; k < i; ++k)
      b[i] -= l[i * n + k] * b[k];
    b[i] /= l[i * n + i];
  }
  for (std::size_t i = n; i-- > 0;) {
    for (std::size_t k = i + 1; k < n; ++k)
      b[i] -= l[k * n + i] * b[k];
    b[i] /= l[i * n + i];
  }
}

/// Row anomalies: rows minus the column means.
MemberMatrix anomalies(const MemberMatrix& rows) {
  const std::size_t columns = rows.front().size();
  std::vector<double> mean(columns, 0.0);
  for (const auto& row : rows)
    for (std::size_t c = 0; c < columns; ++c)
      mean[c] += row[c];
  for (auto& value : mean)
    value /= static_cast<double>(rows.size());
  MemberMatrix result = rows;
  for (auto& row : result)
    for (std::size_t c = 0; c < columns; ++c)
      row[c] -= mean[c];
  return result;
}
} // namespace

Observations make_observations(const std::vector<Sample>& samples, double relative, double absolute,
                               bool log_transform) {
  Observations observations;
  for (const auto& sample : samples) {
    const double c = sample.value;
    const double sigma = std::hypot(relative * c, absolute);
    if (!(sigma > 0.0) || (log_transform && !(c > 0.0)))
      throw std::invalid_argument(
          fmt::format("sample of {} at {} (line {}): zero observation error or a log of 0",
                      sample.species, sample.well, sample.line));
    observations.value.push_back(log_transform ? std::log(c) : c);
    observations.sigma.push_back(log_transform ? sigma / c : sigma);
    observations.censored.push_back(sample.non_detect);
  }
  return observations;
}

std::vector<double> transform_predictions(const std::vector<double>& concentration,
                                          bool log_transform) {
  std::vector<double> result;
  for (const double c : concentration) {
    if (!std::isfinite(c)) throw NumericalError("ES-MDA: a simulated value is not finite");
    result.push_back(log_transform ? std::log(std::max(c, kLogFloor)) : c);
  }
  return result;
}

std::vector<double> default_inflation(int iterations) {
  return std::vector<double>(static_cast<std::size_t>(iterations), static_cast<double>(iterations));
}

MemberMatrix perturb_observations(const Observations& observations, double alpha, int members,
                                  std::uint64_t seed, int iteration) {
  const std::size_t nd = observations.value.size();
  const std::uint64_t stream = (std::uint64_t{1} << 62) + static_cast<std::uint64_t>(iteration);
  const double scale = std::sqrt(alpha);
  MemberMatrix perturbed(static_cast<std::size_t>(members), std::vector<double>(nd));
  for (std::size_t j = 0; j < perturbed.size(); ++j)
    for (std::size_t k = 0; k < nd; ++k)
      perturbed[j][k] = observations.value[k] +
                        scale * observations.sigma[k] * random_normal(seed, stream, j * nd + k);
  return perturbed;
}

void es_mda_update(MemberMatrix& parameters, const MemberMatrix& predictions,
                   const MemberMatrix& perturbed, const Observations& observations, double alpha) {
  const std::size_t ne = parameters.size();
  const std::size_t nd = observations.value.size();
  if (ne < 2 || predictions.size() != ne || perturbed.size() != ne ||
      observations.sigma.size() != nd || observations.censored.size() != nd)
    throw std::invalid_argument("ES-MDA: the ensemble matrices do not match");
  for (std::size_t j = 0; j < ne; ++j)
    if (predictions[j].size() != nd || perturbed[j].size() != nd ||
        parameters[j].size() != parameters[0].size())
      throw std::invalid_argument("ES-MDA: the ensemble matrices do not match");
  if (!(alpha > 0.0)) throw std::invalid_argument("ES-MDA: alpha must be > 0");

  const MemberMatrix dm = anomalies(parameters);
  MemberMatrix dd = anomalies(predictions);
  for (auto& row : dd) // scaled anomalies S^{-1} dD
    for (std::size_t k = 0; k < nd; ++k)
      row[k] /= observations.sigma[k];
  const double scale = 1.0 / static_cast<double>(ne - 1);
  // A = S^{-1} C_DD S^{-1} + alpha I
  std::vector<double> a(nd * nd, 0.0);
  for (const auto& row : dd)
    for (std::size_t i = 0; i < nd; ++i)
      for (std::size_t k = 0; k <= i; ++k)
        a[i * nd + k] += row[i] * row[k] * scale;
  for (std::size_t i = 0; i < nd; ++i) {
    a[i * nd + i] += alpha;
    for (std::size_t k = 0; k < i; ++k)
      a[k * nd + i] = a[i * nd + k];
  }
  const std::vector<double> a_full = a;
  cholesky(a, nd);

  // x_j = A_j^{-1} S^{-1} (d_j - g_j) over the data active for member j (all data but the
  // censored ones its prediction satisfies), zero on the others.
  MemberMatrix x(ne, std::vector<double>(nd, 0.0));
  for (std::size_t j = 0; j < ne; ++j) {
    std::vector<std::size_t> active;
    for (std::size_t k = 0; k < nd; ++k)
      if (!(observations.censored[k] && predictions[j][k] <= observations.value[k]))
        active.push_back(k);
    std::vector<double> b;
    for (const std::size_t k : active)
      b.push_back((perturbed[j][k] - predictions[j][k]) / observations.sigma[k]);
    if (active.size() == nd) {
      cholesky_solve(a, nd, b);
    } else if (!active.empty()) {
      const std::size_t na = active.size();
      std::vector<double> sub(na * na);
      for (std::size_t r = 0; r < na; ++r)
        for (std::size_t c = 0; c < na; ++c)
          sub[r * na + c] = a_full[active[r] * nd + active[c]];
      cholesky(sub, na);
      cholesky_solve(sub, na, b);
    }
    for (std::size_t i = 0; i < active.size(); ++i)
      x[j][active[i]] = b[i];
  }
  // m_j += dM^T (S^{-1} dD) x_j / (N_e - 1): through C = dM^T (S^{-1} dD) / (N_e - 1)
  // (N_m x N_d) when N_d < N_e, else through W = (S^{-1} dD) X^T / (N_e - 1) (N_e x N_e).
  const std::size_t nm = parameters[0].size();
  MemberMatrix updated = parameters;
  if (nd < ne) {
    std::vector<double> c(nm * nd, 0.0);
    for (std::size_t l = 0; l < ne; ++l)
      for (std::size_t p = 0; p < nm; ++p)
        for (std::size_t k = 0; k < nd; ++k)
          c[p * nd + k] += dm[l][p] * dd[l][k] * scale;
    for (std::size_t j = 0; j < ne; ++j)
      for (std::size_t p = 0; p < nm; ++p)
        for (std::size_t k = 0; k < nd; ++k)
          updated[j][p] += c[p * nd + k] * x[j][k];
  } else {
    for (std::size_t l = 0; l < ne; ++l)
      for (std::size_t j = 0; j < ne; ++j) {
        double w = 0.0;
        for (std::size_t k = 0; k < nd; ++k)
          w += dd[l][k] * x[j][k];
        w *= scale;
        for (std::size_t p = 0; p < nm; ++p)
          updated[j][p] += dm[l][p] * w;
      }
  }
  parameters = std::move(updated);
}

double to_gaussian(const AssimilationParameter& parameter, double value) {
  switch (parameter.kind) {
  case AssimilationParameter::Kind::lognormal:
  case AssimilationParameter::Kind::field:
    return std::log(value);
  case AssimilationParameter::Kind::uniform:
    return normal_quantile((value - parameter.a) / (parameter.b - parameter.a));
  case AssimilationParameter::Kind::normal:
    break;
  }
  return value;
}

double from_gaussian(const AssimilationParameter& parameter, double gaussian) {
  switch (parameter.kind) {
  case AssimilationParameter::Kind::lognormal:
  case AssimilationParameter::Kind::field:
    return std::exp(gaussian);
  case AssimilationParameter::Kind::uniform:
    return parameter.a + (parameter.b - parameter.a) * 0.5 * std::erfc(-gaussian / std::sqrt(2.0));
  case AssimilationParameter::Kind::normal:
    break;
  }
  return gaussian;
}

double prior_gaussian(const AssimilationParameter& parameter, std::uint64_t seed, std::size_t p,
                      int member) {
  if (parameter.kind == AssimilationParameter::Kind::field)
    throw std::invalid_argument("a field's prior is a GaussianField of ln K, not one value");
  const double z = random_normal(seed, p, static_cast<std::uint64_t>(member));
  switch (parameter.kind) {
  case AssimilationParameter::Kind::lognormal:
    return std::log(parameter.a) + std::log(parameter.b) * z;
  case AssimilationParameter::Kind::normal:
    return parameter.a + parameter.b * z;
  case AssimilationParameter::Kind::uniform:
  case AssimilationParameter::Kind::field:
    break;
  }
  return z;
}

} // namespace terrafate::monitoring
