#pragma once
// The time loop of one simulation, in plain C++: it sizes the steps to the breaks (stress
// periods, source and action windows, output times), applies the one retry policy to failed
// transport steps, writes outputs and checkpoints through the StepModel it drives, stops for
// branching and resumes from a named LoopState. The PETSc stepping lives behind StepModel.
#include <cstddef>
#include <limits>
#include <vector>

#include "terrafate/core/errors.hpp"

namespace terrafate {

/// The one retry policy: a failed transport step is undone and done again with `cut` of its
/// length, at most `max_retries` times in a row. With steady flow the loop goes on with the
/// shorter step (which grows back, capped below half of the failed one); under a transient flow
/// step, whose length is fixed, the step is covered by 1/cut shorter steps, each retried alike.
struct RetryPolicy {
  int max_retries = 4;
  double cut = 0.25; ///< [-] step length factor per retry
  /// Whether a step that failed after `retries` retries may be retried.
  bool may_retry(int retries) const { return retries < max_retries; }
  /// The error ending the run when the retries are spent.
  NumericalError exhausted(double t, int retries, double length, const std::exception& e) const;
};

/// Where the loop is: what a checkpoint keeps to continue it.
struct LoopState {
  std::size_t period = 0;      ///< stress period index
  double t = 0.0;              ///< [d] time reached
  double dt = 0.0;             ///< [d] next step length
  bool recovering = false;     ///< growing back after a cut step
  double step_cap = 0.0;       ///< [d] largest step (below half of a failed one after a cut)
  long step = 0;               ///< steps done
  std::size_t next_output = 0; ///< index into the output times
  long retries = 0;            ///< failed transport steps retried
};

struct TimeLoopSettings {
  std::vector<double> periods;      ///< [d] stress period starts, then the end
  std::vector<double> output_times; ///< [d] ascending
  /// [d] times the transport steps must land on besides periods and outputs (source and action
  /// windows, a branch time), inside (0, end)
  std::vector<double> breaks;
  double initial_step = 0.0;    ///< [d] first step of each stress period
  double max_step = 0.0;        ///< [d]
  double step_multiplier = 1.0; ///< [-]
  bool transport = false;       ///< transport is simulated
  bool transient_flow = false;
  bool initial_steady = false; ///< transient flow starting from a steady solution
  /// [d] stop after the step reaching this time (a shared history); infinity: run to the end
  double stop_at = std::numeric_limits<double>::infinity();
  /// [d] the period starts (among `periods`) where the flow may change or not, decided during
  /// the run (the checks of a triggered pump-and-treat): with steady flow, where it does not
  /// the flow and the step sequence go on.
  std::vector<double> soft_periods;
  /// Steady flow whose flow changes within a period (a linear time series of a boundary value,
  /// conductance or vertex value, or of a well rate): with transport the flow is solved again
  /// for every transport step, at its middle, and kept set up between steps (an output at 0
  /// shows the flow at 0); without transport it is solved at every output time inside a period
  /// and at the period's end, the linear series at that time.
  bool steady_flow_per_step = false;
};

/// What the loop drives: flow, transport, remediation actions, outputs and checkpoints.
class StepModel {
public:
  virtual ~StepModel() = default;
  virtual void solve_steady_flow(double begin, double end) = 0;
  /// Steady flow of the instant t [d] in the period [begin, end] (linear series at t).
  virtual void solve_steady_flow_at(double begin, double end, double t) = 0;
  virtual void set_initial_head() = 0;
  virtual void advance_transient_flow(double period_begin, double period_end, double length) = 0;
  virtual void record_flow_closure() = 0;
  virtual void hand_flow_to_transport(double period_begin, double period_end) = 0;
  virtual void release_flow_solver() = 0;
  /// Loads the transport state of the checkpoint resumed from.
  virtual void resume_transport() = 0;
  /// Before the flow of the period [begin, end] [d] is solved (with transport): the decisions
  /// due at `begin` that change the flow (a triggered pump-and-treat); returns whether the
  /// flow's stresses differ from those of the last flow solved.
  virtual bool before_flow(double /*begin*/, double /*end*/) { return true; }
  /// Remediation actions due at time t, before the step from t.
  virtual void before_step(double t) = 0;
  /// Keeps the transport (and soil) state a failed step returns to.
  virtual void save_step() = 0;
  /// Returns the transport to the state kept by save_step.
  virtual void restore_step() = 0;
  /// The soil columns over [t, t + length]; `retry`: from the state kept by save_step.
  virtual void advance_soil(double t, double length, bool retry) = 0;
  /// Throws NumericalError when the step fails.
  virtual void advance_transport(double t, double length) = 0;
  /// Remediation over the step [t, t + length] done.
  virtual void after_step(double t, double length) = 0;
  virtual void step_done(double t, long step) = 0;
  virtual void output(double t, long step) = 0;
  /// After every step: checkpoints by simulated time, wall clock or signal (may throw
  /// RunInterrupted).
  virtual void end_of_step(const LoopState& state) = 0;
  /// The checkpoint of a shared history, before the loop stops for branching.
  virtual void checkpoint_for_branching(const LoopState& state) = 0;
};

enum class LoopEnd { finished, stopped_for_branching };

class TimeLoop {
public:
  TimeLoop(TimeLoopSettings settings, StepModel& model, RetryPolicy policy = {});
  /// Runs to the end or the stop time; from `resume` (a checkpoint's state) when not null.
  LoopEnd run(const LoopState* resume);
  const LoopState& state() const { return state_; }

private:
  LoopEnd run_steady_transport(bool resuming);
  void run_steady_flow();
  LoopEnd run_transient(bool resuming);
  void transport_step_with_cuts();
  void advance_span(double t, double length, int depth);
  void outputs_until(double t);
  bool stop_after_step();

  TimeLoopSettings settings_;
  StepModel& model_;
  RetryPolicy policy_;
  LoopState state_;
};

} // namespace terrafate
