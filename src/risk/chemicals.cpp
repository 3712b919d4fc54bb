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

/// The `;`-separated names of a field, trimmed, without empty ones.
std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> items;
  for (std::size_t start = 0; start <= text.size();) {
    const auto end = std::min(text.find(';', start), text.size());
    if (const auto item = trim(text.substr(start, end - start)); !item.empty())
      items.push_back(item);
    start = end + 1;
  }
  return items;
}
} // namespace

std::vector<Chemical> read_chemicals(const CsvTable& table) {
  std::vector<Chemical> chemicals;
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    const auto& row = table.rows[r];
    Chemical chemical;
    chemical.name = row[table.column("contaminant")];
    chemical.cas = row[table.column("CAS")];
    chemical.aliases = split_list(row[table.column("aliases")]);
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
    chemical.mutagen = trim(row[table.column("mutagen_flag")]) == "M";
    const double sfo_m = number(table, r, "SFo_mutagenic_per_mg_kg_d");
    const double iur_m = number(table, r, "IUR_mutagenic_per_ug_m3");
    chemical.early_life_term = trim(row[table.column("early_life_term")]) == "yes";
    // The vinyl chloride equations replace the ADAF (no mutagenic part).
    if (chemical.mutagen && !chemical.early_life_term) {
      // The whole value is mutagenic unless the table gives the mutagenic part (TCE: kidney).
      chemical.oral_slope_factor_mutagenic = std::isnan(sfo_m) ? chemical.oral_slope_factor : sfo_m;
      chemical.inhalation_unit_risk_mutagenic =
          std::isnan(iur_m) ? chemical.inhalation_unit_risk : iur_m;
    }
    chemical.water_permeability = number(table, r, "Kp_cm_h");
    chemical.water_lag_time = number(table, r, "tau_event_h");
    chemical.water_steady_state_time = number(table, r, "t_star_h");
    chemical.water_permeability_ratio = number(table, r, "B_dermal");
    chemical.water_absorbed_fraction = number(table, r, "FA_dermal");
    // The organic dermal form needs Kp, tau_event, t* and B together (FA defaults to 1).
    const int organic = !std::isnan(chemical.water_lag_time) +
                        !std::isnan(chemical.water_steady_state_time) +
                        !std::isnan(chemical.water_permeability_ratio);
    if (organic != 0 && (organic != 3 || std::isnan(chemical.water_permeability)))
      throw InputError("tau_event_h", SourceLocation{table.path.string(), table.lines[r], 0},
                       fmt::format("{}: Kp_cm_h, tau_event_h, t_star_h and B_dermal must be given "
                                   "together (the organic dermal form from water)",
                                   chemical.name));
    chemical.target_organs_oral = split_list(row[table.column("target_organs_oral")]);
    chemical.target_organs_inhalation = split_list(row[table.column("target_organs_inhalation")]);
    chemical.physchem_status = row[table.column("physchem_status")];
    chemical.toxicity_status = row[table.column("toxicity_status")];
    chemicals.push_back(std::move(chemical));
  }
  return chemicals;
}

void apply_toxicity_set(std::vector<Chemical>& chemicals, const CsvTable& updates,
                        const std::string& set) {
  if (set == "rsl-2017") return;
  bool known = false;
  const std::size_t set_column = updates.column("set");
  for (std::size_t r = 0; r < updates.rows.size(); ++r) {
    const auto& row = updates.rows[r];
    if (row[set_column] != set) continue;
    known = true;
    const std::string parameter = row[updates.column("parameter")];
    const double value = number(updates, r, "value");
    for (auto& chemical : chemicals) {
      if (chemical.cas != row[updates.column("CAS")]) continue;
      // The chemical's status is its weakest value's: an unverified row of the set wins.
      const std::string status = row[updates.column("status")];
      if (chemical.toxicity_set != set || status == "unverified") chemical.toxicity_status = status;
      chemical.toxicity_set = set;
      if (parameter == "SFo") {
        if (chemical.mutagen && chemical.oral_slope_factor_mutagenic == chemical.oral_slope_factor)
          chemical.oral_slope_factor_mutagenic = value;
        chemical.oral_slope_factor = value;
      } else if (parameter == "IUR") {
        if (chemical.mutagen &&
            chemical.inhalation_unit_risk_mutagenic == chemical.inhalation_unit_risk)
          chemical.inhalation_unit_risk_mutagenic = value;
        chemical.inhalation_unit_risk = value;
      } else if (parameter == "RfDo") {
        chemical.oral_reference_dose = value;
      } else if (parameter == "RfC") {
        chemical.inhalation_reference_concentration = value;
      } else {
        throw InputError(
            "parameter", SourceLocation{updates.path.string(), updates.lines[r], 0},
            fmt::format("'{}' is not a toxicity parameter (SFo, IUR, RfDo, RfC)", parameter));
      }
    }
  }
  if (!known)
    throw InputError(fmt::format("toxicity set '{}' is neither rsl-2017 nor a set of {}", set,
                                 updates.path.string()));
}

std::vector<std::string> closest_chemicals(const std::vector<Chemical>& chemicals,
                                           std::string_view key, std::size_t count) {
  const std::string wanted = lower(key);
  auto distance = [&](const std::string& other) {
    const std::string b = lower(other);
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j)
      row[j] = j;
    for (std::size_t i = 1; i <= wanted.size(); ++i) {
      std::size_t diagonal = row[0];
      row[0] = i;
      for (std::size_t j = 1; j <= b.size(); ++j) {
        const std::size_t above = row[j];
        row[j] = std::min(
            {row[j] + 1, row[j - 1] + 1, diagonal + (wanted[i - 1] == b[j - 1] ? 0u : 1u)});
        diagonal = above;
      }
    }
    return row[b.size()];
  };
  std::vector<std::pair<std::size_t, std::string>> ranked;
  for (const auto& chemical : chemicals) {
    std::size_t best = std::min(distance(chemical.name), distance(chemical.cas));
    for (const auto& alias : chemical.aliases)
      best = std::min(best, distance(alias));
    ranked.emplace_back(best, chemical.name);
  }
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> names;
  for (std::size_t n = 0; n < ranked.size() && n < count; ++n)
    names.push_back(ranked[n].second);
  return names;
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
