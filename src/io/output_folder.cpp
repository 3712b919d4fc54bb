#include "terrafate/io/output_folder.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <fmt/format.h>

#include "terrafate/core/errors.hpp"
#include "terrafate/io/atomic_file.hpp"

namespace terrafate::io {

namespace fs = std::filesystem;

namespace {
/// The cluster scripts' journal (cluster/slurm/*.sbatch write slurm/jobs.log and slurm/status
/// into the run folder around terrafate's run): neither foreign nor removed by --overwrite.
constexpr const char* kClusterJournal = "slurm";
} // namespace

OutputFolderLock::OutputFolderLock(const fs::path& folder) {
  fs::create_directories(folder);
  const fs::path path = folder / OutputManifest::kLockName;
  fd_ = open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0666);
  if (fd_ < 0) {
    const int code = errno;
    throw IoError(
        fmt::format("cannot open the lock file {}: {}", path.string(), std::strerror(code)));
  }
  if (flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int code = errno;
    close(fd_);
    fd_ = -1;
    throw IoError(code == EWOULDBLOCK
                      ? fmt::format("another terrafate run is writing into {} (it holds {})",
                                    folder.string(), path.string())
                      : fmt::format("cannot lock {}: {}", path.string(), std::strerror(code)));
  }
}

OutputFolderLock::~OutputFolderLock() {
  if (fd_ >= 0) close(fd_); // closing releases the lock
}

OutputManifest::OutputManifest(fs::path folder) : folder_(std::move(folder)) {
  std::ifstream stream(folder_ / kFileName);
  for (std::string line; std::getline(stream, line);)
    if (!line.empty()) entries_.insert(line);
}

bool OutputManifest::listed(const fs::path& relative) const {
  const std::string name = relative.string();
  if (name == kFileName || name == kLockName || name == kClusterJournal) return true;
  // A listed folder covers what lies below it.
  for (fs::path prefix; const auto& part : relative) {
    prefix /= part;
    if (entries_.count(prefix.string())) return true;
  }
  // A fresh partial of a listed file: "<name>.partial.<random>".
  const auto marker = name.rfind(".partial.");
  return marker != std::string::npos && name.size() == marker + 9 + 6 &&
         entries_.count(name.substr(0, marker));
}

std::vector<fs::path> OutputManifest::foreign_entries() const {
  std::vector<fs::path> foreign;
  std::error_code ec;
  if (!fs::is_directory(fs::symlink_status(folder_, ec))) return foreign;
  for (auto it = fs::recursive_directory_iterator(folder_, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    const fs::path relative = it->path().lexically_relative(folder_); // a link is not followed
    if (listed(relative)) {
      if (it->is_directory() && !it->is_symlink()) it.disable_recursion_pending();
      continue;
    }
    // A folder is foreign only through what it holds (an empty one is not).
    if (it->is_directory() && !it->is_symlink()) continue;
    foreign.push_back(relative);
  }
  return foreign;
}

void OutputManifest::prepare(bool overwrite) {
  std::error_code ec;
  bool empty = true;
  if (fs::is_directory(fs::symlink_status(folder_, ec)))
    for (const auto& entry : fs::directory_iterator(folder_, ec)) {
      const std::string name = entry.path().filename().string();
      if (name != kFileName && name != kLockName && name != kClusterJournal) empty = false;
    }
  if (empty) {
    entries_.clear();
    return;
  }
  if (!overwrite)
    throw InputError(fmt::format("the output folder {} holds files; choose another folder or "
                                 "pass --overwrite",
                                 folder_.string()));
  const auto foreign = foreign_entries();
  if (!foreign.empty()) {
    std::string list;
    for (std::size_t n = 0; n < foreign.size() && n < 10; ++n)
      list += (n ? ", " : "") + foreign[n].string();
    if (foreign.size() > 10) list += fmt::format(" and {} more", foreign.size() - 10);
    throw InputError(fmt::format("--overwrite: the output folder {} holds {} entries terrafate "
                                 "did not write ({}); remove them or choose another folder",
                                 folder_.string(), foreign.size(), list));
  }
  for (const auto& entry : fs::directory_iterator(folder_, ec)) {
    const std::string name = entry.path().filename().string();
    if (name == kLockName || name == kClusterJournal) continue;
    fs::remove_all(entry.path()); // links are removed, never followed
  }
  entries_.clear();
}

void OutputManifest::record(const fs::path& path) {
  const fs::path relative = path.is_absolute() ? path.lexically_relative(folder_) : path;
  const std::string name = relative.lexically_normal().string();
  if (name.empty() || name.rfind("..", 0) == 0)
    throw IoError(
        fmt::format("{} lies outside the output folder {}", path.string(), folder_.string()));
  if (!entries_.insert(name).second) return;
  std::string text;
  for (const auto& entry : entries_)
    text += entry + "\n";
  write_file_atomically(folder_ / kFileName, text);
}

} // namespace terrafate::io
