#pragma once
// What `terrafate assimilate` needs around the ES-MDA step: simulated values at a well (a point,
// or a screen averaged by flux; at the data times, between two stored states by linear
// interpolation) and its tables (posterior.csv, parameters_summary.csv, fit.csv) as CSV text for
// the caller to write. Plain C++.
#include <string>
#include <vector>

#include "terrafate/monitoring/es_mda.hpp"
#include "terrafate/monitoring/monitoring_data.hpp"

namespace terrafate::monitoring {

/// Length [m] of the part of a cell [cell_bottom, cell_top] inside a screen [bottom, top].
double screen_overlap(double cell_bottom, double cell_top, double screen_bottom, double screen_top);

/// The concentration a screened well draws: sum_i w_i C_i / sum_i w_i with w_i = |q_i| l_i, the
/// horizontal Darcy flux magnitude [m/d] of the cells the screen crosses times their overlap with
/// the screen [m] (screen_overlap). When no water flows through the screen (all q_i = 0) the
/// weights are l_i. Throws std::invalid_argument when the sizes differ or every l_i is 0.
double flux_weighted_concentration(const std::vector<double>& concentration,
                                   const std::vector<double>& darcy_flux,
                                   const std::vector<double>& overlap);

/// Linear interpolation in time between two stored values (t0 <= t <= t1, t0 < t1) for a value at
/// a data time between two solver steps.
double interpolate_in_time(double t0, double value0, double t1, double value1, double t);

/// posterior.csv: realization,<parameter paths...>, one row per member (values in the deck's
/// units, from from_gaussian).
std::string posterior_csv(const std::vector<AssimilationParameter>& parameters,
                          const MemberMatrix& values);

/// parameters_summary.csv: parameter,prior_p5,prior_p50,prior_p95,posterior_p5,posterior_p50,
/// posterior_p95 (sample quantiles of the members, Hyndman-Fan type 7).
std::string parameters_summary_csv(const std::vector<AssimilationParameter>& parameters,
                                   const MemberMatrix& prior, const MemberMatrix& posterior);

/// fit.csv: well,species,time,observed,sim_p5,sim_p50,sim_p95,stage — one row per sample and
/// stage (prior, then posterior); simulated values [mg/L] per member and sample, observed [mg/L]
/// (a non-detect: its detection limit, written as <DL).
std::string fit_csv(const std::vector<Sample>& samples, const MemberMatrix& prior_simulated,
                    const MemberMatrix& posterior_simulated);

} // namespace terrafate::monitoring
