#pragma once
// Risk during a run: receptor concentrations from the simulated fields at every output time,
// their risk by species and pathway (risk.csv), site plume metrics (plume.csv), and at the end
// the compliance metrics per receptor (compliance.csv); the risk-based concentrations
// (risk_based_concentrations.csv) at the start.
#include <filesystem>
#include <memory>
#include <vector>

#include "terrafate/run/observations.hpp"
#include "terrafate/run/run_result.hpp"
#include "terrafate/run/simulation.hpp"
#include "terrafate/run/table_writer.hpp"
#include "terrafate/soil/soil_columns.hpp"
#include "terrafate/transport/transport_solver.hpp"

namespace terrafate {

class RiskRun {
public:
  /// Collective. `plane_faces`: the interior face of each of the deck's control planes.
  RiskRun(const Model& model, const Deck& deck, const std::vector<int>& plane_faces,
          const std::filesystem::path& folder, bool root);
  /// Collective: the risk and plume rows at output time t [d].
  void output(double t, TransportSolver& transport, const SoilColumns* soil,
              const std::vector<SpeciesBalance>& balances);
  /// compliance.csv from the trajectories so far (rank 0 writes).
  void finish();
  /// Per receptor (deck order): the compliance over the output times so far and the site risk
  /// at each of them (rank 0's; what compliance.csv and the `all,all` rows of risk.csv hold).
  std::vector<ReceptorResult> receptor_results() const;
  /// [d] the output times so far (rank 0's).
  const std::vector<double>& output_times() const { return times_; }
  /// The trajectories and tables so far (rank 0's), for a checkpoint.
  void save_state(StateRecord& record) const;
  void load_state(const StateRecord& record);

private:
  /// Collective: the plume rows at output time t [d] (extent above the standard, mass per
  /// phase, spatial moments of the dissolved mass).
  void write_plume_rows(double t, TransportSolver& transport,
                        const std::vector<SpeciesBalance>& balances);
  /// [-] what the controls in force at `t` leave of receptor r's `pathway` risk: 0 for
  /// groundwater ingestion under a groundwater-use restriction, 1/factor for indoor vapours
  /// under vapour mitigation, else 1.
  double control_factor(std::size_t r, Pathway pathway, double t) const;

  const Model& model_;
  const Deck& deck_;
  const RiskSpec& spec_;
  std::vector<int> plane_faces_;
  bool root_;
  std::unique_ptr<PointSampler> sampler_;      ///< the point receptors
  std::vector<int> point_of_;                  ///< per receptor: index among the points, or -1
  std::vector<std::vector<PathwayRisk>> unit_; ///< per receptor: per species x pathway
  TableWriter risk_table_, plume_table_;
  std::filesystem::path compliance_path_;
  std::vector<double> times_;
  /// Per receptor, over the output times: the largest contaminant cancer risk and hazard index
  /// (each summed over the pathways; what compliance is judged on), their sums over the
  /// contaminants (the site totals, reported), and whether every target and standard is met.
  std::vector<std::vector<double>> cancer_, hazard_, site_cancer_, site_hazard_;
  /// Per receptor, over the output times and contaminants (time-major): each contaminant's
  /// cancer risk and hazard quotient (summed over the pathways) and concentration / standard.
  std::vector<std::vector<double>> contaminant_cancer_, contaminant_hazard_, standard_ratio_;
  std::vector<std::vector<bool>> met_;
};

} // namespace terrafate
