// Counter-based random numbers, the normal quantile, sample quantiles and the Gaussian random
// field, against independent references: the moments of the uniform and normal distributions,
// quantiles computed with mpmath (50 digits), numpy.quantile, and the exact correlation function.
// Sampling tolerances are 5 standard errors of the estimator (the seeds are fixed, so each test is
// deterministic; 5 standard errors leave a margin for any other seed).
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "terrafate/core/random.hpp"

namespace terrafate {
namespace {

constexpr int draws = 1'000'000;

TEST(Random, UniformHasTheMomentsOfUniform01AndIsReproducible) {
  double sum = 0.0, sum_squares = 0.0;
  double low = 1.0, high = 0.0;
  for (int n = 0; n < draws; ++n) {
    const double u = random_uniform(42, 7, static_cast<std::uint64_t>(n));
    sum += u;
    sum_squares += (u - 0.5) * (u - 0.5);
    low = std::min(low, u);
    high = std::max(high, u);
  }
  const double mean = sum / draws;
  const double variance = sum_squares / draws - (mean - 0.5) * (mean - 0.5);
  // Standard error of the mean: sqrt(1/12 / N) = 2.89e-4; of the variance:
  // sqrt((E(u-1/2)^4 - 1/144) / N) = sqrt((1/80 - 1/144) / N) = 7.45e-5.
  EXPECT_NEAR(mean, 0.5, 5 * std::sqrt(1.0 / 12 / draws));
  EXPECT_NEAR(variance, 1.0 / 12, 5 * std::sqrt((1.0 / 80 - 1.0 / 144) / draws));
  EXPECT_GT(low, 0.0);
  EXPECT_LT(high, 1.0);
  RecordProperty("uniform_mean", std::to_string(mean));
  RecordProperty("uniform_variance", std::to_string(variance));

  EXPECT_EQ(random_bits(1, 2, 3), random_bits(1, 2, 3));
  EXPECT_EQ(random_uniform(1, 2, 3), random_uniform(1, 2, 3));
  EXPECT_NE(random_uniform(1, 2, 3), random_uniform(1, 3, 3)); // another stream
  EXPECT_NE(random_uniform(1, 2, 3), random_uniform(2, 2, 3)); // another seed
  EXPECT_NE(random_uniform(1, 2, 3), random_uniform(1, 2, 4)); // another index
  EXPECT_NE(random_bits(0, 0, 0), random_bits(0, 1, 0));
}

TEST(Random, NormalQuantileMatchesHighPrecisionValues) {
  // Reference: mpmath findroot(log ncdf(x) - log p) at 60 digits, p the double nearest the decimal.
  struct Case {
    double p, x;
  };
  const Case cases[] = {{0.975, 1.9599639845400538557},      {0.025, -1.9599639845400542118},
                        {0.95, 1.6448536269514722843},       {0.3, -0.52440051270804081597},
                        {1e-6, -4.7534243088228989573},      {0.999999, 4.7534243088170877657},
                        {1e-20, -9.2623400897984075796},     {1e-300, -37.047096299361199237},
                        {1e-310, -37.663060331949524},       {4.9e-324, -38.467405617144346},
                        {0.5 + 1e-9, 2.5066282037387114e-9}, {0.02425, -1.9729610513118848376},
                        {0.97575, 1.9729610513118849594}};
  for (const auto& c : cases)
    EXPECT_NEAR(normal_quantile(c.p), c.x, 1e-9 * std::abs(c.x)) << "p = " << c.p;
  EXPECT_EQ(normal_quantile(0.5), 0.0);
  EXPECT_EQ(normal_quantile(0.0), -INFINITY);
  EXPECT_EQ(normal_quantile(1.0), INFINITY);
  EXPECT_THROW(normal_quantile(-0.1), std::invalid_argument);
  EXPECT_THROW(normal_quantile(1.5), std::invalid_argument);
  EXPECT_THROW(normal_quantile(NAN), std::invalid_argument);

  // Round trip through the CDF Phi(x) = erfc(-x / sqrt 2) / 2.
  for (double x : {-30.0, -8.0, -3.0, -1.0, -0.1, -1e-5, 1e-5, 0.1, 1.0, 3.0, 5.0}) {
    const double p = 0.5 * std::erfc(-x / std::numbers::sqrt2);
    // Where p is near 1 its rounding (2^-53 absolute) moves the quantile by 2^-53 / phi(x).
    const double rounding = 0x1p-53 / (std::exp(-0.5 * x * x) / std::sqrt(2 * std::numbers::pi));
    EXPECT_NEAR(normal_quantile(p), x, 1e-9 * std::abs(x) + (x > 0 ? rounding : 0.0))
        << "x = " << x;
  }
}

TEST(Random, NormalHasTheMomentsAndQuantileOfTheStandardNormal) {
  double sum = 0.0, sum_squares = 0.0;
  int below = 0;
  for (int n = 0; n < draws; ++n) {
    const double z = random_normal(2024, 3, static_cast<std::uint64_t>(n));
    sum += z;
    sum_squares += z * z;
    below += z < 1.6448536269514722 ? 1 : 0;
  }
  const double mean = sum / draws;
  const double variance = sum_squares / draws - mean * mean;
  const double fraction = static_cast<double>(below) / draws;
  // Standard errors: mean sqrt(1 / N) = 1e-3; variance sqrt(2 / N) = 1.41e-3; fraction below the
  // 0.95 quantile sqrt(0.95 * 0.05 / N) = 2.18e-4.
  EXPECT_NEAR(mean, 0.0, 5 * std::sqrt(1.0 / draws));
  EXPECT_NEAR(variance, 1.0, 5 * std::sqrt(2.0 / draws));
  EXPECT_NEAR(fraction, 0.95, 5 * std::sqrt(0.95 * 0.05 / draws));
  RecordProperty("normal_mean", std::to_string(mean));
  RecordProperty("normal_variance", std::to_string(variance));
  RecordProperty("normal_fraction_below_1.645", std::to_string(fraction));
}

TEST(Random, SampleQuantileIsHyndmanFanType7) {
  // By hand (h = (n - 1) p, x[floor h] + (h - floor h) (x[floor h + 1] - x[floor h])), agreeing
  // with numpy.quantile.
  EXPECT_DOUBLE_EQ(sample_quantile({1, 2, 3, 4}, 0.25), 1.75);
  EXPECT_DOUBLE_EQ(sample_quantile({4, 3, 2, 1}, 0.5), 2.5);
  EXPECT_EQ(sample_quantile({3, 1, 4, 2}, 0.0), 1.0);
  EXPECT_EQ(sample_quantile({3, 1, 4, 2}, 1.0), 4.0);
  EXPECT_DOUBLE_EQ(sample_quantile({50, 10, 40, 20, 30}, 0.9), 46.0);
  EXPECT_DOUBLE_EQ(sample_quantile({50, 10, 40, 20, 30}, 0.1), 14.0);
  EXPECT_DOUBLE_EQ(sample_quantile({50, 10, 40, 20, 30}, 0.35), 24.0);
  EXPECT_EQ(sample_quantile({3.0}, 0.3), 3.0);
  EXPECT_THROW(sample_quantile({}, 0.5), std::invalid_argument);
  EXPECT_THROW(sample_quantile({1, 2}, 1.5), std::invalid_argument);
  EXPECT_THROW(sample_quantile({1, NAN}, 0.5), std::invalid_argument);
}

std::vector<double> centers_from_widths(const std::vector<double>& widths) {
  std::vector<double> centers;
  double x = 0.0;
  for (double w : widths) {
    centers.push_back(x + 0.5 * w);
    x += w;
  }
  return centers;
}

std::vector<double> uniform_centers(int n, double width) {
  return centers_from_widths(std::vector<double>(static_cast<std::size_t>(n), width));
}

TEST(GaussianField, BlocksAgreeWithTheWholeGrid) {
  // 40 x 30 x 5 cells: uniform in x (1 m), stretched in y, uniform 0.5 m in z.
  std::vector<double> widths_y;
  for (int j = 0; j < 30; ++j)
    widths_y.push_back(0.5 + 0.05 * j);
  const GaussianField field(
      {uniform_centers(40, 1.0), centers_from_widths(widths_y), uniform_centers(5, 0.5)},
      {4.0, 3.0, 1.0}, 11, 5);
  const auto whole = field.block({0, 0, 0}, {40, 30, 5});
  ASSERT_EQ(whole.size(), 40u * 30u * 5u);

  struct Block {
    std::array<int, 3> offset, count;
  };
  // Splits on every axis; together they cover the grid once.
  const Block blocks[] = {{{0, 0, 0}, {17, 30, 5}},
                          {{17, 0, 0}, {23, 11, 2}},
                          {{17, 0, 2}, {23, 11, 3}},
                          {{17, 11, 0}, {23, 19, 5}}};
  std::vector<int> covered(whole.size(), 0);
  double max_difference = 0.0;
  for (const auto& b : blocks) {
    const auto values = field.block(b.offset, b.count);
    ASSERT_EQ(values.size(), static_cast<std::size_t>(b.count[0] * b.count[1] * b.count[2]));
    for (int k = 0; k < b.count[2]; ++k)
      for (int j = 0; j < b.count[1]; ++j)
        for (int i = 0; i < b.count[0]; ++i) {
          const std::size_t g = static_cast<std::size_t>(
              (b.offset[0] + i) + 40 * ((b.offset[1] + j) + 30 * (b.offset[2] + k)));
          const double v = values[static_cast<std::size_t>(i + b.count[0] * (j + b.count[1] * k))];
          // The summation order is the same in every block: equal to round-off (in fact bitwise).
          EXPECT_NEAR(v, whole[g], 1e-14);
          max_difference = std::max(max_difference, std::abs(v - whole[g]));
          ++covered[g];
        }
  }
  for (int c : covered)
    ASSERT_EQ(c, 1);
  EXPECT_EQ(max_difference, 0.0); // bitwise
  RecordProperty("max_block_difference", std::to_string(max_difference));

  // Other seeds or streams give other fields; an empty block is empty.
  const GaussianField other(
      {uniform_centers(40, 1.0), centers_from_widths(widths_y), uniform_centers(5, 0.5)},
      {4.0, 3.0, 1.0}, 11, 6);
  EXPECT_NE(other.block({0, 0, 0}, {1, 1, 1})[0], whole[0]);
  EXPECT_TRUE(field.block({3, 4, 1}, {0, 2, 2}).empty());
}

TEST(GaussianField, RejectsBadInput) {
  const auto x = uniform_centers(10, 1.0);
  EXPECT_THROW(GaussianField({x, x, x}, {1.0, 0.0, 1.0}, 1, 1), std::invalid_argument);
  EXPECT_THROW(GaussianField({x, x, x}, {1.0, 1.0, -2.0}, 1, 1), std::invalid_argument);
  EXPECT_THROW(GaussianField({x, x, x}, {NAN, 1.0, 1.0}, 1, 1), std::invalid_argument);
  EXPECT_THROW(GaussianField({x, {}, x}, {1.0, 1.0, 1.0}, 1, 1), std::invalid_argument);
  EXPECT_THROW(GaussianField({x, {0.0, 2.0, 1.0}, x}, {1.0, 1.0, 1.0}, 1, 1),
               std::invalid_argument);
  const GaussianField field({x, x, x}, {2.0, 2.0, 2.0}, 1, 1);
  EXPECT_THROW(field.block({-1, 0, 0}, {2, 2, 2}), std::invalid_argument);
  EXPECT_THROW(field.block({5, 0, 0}, {6, 2, 2}), std::invalid_argument);
  EXPECT_THROW(field.block({0, 0, 0}, {2, -1, 2}), std::invalid_argument);
}

// Statistics of a long line of cells along one axis, against rho(h) = exp(-(h / L)^2).
// N = 200000 cells with L / dx = 10. Standard errors with correlated samples (sums over the
// lags k of the correlation, computed for this rho):
//   mean:      sqrt(sum_k rho(k) / N) = sqrt(L sqrt(pi) / (N dx)) = 0.0094
//              (about N / 17.7 = 11300 independent samples);
//   variance:  sqrt(2 sum_k rho(k)^2 / N) = sqrt(2 L sqrt(pi / 2) / (N dx)) = 0.0112
//              (about N / 12.5 = 16000 independent samples);
//   lag correlation r(h), Bartlett's formula sqrt(sum_k [rho(k)^2 + rho(k+h) rho(k-h)
//              - 4 rho(h) rho(k) rho(k-h) + 2 rho(k)^2 rho(h)^2] / N): 0.0021 at h = L / 2,
//              0.0057 at h = L, 0.0079 at h = 2 L.
// Tolerance 5 standard errors each. The kernel truncation moves rho by less than 1e-4.
void check_line_statistics(int axis, double width, double length, std::uint64_t stream) {
  constexpr int n = 200'000;
  std::array<std::vector<double>, 3> centers{std::vector<double>{0.0}, std::vector<double>{0.0},
                                             std::vector<double>{0.0}};
  centers[axis] = uniform_centers(n, width);
  std::array<double, 3> lengths{length, length, length};
  const GaussianField field(centers, lengths, 77, stream);
  std::array<int, 3> count{1, 1, 1};
  count[axis] = n;
  const auto v = field.block({0, 0, 0}, count);
  ASSERT_EQ(v.size(), static_cast<std::size_t>(n));

  double mean = 0.0;
  for (double x : v)
    mean += x;
  mean /= n;
  double variance = 0.0;
  for (double x : v)
    variance += (x - mean) * (x - mean);
  variance /= n;
  auto correlation = [&](int lag) {
    double sum = 0.0;
    for (int i = 0; i + lag < n; ++i)
      sum +=
          (v[static_cast<std::size_t>(i)] - mean) * (v[static_cast<std::size_t>(i + lag)] - mean);
    return sum / (n - lag) / variance;
  };
  const int lag = static_cast<int>(std::lround(length / width)); // h = L
  const double r_half = correlation(lag / 2), r_one = correlation(lag),
               r_two = correlation(2 * lag);

  const double cells_per_length = length / width; // 10 in every case (the errors above)
  const double se_mean = std::sqrt(cells_per_length * std::sqrt(std::numbers::pi) / n);
  const double se_variance =
      std::sqrt(2.0 * cells_per_length * std::sqrt(std::numbers::pi / 2) / n);
  EXPECT_NEAR(mean, 0.0, 5 * se_mean);
  EXPECT_NEAR(variance, 1.0, 5 * se_variance);
  EXPECT_NEAR(r_half, std::exp(-0.25), 5 * 0.0021);
  EXPECT_NEAR(r_one, std::exp(-1.0), 5 * 0.0057);
  EXPECT_NEAR(r_two, std::exp(-4.0), 5 * 0.0079);
  const std::string a = std::to_string(axis);
  ::testing::Test::RecordProperty("axis" + a + "_mean", std::to_string(mean));
  ::testing::Test::RecordProperty("axis" + a + "_variance", std::to_string(variance));
  ::testing::Test::RecordProperty("axis" + a + "_r_half_L", std::to_string(r_half));
  ::testing::Test::RecordProperty("axis" + a + "_r_L", std::to_string(r_one));
  ::testing::Test::RecordProperty("axis" + a + "_r_2L", std::to_string(r_two));
}

TEST(GaussianField, LineAlongXHasUnitVarianceAndGaussianCorrelation) {
  check_line_statistics(0, 1.0, 10.0, 1); // dx = 1 m, L = 10 m
}

TEST(GaussianField, LineAlongYHasUnitVarianceAndGaussianCorrelation) {
  check_line_statistics(1, 0.5, 5.0, 2); // dx = 0.5 m, L = 5 m
}

TEST(GaussianField, LineAlongZHasUnitVarianceAndGaussianCorrelation) {
  check_line_statistics(2, 2.0, 20.0, 3); // dx = 2 m, L = 20 m
}

} // namespace
} // namespace terrafate
