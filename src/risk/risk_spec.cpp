#include "terrafate/risk/risk_spec.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <limits>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "terrafate/core/errors.hpp"

namespace terrafate {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

/// The leading number of a standards field ("10000 (total xylenes)" -> 10000); NaN when the
/// field is empty or does not start with a number ("none (federal)").
double leading_number(const std::string& text) {
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || !(*end == '\0' || *end == ' ' || *end == '(')) return kNaN;
  return value;
}

/// The row of the standards table for a chemical (by CAS) or, without one, for `key` (by name
/// or CAS); -1 when none.
int standards_row(const CsvTable& table, const Chemical* chemical, const std::string& key) {
  const std::size_t name = table.column("contaminant");
  const std::size_t cas = table.column("CAS");
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    const auto& row = table.rows[r];
    if (chemical ? row[cas] == chemical->cas : (lower(row[name]) == lower(key) || row[cas] == key))
      return static_cast<int>(r);
  }
  return -1;
}
} // namespace

Judgement judge(const std::vector<ContaminantRisk>& contaminants, double target_risk,
                double target_quotient, const std::vector<double>* organ_hazard) {
  Judgement result;
  double worst = 0.0;
  for (const auto& c : contaminants) {
    result.site_cancer_risk += c.cancer_risk;
    result.site_hazard_index += c.hazard_quotient;
    result.max_cancer_risk = std::max(result.max_cancer_risk, c.cancer_risk);
    if (!organ_hazard)
      result.max_hazard_index = std::max(result.max_hazard_index, c.hazard_quotient);
    const double cancer = c.cancer_risk / target_risk;
    const double hazard = organ_hazard ? 0.0 : c.hazard_quotient / target_quotient;
    if (cancer > 1.0 || hazard > 1.0 || !c.standard_met) result.met = false;
    if (!c.standard_met && worst <= 1.0) {
      result.controlling = "standard";
      worst = std::max(worst, 1.0);
    }
    if (cancer > worst && cancer >= hazard) {
      worst = cancer;
      result.controlling = "cancer_risk";
    } else if (hazard > worst) {
      worst = hazard;
      result.controlling = "hazard_quotient";
    }
  }
  if (organ_hazard)
    for (const double index : *organ_hazard) {
      result.max_hazard_index = std::max(result.max_hazard_index, index);
      const double hazard = index / target_quotient;
      if (hazard > 1.0) result.met = false;
      if (hazard > worst) {
        worst = hazard;
        result.controlling = "hazard_index";
      }
    }
  if (result.controlling.empty()) result.controlling = "none";
  return result;
}

double receptor_standard(const ReceptorSpec& receptor, const RiskSpecies& species) {
  const auto found = species.groundwater_standards.find(receptor.standard);
  return found == species.groundwater_standards.end() ? kNaN : found->second;
}

RiskSpec read_risk_spec(const ConfigNode& node,
                        const std::vector<std::pair<std::string, std::string>>& species,
                        const CsvTable& chemicals, const CsvTable& exposure,
                        const CsvTable& standards) {
  std::vector<RiskSpeciesInput> inputs;
  for (const auto& [name, key] : species)
    inputs.push_back({name, key, node.where(), fmt::format("transport.species.{}.chemical", name)});
  return read_risk_spec(node, inputs, chemicals, exposure, standards);
}

RiskSpec read_risk_spec(const ConfigNode& node, const std::vector<RiskSpeciesInput>& species,
                        const CsvTable& chemicals, const CsvTable& exposure,
                        const CsvTable& standards) {
  node.expect_keys({"framework", "target", "standard", "receptors", "overrides", "toxicity"});
  RiskSpec spec;
  spec.framework = node.at("framework").as_choice({"hj25.3-2019", "us-epa"});
  if (const auto target = node.find("target")) {
    target->expect_keys({"cancer_risk", "hazard_quotient"});
    spec.target_risk =
        target->quantity_or("cancer_risk", 1.0e-6, "1", Range{0.0, 1.0, true, false});
    spec.target_quotient = target->quantity_or("hazard_quotient", 1.0, "1", Range::positive());
  }
  spec.standard =
      node.find("standard")
          ? node.at("standard").as_choice({"gbt14848-III", "gbt14848-IV", "us-mcl", "none"})
          : std::string("gbt14848-III");

  // Exposure sets of the framework's land uses, with the overrides.
  for (const auto& land_use : land_uses(spec.framework))
    spec.exposure[land_use] = read_exposure_set(exposure, spec.framework, land_use);
  if (const auto overrides = node.find("overrides"))
    for (const auto& land_use : overrides->keys()) {
      if (!spec.exposure.count(land_use))
        throw overrides->at(land_use).error(
            fmt::format("'{}' is not a land use of {} ({})", land_use, spec.framework,
                        fmt::join(land_uses(spec.framework), ", ")));
      apply_overrides(spec.exposure[land_use], overrides->at(land_use));
    }

  // Species -> chemicals (with the deck's dated toxicity set) and standards.
  spec.chemicals = read_chemicals(chemicals);
  if (const auto toxicity = node.find("toxicity")) {
    spec.toxicity = toxicity->as_choice({"rsl-2017", "iris-2025"});
    try {
      apply_toxicity_set(spec.chemicals, read_csv_table(data_table_path("toxicity_sets.csv")),
                         spec.toxicity);
    } catch (const InputError& e) {
      throw toxicity->error(e.what());
    }
  }
  const std::pair<const char*, const char*> standard_columns[] = {
      {"gbt14848-III", "GBT14848_classIII_ug_L"},
      {"gbt14848-IV", "GBT14848_classIV_ug_L"},
      {"us-mcl", "US_MCL_ug_L"}};
  for (const auto& input : species) {
    RiskSpecies entry;
    entry.name = input.name;
    entry.groundwater_standard = kNaN;
    entry.soil_screening = {kNaN, kNaN};
    if (lower(input.chemical) == "none") {
      spec.species.push_back(entry); // declared without risk (ethene, oxidants, tracers)
      continue;
    }
    entry.chemical = find_chemical(spec.chemicals, input.chemical);
    if (!entry.chemical)
      throw InputError(
          input.key_path, input.where,
          fmt::format("species '{}': chemical '{}' matches no name, alias or CAS number of {} "
                      "(did you mean {}?); give `chemical: none` for a species with no risk",
                      input.name, input.chemical, chemicals.path.string(),
                      fmt::join(closest_chemicals(spec.chemicals, input.chemical), ", ")));
    const int row = standards_row(standards, entry.chemical, input.chemical);
    if (row >= 0) {
      const auto& values = standards.rows[static_cast<std::size_t>(row)];
      for (const auto& [name, column] : standard_columns)
        entry.groundwater_standards[name] =
            leading_number(values[standards.column(column)]) * 1.0e-3;
      if (spec.standard != "none") {
        entry.groundwater_standard = entry.groundwater_standards.at(spec.standard);
        entry.standard_status =
            values[standards.column(spec.standard == "us-mcl" ? "MCL_status" : "GBT14848_status")];
      }
      entry.soil_screening = {
          leading_number(values[standards.column("GB36600_screen_class1_mg_kg")]),
          leading_number(values[standards.column("GB36600_screen_class2_mg_kg")])};
    }
    spec.species.push_back(entry);
  }

  const ConfigNode receptors = node.at("receptors");
  for (const auto& entry : receptors.elements()) {
    entry.expect_keys(
        {"name", "position", "plane", "land_use", "pathways", "standard", "soil_targets"});
    ReceptorSpec receptor;
    receptor.name = entry.at("name").as_name("receptor");
    receptor.where = entry.where();
    receptor.key_path = entry.key_path();
    for (const auto& other : spec.receptors)
      if (other.name == receptor.name)
        throw entry.at("name").error(fmt::format("receptor '{}' is defined twice", receptor.name));
    if (entry.has("position") == entry.has("plane"))
      throw entry.error("give exactly one of position [x, y, z] and plane (a control plane name)");
    if (entry.has("position")) {
      receptor.position = entry.at("position").as_vector<3>("m");
    } else {
      receptor.at_plane = true;
      receptor.plane = entry.string("plane");
    }
    const ConfigNode land_use = entry.at("land_use");
    receptor.land_use = land_use.as_string();
    if (!spec.exposure.count(receptor.land_use))
      throw land_use.error(fmt::format("'{}' is not a land use of {} ({})", receptor.land_use,
                                       spec.framework, fmt::join(land_uses(spec.framework), ", ")));
    for (const auto& pathway_node : entry.at("pathways").elements()) {
      const auto pathway = parse_pathway(pathway_node.as_string());
      if (!pathway)
        throw pathway_node.error(fmt::format(
            "unknown pathway '{}' (groundwater_ingestion, indoor_vapour, outdoor_vapour, "
            "soil_ingestion, soil_dermal, soil_particulates, soil_indoor_vapour, "
            "soil_outdoor_vapour, surface_soil_outdoor_vapour)",
            pathway_node.as_string()));
      if (receptor.at_plane && is_soil_pathway(*pathway))
        throw pathway_node.error("a receptor at a control plane has no soil: give it a position");
      receptor.pathways.push_back(*pathway);
    }
    if (receptor.pathways.empty()) throw entry.at("pathways").error("at least one pathway");
    const bool drinks = std::find(receptor.pathways.begin(), receptor.pathways.end(),
                                  Pathway::groundwater_ingestion) != receptor.pathways.end();
    receptor.standard =
        entry.has("standard")
            ? entry.at("standard").as_choice({"gbt14848-III", "gbt14848-IV", "us-mcl", "none"})
            : (drinks ? spec.standard : std::string("none"));
    receptor.soil_targets.assign(spec.species.size(), kNaN);
    if (const auto targets = entry.find("soil_targets"))
      for (const auto& name : targets->keys()) {
        const auto found = std::find_if(spec.species.begin(), spec.species.end(),
                                        [&](const auto& s) { return s.name == name; });
        if (found == spec.species.end())
          throw targets->at(name).error(fmt::format("'{}' is not a species of the run", name));
        receptor.soil_targets[static_cast<std::size_t>(found - spec.species.begin())] =
            targets->quantity(name, "mg/kg", Range::positive());
      }
    // Every parameter the receptor's pathways need must be known now, not at the first output.
    for (const auto pathway : receptor.pathways)
      for (const auto& species_entry : spec.species)
        if (species_entry.chemical) try {
            unit_risk(pathway, *species_entry.chemical, spec.exposure.at(receptor.land_use));
          } catch (const InputError& e) {
            throw entry.at("pathways").error(e.what());
          }
    spec.receptors.push_back(receptor);
  }
  if (spec.receptors.empty()) throw receptors.error("at least one receptor");
  return spec;
}

} // namespace terrafate
