#pragma once
// A CSV table collected on rank 0 and rewritten atomically at each output time.
#include <charconv>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>

#include "terrafate/core/calendar.hpp"
#include "terrafate/io/atomic_file.hpp"

namespace terrafate {

class TableWriter {
public:
  /// `active`: this rank writes (rank 0, when the table applies to the run). With `start_day`
  /// (`time.start_date`, days since 1970-01-01) the table gains a last column `date`: the ISO
  /// date of each row's time (its first column, [d] since run day 0).
  TableWriter(std::filesystem::path path, std::string header, bool active,
              std::optional<long> start_day = std::nullopt)
      : path_(std::move(path)), text_(std::move(header) + (start_day ? ",date\n" : "\n")),
        active_(active), start_day_(start_day) {}
  void add(const std::string& row) {
    if (!active_) return;
    text_ += row;
    if (start_day_) {
      double time = 0.0;
      const auto [end, ec] = std::from_chars(row.data(), row.data() + row.size(), time);
      if (ec != std::errc() || (end != row.data() + row.size() && *end != ','))
        throw std::logic_error("a dated table row must start with its time: " + row);
      text_ += "," + iso_date_at(*start_day_, time);
    }
    text_ += "\n";
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
  std::optional<long> start_day_; ///< [days since 1970-01-01] run day 0, when dated
};

} // namespace terrafate
