// The closed-form reference shared by the soil-column tests on layer surfaces and on the
// simulated water table: a slug (0.5-1 m deep) in a loam draining a steady recharge under unit
// gradient, leached through an infinite column with retarded velocity and dispersion (the same
// solution as tests/soil/soil_analytic.py). The water content comes from an independent
// bisection of the van Genuchten-Mualem conductivity, not from terrafate's own root finder.
#pragma once

#include <cmath>
#include <numbers>

namespace terrafate::soil_reference {

constexpr double kQ = 0.001;                        // [m/d] recharge
constexpr double kRhoKd = 1.6 * 100.0 * 0.005;      // [-] rho_b Koc foc
constexpr double kDispersivity = 0.05;              // [m]
constexpr double kSlugTop = 0.5, kSlugBottom = 1.0; // [m] depth
constexpr double kArea = 100.0;                     // [m2] per grid column

/// K(theta) / Ks of van Genuchten-Mualem (alpha 3.6 1/m, n 1.56, theta_r 0.078, theta_s 0.43).
inline double relative_conductivity(double theta) {
  const double n = 1.56, m = 1.0 - 1.0 / n;
  const double se = (theta - 0.078) / (0.43 - 0.078);
  const double bracket = 1.0 - std::pow(1.0 - std::pow(se, 1.0 / m), m);
  return std::sqrt(se) * bracket * bracket;
}

/// The water content draining kQ under unit gradient (Ks 0.25 m/d): bisection on theta.
inline double unit_gradient_theta() {
  double low = 0.078, high = 0.43;
  for (int n = 0; n < 200; ++n)
    (0.25 * relative_conductivity(0.5 * (low + high)) < kQ ? low : high) = 0.5 * (low + high);
  return 0.5 * (low + high);
}

/// The slug's retarded transport: velocity [m/d] and dispersion coefficient [m2/d].
struct SlugTransport {
  double velocity;
  double dispersion;
};

inline SlugTransport slug_transport() {
  const double theta = unit_gradient_theta();
  const double retardation = 1.0 + kRhoKd / theta;
  return {kQ / (theta * retardation), kDispersivity * kQ / (theta * retardation)};
}

inline double ierfc(double u) {
  return std::exp(-u * u) / std::sqrt(std::numbers::pi) - u * std::erfc(u);
}

/// [g] of a slug of `slug_mass` [g] that has passed `depth` [m] by time t [d].
inline double slug_passed(double slug_mass, double t, double depth, const SlugTransport& slug) {
  const double spread = std::sqrt(4.0 * slug.dispersion * t), shift = slug.velocity * t;
  return slug_mass / (kSlugBottom - kSlugTop) * spread / 2.0 *
         (ierfc((depth - kSlugBottom - shift) / spread) -
          ierfc((depth - kSlugTop - shift) / spread));
}

} // namespace terrafate::soil_reference
