#pragma once
// The results of one simulation that the studies judge it on, in memory (plain data): the
// compliance per receptor, the receptors' site risk over the output times, and the carbon
// footprint. A flat byte encoding carries it from a run group to whoever evaluates.
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace terrafate {

/// One receptor's compliance over the run (the row of compliance.csv) and its site risk (the
/// `all,all` rows of risk.csv) at every output time.
struct ReceptorResult {
  std::string name;
  double time_to_target = 0.0;           ///< [d] NaN: never
  double max_cancer_risk = 0.0;          ///< [1] largest contaminant cancer risk
  double time_of_max = 0.0;              ///< [d]
  double max_hazard_index = 0.0;         ///< [1] largest contaminant hazard index
  double years_exceeding = 0.0;          ///< [a]
  std::vector<double> site_cancer_risk;  ///< [1] per output time: summed over the contaminants
  std::vector<double> site_hazard_index; ///< [1] per output time: summed over the contaminants
  /// Per output time and contaminant (time-major, the deck's species order; the `SPECIES,all`
  /// rows of risk.csv): the cancer risk and hazard quotient summed over the pathways [1], and
  /// the largest concentration / standard [1] (NaN where no standard applies).
  std::vector<double> contaminant_cancer_risk, contaminant_hazard_quotient, standard_ratio;
  /// Per time of the run's series (RunResult::series_times: every step's end and output time;
  /// receptor_series.csv): the largest contaminant cancer risk and hazard index [1] and the
  /// largest concentration / standard [1] (NaN where no standard applies).
  std::vector<double> series_cancer_risk, series_hazard_index, series_standard_ratio;
};

/// The carbon footprint of a run (carbon_summary.csv, footprint.csv and cost.csv).
struct CarbonResult {
  std::map<std::string, double> phase_tco2e; ///< [t CO2e] per phase name
  std::map<std::string, double> phase_cost;  ///< [currency] per phase name
  double tco2e = 0.0;                        ///< [t CO2e] in all
  double cost = 0.0;                         ///< [currency] in all
  /// footprint.csv's quantities summed by indicator (ghg [t CO2e], energy_* [MJ], ...).
  std::map<std::string, double> indicators;
  double present_value = 0.0; ///< [currency] cost.csv's total present value
  std::string currency;       ///< the currency of the costs
  std::string cost_status;    ///< cost.csv's total status: complete, or partial (no price: ...)
};

/// The observation points' sampled values (the rows of observations.csv) at every output time.
struct ObservationResult {
  std::vector<std::string> locations; ///< the deck's observation points, in deck order
  std::vector<std::string> variables; ///< "head", then the transport's species in deck order
  std::vector<double> times;          ///< [d] the output times sampled
  /// Per time, variable and location (time-major, then variable, then location): head [m],
  /// concentrations [mg/L].
  std::vector<double> values;
  /// The value at time index t, variable index v and location index l.
  double value(std::size_t t, std::size_t v, std::size_t l) const {
    return values[(t * variables.size() + v) * locations.size() + l];
  }
};

/// What a simulation returns to a study. Filled on the run's rank 0 (empty elsewhere).
struct RunResult {
  bool complete = false;            ///< ran to the end (false: stopped for branching, or empty)
  std::vector<double> output_times; ///< [d] the risk output times
  std::vector<double> series_times; ///< [d] every step's end and output time (the series)
  std::vector<ReceptorResult> receptors;
  std::optional<CarbonResult> carbon; ///< none: the deck has no carbon section
  ObservationResult observations;     ///< the observation points' values
  /// The run's plausibility warnings (run_summary.json's): the deck's, the heads', and a plume
  /// above its standard on the model boundary at the end.
  std::vector<std::string> warnings;
};

/// The receptors' compliance, site risk and per-step series of a finished run from the files it
/// left in `folder` (compliance.csv, the `all,all` rows of risk.csv and receptor_series.csv):
/// for the realizations an ensemble's parts ran in other processes (`run --gather`); the
/// contaminant rows and carbon are not read. Throws InputError when receptor_series.csv is
/// missing (a run of a terrafate before it was written).
RunResult read_risk_results(const std::filesystem::path& folder);

/// A flat encoding of `result` (little-endian host bytes: for ranks of one run, not for files).
std::vector<std::uint8_t> encode(const RunResult& result);
/// The result encoded in `bytes`; throws std::runtime_error when they are not a whole encoding.
RunResult decode_run_result(std::span<const std::uint8_t> bytes);

} // namespace terrafate
