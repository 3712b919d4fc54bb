#pragma once
// The PETSc side of the time loop: flow, transport and soil solvers, the remediation actions,
// the outputs and the checkpoints of one run, driven by TimeLoop through StepModel.
#include <chrono>
#include <filesystem>
#include <memory>
#include <vector>

#include <mpi.h>

#include "terrafate/core/state_record.hpp"
#include "terrafate/flow/flow_solver.hpp"
#include "terrafate/remediation/action_run.hpp"
#include "terrafate/run/model.hpp"
#include "terrafate/run/observations.hpp"
#include "terrafate/run/progress.hpp"
#include "terrafate/run/risk_run.hpp"
#include "terrafate/run/run_outputs.hpp"
#include "terrafate/run/run_state.hpp"
#include "terrafate/run/simulation.hpp"
#include "terrafate/run/time_loop.hpp"
#include "terrafate/soil/soil_columns.hpp"
#include "terrafate/transport/transport_solver.hpp"

namespace terrafate {

/// The parts of a run the time loop steps.
struct RunParts {
  FlowSolver& flow;
  TransportSolver* transport; ///< null without transport
  SoilColumns* soil;          ///< null without soil columns
  ActionRun& actions;
  RunOutputs& outputs;
  RiskRun* risk; ///< null without risk
  Progress& progress;
};

class ModelSteps final : public StepModel {
public:
  ModelSteps(MPI_Comm comm, const Deck& deck, const Model& model, const RunOptions& options,
             RunParts parts);

  /// Loads the state of checkpoint `resume` into every part but transport (loaded by the loop
  /// at its period); returns the loop's state.
  LoopState resume(const StateRecord& resume);
  /// Collective: ledger.csv up to time t [d] (without remediation actions: nothing).
  void write_ledger(double t);

  double max_flow_closure() const { return tallies_.max_flow_closure; }
  double output_seconds() const { return output_seconds_; }
  /// The first output's head_warning (empty when the heads are plausible or not yet checked).
  const std::string& head_warning() const { return head_warning_; }
  double transport_seconds() const { return transport_seconds_; }

  void solve_steady_flow(double begin, double end) override;
  void solve_steady_flow_at(double begin, double end, double t) override;
  void set_initial_head() override;
  void advance_transient_flow(double period_begin, double period_end, double length) override;
  void record_flow_closure() override;
  void hand_flow_to_transport(double period_begin, double period_end) override;
  void release_flow_solver() override;
  void resume_transport() override;
  bool before_flow(double begin, double end) override;
  void before_step(double t) override;
  void save_step() override;
  void restore_step() override;
  void advance_soil(double t, double length, bool retry) override;
  void advance_transport(double t, double length) override;
  void after_step(double t, double length) override;
  void step_done(double t, long step) override;
  void output(double t, long step) override;
  void end_of_step(const LoopState& state) override;
  void checkpoint_for_branching(const LoopState& state) override;

private:
  using Clock = std::chrono::steady_clock;
  /// Collective: writes a checkpoint (numbered in OUTDIR/checkpoints/ when `path` is empty; the
  /// last two numbered ones are kept) and returns its path.
  std::filesystem::path save_checkpoint(const LoopState& state, std::filesystem::path path = {});

  /// Collective: the checks of the contingent actions' triggers due at t [d]; a trigger whose
  /// sentinel concentration exceeds its threshold starts its action at t.
  void check_triggers(double t);

  MPI_Comm comm_;
  const Deck& deck_;
  const Model& model_;
  const RunOptions& options_;
  RunParts parts_;
  bool root_ = false;
  std::unique_ptr<PointSampler> trigger_sampler_; ///< the triggers' observation points
  std::vector<std::size_t> trigger_point_;        ///< per action: index among those points
  const StateRecord* resume_ = nullptr;
  RunState tallies_; ///< closures and checkpoint counters (its loop part unused)
  TransportSolver::State saved_transport_;
  SoilColumns::State saved_soil_;
  Clock::time_point last_checkpoint_wall_ = Clock::now();
  std::vector<std::filesystem::path> checkpoints_written_;
  double output_seconds_ = 0.0, transport_seconds_ = 0.0;
  bool heads_checked_ = false; ///< the first output's heads were checked (head_warning)
  std::string head_warning_;
};

} // namespace terrafate
