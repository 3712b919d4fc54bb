#include "terrafate/run/run_state.hpp"

namespace terrafate {

void save_run_state(const RunState& state, StateRecord& record) {
  const LoopState& loop = state.loop;
  auto& v = record.values;
  v["loop/period"] = {static_cast<double>(loop.period)};
  v["loop/t"] = {loop.t};
  v["loop/dt"] = {loop.dt};
  v["loop/recovering"] = {loop.recovering ? 1.0 : 0.0};
  v["loop/step_cap"] = {loop.step_cap};
  v["loop/step"] = {static_cast<double>(loop.step)};
  v["loop/next_output"] = {static_cast<double>(loop.next_output)};
  v["loop/retries"] = {static_cast<double>(loop.retries)};
  v["loop/max_flow_closure"] = {state.max_flow_closure};
  v["loop/max_mass_closure"] = {state.max_mass_closure};
  v["loop/checkpoint_index"] = {static_cast<double>(state.checkpoint_index)};
  v["loop/next_checkpoint_time"] = {state.next_checkpoint_time};
}

RunState load_run_state(const StateRecord& record) {
  RunState state;
  LoopState& loop = state.loop;
  loop.period = static_cast<std::size_t>(record.scalar("loop/period"));
  loop.t = record.scalar("loop/t");
  loop.dt = record.scalar("loop/dt");
  loop.recovering = record.scalar("loop/recovering") != 0.0;
  loop.step_cap = record.scalar("loop/step_cap");
  loop.step = static_cast<long>(record.scalar("loop/step"));
  loop.next_output = static_cast<std::size_t>(record.scalar("loop/next_output"));
  loop.retries = static_cast<long>(record.scalar("loop/retries"));
  state.max_flow_closure = record.scalar("loop/max_flow_closure");
  state.max_mass_closure = record.scalar("loop/max_mass_closure");
  state.checkpoint_index = static_cast<long>(record.scalar("loop/checkpoint_index"));
  state.next_checkpoint_time = record.scalar("loop/next_checkpoint_time");
  return state;
}

} // namespace terrafate
