#include "terrafate/run/simulation.hpp"

#include <chrono>
#include <set>

#include <fmt/format.h>

#include "terrafate/io/checkpoint_hdf5.hpp"
#include "terrafate/run/model_steps.hpp"
#include "terrafate/run/plausibility.hpp"
#include "terrafate/run/run_reports.hpp"

namespace terrafate {

namespace {
using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

/// `--resume`: the newest numbered checkpoint in the folder's checkpoints/ (found on rank 0, so
/// every rank reads the same); InputError when there is none.
std::filesystem::path newest_checkpoint(MPI_Comm comm, const std::filesystem::path& folder) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  std::string newest;
  if (rank == 0) {
    const auto kept = io::kept_checkpoints_before(folder / "checkpoints" / "newest.h5");
    if (!kept.empty()) newest = kept.front().string();
  }
  int length = static_cast<int>(newest.size());
  MPI_Bcast(&length, 1, MPI_INT, 0, comm);
  newest.resize(static_cast<std::size_t>(length));
  MPI_Bcast(newest.data(), length, MPI_CHAR, 0, comm);
  if (newest.empty())
    throw InputError(fmt::format("--resume {}: no checkpoint in {} to continue from (start the "
                                 "run again with --overwrite)",
                                 folder.string(), (folder / "checkpoints").string()));
  return newest;
}

/// A restart: the checkpoint's state, which must come from the same deck (unless branching).
/// A checkpoint that fails verification gives way to the previous kept one (each rejection
/// printed on rank 0); none valid is an InputError. `chosen` receives the checkpoint read.
std::unique_ptr<StateRecord> read_restart(MPI_Comm comm, const Deck& deck, const Model& model,
                                          const RunOptions& options,
                                          std::filesystem::path& chosen) {
  const auto requested =
      options.resume ? newest_checkpoint(comm, options.output_folder) : options.restart;
  if (requested.empty()) return nullptr;
  const char* option = options.resume ? "--resume" : "--restart";
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  const std::array<int, 3> cells{model.grid.cells(0), model.grid.cells(1), model.grid.cells(2)};
  io::CheckpointChoice choice =
      io::read_checkpoint_or_older(comm, requested, cells, local_block(model.grid));
  if (rank == 0 && !options.quiet)
    for (const auto& rejection : choice.rejected)
      fmt::print(stderr, "terrafate: {}: {}; trying the previous kept checkpoint\n", option,
                 rejection);
  if (rank == 0 && !options.quiet && (options.resume || choice.path != requested))
    fmt::print("terrafate: continuing from {}\n", choice.path.string());
  auto resume = std::make_unique<StateRecord>(std::move(choice.record));
  chosen = choice.path;
  if (!options.branch && resume->texts.at("deck") != deck.text) {
    const auto strategy = resume->texts.find("strategy");
    const std::string written_for = strategy != resume->texts.end() ? strategy->second : "";
    std::string hint = " (a checkpoint of a `--strategy NAME` run continues with the same "
                       "--strategy NAME)";
    if (!written_for.empty() && written_for != options.strategy)
      hint = fmt::format(": it was written for the deck's strategy '{}'; continue it with "
                         "--strategy {}",
                         written_for, written_for);
    else if (written_for.empty() && !options.strategy.empty())
      hint = fmt::format(": it was written without --strategy; continue it without --strategy {}",
                         options.strategy);
    throw InputError(fmt::format("{}: {} was written for another deck (the deck text differs "
                                 "from the one it records){}",
                                 option, chosen.string(), hint));
  }
  return resume;
}

/// Whether `checkpoint` lies inside `folder` (a restart into the run's own folder).
bool inside(const std::filesystem::path& checkpoint, const std::filesystem::path& folder) {
  std::error_code ec;
  const auto file = std::filesystem::weakly_canonical(checkpoint, ec);
  const auto root = std::filesystem::weakly_canonical(folder, ec);
  const auto relative = file.lexically_relative(root);
  return !ec && !relative.empty() && relative.native().rfind("..", 0) != 0;
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
  settings.steady_flow_per_step = !model.flow.transient && model.flow.has_linear_series();
  if (!model.transport) return settings;
  // A triggered pump-and-treat may switch its wells at each of its checks (and its end).
  const auto switches = actions.well_switch_times();
  if (!switches.empty()) {
    std::set<double> periods(settings.periods.begin(), settings.periods.end());
    std::set<double> soft;
    for (const double t : switches)
      if (t > 0.0 && t < time.end && periods.insert(t).second) soft.insert(t);
    settings.periods.assign(periods.begin(), periods.end());
    settings.soft_periods.assign(soft.begin(), soft.end());
  }
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

RunResult run_simulation(MPI_Comm comm, const Deck& deck, const RunOptions& options) {
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
  // The checkpoint first: a refused restart leaves no output folder behind.
  std::filesystem::path restart_checkpoint;
  const auto resume = read_restart(comm, deck, model, options, restart_checkpoint);
  const auto held = prepare_output_folder(
      comm, folder,
      options.resume                                                ? FolderUse::restart
      : !options.overwrite                                          ? FolderUse::fresh
      : !options.restart.empty() && inside(options.restart, folder) ? FolderUse::restart
                                                                    : FolderUse::overwrite);
  const auto provenance = run_provenance(deck, ranks, options.petsc_arguments);
  RunOutputs outputs(comm, deck, model, sampler, folder, provenance, resume.get(),
                     restart_checkpoint, options.quiet);
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
  if (risk) risk->follow(actions);
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
      return {}; // a shared history: its checkpoint is what the strategies continue
  } catch (const NumericalError&) {
    outputs.finish();
    throw;
  }
  times.output = steps.output_seconds();
  times.time_loop = seconds_since(loop_start) - times.output;
  times.transport = steps.transport_seconds();
  progress.finish();
  steps.write_ledger(deck.time.end);
  RunResult result;
  result.complete = true;
  if (model.carbon && root)
    result.carbon = write_footprint(folder, model,
                                    Ledger::from_csv(actions.csv(deck.time.end, transport.get())));
  else if (model.carbon)
    actions.csv(deck.time.end, transport.get()); // collective
  if (risk) risk->finish();
  // The plausibility warnings, kept in run_summary.json (report.html shows them): the deck's,
  // the heads', and a plume above its standard on the model boundary at the end.
  std::vector<std::string> warnings = plausibility_warnings(deck, model);
  if (!steps.head_warning().empty()) warnings.push_back(steps.head_warning());
  if (transport)
    for (auto& warning : boundary_plume_warnings(model, *transport)) {
      if (root && !options.quiet) fmt::print(stderr, "terrafate: warning: {}\n", warning);
      warnings.push_back(std::move(warning));
    }
  if (root) result.warnings = warnings;
  if (risk && root) {
    result.output_times = risk->output_times();
    result.series_times = risk->series_times();
    result.receptors = risk->receptor_results();
  }
  if (root) result.observations = outputs.observations();
  outputs.finish();

  if (!root) return result;
  const long steps_done = loop.state().step;
  times.wall = seconds_since(run_start);
  write_run_summary(folder, model, ranks, steps_done, flow, transport.get(), loop.state().retries,
                    steps.max_flow_closure(), outputs.max_mass_closure(), times, warnings);
  if (!options.quiet)
    fmt::print("terrafate: {} steps, {} flow solves ({} iterations), budget closure {:.2e}, "
               "{:.2f} s\nresults in {}\n",
               steps_done, flow.stats().solves, flow.stats().total_iterations,
               steps.max_flow_closure(), times.wall, std::filesystem::absolute(folder).string());
  return result;
}

} // namespace terrafate
