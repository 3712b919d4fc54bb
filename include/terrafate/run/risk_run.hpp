#pragma once
// Risk during a run: receptor concentrations from the simulated fields at every output time,
// their risk by species and pathway (risk.csv), site plume metrics (plume.csv); the compliance
// series of every receptor at every time step (receptor_series.csv, independent of the output
// times) and, from it, the compliance metrics per receptor (compliance.csv) at the end; the
// risk-based concentrations (risk_based_concentrations.csv) at the start. us-epa: the
// non-cancer hazard index by target organ (risk_by_target_organ.csv), judged in place of each
// contaminant's HQ for a receptor whose contaminants all name their target organs.
#include <filesystem>
#include <memory>
#include <optional>
#include <vector>

#include "terrafate/remediation/action_run.hpp"
#include "terrafate/risk/target_organs.hpp"
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
  /// Collective: the receptors' risk at the end of a time step reaching t [d], kept in the
  /// compliance series.
  void step(double t, TransportSolver& transport, const SoilColumns* soil);
  /// Collective: the risk and plume rows at output time t [d].
  void output(double t, TransportSolver& transport, const SoilColumns* soil,
              const std::vector<SpeciesBalance>& balances);
  /// compliance.csv and receptor_series.csv from the series so far (rank 0 writes).
  void finish();
  /// Per receptor (deck order): the compliance over the series so far, the site risk at each
  /// output time and the series at every step (rank 0's; what compliance.csv, the `all,all`
  /// rows of risk.csv and receptor_series.csv hold).
  std::vector<ReceptorResult> receptor_results() const;
  /// [d] the output times so far (rank 0's).
  const std::vector<double>& output_times() const { return output_times_; }
  /// [d] the times of the series so far: every step's end and output time (rank 0's).
  const std::vector<double>& series_times() const { return times_; }
  /// The actions' windows in force come from `actions` (a triggered action's from its firing)
  /// instead of the deck's; it must outlive this.
  void follow(const ActionRun& actions) { actions_ = &actions; }
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
  /// Collective: every receptor's risk at t [d], appended to the series; returns its risk.csv
  /// rows (rank 0's complete).
  std::vector<std::string> evaluate(double t, TransportSolver& transport, const SoilColumns* soil);

  /// Whether remediation action `a` is in force at t [d] (its window, from the ActionRun).
  bool in_force(std::size_t a, double t) const;

  const Model& model_;
  const Deck& deck_;
  const ActionRun* actions_ = nullptr; ///< the run's actions (their windows); null: the deck's
  const RiskSpec& spec_;
  std::vector<int> plane_faces_;
  bool root_;
  std::unique_ptr<PointSampler> sampler_;      ///< the point receptors
  std::vector<int> point_of_;                  ///< per receptor: index among the points, or -1
  std::vector<std::vector<PathwayRisk>> unit_; ///< per receptor: per species x pathway
  /// Per receptor: the land-use changes that apply to it (index into the remediation actions)
  /// with the unit risks of the new land use, per species x pathway.
  std::vector<std::vector<std::pair<std::size_t, std::vector<PathwayRisk>>>> changed_unit_;
  /// The unit risks of receptor r at t [d]: of the latest land-use change in force, else its own.
  const std::vector<PathwayRisk>& units_at(std::size_t r, double t) const;
  /// The receptor's `risk_by_target_organ.csv` rows at t [d] and, when its contaminants all
  /// name their target organs (us-epa), the organ hazard indices to judge; null otherwise.
  std::optional<std::vector<double>> organ_rows(std::size_t r, double t,
                                                const std::vector<ContaminantRisk>& contaminants,
                                                std::vector<std::string>& rows) const;
  TableWriter risk_table_, plume_table_;
  /// us-epa: per receptor, the target organs of its contaminants (empty for hj25.3-2019) and the
  /// risk_by_target_organ.csv table (written on rank 0 for us-epa).
  std::vector<TargetOrgans> organs_;
  std::vector<const Chemical*> chemicals_; ///< per species (null: `chemical: none`)
  TableWriter organ_table_;
  std::vector<std::string> last_organ_rows_; ///< risk_by_target_organ.csv rows of the last time
  std::filesystem::path compliance_path_;
  std::filesystem::path series_path_;
  std::vector<double> times_; ///< [d] of the series: the output times and every step's end
  /// Per receptor, over times_: the largest contaminant cancer risk and hazard index (each
  /// summed over the pathways; what compliance is judged on), their sums over the contaminants
  /// (the site totals, reported), the largest concentration / standard over the contaminants
  /// (NaN where no standard applies) and whether every target and standard is met.
  std::vector<std::vector<double>> cancer_, hazard_, site_cancer_, site_hazard_, standard_;
  std::vector<double> output_times_; ///< [d] the output times so far
  /// Per receptor, over the output times: the site totals (the `all,all` rows of risk.csv) and,
  /// over the output times and contaminants (time-major), each contaminant's cancer risk and
  /// hazard quotient (summed over the pathways) and concentration / standard.
  std::vector<std::vector<double>> output_site_cancer_, output_site_hazard_, contaminant_cancer_,
      contaminant_hazard_, standard_ratio_;
  /// Per receptor, of the series' last time: the site totals, then per contaminant its cancer
  /// risk, hazard quotient and concentration / standard (what an output at that time appends).
  std::vector<std::vector<double>> last_values_;
  std::vector<std::vector<bool>> met_;
  std::vector<std::string> last_rows_; ///< risk.csv rows of the series' last time
};

} // namespace terrafate
