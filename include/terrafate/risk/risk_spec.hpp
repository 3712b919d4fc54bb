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
  SourceLocation where;
  std::string key_path;
};

/// What the risk model knows of one species of the run.
struct RiskSpecies {
  std::string name;
  const Chemical* chemical = nullptr; ///< null: matches no chemical, no risk (warned)
  double groundwater_standard = 0.0;  ///< [mg/L] of the deck's standard; NaN: none
  std::string standard_status;
  /// [mg/kg] GB 36600-2018 screening value per land use class (first, second); NaN: none
  std::array<double, 2> soil_screening{};
};

struct RiskSpec {
  std::string framework; ///< hj25.3-2019 or us-epa
  double target_risk = 1.0e-6;
  double target_quotient = 1.0;
  std::string standard; ///< gbt14848-III, gbt14848-IV, us-mcl or none
  std::vector<ReceptorSpec> receptors;
  std::map<std::string, ExposureSet> exposure; ///< per land use, with the deck's overrides
  std::vector<RiskSpecies> species;
  std::vector<Chemical> chemicals; ///< the table the species point into
};

/// Reads `risk:` for the run's species, given as (name, chemical key) pairs, with the chemical,
/// exposure and standards tables. Throws InputError naming the key and line.
RiskSpec read_risk_spec(const ConfigNode& node,
                        const std::vector<std::pair<std::string, std::string>>& species,
                        const CsvTable& chemicals, const CsvTable& exposure,
                        const CsvTable& standards);

} // namespace terrafate
