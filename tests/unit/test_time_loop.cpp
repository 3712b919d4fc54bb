// The time loop and its retry policy without PETSc: a scripted StepModel records what the loop
// asks for; the expected step sequences are worked out by hand in each test's comment.
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "terrafate/run/run_state.hpp"
#include "terrafate/run/time_loop.hpp"

namespace {
using terrafate::LoopEnd;
using terrafate::LoopState;
using terrafate::TimeLoop;
using terrafate::TimeLoopSettings;

using Step = std::pair<double, double>; // (t, length) [d]

class ScriptedModel final : public terrafate::StepModel {
public:
  /// Transport steps whose (t, length) is in `failing` fail once each; with `always_fail`, all.
  std::vector<Step> failing;
  bool always_fail = false;
  std::vector<Step> attempts, done, flow_steps;
  std::vector<std::pair<double, long>> outputs;
  std::vector<double> steady_solves, steady_instants, end_of_steps, branch_checkpoints;
  std::vector<bool> soil_retries;
  int saves = 0, restores = 0, resumed = 0;

  void solve_steady_flow(double begin, double) override { steady_solves.push_back(begin); }
  void solve_steady_flow_at(double begin, double, double t) override {
    steady_solves.push_back(begin);
    steady_instants.push_back(t);
  }
  void set_initial_head() override {}
  void advance_transient_flow(double, double, double length) override {
    flow_steps.push_back({0.0, length});
  }
  void record_flow_closure() override {}
  void hand_flow_to_transport(double, double) override {}
  void release_flow_solver() override {}
  void resume_transport() override { ++resumed; }
  void before_step(double) override {}
  void save_step() override { ++saves; }
  void restore_step() override { ++restores; }
  void advance_soil(double, double, bool retry) override { soil_retries.push_back(retry); }
  void advance_transport(double t, double length) override {
    attempts.push_back({t, length});
    for (auto it = failing.begin(); it != failing.end(); ++it)
      if (it->first == t && it->second == length) {
        failing.erase(it);
        throw terrafate::NumericalError("scripted failure");
      }
    if (always_fail) throw terrafate::NumericalError("scripted failure");
  }
  void after_step(double t, double length) override { done.push_back({t, length}); }
  void step_done(double, long) override {}
  void output(double t, long step) override { outputs.push_back({t, step}); }
  void end_of_step(const LoopState& state) override { end_of_steps.push_back(state.t); }
  void checkpoint_for_branching(const LoopState& state) override {
    branch_checkpoints.push_back(state.t);
  }
};

TimeLoopSettings steady_transport(std::vector<double> periods, std::vector<double> outputs,
                                  double initial, double max, double multiplier) {
  TimeLoopSettings s;
  s.periods = std::move(periods);
  s.output_times = std::move(outputs);
  s.initial_step = initial;
  s.max_step = max;
  s.step_multiplier = multiplier;
  s.transport = true;
  return s;
}

// Steps 1, 2, 4 (cap 4) from t = 0 to 10 with outputs at 0, 2.5 and 10: 0-1, 1-2.5 (shortened
// to the output time; the next step still doubles from 2 to 4), 2.5-6.5, 6.5-10 (to the end).
TEST(TimeLoop, StepsLandOnBreaksAndOutputTimes) {
  ScriptedModel model;
  auto settings = steady_transport({0.0, 10.0}, {0.0, 2.5, 10.0}, 1.0, 4.0, 2.0);
  TimeLoop loop(settings, model);
  EXPECT_EQ(loop.run(nullptr), LoopEnd::finished);
  const std::vector<Step> expected{{0.0, 1.0}, {1.0, 1.5}, {2.5, 4.0}, {6.5, 3.5}};
  EXPECT_EQ(model.done, expected);
  const std::vector<std::pair<double, long>> outputs{{0.0, 0}, {2.5, 2}, {10.0, 4}};
  EXPECT_EQ(model.outputs, outputs);
  EXPECT_EQ(loop.state().step, 4);
  // A source window break at 5 cuts the third step: 2.5-5, then 5-9 and 9-10.
  ScriptedModel broken;
  settings.breaks = {5.0};
  TimeLoop with_break(settings, broken);
  with_break.run(nullptr);
  const std::vector<Step> with_5{{0.0, 1.0}, {1.0, 1.5}, {2.5, 2.5}, {5.0, 4.0}, {9.0, 1.0}};
  EXPECT_EQ(broken.done, with_5);
}

// Steady flow following a linear time series: solved for the period from 0 (as always) and
// again for each transport step 0-1, 1-3, 3-7, 7-10 (steps 1, 2, 4 capped at 4, to the end);
// without the setting only the period's solve.
TEST(TimeLoop, SteadyFlowPerStepIsSolvedForEveryTransportStep) {
  ScriptedModel model;
  auto settings = steady_transport({0.0, 10.0}, {}, 1.0, 4.0, 2.0);
  settings.steady_flow_per_step = true;
  TimeLoop loop(settings, model);
  loop.run(nullptr);
  EXPECT_EQ(model.steady_solves, (std::vector<double>{0.0, 0.0, 1.0, 3.0, 7.0}));
  ScriptedModel plain;
  settings.steady_flow_per_step = false;
  TimeLoop plain_loop(settings, plain);
  plain_loop.run(nullptr);
  EXPECT_EQ(plain.steady_solves, (std::vector<double>{0.0}));
}

// Steady flow without transport following a linear series: periods 0-10-20 (a series time at
// 10), outputs at 0, 5, 10, 15 and 20: the steady state of each output instant inside a period
// (0 and 5; 15) and of each period's end (10; 20), each output after its own solve; without the
// setting one solve per period, at the period (outputs 0, 5, 10 after the first).
TEST(TimeLoop, SteadyFlowWithoutTransportIsSolvedAtEachOutputTime) {
  TimeLoopSettings settings;
  settings.periods = {0.0, 10.0, 20.0};
  settings.output_times = {0.0, 5.0, 10.0, 15.0, 20.0};
  settings.steady_flow_per_step = true;
  ScriptedModel model;
  TimeLoop loop(settings, model);
  EXPECT_EQ(loop.run(nullptr), LoopEnd::finished);
  EXPECT_EQ(model.steady_instants, (std::vector<double>{0.0, 5.0, 10.0, 15.0, 20.0}));
  EXPECT_EQ(model.steady_solves, (std::vector<double>{0.0, 0.0, 0.0, 10.0, 10.0}));
  const std::vector<std::pair<double, long>> outputs{
      {0.0, 1}, {5.0, 2}, {10.0, 3}, {15.0, 4}, {20.0, 5}};
  EXPECT_EQ(model.outputs, outputs);
  ScriptedModel plain;
  settings.steady_flow_per_step = false;
  TimeLoop plain_loop(settings, plain);
  plain_loop.run(nullptr);
  EXPECT_TRUE(plain.steady_instants.empty());
  EXPECT_EQ(plain.steady_solves, (std::vector<double>{0.0, 10.0}));
  const std::vector<std::pair<double, long>> per_period{
      {0.0, 1}, {5.0, 1}, {10.0, 1}, {15.0, 2}, {20.0, 2}};
  EXPECT_EQ(plain.outputs, per_period);
}

// A failed 4 d step is retried with 1 d (a quarter); the cap becomes 2 d (half the failed step),
// so the steps are 0-1, then 2 d steps 1-3, 3-5, 5-7 and 7-8 to the end; one retry.
TEST(TimeLoop, FailedStepIsRetriedWithAQuarterStep) {
  ScriptedModel model;
  model.failing = {{0.0, 4.0}};
  TimeLoop loop(steady_transport({0.0, 8.0}, {}, 4.0, 4.0, 1.0), model);
  loop.run(nullptr);
  const std::vector<Step> attempts{{0.0, 4.0}, {0.0, 1.0}, {1.0, 2.0},
                                   {3.0, 2.0}, {5.0, 2.0}, {7.0, 1.0}};
  EXPECT_EQ(model.attempts, attempts);
  EXPECT_EQ(loop.state().retries, 1);
  EXPECT_EQ(model.restores, 1);
  EXPECT_EQ(model.soil_retries.at(1), true); // the soil columns redo the step too
  EXPECT_EQ(model.soil_retries.at(0), false);
}

// Retries are spent after 4 cuts: 2 d -> 0.5 -> 0.125 -> 0.03125 -> 0.0078125 d.
TEST(TimeLoop, RetriesEndWithANumericalError) {
  ScriptedModel model;
  model.always_fail = true;
  TimeLoop loop(steady_transport({0.0, 8.0}, {}, 2.0, 2.0, 1.0), model);
  try {
    loop.run(nullptr);
    FAIL() << "expected a NumericalError";
  } catch (const terrafate::NumericalError& e) {
    EXPECT_NE(std::string(e.what()).find("failed after 4 retries down to a step of 0.0078125 d"),
              std::string::npos)
        << e.what();
  }
  EXPECT_EQ(model.attempts.size(), 5u);
}

// Under a transient flow step of 2 d a failed transport step is covered by four 0.5 d steps.
TEST(TimeLoop, TransientFlowStepIsCoveredByQuarterSteps) {
  ScriptedModel model;
  model.failing = {{0.0, 2.0}, {0.5, 0.5}};
  auto settings = steady_transport({0.0, 2.0}, {}, 2.0, 2.0, 1.0);
  settings.transient_flow = true;
  TimeLoop loop(settings, model);
  loop.run(nullptr);
  // The second quarter fails too and is covered by four 0.125 d steps.
  const std::vector<Step> attempts{{0.0, 2.0},     {0.0, 0.5},     {0.5, 0.5},
                                   {0.5, 0.125},   {0.625, 0.125}, {0.75, 0.125},
                                   {0.875, 0.125}, {1.0, 0.5},     {1.5, 0.5}};
  EXPECT_EQ(model.attempts, attempts);
  EXPECT_EQ(model.flow_steps.size(), 1u);
  EXPECT_EQ(loop.state().retries, 2);
}

// With stop_at = 3 and 2 d steps, the loop stops after the step reaching 4 d, writing the
// branching checkpoint there (and an ordinary end-of-step check after 2 d only).
TEST(TimeLoop, StopsForBranching) {
  ScriptedModel model;
  auto settings = steady_transport({0.0, 10.0}, {}, 2.0, 2.0, 1.0);
  settings.stop_at = 3.0;
  TimeLoop loop(settings, model);
  EXPECT_EQ(loop.run(nullptr), LoopEnd::stopped_for_branching);
  EXPECT_EQ(model.branch_checkpoints, std::vector<double>{4.0});
  EXPECT_EQ(model.end_of_steps, std::vector<double>{2.0});
}

// A run stopped at 4 d and resumed from its named state takes the same steps as one run
// straight through: 4-6, 6-8 with the output at 8 d as step 4.
TEST(TimeLoop, ResumesFromNamedState) {
  ScriptedModel whole;
  const auto settings = steady_transport({0.0, 8.0}, {0.0, 8.0}, 2.0, 2.0, 1.0);
  TimeLoop straight(settings, whole);
  straight.run(nullptr);

  ScriptedModel first;
  auto stopping = settings;
  stopping.stop_at = 4.0;
  TimeLoop part(stopping, first);
  part.run(nullptr);
  terrafate::RunState state;
  state.loop = part.state();
  state.max_flow_closure = 1.0e-9;
  state.checkpoint_index = 3;
  terrafate::StateRecord record;
  terrafate::save_run_state(state, record);
  EXPECT_EQ(record.value("loop/t"), std::vector<double>{4.0});
  EXPECT_EQ(record.value("loop/next_output"), std::vector<double>{1.0});
  const auto loaded = terrafate::load_run_state(record);
  EXPECT_EQ(loaded.checkpoint_index, 3);
  EXPECT_EQ(loaded.max_flow_closure, 1.0e-9);

  ScriptedModel second;
  TimeLoop rest(settings, second);
  rest.run(&loaded.loop);
  EXPECT_EQ(second.resumed, 1);
  EXPECT_TRUE(second.steady_solves.empty()); // a restart has the period's flow
  const std::vector<Step> remaining{{4.0, 2.0}, {6.0, 2.0}};
  EXPECT_EQ(second.done, remaining);
  EXPECT_EQ(second.outputs, (std::vector<std::pair<double, long>>{{8.0, 4}}));
  EXPECT_EQ(whole.outputs.back(), second.outputs.back());
}

} // namespace
