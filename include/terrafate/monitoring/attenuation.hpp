#pragma once
// Natural-attenuation rate constants (Newell et al. 2002, "Calculation and Use of First-Order
// Rate Constants for Monitored Natural Attenuation Studies", EPA/540/S-02/500), plume stability
// from the moments of well data, and daughter/parent ratios. Plain C++.
#include <array>
#include <string>
#include <vector>

#include "terrafate/monitoring/trends.hpp"

namespace terrafate::monitoring {

/// The p-quantile of Student's t distribution with `dof` degrees of freedom (p in (0, 1),
/// dof > 0): bisection on the CDF F(t) = 1 - I_{dof/(dof+t^2)}(dof/2, 1/2)/2 (t > 0), with the
/// regularized incomplete beta function by its continued fraction (modified Lentz), to a relative
/// 1e-12.
double student_t_quantile(double p, double dof);

/// A least-squares line y = intercept + slope x with the standard error of the slope.
struct LineFit {
  int n = 0;
  double slope = 0.0;
  double intercept = 0.0;
  double slope_standard_error = 0.0; ///< sqrt(SSE / (n - 2) / Sxx)
};

/// Ordinary least squares; throws std::invalid_argument with fewer than 3 points or all x equal.
LineFit fit_line(const std::vector<double>& x, const std::vector<double>& y);

/// A first-order rate constant with its two-sided 95 % confidence interval (t distribution with
/// n - 2 degrees of freedom on the regression slope).
struct RateEstimate {
  int n = 0;
  double rate = 0.0; ///< [1/d]
  double low = 0.0;  ///< [1/d]
  double high = 0.0; ///< [1/d]
};

/// Point decay rate k_point [1/d] (Newell et al. 2002): minus the slope of ln C vs time at one
/// well. Non-detects are left out (their ln C is not known). Throws std::invalid_argument with
/// fewer than 3 detected values at 2 or more times.
RateEstimate point_decay_rate(const std::vector<SeriesPoint>& series);

/// Bulk attenuation rate k [1/d] (Newell et al. 2002): minus the slope of ln C vs distance along
/// the flow path [1/m] times the contaminant velocity v_s / R [m/d]. `distance` [m] and
/// `concentration` [mg/L, > 0] pair up. The interval is that of the slope scaled the same way.
RateEstimate bulk_attenuation_rate(const std::vector<double>& distance,
                                   const std::vector<double>& concentration,
                                   double seepage_velocity, double retardation);

/// Biodegradation rate lambda [1/d] by Buscheck and Alcantar (1995), as in Newell et al. (2002):
/// lambda = v_c / (4 alpha_x) ((1 + 2 alpha_x (k / v_x))^2 - 1), with k / v_x the attenuation
/// per distance [1/m] (minus the slope of ln C vs distance), v_c = v_s / R [m/d] and alpha_x the
/// longitudinal dispersivity [m].
double buscheck_alcantar_rate(double attenuation_per_distance, double contaminant_velocity,
                              double dispersivity);

/// The biodegradation rate of a flow path with its interval: Buscheck-Alcantar applied to the
/// bulk rate's slope and to the ends of its interval (the formula increases with the slope).
RateEstimate biodegradation_rate(const std::vector<double>& distance,
                                 const std::vector<double>& concentration, double seepage_velocity,
                                 double retardation, double dispersivity);

/// Concentration at a well for the plume moments.
struct WellValue {
  std::array<double, 3> position{}; ///< [m]
  double concentration = 0.0;       ///< [mg/L]
  double area = 0.0;                ///< [m2] representative area; 0 for all wells: equal weights
};

/// Spatial moments of the monitored plume at one time. Weighting (no Thiessen polygons or
/// Delaunay triangles): each well stands for its representative `area` A_i [m2] (given per well
/// in the deck); without areas every well has A_i = 1 m2, and the mass is then an index of the
/// plume mass per m2 of well coverage, comparable between times when the same wells are sampled.
struct PlumeMoments {
  int wells = 0;
  double mass = 0.0; ///< [g] n b sum_i A_i C_i (n porosity, b thickness; both 1 when not given)
  std::array<double, 3> centre{}; ///< [m] sum A_i C_i x_i / sum A_i C_i
  std::array<double, 3> spread{}; ///< [m] square roots of the second central moments
};

/// Moments of one sampling event; `porosity_thickness` = n b [m] (1 when unknown). Throws
/// std::invalid_argument when no well has a positive concentration.
PlumeMoments plume_moments(const std::vector<WellValue>& wells, double porosity_thickness);

/// A daughter/parent molar ratio at one time.
struct RatioPoint {
  double time = 0.0;     ///< [d]
  double ratio = 0.0;    ///< (C_daughter / M_daughter) / (C_parent / M_parent) [mol/mol]
  bool censored = false; ///< either value a non-detect (taken at half its detection limit)
};

/// Molar daughter/parent ratios (e.g. TCE/PCE, cis-DCE/TCE, VC/cis-DCE) at the times both were
/// sampled; molar masses [g/mol] > 0.
std::vector<RatioPoint> daughter_parent_ratios(const std::vector<SeriesPoint>& parent,
                                               const std::vector<SeriesPoint>& daughter,
                                               double parent_molar_mass,
                                               double daughter_molar_mass);

} // namespace terrafate::monitoring
