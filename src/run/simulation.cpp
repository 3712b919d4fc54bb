#include "terrafate/run/simulation.hpp"

#include <chrono>

#include <fmt/format.h>

#include "terrafate/io/checkpoint_hdf5.hpp"
#include "terrafate/run/model_steps.hpp"
#include "terrafate/run/run_reports.hpp"

namespace terrafate {

namespace {
using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

/// A restart: the checkpoint's state, which must come from the same deck (unless branching).
std::unique_ptr<StateRecord> read_restart(MPI_Comm comm, const Deck& deck, const Model& model,
                                          const RunOptions& options) {
  if (options.restart.empty()) return nullptr;
  std::unique_ptr<StateRecord> resume;
  const std::array<int, 3> cells{model.grid.cells(0), model.grid.cells(1), model.grid.cells(2)};
  try {
    resume = std::make_unique<StateRecord>(
        io::read_checkpoint(comm, options.restart, cells, local_block(model.grid)));
  } catch (const std::runtime_error& e) {
    throw InputError(fmt::format("--restart: {}", e.what()));
  }
  if (!options.branch && resume->texts.at("deck") != deck.text)
    throw InputError(fmt::format("--restart: {} was written for another deck (the deck text "
                                 "differs from the one it records)",
                                 options.restart.string()));
  return resume;
}

/// The time loop's settings: periods, outputs, and the breaks of sources, actions and branch.
TimeLoopSettings loop_settings(const Model& model, const Deck& deck, const RunOptions& options,
                               const ActionRun& actions) {
  const auto& time = deck.time;
  TimeLoopSettings settings{stress_periods(model.flow, time.end),
                            time.output_times,
                            {},
                            time.initial_step,
                            time.max_step,
                            time.step_multiplier,
                            model.transport.has_value(),
                            model.flow.transient,
                            model.flow.initial_steady,
                            options.stop_at};
  if (!model.transport) return settings;
  std::vector<double> breaks;
  for (const auto& source : model.transport->sources)
    breaks.insert(breaks.end(), {source.start, source.end});
  for (const double t : actions.breakpoints())
    breaks.push_back(t);
  breaks.insert(breaks.end(), options.breakpoints.begin(), options.breakpoints.end());
  for (const double t : breaks)
    if (t > 0.0 && t < time.end) settings.breaks.push_back(t);
  return settings;
}

} // namespace

void run_simulation(MPI_Comm comm, const Deck& deck, const RunOptions& options) {
  const auto run_start = Clock::now();
  int rank = 0, ranks = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &ranks);
  const bool root = rank == 0;
  const Model model(comm, deck, options.fields);
  const PointSampler sampler(model.grid, deck.observation_points);
  FlowSolver flow(model.grid, model.materials, model.flow);
  std::unique_ptr<TransportSolver> transport;
  if (model.transport)
    transport = std::make_unique<TransportSolver>(model.grid, model.materials, model.flow,
                                                  *model.transport);
  const std::unique_ptr<SoilColumns> soil = make_soil(model);
  RunTimes times;
  times.model_setup = seconds_since(run_start);

  const auto& folder = options.output_folder;
  prepare_output_folder(comm, folder, options.overwrite);
  const auto provenance = run_provenance(deck, ranks, options.petsc_arguments);
  const auto resume = read_restart(comm, deck, model, options);
  RunOutputs outputs(comm, deck, model, sampler, folder, provenance, resume.get(), options.restart,
                     options.quiet);
  std::unique_ptr<RiskRun> risk;
  if (model.risk) {
    for (const auto& species : model.risk->species)
      if (root && !options.quiet && !species.chemical)
        fmt::print("terrafate: warning: species '{}' matches no chemical of {} (give "
                   "chemical: a name, abbreviation or CAS number): no risk is computed for it\n",
                   species.name, data_table_path("chemicals.csv").string());
    risk = std::make_unique<RiskRun>(model, deck, outputs.plane_faces(), folder, root);
  }
  Progress progress(comm, deck.time.end, options.quiet);
  ActionRun actions(comm, model.grid, model.materials, model.remediation,
                    model.transport ? &*model.transport : nullptr, deck.time.end, soil.get());
  ModelSteps steps(comm, deck, model, options,
                   {flow, transport.get(), soil.get(), actions, outputs, risk.get(), progress});
  LoopState resume_state;
  if (resume) resume_state = steps.resume(*resume);
  TimeLoop loop(loop_settings(model, deck, options, actions), steps);

  const auto loop_start = Clock::now();
  // A numerical failure ends the run (exit 3), but keeps what is complete: the outputs written so
  // far (results.h5 is closed under its final name) and the checkpoints.
  try {
    if (loop.run(resume ? &resume_state : nullptr) == LoopEnd::stopped_for_branching)
      return; // a shared history: its checkpoint is what the strategies continue
  } catch (const NumericalError&) {
    outputs.finish();
    throw;
  }
  times.output = steps.output_seconds();
  times.time_loop = seconds_since(loop_start) - times.output;
  times.transport = steps.transport_seconds();
  progress.finish();
  steps.write_ledger(deck.time.end);
  if (model.carbon && root)
    write_footprint(folder, model, Ledger::from_csv(actions.csv(deck.time.end, transport.get())));
  else if (model.carbon)
    actions.csv(deck.time.end, transport.get()); // collective
  if (risk) risk->finish();
  outputs.finish();

  if (!root) return;
  const long steps_done = loop.state().step;
  times.wall = seconds_since(run_start);
  write_run_summary(folder, model, ranks, steps_done, flow, transport.get(), loop.state().retries,
                    steps.max_flow_closure(), outputs.max_mass_closure(), times);
  if (!options.quiet)
    fmt::print("terrafate: {} steps, {} flow solves ({} iterations), budget closure {:.2e}, "
               "{:.2f} s\nresults in {}\n",
               steps_done, flow.stats().solves, flow.stats().total_iterations,
               steps.max_flow_closure(), times.wall, std::filesystem::absolute(folder).string());
}

} // namespace terrafate
