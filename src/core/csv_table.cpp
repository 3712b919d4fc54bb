#include "terrafate/core/csv_table.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "terrafate/core/errors.hpp"
#include "terrafate/core/version.hpp"

namespace terrafate {

std::size_t CsvTable::column(std::string_view name) const {
  for (std::size_t c = 0; c < header.size(); ++c)
    if (header[c] == name) return c;
  throw InputError(fmt::format("{}: no column '{}'", path.string(), name));
}

CsvTable read_csv_table(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw InputError(fmt::format("cannot read the data table {}", path.string()));
  std::stringstream buffer;
  buffer << file.rdbuf();
  return parse_csv_table(buffer.str(), path);
}

CsvTable parse_csv_table(const std::string& text, const std::filesystem::path& path) {
  CsvTable table;
  table.path = path;
  std::vector<std::string> record;
  std::string field;
  bool quoted = false, in_record = false;
  int line = 1, record_line = 1;
  auto end_record = [&]() {
    record.push_back(field);
    field.clear();
    if (table.header.empty()) {
      table.header = record;
    } else if (!(record.size() == 1 && record[0].empty())) { // skip blank lines
      if (record.size() != table.header.size())
        throw InputError(
            "", SourceLocation{path.string(), record_line, 0},
            fmt::format("{} fields where the header has {}", record.size(), table.header.size()));
      table.rows.push_back(record);
      table.lines.push_back(record_line);
    }
    record.clear();
    in_record = false;
  };
  for (std::size_t n = 0; n < text.size(); ++n) {
    const char c = text[n];
    if (!in_record) {
      record_line = line;
      in_record = true;
    }
    if (quoted) {
      if (c == '"' && n + 1 < text.size() && text[n + 1] == '"') {
        field += '"';
        ++n;
      } else if (c == '"') {
        quoted = false;
      } else {
        if (c == '\n') ++line;
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      record.push_back(field);
      field.clear();
    } else if (c == '\n') {
      end_record();
      ++line;
    } else if (c != '\r') {
      field += c;
    }
  }
  if (quoted)
    throw InputError("", SourceLocation{path.string(), record_line, 0}, "a quote is left open");
  if (in_record) end_record();
  if (table.header.empty()) throw InputError(fmt::format("{} is empty", path.string()));
  return table;
}

std::filesystem::path data_table_path(std::string_view name) {
  const char* folder = std::getenv("TERRAFATE_DATA_DIR");
  return std::filesystem::path(folder && *folder ? folder : kDataDirectory) / name;
}

} // namespace terrafate
