#pragma once
// One simulation: builds the model from a deck, steps through time and writes the outputs.
#include <filesystem>
#include <limits>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <mpi.h>

#include "terrafate/io/output_folder.hpp"
#include "terrafate/run/model.hpp"
#include "terrafate/run/run_result.hpp"

namespace terrafate {

struct RunOptions {
  std::filesystem::path output_folder;
  std::vector<std::string> petsc_arguments; ///< recorded as provenance
  bool quiet = false;                       ///< no progress or summary lines (ensemble members)
  bool overwrite = false;                   ///< write into an existing, non-empty output folder
  std::vector<ConductivityField> fields;    ///< random conductivity fields (ensemble members)
  std::filesystem::path restart;            ///< checkpoint to continue from (empty: none)
  /// Continue the run in output_folder from its newest valid checkpoint (checkpoints/), into
  /// the same folder; InputError when it holds none.
  bool resume = false;
  /// The deck strategy this run simulates (`run --strategy NAME`; empty: the deck as written),
  /// recorded in checkpoints so that a restart without it can name the option it lacks.
  std::string strategy;
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
  /// Figures and plots at the end (false: --no-figures); TERRAFATE_NO_FIGURES also turns them
  /// off (figures_off_by_environment).
  bool figures = true;
};

/// A run's output folder, held from prepare_output_folder to the end of the run: rank 0 holds
/// the folder's lock (io::OutputFolderLock) and, when destroyed, records in the folder's
/// manifest (io::OutputManifest) every entry the run added, so a later --overwrite removes them.
class HeldOutputFolder {
public:
  HeldOutputFolder(std::filesystem::path folder, std::unique_ptr<io::OutputFolderLock> lock,
                   std::unique_ptr<io::OutputManifest> manifest,
                   std::set<std::filesystem::path> present);
  ~HeldOutputFolder();
  HeldOutputFolder(const HeldOutputFolder&) = delete;
  HeldOutputFolder& operator=(const HeldOutputFolder&) = delete;

private:
  std::filesystem::path folder_;
  std::unique_ptr<io::OutputFolderLock> lock_;
  std::unique_ptr<io::OutputManifest> manifest_;
  std::set<std::filesystem::path> present_; ///< entries kept from before the run (not recorded)
};

/// How a run readies its output folder.
enum class FolderUse {
  fresh,     ///< empty or missing, else InputError naming --overwrite
  overwrite, ///< the previous run's files (its manifest) removed; refused when others are there
  restart,   ///< a restart into its own folder: locked, nothing removed (its checkpoints kept)
  shared     ///< created only (parts of an ensemble writing into one folder at once)
};

/// Collective: creates `folder`, locks it on rank 0 and readies it as `use` says. Throws
/// InputError (on every rank) when it holds files and `use` is fresh, holds files terrafate did
/// not write and `use` is overwrite, another run holds it, or it cannot be created.
[[nodiscard]] std::unique_ptr<HeldOutputFolder>
prepare_output_folder(MPI_Comm comm, const std::filesystem::path& folder, FolderUse use);
[[nodiscard]] std::unique_ptr<HeldOutputFolder>
prepare_output_folder(MPI_Comm comm, const std::filesystem::path& folder, bool overwrite);

/// Makes SIGTERM and SIGINT request a checkpoint and a stop at the end of the current step
/// (run_simulation then throws RunInterrupted).
void install_stop_signal_handlers();

/// Collective: runs the deck and writes every output into options.output_folder; returns the
/// run's results on its rank 0 (empty elsewhere, and for a run stopped for branching).
RunResult run_simulation(MPI_Comm comm, const Deck& deck, const RunOptions& options);

} // namespace terrafate
