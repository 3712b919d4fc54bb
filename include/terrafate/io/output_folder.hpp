#pragma once
// The output folder of a run: an exclusive lock held for the run's life, so two runs cannot
// write into one folder, and a manifest of what terrafate wrote there, so --overwrite removes
// the previous run's files and refuses a folder holding anything else. Rank 0 uses them.
#include <filesystem>
#include <set>
#include <string>
#include <vector>

namespace terrafate::io {

/// flock(LOCK_EX | LOCK_NB) on <folder>/.terrafate.lock (created without following a link),
/// released when destroyed (or when the process dies). Creates the folder if needed.
class OutputFolderLock {
public:
  /// Throws IoError naming the folder when another process holds the lock.
  explicit OutputFolderLock(const std::filesystem::path& folder);
  ~OutputFolderLock();
  OutputFolderLock(const OutputFolderLock&) = delete;
  OutputFolderLock& operator=(const OutputFolderLock&) = delete;

private:
  int fd_ = -1;
};

/// <folder>/.terrafate_manifest: one path per line, relative to the folder, of each file or
/// folder terrafate wrote there (a folder covers everything below it). A fresh partial of a
/// listed file ("<name>.partial.<random>", left by a killed run) counts as listed.
class OutputManifest {
public:
  static constexpr const char* kFileName = ".terrafate_manifest";
  static constexpr const char* kLockName = ".terrafate.lock";

  /// Reads the folder's manifest (none: empty).
  explicit OutputManifest(std::filesystem::path folder);

  /// Readies the folder for a run. A missing or empty folder (the lock and manifest aside) is
  /// ready. Otherwise, without `overwrite`, throws InputError ("holds files; --overwrite");
  /// with it, throws InputError naming up to 10 of the entries the manifest does not list, or,
  /// when it lists them all, removes them and starts an empty manifest.
  void prepare(bool overwrite);

  /// Records `path` (inside the folder, absolute or relative to it) as written by this run:
  /// appended to the manifest file at once, so a killed run leaves it complete.
  void record(const std::filesystem::path& path);

  /// Files and folders below the folder the manifest does not list (not following links).
  std::vector<std::filesystem::path> foreign_entries() const;

  const std::set<std::string>& entries() const { return entries_; }

private:
  bool listed(const std::filesystem::path& relative) const;
  std::filesystem::path folder_;
  std::set<std::string> entries_;
};

} // namespace terrafate::io
