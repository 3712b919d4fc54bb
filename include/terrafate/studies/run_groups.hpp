#pragma once
// Concurrent runs (ensemble realizations, strategy evaluations): the ranks split into groups of
// `ranks_per_run` consecutive ranks, each with its own communicator, and the status file each
// run leaves in its folder.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <mpi.h>

#include "terrafate/run/run_result.hpp"

namespace terrafate {

class RunGroups {
public:
  /// Collective over `world`. Throws InputError when ranks_per_run does not divide the ranks.
  RunGroups(MPI_Comm world, int ranks_per_run);
  ~RunGroups();
  RunGroups(const RunGroups&) = delete;
  RunGroups& operator=(const RunGroups&) = delete;

  MPI_Comm comm() const { return comm_; } ///< this rank's group
  int group() const { return group_; }
  int groups() const { return groups_; }
  bool group_root() const { return group_rank_ == 0; }
  bool world_root() const { return world_rank_ == 0; }

private:
  MPI_Comm comm_ = MPI_COMM_NULL;
  int group_ = 0, groups_ = 1, group_rank_ = 0, world_rank_ = 0;
};

/// `status` ("ok" or the error) into folder/status.txt (by the run's group root).
void write_run_status(const std::filesystem::path& folder, const std::string& status);
/// The first line of folder/status.txt ("" when there is none).
std::string read_run_status(const std::filesystem::path& folder);

/// What a study keeps of one run: its status ("ok" or the error) and its results.
struct RunOutcome {
  std::string status;
  RunResult result;
};

/// A finished run's results kept for `optimize --resume`: folder/run_result.bin holds the deck
/// text the run simulated and encode(result) (host byte order: read back on the same kind of
/// machine). Written by the run's group root after status.txt says "ok".
void write_finished_run(const std::filesystem::path& folder, const std::string& deck_text,
                        const RunResult& result);
/// The results of the run in `folder` when it finished ("ok" in status.txt) simulating exactly
/// `deck_text`; nothing when it did not, its record is missing or damaged, or the deck differs.
std::optional<RunResult> read_finished_run(const std::filesystem::path& folder,
                                           const std::string& deck_text);

/// Collective over `world`: the outcome of every task (0 to tasks - 1) on world rank 0 (empty
/// elsewhere). `mine`: the tasks this rank reports (as its run group's root), by task index.
std::vector<RunOutcome> gather_run_outcomes(MPI_Comm world, const std::map<int, RunOutcome>& mine,
                                            int tasks);

} // namespace terrafate
