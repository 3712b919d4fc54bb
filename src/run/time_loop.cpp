#include "terrafate/run/time_loop.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>

namespace terrafate {

NumericalError RetryPolicy::exhausted(double t, int retries, double length,
                                      const std::exception& e) const {
  return NumericalError(fmt::format("transport step from t = {} d failed after {} retries down "
                                    "to a step of {} d: {}",
                                    t, retries, length, e.what()));
}

TimeLoop::TimeLoop(TimeLoopSettings settings, StepModel& model, RetryPolicy policy)
    : settings_(std::move(settings)), model_(model), policy_(policy) {}

LoopEnd TimeLoop::run(const LoopState* resume) {
  const bool resuming = resume != nullptr;
  if (resuming) state_ = *resume;
  if (settings_.transport && !settings_.transient_flow) return run_steady_transport(resuming);
  if (!settings_.transient_flow) {
    run_steady_flow();
    return LoopEnd::finished;
  }
  return run_transient(resuming);
}

void TimeLoop::outputs_until(double t) {
  const auto& outputs = settings_.output_times;
  while (state_.next_output < outputs.size() && outputs[state_.next_output] <= t) {
    const double time = outputs[state_.next_output++];
    model_.output(time, state_.step);
  }
}

bool TimeLoop::stop_after_step() {
  if (state_.t >= settings_.stop_at) {
    model_.checkpoint_for_branching(state_);
    return true;
  }
  model_.end_of_step(state_);
  return false;
}

// Steady flow per stress period; transport steps hit every period change, break and output
// time exactly.
LoopEnd TimeLoop::run_steady_transport(bool resuming) {
  const auto& periods = settings_.periods;
  const auto& outputs = settings_.output_times;
  std::set<double> breaks(periods.begin(), periods.end());
  breaks.insert(settings_.breaks.begin(), settings_.breaks.end());
  breaks.insert(outputs.begin(), outputs.end());
  auto& s = state_;
  if (!resuming && s.next_output < outputs.size() && outputs[s.next_output] == 0.0) {
    if (settings_.steady_flow_per_step)
      model_.solve_steady_flow_at(periods[0], periods[1], 0.0);
    else
      model_.solve_steady_flow(periods[0], periods[1]);
    model_.output(outputs[s.next_output++], s.step);
  }
  for (std::size_t p = resuming ? s.period : 0; p + 1 < periods.size(); ++p) {
    const double begin = periods[p];
    const double end = periods[p + 1];
    // A soft period start where the flow does not change: the flow and the steps go on.
    const bool soft =
        std::binary_search(settings_.soft_periods.begin(), settings_.soft_periods.end(), begin);
    const bool changes = !resuming && (model_.before_flow(begin, end) || !soft || p == 0);
    if (changes) model_.solve_steady_flow(begin, end); // a restart has the period's flow
    if (changes || resuming) {
      model_.record_flow_closure();
      model_.hand_flow_to_transport(begin, end);
      if (!settings_.steady_flow_per_step) model_.release_flow_solver(); // steady in the period
    }
    if (resuming) {
      model_.resume_transport();
    } else if (changes) {
      s.t = begin;
      s.dt = settings_.initial_step;
      s.recovering = false;
      s.step_cap = settings_.max_step;
    }
    resuming = false;
    s.period = p;
    while (s.t < end) {
      // A step that would stop short of the next break by round-off (30.416... d steps to
      // 7300 d, say) runs to the break instead of leaving a step of 1e-12 d after it.
      const double next_break = *breaks.upper_bound(s.t);
      const double t_next = s.t + s.dt >= next_break - 1.0e-9 * s.dt ? next_break : s.t + s.dt;
      double length = t_next - s.t;
      if (settings_.steady_flow_per_step) {
        model_.solve_steady_flow(s.t, t_next);
        model_.record_flow_closure();
        model_.hand_flow_to_transport(s.t, t_next);
      }
      model_.before_step(s.t);
      model_.save_step();
      for (int retry = 0;; ++retry) {
        model_.advance_soil(s.t, length, retry > 0);
        try {
          model_.advance_transport(s.t, length);
          break;
        } catch (const NumericalError& e) {
          model_.restore_step();
          if (!policy_.may_retry(retry)) throw policy_.exhausted(s.t, retry, length, e);
          // After a cut step the step grows back, but stays below half of the failed one.
          s.step_cap = std::min(s.step_cap, 0.5 * length);
          length *= policy_.cut;
          s.dt = length;
          s.recovering = true;
          ++s.retries;
        }
      }
      model_.after_step(s.t, length);
      // Land exactly on breaks (output times) unless the step was cut.
      s.t = length == t_next - s.t ? t_next : s.t + length;
      ++s.step;
      model_.step_done(s.t, s.step);
      outputs_until(s.t);
      const double growth =
          s.recovering ? std::max(2.0, settings_.step_multiplier) : settings_.step_multiplier;
      s.dt = std::min(s.dt * growth, s.step_cap);
      if (s.dt == s.step_cap) s.recovering = false;
      if (stop_after_step()) return LoopEnd::stopped_for_branching;
    }
  }
  return LoopEnd::finished;
}

// Steady flow without transport: one solve per stress period, or with a linear series one at
// every output time inside the period and one at its end, each the steady state of that instant.
void TimeLoop::run_steady_flow() {
  const auto& periods = settings_.periods;
  const auto& outputs = settings_.output_times;
  for (std::size_t p = 0; p + 1 < periods.size(); ++p) {
    if (!settings_.steady_flow_per_step) {
      model_.solve_steady_flow(periods[p], periods[p + 1]);
      model_.record_flow_closure();
      ++state_.step;
      // As in transient runs, an output at a period boundary shows the period that ends there.
      outputs_until(periods[p + 1]);
      continue;
    }
    std::vector<double> instants;
    for (const double t : outputs)
      if ((t > periods[p] || (p == 0 && t == periods[p])) && t < periods[p + 1])
        instants.push_back(t);
    instants.push_back(periods[p + 1]);
    for (const double t : instants) {
      model_.solve_steady_flow_at(periods[p], periods[p + 1], t);
      model_.record_flow_closure();
      ++state_.step;
      outputs_until(t);
    }
  }
}

// Transient flow; transport, if any, advances over each flow step with the flow at its end, in
// shorter steps when a step fails.
LoopEnd TimeLoop::run_transient(bool resuming) {
  const auto& periods = settings_.periods;
  const auto& outputs = settings_.output_times;
  auto& s = state_;
  std::size_t period = resuming ? s.period : 0;
  if (!resuming && settings_.initial_steady) {
    model_.solve_steady_flow(periods[0], periods[1]);
    model_.record_flow_closure();
  } else if (!resuming) {
    model_.set_initial_head();
  }
  std::set<double> breaks(periods.begin(), periods.end());
  if (settings_.transport) {
    model_.hand_flow_to_transport(periods[0], periods[1]);
    breaks.insert(settings_.breaks.begin(), settings_.breaks.end());
  }
  if (resuming && settings_.transport) model_.resume_transport();
  if (!resuming && s.next_output < outputs.size() && outputs[s.next_output] == 0.0)
    model_.output(outputs[s.next_output++], s.step);
  if (!resuming) {
    s.t = 0.0;
    s.dt = settings_.initial_step;
  }
  const double end = periods.back();
  while (s.t < end) {
    while (period + 1 < periods.size() && periods[period + 1] <= s.t) {
      ++period;
      s.dt = settings_.initial_step; // a new stress period restarts the step sequence
    }
    double t_next = std::min(s.t + s.dt, *breaks.upper_bound(s.t));
    if (s.next_output < outputs.size()) t_next = std::min(t_next, outputs[s.next_output]);
    if (settings_.transport) model_.before_flow(s.t, periods[period + 1]);
    model_.advance_transient_flow(periods[period], periods[period + 1], t_next - s.t);
    model_.record_flow_closure();
    if (settings_.transport) {
      model_.hand_flow_to_transport(periods[period], periods[period + 1]);
      model_.before_step(s.t);
      // The leachate over the flow step loads the groundwater at a constant rate, also through
      // the shorter steps of a retry.
      model_.advance_soil(s.t, t_next - s.t, false);
      advance_span(s.t, t_next - s.t, 0);
      model_.after_step(s.t, t_next - s.t);
    }
    s.t = t_next;
    ++s.step;
    model_.step_done(s.t, s.step);
    outputs_until(s.t);
    s.dt = std::min(s.dt * settings_.step_multiplier, settings_.max_step);
    s.period = period;
    s.recovering = false;
    s.step_cap = 0.0;
    if (stop_after_step()) return LoopEnd::stopped_for_branching;
  }
  return LoopEnd::finished;
}

// Advances transport over [t, t + length] [d]; a failed step is undone and done again as 1/cut
// shorter steps, recursively, down to the policy's retries.
void TimeLoop::advance_span(double t, double length, int depth) {
  model_.save_step();
  try {
    model_.advance_transport(t, length);
    return;
  } catch (const NumericalError& e) {
    model_.restore_step();
    if (!policy_.may_retry(depth)) throw policy_.exhausted(t, depth, length, e);
    ++state_.retries;
  }
  const int pieces = static_cast<int>(1.0 / policy_.cut + 0.5);
  for (int piece = 0; piece < pieces; ++piece)
    advance_span(t + piece * policy_.cut * length, policy_.cut * length, depth + 1);
}

} // namespace terrafate
