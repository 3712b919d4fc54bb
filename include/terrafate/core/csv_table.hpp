#pragma once
// The sourced data tables (data/*.csv): RFC 4180 CSV (quoted fields may hold commas, quotes and
// line breaks), read whole. Hand-written: Debian 12 packages no C++ CSV library, and the
// tables are small.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace terrafate {

struct CsvTable {
  std::filesystem::path path;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows; ///< each as long as the header
  std::vector<int> lines;                     ///< the line each row starts on (1-based)
  /// Index of the column named `name`; throws InputError naming the file when there is none.
  std::size_t column(std::string_view name) const;
};

/// Reads a CSV file; throws InputError (file and line) when it cannot be read, a quote is left
/// open or a row's field count differs from the header's.
CsvTable read_csv_table(const std::filesystem::path& path);

/// Parses CSV text; `path` names it in messages.
CsvTable parse_csv_table(const std::string& text, const std::filesystem::path& path);

/// The path of data table `name` (e.g. "standards.csv"): in the folder named by the environment
/// variable TERRAFATE_DATA_DIR when set, else in the data folder configured at build time.
std::filesystem::path data_table_path(std::string_view name);

} // namespace terrafate
