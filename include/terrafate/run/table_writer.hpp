#pragma once
// A CSV table collected on rank 0 and rewritten atomically at each output time.
#include <filesystem>
#include <string>

#include "terrafate/io/atomic_file.hpp"

namespace terrafate {

class TableWriter {
public:
  /// `active`: this rank writes (rank 0, when the table applies to the run).
  TableWriter(std::filesystem::path path, std::string header, bool active)
      : path_(std::move(path)), text_(std::move(header) + "\n"), active_(active) {}
  void add(const std::string& row) {
    if (active_) text_ += row + "\n";
  }
  void flush() {
    if (active_) io::write_file_atomically(path_, text_);
  }
  /// The table so far (header and rows), and restoring it from a checkpoint.
  const std::string& text() const { return text_; }
  void set_text(std::string text) { text_ = std::move(text); }

private:
  std::filesystem::path path_;
  std::string text_;
  bool active_;
};

} // namespace terrafate
