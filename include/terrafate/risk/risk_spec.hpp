#pragma once
// The deck's `risk:` section: framework, targets, the standard for exceedance and plume extent,
// receptors and exposure overrides, resolved against the data tables. Plain C++.
#include <array>
#include <map>
#include <string>
#include <vector>

#include "terrafate/core/config.hpp"
#include "terrafate/core/csv_table.hpp"
#include "terrafate/risk/chemicals.hpp"
#include "terrafate/risk/exposure.hpp"
#include "terrafate/risk/risk_model.hpp"

namespace terrafate {

struct ReceptorSpec {
  std::string name;
  bool at_plane = false;            ///< at a control plane (else at a point)
  std::array<double, 3> position{}; ///< [m] point receptors
  std::string plane;                ///< control plane name (observations.planes)
  std::string land_use;
  std::vector<Pathway> pathways;
  /// The groundwater standard judged at this receptor: the receptor's `standard:` or, without
  /// one, the deck's for a receptor that drinks the groundwater and `none` for one that does not
  /// (vapour-only receptors are judged on risk, not on a drinking-water standard).
  std::string standard;
  /// [mg/kg] explicit site soil targets per species (`soil_targets:`), NaN where none: soil
  /// compliance is judged on risk (the risk control values) and these.
  std::vector<double> soil_targets;
  SourceLocation where;
  std::string key_path;
};

/// One species of the run as the risk model receives it: its `chemical:` key and where that is
/// written (for messages).
struct RiskSpeciesInput {
  std::string name;
  std::string chemical; ///< a name, alias or CAS of data/chemicals.csv, or `none`
  SourceLocation where;
  std::string key_path;
};

/// What the risk model knows of one species of the run.
struct RiskSpecies {
  std::string name;
  const Chemical* chemical = nullptr; ///< null: `chemical: none`, a species with no risk
  double groundwater_standard = 0.0;  ///< [mg/L] of the deck's standard; NaN: none
  std::string standard_status;
  /// [mg/L] per standard name (gbt14848-III, gbt14848-IV, us-mcl); NaN: none
  std::map<std::string, double> groundwater_standards;
  /// [mg/kg] GB 36600-2018 screening value per land use class (first, second); NaN: none
  std::array<double, 2> soil_screening{};
};

struct RiskSpec {
  std::string framework; ///< hj25.3-2019 or us-epa
  double target_risk = 1.0e-6;
  double target_quotient = 1.0;
  std::string standard;              ///< gbt14848-III, gbt14848-IV, us-mcl or none
  std::string toxicity = "rsl-2017"; ///< the dated toxicity set (data/toxicity_sets.csv)
  std::vector<ReceptorSpec> receptors;
  std::map<std::string, ExposureSet> exposure; ///< per land use, with the deck's overrides
  std::vector<RiskSpecies> species;
  std::vector<Chemical> chemicals; ///< the table the species point into
};

/// Whether a receptor meets its targets at one time: every contaminant's CR (summed over the
/// receptor's pathways) <= target_risk and HQ <= target_quotient, and every standard and soil
/// target met (HJ 25.3: acceptable risk per contaminant, not summed over contaminants).
struct ContaminantRisk {
  double cancer_risk = 0.0, hazard_quotient = 0.0; ///< summed over the pathways
  bool standard_met = true;                        ///< groundwater standard and soil targets
  double inhaled_hazard_quotient = 0.0;            ///< the part of hazard_quotient from inhaled air
};
struct Judgement {
  bool met = true;
  double max_cancer_risk = 0.0;   ///< the largest contaminant CR
  double max_hazard_index = 0.0;  ///< the largest contaminant HI (or target-organ HI, below)
  double site_cancer_risk = 0.0;  ///< summed over the contaminants (reported, not judged)
  double site_hazard_index = 0.0; ///< summed over the contaminants
  /// What governs: cancer_risk, hazard_quotient, hazard_index (a target organ's) or standard.
  std::string controlling;
};
/// With `organ_hazard` (us-epa, every contaminant naming its target organs: target_organs.hpp)
/// the hazard is judged per target organ, each organ's HI <= target_quotient, in place of each
/// contaminant's HQ; max_hazard_index is then the largest organ HI.
Judgement judge(const std::vector<ContaminantRisk>& contaminants, double target_risk,
                double target_quotient, const std::vector<double>* organ_hazard = nullptr);

/// [mg/L] the groundwater standard of `species` judged at `receptor` (its `standard`); NaN: none.
double receptor_standard(const ReceptorSpec& receptor, const RiskSpecies& species);

/// Reads `risk:` for the run's species with the chemical, exposure and standards tables. Every
/// species' `chemical:` must name a chemical of the table or be `none`: an unmatched one is an
/// InputError at its location, with the closest names of the table. Throws InputError naming
/// the key and line.
RiskSpec read_risk_spec(const ConfigNode& node, const std::vector<RiskSpeciesInput>& species,
                        const CsvTable& chemicals, const CsvTable& exposure,
                        const CsvTable& standards);
/// The same for (name, chemical key) pairs: an unmatched chemical is reported at `risk:`.
RiskSpec read_risk_spec(const ConfigNode& node,
                        const std::vector<std::pair<std::string, std::string>>& species,
                        const CsvTable& chemicals, const CsvTable& exposure,
                        const CsvTable& standards);

} // namespace terrafate
