#include "terrafate/risk/chemicals.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <limits>

#include <fmt/format.h>

#include "terrafate/core/errors.hpp"

namespace terrafate {

namespace {
std::string lower(std::string_view text) {
  std::string result(text);
  std::transform(result.begin(), result.end(), result.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return result;
}

std::string trim(const std::string& text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

double number(const CsvTable& table, std::size_t row, std::string_view column) {
  const std::size_t c = table.column(column);
  const std::string text = trim(table.rows[row][c]);
  if (text.empty()) return std::numeric_limits<double>::quiet_NaN();
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || *end != '\0' || !std::isfinite(value))
    throw InputError(std::string(column), SourceLocation{table.path.string(), table.lines[row], 0},
                     fmt::format("'{}' is not a number", text));
  return value;
}
} // namespace

std::vector<Chemical> read_chemicals(const CsvTable& table) {
  std::vector<Chemical> chemicals;
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    const auto& row = table.rows[r];
    Chemical chemical;
    chemical.name = row[table.column("contaminant")];
    chemical.cas = row[table.column("CAS")];
    std::string aliases = row[table.column("aliases")];
    for (std::size_t start = 0; start <= aliases.size();) {
      const auto end = std::min(aliases.find(';', start), aliases.size());
      if (const auto alias = trim(aliases.substr(start, end - start)); !alias.empty())
        chemical.aliases.push_back(alias);
      start = end + 1;
    }
    chemical.molecular_weight = number(table, r, "MW_g_per_mol");
    chemical.solubility = number(table, r, "solubility_mg_L");
    chemical.henry = number(table, r, "H_dimensionless_25C");
    chemical.air_diffusion = number(table, r, "Dia_cm2_s");
    chemical.water_diffusion = number(table, r, "Diw_cm2_s");
    chemical.koc = number(table, r, "Koc_L_kg");
    chemical.oral_slope_factor = number(table, r, "SFo_per_mg_kg_d");
    chemical.inhalation_unit_risk = number(table, r, "IUR_per_ug_m3");
    chemical.oral_reference_dose = number(table, r, "RfDo_mg_kg_d");
    chemical.inhalation_reference_concentration = number(table, r, "RfCi_mg_m3");
    chemical.gi_absorption = number(table, r, "GIABS");
    chemical.dermal_absorption = number(table, r, "ABSd_dermal");
    chemical.physchem_status = row[table.column("physchem_status")];
    chemical.toxicity_status = row[table.column("toxicity_status")];
    chemicals.push_back(std::move(chemical));
  }
  return chemicals;
}

const Chemical* find_chemical(const std::vector<Chemical>& chemicals, std::string_view key) {
  const std::string wanted = lower(key);
  for (const auto& chemical : chemicals) {
    if (lower(chemical.name) == wanted || lower(chemical.cas) == wanted) return &chemical;
    for (const auto& alias : chemical.aliases)
      if (lower(alias) == wanted) return &chemical;
  }
  return nullptr;
}

} // namespace terrafate
