// terrafate: contaminant fate and transport in groundwater. Entry point and exit-code policy:
// 0 success, 2 invalid input, 3 numerical failure, 75 stopped by a signal after a checkpoint,
// 1 anything else; messages on rank 0.
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <sstream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "terrafate/app/cli.hpp"
#include "terrafate/core/petsc.hpp"
#include "terrafate/core/version.hpp"
#include "terrafate/run/deck.hpp"
#include "terrafate/run/figures.hpp"
#include "terrafate/run/restart_hint.hpp"
#include "terrafate/run/simulation.hpp"
#include "terrafate/studies/assimilate.hpp"
#include "terrafate/studies/ensemble.hpp"
#include "terrafate/studies/evidence.hpp"
#include "terrafate/studies/optimize.hpp"
#include "terrafate/studies/validation.hpp"

namespace {

using terrafate::CommandLine;

/// Every deck: validated as `terrafate validate` does, with a schema recorder installed; the
/// union of the valid decks' records goes to stdout, the skipped decks' errors to stderr.
int print_schema(const std::vector<std::filesystem::path>& decks, bool root) {
  terrafate::SchemaRecorder all;
  for (const auto& path : decks) {
    terrafate::SchemaRecorder recorder;
    terrafate::set_schema_recorder(&recorder);
    try {
      terrafate::validate_deck(PETSC_COMM_WORLD, terrafate::read_deck(path));
      all.merge(recorder);
    } catch (const terrafate::InputError& e) {
      if (root)
        std::cerr << "terrafate schema: skipped " << path.string() << ": " << e.what() << "\n";
    }
    terrafate::set_schema_recorder(nullptr);
  }
  if (root) std::cout << all.to_json();
  return terrafate::kExitOk;
}

int dispatch(const terrafate::PetscSession& session, const terrafate::SplitArguments& arguments,
             std::string& interrupted_hint) {
  const bool root = session.rank() == 0;
  CLI::App app{"terrafate: contaminant fate and transport in groundwater and soil, coupled to "
               "risk and low-carbon remediation decisions.\nPETSc options (-flow_ksp_monitor, "
               "-flow_pc_type hypre, -log_view, ...) may follow the deck.",
               "terrafate"};
  app.set_version_flag("--version", fmt::format("terrafate {} (git {})", terrafate::kVersion,
                                                terrafate::kGitCommit));
  app.require_subcommand(1);
  CommandLine command;
  auto* run = app.add_subcommand("run", "Run a deck and write its results");
  run->add_option("DECK", command.deck, "Input deck (YAML)")->required();
  run->add_option("-o,--output", command.output_folder,
                  "Output folder (default: <deck name>_results)");
  std::filesystem::path restart;
  run->add_option("--restart", restart, "Continue from a checkpoint (OUTDIR/checkpoints/*.h5)")
      ->check(CLI::ExistingFile);
  std::filesystem::path resume;
  run->add_option("--resume", resume,
                  "Continue the run in OUT (an ensemble: its unfinished "
                  "realizations) from its newest valid checkpoint")
      ->check(CLI::ExistingDirectory)
      ->excludes("--restart", "--output");
  double checkpoint_minutes = 0.0;
  run->add_option("--checkpoint-every-minutes", checkpoint_minutes,
                  "Write a checkpoint every N minutes of wall clock")
      ->check(CLI::PositiveNumber);
  bool overwrite = false;
  run->add_flag("--overwrite", overwrite,
                "Write into an existing, non-empty output folder (replacing terrafate's files)")
      ->excludes("--resume");
  int ranks_per_run = 1;
  run->add_option("--ranks-per-run", ranks_per_run,
                  "Ensembles: MPI ranks per realization (the ranks must be a multiple of it; "
                  "default 1: as many realizations at once as ranks)")
      ->check(CLI::PositiveNumber);
  std::string realizations;
  run->add_option("--realizations", realizations,
                  "Ensembles: run realizations A to B-1 only (A:B; job-array tasks), into OUTDIR "
                  "whether or not it holds files, without the summary");
  bool gather = false;
  run->add_flag("--gather", gather,
                "Ensembles: run nothing; write ensemble.csv and risk_quantiles.csv from the "
                "realizations in OUTDIR (after --realizations parts)")
      ->excludes("--realizations");
  std::string strategy;
  run->add_option("--strategy", strategy,
                  "Simulate one strategy of the deck's strategies: alone (its actions only)");
  bool all_actions = false;
  run->add_flag("--all-actions", all_actions,
                "A deck with strategies: simulate every remediation action at once")
      ->excludes("--strategy");
  std::filesystem::path observations_at;
  run->add_option("--observations-at", observations_at, "Values at a monitoring CSV's rows");
  auto* optimize = app.add_subcommand(
      "optimize", "Evaluate the deck's strategies and recommend the lowest-carbon compliant one");
  optimize->add_option("DECK", command.deck, "Input deck (YAML)")->required();
  optimize->add_option("-o,--output", command.output_folder,
                       "Output folder (default: <deck name>_optimize)");
  optimize
      ->add_option("--ranks-per-run", ranks_per_run,
                   "MPI ranks per evaluation (the ranks must be a multiple of it)")
      ->check(CLI::PositiveNumber);
  std::filesystem::path posterior;
  optimize->add_option("--posterior", posterior, "Judge on an assimilation's posterior.csv")
      ->check(CLI::ExistingFile);
  optimize
      ->add_option("--resume", resume, "Continue the optimization in OUT (its finished runs kept)")
      ->check(CLI::ExistingDirectory)
      ->excludes("--output");
  auto* evidence = app.add_subcommand(
      "evidence", "Lines of evidence for natural attenuation from the deck's monitoring data: "
                  "trends.csv, rates.csv, stability.csv, ratios.csv (docs/monitoring.md)");
  evidence->add_option("DECK", command.deck, "Input deck (YAML), with monitoring:")->required();
  evidence->add_option("-o,--output", command.output_folder,
                       "Output folder (default: <deck name>_evidence)");
  auto* assimilate = app.add_subcommand(
      "assimilate", "ES-MDA on the deck's monitoring data: posterior.csv, parameters_summary.csv, "
                    "fit.csv, predictive.csv (docs/monitoring.md)");
  assimilate->add_option("DECK", command.deck, "Input deck (YAML), with assimilation:")->required();
  assimilate->add_option("-o,--output", command.output_folder,
                         "Output folder (default: <deck name>_assimilate)");
  assimilate->add_option("--ranks-per-run", ranks_per_run, "MPI ranks per member run")
      ->check(CLI::PositiveNumber);
  for (auto* subcommand : {optimize, evidence, assimilate})
    subcommand->add_flag("--overwrite", overwrite, "Write into an existing, non-empty folder");
  bool no_figures = false;
  for (auto* command_with_figures : {run, optimize, assimilate})
    command_with_figures->add_flag("--no-figures", no_figures,
                                   "No figures, no report.html (`terrafate plot OUT` later)");
  auto* plot = app.add_subcommand("plot", "Figures and report.html of an output folder");
  std::filesystem::path plot_folder;
  terrafate::FigureOptions figure_options;
  bool no_report = false;
  plot->add_option("OUT", plot_folder, "Output folder of run, optimize or assimilate")->required();
  plot->add_option("--top", figure_options.top, "Strategies drawn besides the recommendation")
      ->check(CLI::NonNegativeNumber);
  plot->add_option("--times", figure_options.times,
                   "Map times in years, comma-separated (the nearest output times)");
  plot->add_option("--maps", figure_options.maps,
                   "optimize: maps of the recommendation, the strategies shown, or all")
      ->check(CLI::IsMember({"recommended", "shown", "all"}));
  plot->add_flag("--no-report", no_report, "Figures only, no report.html");
  auto* validate = app.add_subcommand("validate", "Check a deck without running it");
  validate->add_option("DECK", command.deck, "Input deck (YAML)")->required();
  std::filesystem::path options_file; // read by the PETSc session (petsc_options_file)
  for (auto* subcommand : {run, optimize, validate, evidence, assimilate})
    subcommand
        ->add_option("--petsc-options-file", options_file,
                     "PETSc options from FILE (.petscrc and PETSC_OPTIONS are ignored)")
        ->check(CLI::ExistingFile);
  auto* schema = app.add_subcommand(
      "schema", "Print, as JSON, the keys, types, units, ranges and defaults the deck readers "
                "accept, recorded while validating the given decks (docs/deck-reference.md)");
  std::vector<std::filesystem::path> schema_decks;
  schema->add_option("DECKS", schema_decks, "Input decks (YAML); invalid ones skipped")->required();
  std::vector<std::string> names;
  for (const auto* subcommand : app.get_subcommands({}))
    names.push_back(subcommand->get_name());
  if (arguments.cli.size() > 1 && !arguments.cli[1].empty() && arguments.cli[1][0] != '-' &&
      std::find(names.begin(), names.end(), arguments.cli[1]) == names.end()) {
    const std::string guess = terrafate::closest_name(arguments.cli[1], names);
    throw terrafate::InputError(fmt::format(
        "unknown subcommand '{}'{}; the subcommands are {} (terrafate --help)", arguments.cli[1],
        guess.empty() ? "" : fmt::format(": did you mean '{}'?", guess), fmt::join(names, ", ")));
  }
  std::vector<std::string> cli_arguments(arguments.cli.rbegin(), arguments.cli.rend() - 1);
  std::ostringstream out, err;
  try {
    app.parse(cli_arguments);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e, out, err);
    if (root) {
      std::cout << out.str();
      std::cerr << err.str();
    }
    return code == 0 ? terrafate::kExitOk : terrafate::kExitInput;
  }

  if (schema->parsed()) return print_schema(schema_decks, root);
  if (plot->parsed()) {
    figure_options.report = !no_report;
    const int status = root ? terrafate::make_figures(plot_folder, figure_options, {}) : 0;
    return status == 0 ? terrafate::kExitOk
                       : (status == 2 ? terrafate::kExitInput : terrafate::kExitOther);
  }
  const terrafate::Deck deck = terrafate::read_deck(command.deck);
  // Every subcommand validates the whole deck first, as validate does (the same messages, exit 2).
  const terrafate::DeckCheck check =
      terrafate::validate_deck(PETSC_COMM_WORLD, deck, evidence->parsed() || assimilate->parsed());
  const bool has_strategies = check.has_strategies;
  if (root && !evidence->parsed())
    for (const auto& warning : check.plausibility_warnings)
      std::cerr << "terrafate: warning: " << warning << "\n";
  if (validate->parsed()) {
    if (root)
      fmt::print("{}: valid ({} x {} x {} = {} cells, {} materials, {} wells, {} boundaries{})\n",
                 command.deck.string(), check.cells[0], check.cells[1], check.cells[2],
                 check.total_cells, check.materials, check.wells, check.boundaries,
                 check.realizations > 0
                     ? fmt::format(", an ensemble of {} realizations", check.realizations)
                     : std::string());
    return terrafate::kExitOk;
  }
  if (evidence->parsed()) {
    terrafate::run_evidence(PETSC_COMM_WORLD, deck, command.output_folder, overwrite);
    return terrafate::kExitOk;
  }
  terrafate::RunOptions options;
  options.output_folder = command.output_folder.empty()
                              ? std::filesystem::path(command.deck.stem().string() +
                                                      (optimize->parsed()     ? "_optimize"
                                                       : assimilate->parsed() ? "_assimilate"
                                                                              : "_results"))
                              : command.output_folder;
  options.petsc_arguments.assign(arguments.petsc.begin() + 1, arguments.petsc.end());
  options.overwrite = overwrite;
  options.restart = restart;
  options.checkpoint_minutes = checkpoint_minutes;
  options.figures = !no_figures;
  options.resume = !resume.empty();
  if (options.resume) options.output_folder = resume; // -o is excluded
  interrupted_hint = terrafate::restart_hint(arguments.cli, arguments.petsc, options.output_folder,
                                             session.size());
  terrafate::install_stop_signal_handlers();
  if ((!realizations.empty() || gather) &&
      (!deck.root.has("ensemble") || optimize->parsed() || !strategy.empty()))
    throw terrafate::InputError(fmt::format("{}: --realizations and --gather apply to a run of "
                                            "an ensemble (a deck with an ensemble: section)",
                                            command.deck.string()));
  if (deck.root.has("ensemble") && !restart.empty())
    throw terrafate::InputError("--restart continues a single run; continue an ensemble's "
                                "unfinished realizations with --resume OUT");
  if (optimize->parsed()) {
    if (!has_strategies)
      throw terrafate::InputError(fmt::format(
          "{}: optimize needs strategies: and objective: sections", command.deck.string()));
    terrafate::run_optimize(PETSC_COMM_WORLD, deck, options, ranks_per_run, posterior);
  } else if (assimilate->parsed()) {
    terrafate::run_assimilation(PETSC_COMM_WORLD, deck, options, ranks_per_run);
  } else if (!observations_at.empty()) {
    terrafate::run_observations_at(PETSC_COMM_WORLD, deck, options, observations_at);
  } else if (!strategy.empty()) {
    if (!has_strategies)
      throw terrafate::InputError(
          fmt::format("--strategy: {} has no strategies: section", command.deck.string()));
    terrafate::run_strategy(PETSC_COMM_WORLD, deck, strategy, options);
  } else if (deck.root.has("strategies") && !all_actions) {
    throw terrafate::InputError(fmt::format(
        "{} defines strategies ({}): run one with --strategy NAME, or every remediation action "
        "at once with --all-actions",
        command.deck.string(), terrafate::strategy_names(deck)));
  } else if (deck.root.has("ensemble")) {
    terrafate::run_ensemble(PETSC_COMM_WORLD, deck, options, ranks_per_run,
                            terrafate::ensemble_part(realizations, gather));
  } else {
    terrafate::run_simulation(PETSC_COMM_WORLD, deck, options);
  }
  if (root && !no_figures && realizations.empty())
    terrafate::make_figures_or_warn(options.output_folder);
  return terrafate::kExitOk;
}

} // namespace

int main(int argc, char** argv) {
  const terrafate::SplitArguments arguments = terrafate::split_arguments(argc, argv);
  int rank = 0, size = 1;
  int status = terrafate::kExitOther;
  std::string interrupted_hint; // the command that continues the run (a RunInterrupted)
  std::setvbuf(stdout, nullptr, _IOLBF, BUFSIZ); // progress lines show at once in a log file
  try {
    // A missing file is left to CLI11's check (exit 2 with its message).
    const auto options_file = terrafate::petsc_options_file(arguments);
    std::error_code missing;
    terrafate::PetscSession session(arguments.petsc,
                                    std::filesystem::is_regular_file(options_file, missing)
                                        ? options_file
                                        : std::filesystem::path{});
    rank = session.rank();
    size = session.size();
    try {
      status = dispatch(session, arguments, interrupted_hint);
    } catch (const terrafate::InputError& e) {
      // Input is read identically on every rank, so every rank throws; rank 0 reports.
      if (rank == 0) std::cerr << "terrafate: input error: " << e.what() << "\n";
      status = terrafate::kExitInput;
    } catch (const terrafate::RunInterrupted& e) {
      if (rank == 0) std::cerr << "terrafate: " << e.what() << "; " << interrupted_hint << "\n";
      status = terrafate::kExitInterrupted;
    } catch (const terrafate::NumericalError& e) {
      if (rank == 0) std::cerr << "terrafate: numerical error: " << e.what() << "\n";
      status = terrafate::kExitNumerical;
    } catch (const std::exception& e) {
      // Possibly raised on some ranks only: report here and abort so no rank waits forever.
      std::cerr << "terrafate: error" << (size > 1 ? fmt::format(" (rank {})", rank) : "") << ": "
                << e.what() << "\n";
      std::cerr.flush();
      if (size > 1) MPI_Abort(PETSC_COMM_WORLD, terrafate::kExitOther);
      status = terrafate::kExitOther;
    }
  } catch (const std::exception& e) {
    if (rank == 0) std::cerr << "terrafate: error: " << e.what() << "\n";
    return terrafate::kExitOther;
  }
  return status;
}
