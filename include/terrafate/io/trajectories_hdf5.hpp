#pragma once
// Risk trajectories of the evaluated strategies in one serial HDF5 file (OUTDIR/results.h5 of
// `terrafate optimize`), written by one rank.
#include <filesystem>
#include <string>
#include <vector>

namespace terrafate::io {

/// One receptor's total risk over time: the `all,all` rows of a run's risk.csv.
struct RiskTrajectory {
  std::string group;                   ///< HDF5 group path, e.g. /strategies/MNA/well
  std::vector<double> time;            ///< [d]
  std::vector<double> cancer_risk;     ///< [-] total over species and pathways
  std::vector<double> hazard_quotient; ///< [-] hazard index (sum of the hazard quotients)
};

/// Writes every trajectory as the datasets time, cancer_risk and hazard_quotient (float64,
/// attribute `unit`: d, 1, 1) of its group, plus `attributes` as string attributes of the root
/// group, into `path` (atomically: a temporary name, renamed when complete). Not collective.
/// Throws std::runtime_error naming the file on failure.
void write_risk_trajectories(const std::filesystem::path& path,
                             const std::vector<RiskTrajectory>& trajectories,
                             const std::vector<std::pair<std::string, std::string>>& attributes);

} // namespace terrafate::io
