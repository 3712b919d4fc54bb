// The output-folder lock and manifest (issue 26): one run per folder, --overwrite empties only
// what terrafate wrote. Each expectation is the file set worked out by hand.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "terrafate/core/errors.hpp"
#include "terrafate/io/output_folder.hpp"

namespace fs = std::filesystem;
using terrafate::InputError;
using terrafate::IoError;
using terrafate::io::OutputFolderLock;
using terrafate::io::OutputManifest;

namespace {
fs::path fresh(const std::string& name) {
  const fs::path folder = fs::temp_directory_path() / ("terrafate_output_folder_" + name);
  fs::remove_all(folder);
  fs::create_directories(folder);
  return folder;
}

void touch(const fs::path& path, const std::string& text = "x\n") {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

std::string text_of(const fs::path& path) {
  std::ifstream stream(path);
  return std::string(std::istreambuf_iterator<char>(stream), {});
}
} // namespace

TEST(OutputFolderLock, SecondHolderIsRefusedUntilTheFirstEnds) {
  const fs::path folder = fresh("lock");
  {
    const OutputFolderLock first(folder);
    EXPECT_THROW(OutputFolderLock second(folder), IoError);
  }
  EXPECT_NO_THROW(OutputFolderLock again(folder));
}

TEST(OutputFolderLock, PlantedLinkIsNotFollowed) {
  const fs::path folder = fresh("lock_link");
  const fs::path victim = fresh("lock_victim") / "victim.txt";
  touch(victim, "keep\n");
  fs::create_symlink(victim, folder / OutputManifest::kLockName);
  EXPECT_THROW(OutputFolderLock lock(folder), IoError);
  EXPECT_EQ(text_of(victim), "keep\n");
}

TEST(OutputManifest, OverwriteRemovesOnlyWhatWasRecorded) {
  const fs::path folder = fresh("manifest");
  {
    OutputManifest manifest(folder);
    manifest.prepare(false); // empty: ready
    touch(folder / "observations.csv");
    manifest.record(folder / "observations.csv");
    touch(folder / "vtk" / "step_000000" / "fields.pvtr");
    manifest.record("vtk");
  }
  touch(folder / "observations.csv.partial.Ab3xYz"); // left by a killed run
  OutputManifest next(folder);
  EXPECT_EQ(next.entries(), (std::set<std::string>{"observations.csv", "vtk"}));
  EXPECT_TRUE(next.foreign_entries().empty());
  EXPECT_THROW(next.prepare(false), InputError);
  next.prepare(true);
  // Only the lock may remain; here none was taken, so the folder is empty.
  EXPECT_TRUE(fs::is_empty(folder));
  EXPECT_TRUE(next.entries().empty());
}

TEST(OutputManifest, OverwriteRefusesFilesTerrafateDidNotWrite) {
  const fs::path folder = fresh("foreign");
  OutputManifest manifest(folder);
  touch(folder / "results.h5");
  manifest.record("results.h5");
  touch(folder / "notes.txt");
  touch(folder / "sub" / "data.csv");
  touch(folder / "results.h5.partial.toolong7"); // not a 6-letter fresh suffix
  const auto foreign = OutputManifest(folder).foreign_entries();
  EXPECT_EQ(foreign.size(), 3u);
  try {
    OutputManifest(folder).prepare(true);
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("notes.txt"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("3 entries"), std::string::npos);
  }
  EXPECT_TRUE(fs::exists(folder / "results.h5")); // nothing removed
  EXPECT_TRUE(fs::exists(folder / "notes.txt"));
}

TEST(OutputManifest, RecordsOnlyInsideTheFolder) {
  const fs::path folder = fresh("outside");
  OutputManifest manifest(folder);
  EXPECT_THROW(manifest.record(folder.parent_path() / "elsewhere.csv"), IoError);
  EXPECT_THROW(manifest.record("../elsewhere.csv"), IoError);
}
