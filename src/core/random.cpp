#include "terrafate/core/random.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <stdexcept>
#include <string>

namespace terrafate {

namespace {

constexpr std::uint64_t golden_gamma = 0x9e3779b97f4a7c15ULL; // 2^64 / golden ratio, odd

/// The SplitMix64 finalizer (a bijection of the 64-bit integers).
constexpr std::uint64_t mix64(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/// Acklam's rational approximation of the standard normal quantile for p in (0, 0.5]
/// (relative error below 1.15e-9).
double acklam_lower(double p) {
  constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,  -2.759285104469687e+02,
                          1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
  constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                          6.680131188771972e+01, -1.328068155288572e+01};
  constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                          -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
  constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                          3.754408661907416e+00};
  constexpr double p_low = 0.02425;
  if (p < p_low) {
    const double q = std::sqrt(-2.0 * std::log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
           ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
  }
  const double q = p - 0.5;
  const double r = q * q;
  return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
         (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0);
}

/// The quantile for p in (0, 0.5]: Acklam's value refined by one Halley step. The residual
/// Phi(x) - p is computed without cancellation: as erf(x / sqrt 2) / 2 - (p - 1/2) in the centre
/// (both terms small, p - 1/2 exact for p >= 1/4) and by erfc in the tail.
double quantile_lower(double p) {
  double x = acklam_lower(p);
  const double e = p < 0.25 ? 0.5 * std::erfc(-x / std::numbers::sqrt2) - p
                            : 0.5 * std::erf(x / std::numbers::sqrt2) - (p - 0.5);
  const double inverse_density = std::sqrt(2.0 * std::numbers::pi) * std::exp(0.5 * x * x);
  if (!std::isfinite(inverse_density)) {
    // Subnormal p (x < -37.5): a Newton step on log Phi(x) = log p instead, with
    // Phi(x) = phi(x) M(-x) and the Mills ratio M(t) = (1 - 1/t^2 + 3/t^4 - ...) / t (asymptotic
    // series; at t > 37 six terms leave an error below 1e-20).
    const double t2 = x * x;
    double series = 1.0, term = 1.0;
    for (int k = 1; k <= 6; ++k) {
      term *= -(2.0 * k - 1.0) / t2;
      series += term;
    }
    const double mills = -series / x;
    const double log_cdf = -0.5 * t2 - 0.5 * std::log(2.0 * std::numbers::pi) + std::log(mills);
    return x - (log_cdf - std::log(p)) * mills;
  }
  const double u = e * inverse_density;
  x -= u / (1.0 + 0.5 * x * u);
  return x;
}

void require(bool condition, const std::string& message) {
  if (!condition) throw std::invalid_argument(message);
}

} // namespace

std::uint64_t random_bits(std::uint64_t seed, std::uint64_t stream, std::uint64_t index) {
  const std::uint64_t state = mix64(mix64(seed + golden_gamma) ^ stream);
  return mix64(mix64(index + golden_gamma) ^ state);
}

double random_uniform(std::uint64_t seed, std::uint64_t stream, std::uint64_t index) {
  // k < 2^52, so k + 0.5 is exact and the result lies in [2^-53, 1 - 2^-53].
  const auto k = static_cast<double>(random_bits(seed, stream, index) >> 12);
  return (k + 0.5) * 0x1p-52;
}

double random_normal(std::uint64_t seed, std::uint64_t stream, std::uint64_t index) {
  return normal_quantile(random_uniform(seed, stream, index));
}

double normal_quantile(double p) {
  require(p >= 0.0 && p <= 1.0, "normal_quantile: p = " + std::to_string(p) + " is outside [0, 1]");
  if (p == 0.0) return -std::numeric_limits<double>::infinity();
  if (p == 1.0) return std::numeric_limits<double>::infinity();
  if (p == 0.5) return 0.0;
  // 1 - p is exact for p in [0.5, 1] (Sterbenz), so the upper half loses nothing.
  return p < 0.5 ? quantile_lower(p) : -quantile_lower(1.0 - p);
}

double sample_quantile(std::vector<double> values, double p) {
  require(!values.empty(), "sample_quantile: no values");
  require(p >= 0.0 && p <= 1.0, "sample_quantile: p = " + std::to_string(p) + " is outside [0, 1]");
  require(std::none_of(values.begin(), values.end(), [](double v) { return std::isnan(v); }),
          "sample_quantile: a value is NaN");
  std::sort(values.begin(), values.end());
  const double h = static_cast<double>(values.size() - 1) * p;
  const auto below = static_cast<std::size_t>(std::floor(h));
  if (below + 1 >= values.size()) return values.back();
  const double t = h - static_cast<double>(below);
  const double a = values[below], b = values[below + 1];
  // numpy's _lerp: interpolate from the nearer order statistic.
  return t < 0.5 ? a + (b - a) * t : b - (b - a) * (1.0 - t);
}

GaussianField::GaussianField(std::array<std::vector<double>, 3> centers,
                             std::array<double, 3> correlation_length, std::uint64_t seed,
                             std::uint64_t stream)
    : seed_(seed), stream_(stream) {
  double extended_cells = 1.0;
  for (int a = 0; a < 3; ++a) {
    const auto& c = centers[a];
    const std::string axis = "GaussianField: axis " + std::to_string(a);
    require(!c.empty(), axis + " has no cells");
    require(c.size() <= static_cast<std::size_t>(std::numeric_limits<int>::max()),
            axis + " has too many cells");
    for (std::size_t i = 0; i < c.size(); ++i) {
      require(std::isfinite(c[i]), axis + ": a cell centre is not finite");
      require(i == 0 || c[i] > c[i - 1], axis + ": cell centres are not strictly increasing");
    }
    const double length = correlation_length[a];
    require(std::isfinite(length) && length > 0.0,
            axis + ": the correlation length must be positive and finite, not " +
                std::to_string(length) + " m");
    cells_[a] = static_cast<int>(c.size());
    if (c.size() == 1) {
      radius_[a] = 0;
      weights_[a] = {1.0};
    } else {
      const double mean_width = (c.back() - c.front()) / static_cast<double>(c.size() - 1);
      const double s = length / (2.0 * mean_width); // kernel standard deviation [cells]
      require(4.0 * s < 1e9, axis + ": the correlation length is too long for the cell width");
      const auto radius = static_cast<std::int64_t>(std::ceil(4.0 * s));
      radius_[a] = radius;
      auto& w = weights_[a];
      w.resize(static_cast<std::size_t>(2 * radius + 1));
      double sum_squares = 0.0;
      for (std::int64_t m = -radius; m <= radius; ++m) {
        const double value = std::exp(-0.5 * static_cast<double>(m * m) / (s * s));
        w[static_cast<std::size_t>(m + radius)] = value;
        sum_squares += value * value;
      }
      const double scale = 1.0 / std::sqrt(sum_squares);
      for (double& value : w)
        value *= scale;
    }
    extended_[a] =
        static_cast<std::uint64_t>(cells_[a]) + 2 * static_cast<std::uint64_t>(radius_[a]);
    extended_cells *= static_cast<double>(extended_[a]);
  }
  require(extended_cells < 0x1p63, "GaussianField: the margin-extended grid has too many cells");
}

std::vector<double> GaussianField::block(std::array<int, 3> offset,
                                         std::array<int, 3> count) const {
  for (int a = 0; a < 3; ++a)
    require(offset[a] >= 0 && count[a] >= 0 &&
                static_cast<std::int64_t>(offset[a]) + count[a] <= cells_[a],
            "GaussianField::block: cells [" + std::to_string(offset[a]) + ", " +
                std::to_string(static_cast<std::int64_t>(offset[a]) + count[a]) + ") of axis " +
                std::to_string(a) + " are not inside the grid's " + std::to_string(cells_[a]));
  const auto nx = static_cast<std::size_t>(count[0]);
  const auto ny = static_cast<std::size_t>(count[1]);
  const auto nz = static_cast<std::size_t>(count[2]);
  if (nx == 0 || ny == 0 || nz == 0) return {};
  const auto rx = static_cast<std::size_t>(radius_[0]);
  const auto ry = static_cast<std::size_t>(radius_[1]);
  const auto rz = static_cast<std::size_t>(radius_[2]);
  const std::size_t nx_ext = nx + 2 * rx, ny_ext = ny + 2 * ry, nz_ext = nz + 2 * rz;
  const auto& wx = weights_[0];
  const auto& wy = weights_[1];
  const auto& wz = weights_[2];

  // Every value is accumulated over the kernel offsets in ascending order, x then y then z, from
  // noise indexed by the global extended-grid cell: the same operations in the same order for a
  // cell whatever block it is computed in (no FMA contraction: ISO C++ mode, -ffp-contract=off).

  // 1. Noise along x for each (y, z) line of the margin-extended slab, convolved along x.
  std::vector<double> along_x(nx * ny_ext * nz_ext);
  std::vector<double> line(nx_ext);
  for (std::size_t k = 0; k < nz_ext; ++k) {
    const std::uint64_t ze = static_cast<std::uint64_t>(offset[2]) + k; // extended-grid index
    for (std::size_t j = 0; j < ny_ext; ++j) {
      const std::uint64_t ye = static_cast<std::uint64_t>(offset[1]) + j;
      const std::uint64_t row = extended_[0] * (ye + extended_[1] * ze);
      for (std::size_t i = 0; i < nx_ext; ++i)
        line[i] = random_normal(seed_, stream_, row + static_cast<std::uint64_t>(offset[0]) + i);
      double* out = &along_x[nx * (j + ny_ext * k)];
      for (std::size_t i = 0; i < nx; ++i) {
        double sum = 0.0;
        for (std::size_t m = 0; m < wx.size(); ++m)
          sum += wx[m] * line[i + m];
        out[i] = sum;
      }
    }
  }

  // 2. Along y.
  std::vector<double> along_y(nx * ny * nz_ext, 0.0);
  for (std::size_t k = 0; k < nz_ext; ++k)
    for (std::size_t j = 0; j < ny; ++j) {
      double* out = &along_y[nx * (j + ny * k)];
      for (std::size_t m = 0; m < wy.size(); ++m) {
        const double* in = &along_x[nx * (j + m + ny_ext * k)];
        for (std::size_t i = 0; i < nx; ++i)
          out[i] += wy[m] * in[i];
      }
    }
  along_x = std::vector<double>();

  // 3. Along z.
  std::vector<double> result(nx * ny * nz, 0.0);
  for (std::size_t k = 0; k < nz; ++k)
    for (std::size_t m = 0; m < wz.size(); ++m) {
      const double* in = &along_y[nx * ny * (k + m)];
      double* out = &result[nx * ny * k];
      for (std::size_t ij = 0; ij < nx * ny; ++ij)
        out[ij] += wz[m] * in[ij];
    }
  return result;
}

} // namespace terrafate
