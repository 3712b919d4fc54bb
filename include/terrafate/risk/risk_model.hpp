#pragma once
// Health risk of a receptor from groundwater and soil concentrations, by exposure pathway, in
// the HJ 25.3-2019 or US EPA framework (equations and their status:
// ../shared/reference/risk-equations.md and docs/risk.md); risk-based concentrations; compliance
// metrics of risk trajectories. Plain C++ (no PETSc, no MPI).
//
// Every pathway is linear in the concentration: CR = C r_c and HQ = C r_n with the unit risks
// (r_c, r_n) of unit_risk(); the risk-based concentration is min(target / r_c, 1 / r_n).
#include <optional>
#include <string>
#include <vector>

#include "terrafate/risk/chemicals.hpp"
#include "terrafate/risk/exposure.hpp"

namespace terrafate {

enum class Pathway {
  groundwater_ingestion,      ///< drinking groundwater
  indoor_vapour,              ///< vapours from groundwater into indoor air
  outdoor_vapour,             ///< vapours from groundwater into outdoor air
  soil_ingestion,             ///< oral ingestion of surface soil
  soil_dermal,                ///< dermal contact with surface soil
  soil_particulates,          ///< inhalation of surface soil particles (PM10)
  soil_indoor_vapour,         ///< vapours from subsurface soil into indoor air
  soil_outdoor_vapour,        ///< vapours from subsurface soil into outdoor air
  surface_soil_outdoor_vapour ///< vapours from surface soil (0 to the surface-soil thickness)
                              ///< into outdoor air (HJ 25.3 VF_suroa)
};
const char* pathway_name(Pathway pathway);
std::optional<Pathway> parse_pathway(const std::string& name);
/// Whether the pathway's concentration is a soil concentration [mg/kg] (else groundwater [mg/L]).
bool is_soil_pathway(Pathway pathway);

/// Carcinogenic risk and hazard quotient (per unit concentration for unit_risk()).
struct PathwayRisk {
  double cancer_risk = 0.0;
  double hazard_quotient = 0.0;
  /// The part of hazard_quotient from inhaled air (against the RfC); the rest is the oral and
  /// dermal dose (against the RfD). Hazard by target organ splits on it (target_organs.hpp).
  double inhaled_hazard_quotient = 0.0;
};

/// Water, air and total porosity of the vadose-zone soil [-] and its organic carbon fraction [-].
/// HJ 25.3 gives the soil moisture by mass (Pws [kg/kg]), the particle density rho_s and the
/// organic matter fom [g/kg]: theta = 1 - rho_b/rho_s, theta_ws = rho_b Pws / rho_w,
/// theta_as = theta - theta_ws, foc = fom / 1700 (Kd = Koc fom / 1700). A set that gives
/// vadose_total_porosity, vadose_water_content, vadose_air_content or soil_organic_carbon (the
/// us-epa table, or a deck override) uses those values instead.
struct VadoseSoil {
  double total = 0.0, water = 0.0, air = 0.0, organic_carbon = 0.0;
};
VadoseSoil vadose_soil(const ExposureSet& exposure);

/// Volatilization factors for `chemical` with the building and vadose-zone parameters of
/// `exposure`: groundwater to indoor and outdoor air [(mg/m3)/(mg/L)], subsurface soil to indoor
/// and outdoor air and surface soil to outdoor air [(mg/m3)/(mg/kg)]. Indoor: Johnson-Ettinger
/// (diffusion, plus advection when soil_gas_flow_ratio = Qsoil/Qbuilding > 0), or, for
/// groundwater, VF = 1000 H AF with a set's groundwater_attenuation_factor AF. The soil factors
/// are the smaller of the infinite-source and the mass-limit forms (HJ 25.3) when the set gives
/// vapour_exposure_duration (tau). Zero for a chemical without Henry's constant or air
/// diffusion coefficient.
struct VolatilizationFactors {
  double groundwater_indoor = 0.0, groundwater_outdoor = 0.0;
  double soil_indoor = 0.0, soil_outdoor = 0.0, surface_soil_outdoor = 0.0;
};
VolatilizationFactors volatilization_factors(const Chemical& chemical, const ExposureSet& exposure);

/// [mg/kg] soil saturation limit Csat = S / rho_b (Kd rho_b + theta_ws + H theta_as) (HJ 25.3,
/// RSL); NaN for a chemical without a solubility.
double soil_saturation_limit(const Chemical& chemical, const ExposureSet& exposure);

/// [mg/kg] the soil concentration that keeps the groundwater below `groundwater_target` [mg/L]
/// (HJ 25.3 leaching): C = Cgw Ksw LDF with Ksw = (theta_ws + Kd rho_b + H theta_as) / rho_b
/// [L/kg] and the dilution LDF = 1 + U_gw delta_gw / (I W).
double soil_value_protecting_groundwater(const Chemical& chemical, const ExposureSet& exposure,
                                         double groundwater_target);

/// CR and HQ of the pathway per 1 mg/L of groundwater (or 1 mg/kg of soil). A toxicity value the
/// chemical table lacks gives no risk of that kind (0). Throws InputError when an exposure
/// parameter the pathway needs is missing.
PathwayRisk unit_risk(Pathway pathway, const Chemical& chemical, const ExposureSet& exposure);

/// The concentration at which CR = target_risk or HQ = target_quotient, the smaller of the two
/// (infinity when the pathway gives neither risk).
double risk_based_concentration(const PathwayRisk& unit, double target_risk,
                                double target_quotient);

/// Compliance of a receptor's trajectory at the output times `times` [d] (increasing): total
/// cancer risk and hazard index, and whether every standard is met at each time.
struct Compliance {
  /// [d] the first time of the series (in a run: every step end) from which on CR <= target, HI <=
  /// hazard target and every standard is met through the end; NaN when not met at the last output.
  double time_to_target = 0.0;
  double max_cancer_risk = 0.0;
  double time_of_max = 0.0; ///< [d]
  double max_hazard_index = 0.0;
  double years_exceeding = 0.0; ///< [a] of kDaysPerYear, see compliance()
};
/// years_exceeding sums the output intervals by their ends: an interval counts fully when both
/// ends exceed (risk, hazard or a standard), half when one does.
Compliance compliance(const std::vector<double>& times, const std::vector<double>& cancer_risk,
                      const std::vector<double>& hazard_index,
                      const std::vector<bool>& standards_met, double target_risk,
                      double target_quotient);

} // namespace terrafate
