#pragma once
// The chemical table (data/chemicals.csv): physico-chemical and toxicity parameters with their
// sources and statuses. Plain C++.
#include <string>
#include <string_view>
#include <vector>

#include "terrafate/core/csv_table.hpp"

namespace terrafate {

/// One chemical; a value the table does not give is NaN.
struct Chemical {
  std::string name;
  std::string cas;
  std::vector<std::string> aliases;
  double molecular_weight = 0.0;                   ///< [g/mol]
  double solubility = 0.0;                         ///< [mg/L]
  double henry = 0.0;                              ///< [-] dimensionless Henry's constant at 25 C
  double air_diffusion = 0.0;                      ///< [cm2/s]
  double water_diffusion = 0.0;                    ///< [cm2/s]
  double koc = 0.0;                                ///< [L/kg]
  double oral_slope_factor = 0.0;                  ///< SFo [(mg/kg/d)^-1]
  double inhalation_unit_risk = 0.0;               ///< IUR [(ug/m3)^-1]
  double oral_reference_dose = 0.0;                ///< RfDo [mg/kg/d]
  double inhalation_reference_concentration = 0.0; ///< RfC [mg/m3]
  double gi_absorption = 0.0;                      ///< GIABS [-]
  double dermal_absorption = 0.0;                  ///< ABSd [-]
  std::string physchem_status, toxicity_status;
};

/// Reads the table; throws InputError (file, line, column) on a malformed number.
std::vector<Chemical> read_chemicals(const CsvTable& table);

/// The chemical whose name, CAS number or an alias equals `key` (case-insensitive), or null.
const Chemical* find_chemical(const std::vector<Chemical>& chemicals, std::string_view key);

} // namespace terrafate
