#pragma once
// Output files that never follow a planted link and never leave a half-written file under the
// final name: each is written under a fresh name created exclusively in the same folder
// (O_CREAT | O_EXCL | O_NOFOLLOW: an existing file or link there makes the creation fail, it is
// never opened) and renamed over the final name when complete (rename replaces a link at the
// final name, it does not write through it).
#include <filesystem>
#include <string>

#include <mpi.h>

namespace terrafate::io {

/// Creates an empty file "<final name>.partial.<random>" (a fresh random suffix) in the folder of
/// `final_path`, exclusively, and returns its path. Throws IoError naming the folder on failure.
std::filesystem::path create_fresh_partial(const std::filesystem::path& final_path);

/// Renames `partial` over `final_path` (rename(2)). Throws IoError naming both on failure.
void rename_into_place(const std::filesystem::path& partial,
                       const std::filesystem::path& final_path);

/// Writes `contents` to `path` atomically (a fresh partial, then rename). Throws IoError
/// naming the path on failure; a full disk says "no space left on device" with the bytes to
/// write.
void write_file_atomically(const std::filesystem::path& path, const std::string& contents);

/// Copies `source` into a fresh partial of `final_path` (create_fresh_partial) and returns the
/// partial's path, for the caller to fill further and rename_into_place. Throws IoError.
std::filesystem::path copy_to_fresh_partial(const std::filesystem::path& source,
                                            const std::filesystem::path& final_path);

/// Collective: `text` as rank 0 holds it, on every rank of `comm`.
std::string broadcast_text(MPI_Comm comm, const std::string& text);

} // namespace terrafate::io
