#pragma once
// The evaluation of strategies and designs: each simulated (in every realization, across the
// run groups, continuing the shared history) and judged against the objective.
#include <filesystem>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <mpi.h>

#include "terrafate/io/trajectories_hdf5.hpp"
#include "terrafate/run/run_result.hpp"
#include "terrafate/run/simulation.hpp"
#include "terrafate/search/search.hpp"
#include "terrafate/studies/run_groups.hpp"
#include "terrafate/studies/strategy_spec.hpp"

namespace terrafate {

/// One strategy's or design's results (with an ensemble: over its realizations).
struct Evaluation {
  std::string name;
  InterventionLevel level = InterventionLevel::natural_attenuation;
  bool design = false;
  std::vector<double> values; ///< design parameter values (designs only)
  bool ok = false;            ///< the simulation (every realization) succeeded
  std::string status;
  bool feasible = false;
  double probability =
      std::numeric_limits<double>::quiet_NaN(); ///< of compliance (0 or 1 without an ensemble)
  double time_to_target =
      std::numeric_limits<double>::quiet_NaN(); ///< [d] the latest over the receptors; NaN: never
  double max_cancer_risk = 0.0;                 ///< over the receptors and the horizon
  double exceedance_after = 0.0; ///< largest CR/target or HI/HQ target from the deadline on
  double tco2e = 0.0, cost = 0.0;
  std::map<std::string, double> phases; ///< t CO2e per phase
  /// footprint.csv totals by indicator (ghg [tCO2e], energy_* [MJ], ...).
  std::map<std::string, double> indicators;
  /// [currency] cost.csv's present value (NaN without cost.csv), its currency and status
  /// (complete, or partial (no price: ...)).
  double present_value = std::numeric_limits<double>::quiet_NaN();
  std::string currency, cost_status;
  /// Two-sided Clopper-Pearson interval on the probability of compliance (decision.interval,
  /// default 95 %) over `realizations` runs (1 without an ensemble).
  double p_low = 0.0, p_high = 1.0;
  int realizations = 1;
  /// The largest of CR/target, HQ/HQ target and concentration/standard over the receptors'
  /// contaminants from the deadline to the horizon (with an ensemble: the value reached with
  /// the confidence, as exceedance_after), and where it occurs: receptor, criterion
  /// (cancer_risk, hazard_quotient or standard) and time [d] ("" and NaN when no run ran).
  double worst_ratio = std::numeric_limits<double>::quiet_NaN();
  std::string failing_receptor, failing_criterion;
  double failing_time = std::numeric_limits<double>::quiet_NaN();
  /// The post-horizon stability check: at some receptor the risk is still rising over the last
  /// decision.stability_window of the run (search::rising_at_end on its series at every step);
  /// with an ensemble, in some realization that ran.
  bool unstable = false;
  /// Every run of it finished in an earlier invocation and was kept (`optimize --resume`).
  bool kept = false;
  /// The results of its runs, per realization (on the world root; empty for a run that failed).
  std::vector<RunResult> runs;
};

/// A strategy or design to simulate.
struct Candidate {
  std::string name;
  std::string text; ///< its deck
  InterventionLevel level = InterventionLevel::natural_attenuation;
  bool design = false;
  std::vector<double> values; ///< design parameter values
};

/// The fitness of an evaluation for the design search (objectives and violation).
search::DesignFitness fitness_of(const Evaluation& e, const ObjectiveSpec& objective);

/// Runs batches of candidates (every realization of each, with an ensemble) across the run
/// groups, each continuing the shared history, and reads their results. Collective over world.
class Evaluator {
public:
  Evaluator(const RunGroups& groups, MPI_Comm world, const Deck& deck, const OptimizationSpec& spec,
            const RunOptions& options, bool branching);

  int realizations() const { return spec_.ensemble ? spec_.ensemble->realizations : 1; }
  double target_risk() const { return target_risk_; }
  double target_quotient() const { return target_quotient_; }
  std::filesystem::path history(int r) const {
    return spec_.ensemble ? options_.output_folder / "shared_history" / fmt::format("{:04d}", r)
                          : options_.output_folder / "shared_history";
  }
  /// The output folder of candidate `name` in realization r.
  std::filesystem::path folder(const std::string& name, int r) const {
    const auto base = options_.output_folder / "strategies" / name;
    return spec_.ensemble ? base / "realizations" / fmt::format("{:04d}", r) : base;
  }
  /// The deck of a candidate's text in realization r (output.strategies: none: without 3-D
  /// fields).
  Deck deck_of(const std::string& text, int r) const {
    const Deck candidate = read_deck_text(text, deck_.path);
    Deck deck =
        spec_.ensemble
            ? read_deck_text(realization_deck_text(candidate, *spec_.ensemble, r), deck_.path)
            : candidate;
    if (deck_.output.strategies == "none") deck.output.hdf5 = deck.output.vtk = false;
    return deck;
  }
  /// output.strategies: recommended: removes the 3-D fields (results.h5, .xmf, vtk/) of the shared
  /// history and of every evaluation but `recommended` (every realization). World root only.
  void keep_fields_of(const std::vector<Evaluation>& evaluations,
                      const std::string& recommended) const;

  /// The shared histories (one per realization), each stopped at the branch time with a
  /// checkpoint.
  void run_histories(const std::string& text) const;

  /// Simulates every (candidate, realization) of the batch; returns the evaluations (complete
  /// on the world root; elsewhere only what the search needs: ok, feasible, objectives,
  /// probability and peak exceedance, broadcast from the root).
  std::vector<Evaluation> run(const std::vector<Candidate>& batch) const;

  /// Runs (candidate and realization) kept from an earlier invocation (`--resume`) and runs
  /// simulated, so far (the same on every rank).
  int kept_runs() const { return kept_runs_; }
  int simulated_runs() const { return simulated_runs_; }

private:
  /// --resume: whether the run in `folder` finished simulating `deck_text` earlier (its results
  /// into `result` on the group root); the same answer on every rank of the group.
  bool finished_earlier(const std::filesystem::path& folder, const std::string& deck_text,
                        RunResult& result) const;
  /// --resume: removes, on the group root, what an unfinished earlier run left in `folder` (its
  /// files, status.txt included) before the run is simulated again.
  void discard_unfinished(const std::filesystem::path& folder) const;

  const RunGroups& groups_;
  MPI_Comm world_;
  const Deck& deck_;
  const OptimizationSpec& spec_;
  const RunOptions& options_;
  bool branching_;
  double target_risk_ = 1e-6, target_quotient_ = 1.0;
  mutable int kept_runs_ = 0, simulated_runs_ = 0;
};

/// A run's site risk (the `all,all` rows of its risk.csv) as one trajectory per receptor, in
/// group `prefix`.
std::vector<io::RiskTrajectory> trajectories(const RunResult& run, const std::string& prefix);

} // namespace terrafate
