#include "terrafate/studies/run_groups.hpp"

#include <fstream>

#include <fmt/format.h>

#include "terrafate/core/errors.hpp"
#include "terrafate/io/atomic_file.hpp"

namespace terrafate {

RunGroups::RunGroups(MPI_Comm world, int ranks_per_run) {
  int size = 1;
  MPI_Comm_rank(world, &world_rank_);
  MPI_Comm_size(world, &size);
  if (ranks_per_run < 1 || size % ranks_per_run != 0)
    throw InputError(fmt::format("--ranks-per-run {} must divide the number of ranks ({})",
                                 ranks_per_run, size));
  groups_ = size / ranks_per_run;
  group_ = world_rank_ / ranks_per_run;
  MPI_Comm_split(world, group_, world_rank_, &comm_);
  MPI_Comm_rank(comm_, &group_rank_);
}

RunGroups::~RunGroups() {
  MPI_Comm_free(&comm_);
}

void write_run_status(const std::filesystem::path& folder, const std::string& status) {
  std::filesystem::create_directories(folder);
  io::write_file_atomically(folder / "status.txt", status + "\n");
}

std::string read_run_status(const std::filesystem::path& folder) {
  std::ifstream file(folder / "status.txt");
  std::string status;
  std::getline(file, status);
  return status;
}

} // namespace terrafate
