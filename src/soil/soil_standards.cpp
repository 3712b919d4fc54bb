#include "terrafate/soil/soil_standards.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include <fmt/format.h>

namespace terrafate {

namespace {
std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

/// A number, or nothing for an empty field; throws InputError (file and line) otherwise.
bool parse_value(const CsvTable& table, std::size_t row, std::size_t column, double& value) {
  const std::string& text = table.rows[row][column];
  if (text.empty()) return false;
  char* end = nullptr;
  value = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || *end != '\0')
    throw InputError(table.header[column], SourceLocation{table.path.string(), table.lines[row], 0},
                     fmt::format("'{}' is not a number", text));
  return true;
}
} // namespace

std::vector<SoilStandard> gb36600_values(const CsvTable& table, int land_class,
                                         const std::vector<SpeciesSpec>& species) {
  const std::size_t name = table.column("contaminant");
  const std::size_t cas = table.column("CAS");
  const std::string suffix = land_class == 1 ? "class1_mg_kg" : "class2_mg_kg";
  const std::size_t screening = table.column("GB36600_screen_" + suffix);
  const std::size_t intervention = table.column("GB36600_intervention_" + suffix);
  const std::size_t item = table.column("GB36600_item");
  const std::size_t status = table.column("GB36600_status");
  std::vector<SoilStandard> values(species.size());
  for (std::size_t s = 0; s < species.size(); ++s) {
    const std::string wanted = lower(species[s].chemical);
    for (std::size_t r = 0; r < table.rows.size(); ++r) {
      if (lower(table.rows[r][name]) != wanted && table.rows[r][cas] != species[s].chemical)
        continue;
      auto& value = values[s];
      value.listed = parse_value(table, r, screening, value.screening) &&
                     parse_value(table, r, intervention, value.intervention);
      value.item = table.rows[r][item];
      value.status = table.rows[r][status];
    }
  }
  return values;
}

} // namespace terrafate
