#pragma once
// Lines of evidence for natural attenuation from monitoring data alone (`terrafate evidence`):
// trends per well and species, attenuation rates, plume stability and daughter/parent ratios,
// and their tables (trends.csv, rates.csv, stability.csv, ratios.csv) as CSV text for the caller
// to write (with io::write_file_atomically). Plain C++.
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "terrafate/core/units.hpp"
#include "terrafate/monitoring/attenuation.hpp"
#include "terrafate/monitoring/monitoring_data.hpp"
#include "terrafate/monitoring/trends.hpp"

namespace terrafate::monitoring {

/// A row of trends.csv. Series with fewer than 4 samples get trend "N/A" and no statistics.
struct TrendRow {
  std::string well; ///< a well, or plume_mass / plume_centre_distance for the plume moments
  std::string species;
  int n = 0;
  std::optional<MannKendall> mann_kendall;
  std::string trend;               ///< MAROS category or "N/A"
  std::optional<double> sen_slope; ///< [unit]
  std::string unit;                ///< of sen_slope: mg/L/d, g/d (mass) or m/d (centre)
};

/// A row of rates.csv: kind point (well), bulk or biodegradation (flow path name in `well`).
struct RateRow {
  std::string well;
  std::string species;
  std::string kind;
  RateEstimate rate; ///< [1/d]
};

/// A row of stability.csv: the plume moments of one species in one sampling period.
struct StabilityRow {
  std::string species;
  double time = 0.0; ///< [d] mean sampling time of the period
  PlumeMoments moments;
};

/// A row of ratios.csv.
struct RatioRow {
  std::string well;
  std::string parent;
  std::string daughter;
  RatioPoint ratio;
};

struct EvidenceOptions {
  /// [m/d] seepage velocity per flow path name (from the flow model); a path's own
  /// seepage_velocity in the deck takes precedence.
  std::map<std::string, double> seepage_velocity;
  /// [d] length of the sampling periods the plume moments are taken over (samples of a well in
  /// one period are averaged).
  double period = kDaysPerYear;
  /// (parent, daughter) species pairs for molar ratios, e.g. {PCE, TCE}, {TCE, cis-DCE},
  /// {cis-DCE, VC}; pairs whose species are not both sampled are skipped.
  std::vector<std::pair<std::string, std::string>> ratio_pairs;
  /// [g/mol] molar mass per species named in ratio_pairs (e.g. from data/chemicals.csv).
  std::map<std::string, double> molar_mass;
};

struct Evidence {
  std::vector<TrendRow> trends;
  std::vector<RateRow> rates;
  std::vector<StabilityRow> stability;
  std::vector<RatioRow> ratios;
};

/// All lines of evidence. Rules:
/// - trends: per (well, species) in order of first appearance; the plume's mass and the distance
///   of its centre of mass from the first period's centre, per species, over >= 4 periods;
/// - point rates: wells with >= 3 detected samples at >= 2 times;
/// - bulk and biodegradation rates (the latter when the path has a dispersivity): per flow path
///   and species, ln C of each well is the mean ln C of its detected samples (the long-term
///   centreline profile) against the distance along the path (sum of horizontal distances
///   between consecutive wells); paths with fewer than 3 wells with detects are skipped;
/// - stability: periods [t0 + k period, t0 + (k + 1) period), t0 the first sample of the species;
///   non-detects at half their detection limit; mass with n b from monitoring.plume (1 m when not
///   given).
/// Throws InputError (at monitoring:) when a flow path has no seepage velocity, or a ratio pair
/// has no molar mass.
Evidence compute_evidence(const MonitoringData& data, const MonitoringSpec& spec,
                          const EvidenceOptions& options);

/// trends.csv: well,species,n,mann_kendall_s,p_value,trend,sen_slope,unit
std::string trends_csv(const std::vector<TrendRow>& rows);
/// rates.csv: well,species,kind,rate,rate_low,rate_high,unit (unit 1/d)
std::string rates_csv(const std::vector<RateRow>& rows);
/// stability.csv: species,time,wells,mass,mass_unit,centre_x,centre_y,centre_z,spread_x,
/// spread_y,spread_z (time [d], mass [g], lengths [m])
std::string stability_csv(const std::vector<StabilityRow>& rows);
/// ratios.csv: well,parent,daughter,time,molar_ratio,censored
std::string ratios_csv(const std::vector<RatioRow>& rows);

} // namespace terrafate::monitoring
