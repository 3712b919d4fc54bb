#pragma once
// The ensemble smoother with multiple data assimilation (ES-MDA; Emerick and Reynolds 2013,
// Computers & Geosciences 55:3-15): the analysis step and what it needs (observations with their
// errors, perturbed observations, parameter transforms). Plain C++: the forward runs belong to
// the caller.
//
// Algorithm: N_a iterations with inflation factors alpha_i, sum 1/alpha_i = 1. In iteration i,
// for every member j with parameters m_j and predictions g_j = g(m_j):
//   d_j = d_obs + sqrt(alpha_i) C_D^{1/2} z_j,  z_j ~ N(0, I)       (perturbed observations)
//   m_j <- m_j + C_MD (C_DD + alpha_i C_D)^{-1} (d_j - g_j)
// with C_MD, C_DD the ensemble cross-covariance and covariance. For a linear model with Gaussian
// prior and errors the ensemble converges, as the ensemble grows, to the Kalman posterior.
//
// Linear algebra without a library: C_D is diagonal (independent errors, sigma_k > 0), so
// A = S^{-1} (C_DD + alpha C_D) S^{-1} = S^{-1} C_DD S^{-1} + alpha I with S = diag(sigma) is
// symmetric positive definite with eigenvalues >= alpha >= 1: a Cholesky factorization is stable
// and needs no truncation (Emerick and Reynolds' truncated SVD guards against a singular
// C_DD + alpha C_D, which cannot occur here), and costs N_d^3 / 3. The update is applied as
// m_j += dM (dD^T S^{-1} A^{-1} S^{-1} (d_j - g_j)) / (N_e - 1) with the anomaly matrices dM,
// dD, so no N_m x N_d matrix is formed (fields with many cells are affordable).
//
// Censored data (below the detection limit) are inequality constraints: for a member whose
// prediction is at or below the censoring value the datum is inactive (left out of that member's
// C_DD + alpha C_D and innovation, so it neither moves the member nor pins it through its
// correlation with the other data); for a member above it the datum is an ordinary observation
// at the censoring value. Members with inactive data get their own Cholesky factorization of the
// active block (N_e factorizations of at most N_d^3 / 3 at worst).
#include <cstdint>
#include <vector>

#include "terrafate/monitoring/monitoring_data.hpp"

namespace terrafate::monitoring {

/// Row-major matrices: one row per ensemble member.
using MemberMatrix = std::vector<std::vector<double>>;

/// Observations in the space they are assimilated in.
struct Observations {
  std::vector<double> value;  ///< d_obs (ln C [ln(mg/L)] with the log transform, else [mg/L])
  std::vector<double> sigma;  ///< error standard deviation, same units, > 0
  std::vector<bool> censored; ///< value is a detection limit (an upper bound)
};

/// Observations from samples: the error is sigma = sqrt((relative C)^2 + absolute^2) [mg/L];
/// with the log transform d = ln C and sigma_ln = sigma / C (first order); a non-detect is
/// censored at its detection limit. Throws std::invalid_argument when a sigma would be 0.
Observations make_observations(const std::vector<Sample>& samples, double relative, double absolute,
                               bool log_transform);

/// Simulated concentrations [mg/L] in the space of the observations: ln(max(C, floor)) with the
/// log transform (floor = 1e-12 mg/L, far below any detection limit, so a member whose plume has
/// not arrived stays finite), else C. Throws NumericalError on a non-finite value.
std::vector<double> transform_predictions(const std::vector<double>& concentration,
                                          bool log_transform);

/// The default inflation factors: alpha_i = iterations for every iteration.
std::vector<double> default_inflation(int iterations);

/// Perturbed observations d_j of iteration `iteration`: member j, datum k uses
/// random_normal(seed, stream = 2^62 + iteration, index = j * N_d + k), so each (seed, iteration,
/// member, datum) draws the same number however the members are distributed over ranks.
MemberMatrix perturb_observations(const Observations& observations, double alpha, int members,
                                  std::uint64_t seed, int iteration);

/// The ES-MDA analysis step, in place on `parameters` (N_e x N_m, in the Gaussian space of
/// to_gaussian). `predictions` (N_e x N_d) are g(m_j) transformed like the observations,
/// `perturbed` from perturb_observations. Throws std::invalid_argument on mismatched sizes or
/// fewer than 2 members, NumericalError when the Cholesky factorization fails.
void es_mda_update(MemberMatrix& parameters, const MemberMatrix& predictions,
                   const MemberMatrix& perturbed, const Observations& observations, double alpha);

/// A parameter's value in the Gaussian space the update works in: lognormal: ln x; uniform on
/// [a, b]: Phi^{-1}((x - a) / (b - a)) (so updated values stay inside the bounds); normal: x;
/// field: ln K of a cell.
double to_gaussian(const AssimilationParameter& parameter, double value);
/// The inverse of to_gaussian.
double from_gaussian(const AssimilationParameter& parameter, double gaussian);

/// Prior value of scalar parameter p of member r in the Gaussian space: with z =
/// random_normal(seed, p, r): lognormal ln(median) + ln(gsd) z, normal mean + std z, uniform z.
/// Throws std::invalid_argument for a field (its prior is a GaussianField).
double prior_gaussian(const AssimilationParameter& parameter, std::uint64_t seed, std::size_t p,
                      int member);

} // namespace terrafate::monitoring
