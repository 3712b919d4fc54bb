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
  /// Mutagenic mode of action (RSL flag M): the early-life age-dependent adjustment factors
  /// apply (us-epa) to the parts of SFo and IUR below.
  bool mutagen = false;
  double oral_slope_factor_mutagenic = 0.0;    ///< [(mg/kg/d)^-1] the part of SFo with ADAF
  double inhalation_unit_risk_mutagenic = 0.0; ///< [(ug/m3)^-1] the part of IUR with ADAF
  double water_permeability = 0.0;             ///< Kp [cm/h] dermal permeability from water
  /// Organic dermal absorption from water (RAGS E): lag time per event tau_event [h], time to
  /// reach steady state t* [h], the stratum corneum / epidermis permeability ratio B [-] and the
  /// fraction absorbed FA [-]; NaN for an inorganic chemical (DA_event = Kp C_w t_event).
  double water_lag_time = 0.0, water_steady_state_time = 0.0, water_permeability_ratio = 0.0,
         water_absorbed_fraction = 0.0;
  /// The RSL's vinyl chloride equations (us-epa resident): continuous exposure from birth adds the
  /// lifetime risk of the early-life dose, not averaged over the lifetime, instead of the ADAF.
  bool early_life_term = false;
  /// Target organs or systems (IRIS "System") of the RfD (oral and dermal doses) and of the RfC
  /// (inhaled air); empty where the table gives none (status `missing`).
  std::vector<std::string> target_organs_oral, target_organs_inhalation;
  std::string toxicity_set = "rsl-2017"; ///< the dated set the toxicity values are from
  std::string physchem_status, toxicity_status;
};

/// Reads the table; throws InputError (file, line, column) on a malformed number.
std::vector<Chemical> read_chemicals(const CsvTable& table);

/// Replaces the toxicity values of `chemicals` with those of the dated set `set` in `updates`
/// (data/toxicity_sets.csv: set,CAS,parameter,value,...); `rsl-2017` is chemicals.csv itself.
/// Throws InputError for an unknown set or parameter.
void apply_toxicity_set(std::vector<Chemical>& chemicals, const CsvTable& updates,
                        const std::string& set);

/// The names of the chemical table closest to `key` (edit distance over names and aliases,
/// case-insensitive), best first; for did-you-mean messages.
std::vector<std::string> closest_chemicals(const std::vector<Chemical>& chemicals,
                                           std::string_view key, std::size_t count = 3);

/// The chemical whose name, CAS number or an alias equals `key` (case-insensitive), or null.
const Chemical* find_chemical(const std::vector<Chemical>& chemicals, std::string_view key);

} // namespace terrafate
