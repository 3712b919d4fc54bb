#pragma once
// The loop state of a run in a checkpoint, as named keys (loop/t, loop/dt, ...), not positions.
#include "terrafate/core/state_record.hpp"
#include "terrafate/run/time_loop.hpp"

namespace terrafate {

/// What a checkpoint keeps to continue a run: the time loop's state and the run's tallies.
struct RunState {
  LoopState loop;
  double max_flow_closure = 0.0;     ///< [-] largest relative flow budget closure so far
  double max_mass_closure = 0.0;     ///< [-] largest relative mass balance closure so far
  long checkpoint_index = 0;         ///< numbered checkpoints written
  double next_checkpoint_time = 0.0; ///< [d] simulated time of the next periodic checkpoint
};

/// Writes `state` into `record` under loop/<name> keys.
void save_run_state(const RunState& state, StateRecord& record);
/// Reads the loop/<name> keys of `record`; throws std::out_of_range naming a missing key.
RunState load_run_state(const StateRecord& record);

} // namespace terrafate
