#include "terrafate/run/model_steps.hpp"

#include <algorithm>
#include <cmath>
#include <csignal>
#include <limits>

#include <fmt/format.h>

#include "terrafate/io/atomic_file.hpp"
#include "terrafate/io/checkpoint_hdf5.hpp"
#include "terrafate/run/plausibility.hpp"

namespace terrafate {

namespace {
volatile std::sig_atomic_t g_stop_requested = 0;
extern "C" void request_stop(int) {
  g_stop_requested = 1;
}
double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}
} // namespace

void install_stop_signal_handlers() {
  std::signal(SIGTERM, request_stop);
  std::signal(SIGINT, request_stop);
}

ModelSteps::ModelSteps(MPI_Comm comm, const Deck& deck, const Model& model,
                       const RunOptions& options, RunParts parts)
    : comm_(comm), deck_(deck), model_(model), options_(options), parts_(parts) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  root_ = rank == 0;
  const double every = deck.output.checkpoint_every;
  tallies_.next_checkpoint_time = every > 0.0 ? every : std::numeric_limits<double>::infinity();
  // The observation points the contingent actions' triggers watch.
  std::vector<ObservationPointSpec> points;
  trigger_point_.assign(model.remediation.size(), 0);
  for (std::size_t a = 0; a < model.remediation.size(); ++a) {
    const auto& trigger = model.remediation[a].trigger;
    if (!trigger) continue;
    const auto& known = deck.observation_points;
    const auto point = std::find_if(known.begin(), known.end(),
                                    [&](const auto& p) { return p.name == trigger->location; });
    if (point == known.end())
      throw InputError(trigger->key_path + ".location", trigger->where,
                       fmt::format("the trigger watches '{}', which observations.points does not "
                                   "define",
                                   trigger->location));
    trigger_point_[a] = points.size();
    points.push_back(*point);
  }
  if (!points.empty()) trigger_sampler_ = std::make_unique<PointSampler>(model.grid, points);
}

void ModelSteps::check_triggers(double t) {
  const auto due = parts_.actions.checks_due(t); // the same on every rank
  if (due.empty() || !parts_.transport) return;
  std::vector<int> fire(due.size(), 0);
  for (std::size_t i = 0; i < due.size(); ++i) {
    const auto& trigger = *model_.remediation[due[i]].trigger;
    const auto values = trigger_sampler_->sample(
        parts_.transport->concentration(static_cast<std::size_t>(trigger.species)));
    fire[i] = values[trigger_point_[due[i]]] > trigger.above ? 1 : 0; // rank 0's
  }
  MPI_Bcast(fire.data(), static_cast<int>(fire.size()), MPI_INT, 0, comm_);
  for (std::size_t i = 0; i < due.size(); ++i)
    if (fire[i]) parts_.actions.fire(due[i], t, parts_.transport);
  parts_.actions.apply_well_windows(parts_.flow);
}

LoopState ModelSteps::resume(const StateRecord& resume) {
  resume_ = &resume;
  parts_.flow.load_state(resume);
  if (parts_.soil) parts_.soil->load_state(resume, options_.branch);
  if (!options_.branch) parts_.actions.load_state(resume); // a branch's actions start afresh
  parts_.actions.apply_well_windows(parts_.flow);
  if (parts_.risk) parts_.risk->load_state(resume);
  parts_.outputs.load_state(resume);
  tallies_ = load_run_state(resume);
  parts_.outputs.set_max_mass_closure(tallies_.max_mass_closure);
  return tallies_.loop;
}

void ModelSteps::write_ledger(double t) {
  if (model_.remediation.empty()) return;
  const auto text = parts_.actions.csv(t, parts_.transport); // collective
  if (root_) io::write_file_atomically(options_.output_folder / "ledger.csv", text);
}

void ModelSteps::solve_steady_flow(double begin, double end) {
  parts_.flow.solve_steady(begin, end);
}
void ModelSteps::solve_steady_flow_at(double begin, double end, double t) {
  parts_.flow.solve_steady_at(begin, end, t);
}
void ModelSteps::set_initial_head() {
  parts_.flow.set_uniform_head(model_.flow.initial_head);
}
void ModelSteps::advance_transient_flow(double period_begin, double period_end, double length) {
  parts_.flow.advance(period_begin, period_end, length);
}
void ModelSteps::record_flow_closure() {
  tallies_.max_flow_closure =
      std::max(tallies_.max_flow_closure, parts_.flow.budget().relative_closure);
}
void ModelSteps::hand_flow_to_transport(double period_begin, double period_end) {
  parts_.transport->set_flow(parts_.flow, period_begin, period_end);
}
void ModelSteps::release_flow_solver() {
  parts_.flow.release_solver(); // steady until the next period: free the multigrid hierarchy
}
void ModelSteps::resume_transport() {
  parts_.transport->load_state(*resume_, options_.branch);
}
bool ModelSteps::before_flow(double begin, double end) {
  check_triggers(begin); // a check due then: before the flow from then (triggered pump-and-treat)
  return parts_.flow.stresses_change(begin, end);
}
void ModelSteps::before_step(double t) {
  check_triggers(t);
  parts_.actions.before_step(t, *parts_.transport);
}
void ModelSteps::save_step() {
  parts_.transport->save(saved_transport_);
  if (parts_.soil) parts_.soil->save(saved_soil_);
}
void ModelSteps::restore_step() {
  parts_.transport->restore(saved_transport_);
}
void ModelSteps::advance_soil(double t, double length, bool retry) {
  if (!parts_.soil) return;
  // The soil columns over the step; their leachate is the groundwater's loading.
  if (retry) parts_.soil->restore(saved_soil_);
  // Water-table flow: the columns end at the simulated water table of the flow in force.
  if (parts_.flow.unconfined()) parts_.soil->follow_water_table(parts_.flow.saturated_fraction());
  parts_.soil->advance(t, length);
  parts_.transport->set_loading(parts_.soil->loading_cells(), parts_.soil->loading_rates());
}
void ModelSteps::advance_transport(double t, double length) {
  const auto start = Clock::now();
  try {
    parts_.transport->advance(t, length);
  } catch (const NumericalError&) {
    transport_seconds_ += seconds_since(start);
    throw;
  }
  transport_seconds_ += seconds_since(start);
}
void ModelSteps::after_step(double t, double length) {
  parts_.actions.after_step(t, length, parts_.flow, model_.flow, parts_.transport);
}
void ModelSteps::step_done(double t, long step) {
  if (parts_.risk && parts_.transport) parts_.risk->step(t, *parts_.transport, parts_.soil);
  parts_.progress.step(t, step);
}

void ModelSteps::output(double t, long step) {
  if (!heads_checked_) { // the first flow solution: heads far above the top are a unit slip
    heads_checked_ = true;
    PetscReal max_head = 0.0;
    TF_PETSC_CHECK(VecMax(parts_.flow.head(), nullptr, &max_head));
    head_warning_ = terrafate::head_warning(model_.grid, max_head);
    if (root_ && !options_.quiet && !head_warning_.empty())
      fmt::print(stderr, "terrafate: warning: {}\n", head_warning_);
  }
  write_ledger(t);
  const auto start = Clock::now();
  parts_.outputs.write(t, {parts_.flow, parts_.transport, parts_.soil, parts_.risk});
  parts_.progress.output(t, step);
  output_seconds_ += seconds_since(start);
}

// Checkpoints: every output.checkpoint.every simulated days, every --checkpoint-every-minutes of
// wall clock, and on SIGTERM/SIGINT, at the end of a step; the last two are kept.
void ModelSteps::end_of_step(const LoopState& state) {
  const double t = state.t;
  int flags[2] = {g_stop_requested ? 1 : 0, t >= tallies_.next_checkpoint_time ? 1 : 0};
  if (root_ && options_.checkpoint_minutes > 0.0 &&
      seconds_since(last_checkpoint_wall_) >= 60.0 * options_.checkpoint_minutes)
    flags[1] = 1;
  MPI_Allreduce(MPI_IN_PLACE, flags, 2, MPI_INT, MPI_MAX, comm_);
  if (!flags[0] && !flags[1]) return;
  const double every = deck_.output.checkpoint_every;
  if (t >= tallies_.next_checkpoint_time)
    tallies_.next_checkpoint_time = (std::floor(t / every) + 1.0) * every;
  const auto path = save_checkpoint(state);
  last_checkpoint_wall_ = Clock::now();
  if (flags[0])
    throw RunInterrupted(
        fmt::format("stopped by a signal at t = {} d after writing {}", t, path.string()));
}

void ModelSteps::checkpoint_for_branching(const LoopState& state) {
  save_checkpoint(state, options_.stop_checkpoint);
}

std::filesystem::path ModelSteps::save_checkpoint(const LoopState& state,
                                                  std::filesystem::path path) {
  const auto& folder = options_.output_folder;
  StateRecord record;
  parts_.flow.save_state(record);
  if (parts_.transport) parts_.transport->save_state(record);
  if (parts_.soil) parts_.soil->save_state(record);
  parts_.actions.save_state(record);
  if (parts_.risk) parts_.risk->save_state(record);
  record.texts["deck"] = deck_.text;
  if (!options_.strategy.empty()) record.texts["strategy"] = options_.strategy;
  record.texts["output_folder"] = std::filesystem::absolute(folder).string();
  const bool numbered = path.empty();
  if (numbered)
    path =
        folder / "checkpoints" / fmt::format("checkpoint_{:06d}.h5", ++tallies_.checkpoint_index);
  tallies_.loop = state;
  tallies_.max_mass_closure = parts_.outputs.max_mass_closure();
  save_run_state(tallies_, record);
  parts_.outputs.save_state(record, path);
  const std::array<int, 3> cells{model_.grid.cells(0), model_.grid.cells(1), model_.grid.cells(2)};
  try {
    io::write_checkpoint(comm_, path, cells, local_block(model_.grid), record);
  } catch (const std::runtime_error& e) {
    throw InputError(fmt::format("cannot write the checkpoint: {}", e.what()));
  }
  if (numbered) checkpoints_written_.push_back(path);
  if (checkpoints_written_.size() > 2) {
    if (root_) {
      std::error_code ignored;
      std::filesystem::remove(checkpoints_written_.front(), ignored);
      std::filesystem::remove(results_snapshot_path(checkpoints_written_.front()), ignored);
    }
    checkpoints_written_.erase(checkpoints_written_.begin());
  }
  return path;
}

} // namespace terrafate
