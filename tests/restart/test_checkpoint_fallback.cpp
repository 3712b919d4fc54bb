// Choosing a checkpoint to restart from (issue 26): a damaged newest checkpoint gives way to the
// older kept one with the reason, and none valid is an InputError listing every reason. The
// records are small hand-made states on a 4 x 3 x 2 grid split along x between the ranks.
#include <filesystem>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <mpi.h>

#include "terrafate/core/errors.hpp"
#include "terrafate/io/checkpoint_hdf5.hpp"

namespace fs = std::filesystem;
using terrafate::StateRecord;
namespace io = terrafate::io;

namespace {
constexpr std::array<int, 3> kCells{4, 3, 2};

int rank_of() {
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  return rank;
}

/// This rank's block: x split in halves at 2 ranks, everything at 1.
io::LocalBlock block_of() {
  int ranks = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);
  const int rank = rank_of();
  const int nx = ranks == 2 ? 2 : 4;
  return io::LocalBlock{{ranks == 2 ? 2 * rank : 0, 0, 0}, {nx, 3, 2}};
}

/// A run's state whose concentration in every cell is `level` [mg/L].
StateRecord record_of(double level) {
  StateRecord record;
  record.cells["transport/0/mobile"].assign(block_of().cell_count(), level);
  record.values["loop"] = {level, 1.0};
  record.texts["deck"] = "title: fallback\n";
  record.texts["output_folder"] = "/tmp/out";
  return record;
}

fs::path fresh_folder(const std::string& name) {
  const fs::path folder = fs::temp_directory_path() / ("terrafate_fallback_" + name);
  if (rank_of() == 0) {
    fs::remove_all(folder);
    fs::create_directories(folder);
  }
  MPI_Barrier(MPI_COMM_WORLD);
  return folder;
}

void cut_in_half(const fs::path& path) {
  if (rank_of() == 0) fs::resize_file(path, fs::file_size(path) / 2);
  MPI_Barrier(MPI_COMM_WORLD);
}
} // namespace

TEST(CheckpointFallback, KeptCheckpointsNewestFirst) {
  const fs::path folder = fresh_folder("list");
  for (int n = 1; n <= 3; ++n)
    io::write_checkpoint(MPI_COMM_WORLD, folder / fmt::format("checkpoint_{:06d}.h5", n), kCells,
                         block_of(), record_of(n));
  const auto older = io::kept_checkpoints_before(folder / "checkpoint_000003.h5");
  ASSERT_EQ(older.size(), 2u);
  EXPECT_EQ(older[0].filename(), "checkpoint_000002.h5");
  EXPECT_EQ(older[1].filename(), "checkpoint_000001.h5");
  // A stop checkpoint (not numbered) falls back to every numbered one.
  EXPECT_EQ(io::kept_checkpoints_before(folder / "stop.h5").size(), 3u);
}

TEST(CheckpointFallback, DamagedNewestGivesWayToTheOlder) {
  const fs::path folder = fresh_folder("damaged");
  io::write_checkpoint(MPI_COMM_WORLD, folder / "checkpoint_000001.h5", kCells, block_of(),
                       record_of(1.5));
  io::write_checkpoint(MPI_COMM_WORLD, folder / "checkpoint_000002.h5", kCells, block_of(),
                       record_of(2.5));
  cut_in_half(folder / "checkpoint_000002.h5");
  const auto choice = io::read_checkpoint_or_older(MPI_COMM_WORLD, folder / "checkpoint_000002.h5",
                                                   kCells, block_of());
  EXPECT_EQ(choice.path.filename(), "checkpoint_000001.h5");
  ASSERT_EQ(choice.rejected.size(), 1u);
  EXPECT_NE(choice.rejected[0].find("checkpoint_000002.h5"), std::string::npos);
  EXPECT_EQ(choice.record.cells.at("transport/0/mobile"),
            std::vector<double>(block_of().cell_count(), 1.5));
  EXPECT_EQ(choice.record.values.at("loop"), (std::vector<double>{1.5, 1.0}));

  cut_in_half(folder / "checkpoint_000001.h5");
  try {
    (void)io::read_checkpoint_or_older(MPI_COMM_WORLD, folder / "checkpoint_000002.h5", kCells,
                                       block_of());
    FAIL() << "expected an InputError";
  } catch (const terrafate::InputError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("checkpoint_000001.h5"), std::string::npos);
    EXPECT_NE(message.find("checkpoint_000002.h5"), std::string::npos);
  }
}

TEST(CheckpointFallback, NegativeConcentrationIsRefusedButRoundOffIsNot) {
  const fs::path folder = fresh_folder("negative");
  StateRecord record = record_of(2.0);
  // -1e-3 x 2 mg/L is the floor: -1.9e-3 passes, -1e6 does not.
  record.cells["transport/0/mobile"][0] = -1.9e-3;
  io::write_checkpoint(MPI_COMM_WORLD, folder / "small.h5", kCells, block_of(), record);
  EXPECT_NO_THROW(
      (void)io::read_checkpoint(MPI_COMM_WORLD, folder / "small.h5", kCells, block_of()));
  record.cells["transport/0/mobile"][0] = -1e6;
  io::write_checkpoint(MPI_COMM_WORLD, folder / "large.h5", kCells, block_of(), record);
  EXPECT_THROW((void)io::read_checkpoint(MPI_COMM_WORLD, folder / "large.h5", kCells, block_of()),
               std::runtime_error);
}
