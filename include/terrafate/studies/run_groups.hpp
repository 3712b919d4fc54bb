#pragma once
// Concurrent runs (ensemble realizations, strategy evaluations): the ranks split into groups of
// `ranks_per_run` consecutive ranks, each with its own communicator, and the status file each
// run leaves in its folder.
#include <filesystem>
#include <string>

#include <mpi.h>

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

} // namespace terrafate
