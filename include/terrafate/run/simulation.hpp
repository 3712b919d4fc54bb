#pragma once
// One simulation: builds the model from a deck, steps through time and writes the outputs.
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include <mpi.h>

#include "terrafate/run/model.hpp"

namespace terrafate {

struct RunOptions {
  std::filesystem::path output_folder;
  std::vector<std::string> petsc_arguments; ///< recorded as provenance
  bool quiet = false;                       ///< no progress or summary lines (ensemble members)
  bool overwrite = false;                   ///< write into an existing, non-empty output folder
  std::vector<ConductivityField> fields;    ///< random conductivity fields (ensemble members)
  std::filesystem::path restart;            ///< checkpoint to continue from (empty: none)
  /// The restart branches a strategy from a shared history written with another set of
  /// remediation actions (all starting at or after the checkpoint): the deck may differ, and
  /// the actions' state starts afresh.
  bool branch = false;
  /// [d] extra times the steps must land on (a strategy's branch time).
  std::vector<double> breakpoints;
  /// [d] stop at the end of the step reaching this time, after writing a checkpoint to
  /// `stop_checkpoint` (a shared history); infinity: run to the end.
  double stop_at = std::numeric_limits<double>::infinity();
  std::filesystem::path stop_checkpoint;
  double checkpoint_minutes = 0.0; ///< [min] wall clock between checkpoints (0: none)
};

/// Collective: creates `folder`; throws InputError when it exists with files in it and
/// `overwrite` is false, or cannot be created.
void prepare_output_folder(MPI_Comm comm, const std::filesystem::path& folder, bool overwrite);

/// Makes SIGTERM and SIGINT request a checkpoint and a stop at the end of the current step
/// (run_simulation then throws RunInterrupted).
void install_stop_signal_handlers();

/// Collective: runs the deck and writes every output into options.output_folder.
void run_simulation(MPI_Comm comm, const Deck& deck, const RunOptions& options);

} // namespace terrafate
