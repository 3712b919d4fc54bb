#pragma once
// Whole-file writes that never leave a half-written file under the final name: the text goes
// to "<name>.partial" and is renamed over the final name once flushed.
#include <filesystem>
#include <string>

namespace terrafate::io {

/// Writes `contents` to `path` atomically (same-directory temporary + rename). Throws
/// std::runtime_error naming the path on failure.
void write_file_atomically(const std::filesystem::path& path, const std::string& contents);

} // namespace terrafate::io
