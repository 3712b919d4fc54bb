#include "terrafate/studies/run_groups.hpp"

#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>

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

namespace {
/// The first line of run_result.bin (the format and its version).
constexpr const char* kFinishedRunHeader = "terrafate run result 1\n";
} // namespace

void write_finished_run(const std::filesystem::path& folder, const std::string& deck_text,
                        const RunResult& result) {
  std::filesystem::create_directories(folder);
  const auto encoded = encode(result);
  std::string contents = kFinishedRunHeader;
  contents += fmt::format("{}\n", deck_text.size());
  contents += deck_text;
  contents.append(reinterpret_cast<const char*>(encoded.data()), encoded.size());
  io::write_file_atomically(folder / "run_result.bin", contents);
}

std::optional<RunResult> read_finished_run(const std::filesystem::path& folder,
                                           const std::string& deck_text) {
  if (read_run_status(folder) != "ok") return std::nullopt;
  std::ifstream file(folder / "run_result.bin", std::ios::binary);
  const std::string contents{std::istreambuf_iterator<char>(file), {}};
  const std::string header = kFinishedRunHeader;
  const std::string expected = header + fmt::format("{}\n", deck_text.size()) + deck_text;
  if (contents.size() < expected.size() || contents.compare(0, expected.size(), expected) != 0)
    return std::nullopt;
  try {
    return decode_run_result(
        {reinterpret_cast<const std::uint8_t*>(contents.data()) + expected.size(),
         contents.size() - expected.size()});
  } catch (const std::runtime_error&) {
    return std::nullopt; // damaged: the run is simulated again
  }
}

std::vector<RunOutcome> gather_run_outcomes(MPI_Comm world, const std::map<int, RunOutcome>& mine,
                                            int tasks) {
  std::vector<std::uint8_t> bytes;
  const auto put = [&bytes](std::uint64_t value) {
    const auto* b = reinterpret_cast<const std::uint8_t*>(&value);
    bytes.insert(bytes.end(), b, b + sizeof value);
  };
  for (const auto& [task, outcome] : mine) {
    const auto encoded = encode(outcome.result);
    put(static_cast<std::uint64_t>(task));
    put(outcome.status.size());
    bytes.insert(bytes.end(), outcome.status.begin(), outcome.status.end());
    put(encoded.size());
    bytes.insert(bytes.end(), encoded.begin(), encoded.end());
  }
  int rank = 0, ranks = 1;
  MPI_Comm_rank(world, &rank);
  MPI_Comm_size(world, &ranks);
  const int size = static_cast<int>(bytes.size());
  std::vector<int> sizes(rank == 0 ? static_cast<std::size_t>(ranks) : 0), offsets(sizes.size());
  MPI_Gather(&size, 1, MPI_INT, sizes.data(), 1, MPI_INT, 0, world);
  std::vector<std::uint8_t> all;
  if (rank == 0) {
    for (std::size_t r = 1; r < sizes.size(); ++r)
      offsets[r] = offsets[r - 1] + sizes[r - 1];
    all.resize(static_cast<std::size_t>(offsets.back() + sizes.back()));
  }
  MPI_Gatherv(bytes.data(), size, MPI_BYTE, all.data(), sizes.data(), offsets.data(), MPI_BYTE, 0,
              world);
  std::vector<RunOutcome> results;
  if (rank != 0) return results;
  results.resize(static_cast<std::size_t>(tasks));
  std::size_t at = 0;
  const auto get = [&all, &at] {
    std::uint64_t value = 0;
    std::memcpy(&value, all.data() + at, sizeof value);
    at += sizeof value;
    return static_cast<std::size_t>(value);
  };
  while (at < all.size()) {
    auto& [status, result] = results.at(get());
    const std::size_t length = get();
    status.assign(reinterpret_cast<const char*>(all.data() + at), length);
    at += length;
    const std::size_t encoded = get();
    result = decode_run_result({all.data() + at, encoded});
    at += encoded;
  }
  return results;
}

} // namespace terrafate
