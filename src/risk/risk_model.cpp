#include "terrafate/risk/risk_model.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "terrafate/core/units.hpp"

namespace terrafate {

namespace {
constexpr double kCm2PerSecondToM2PerDay = 8.64; ///< 1 cm2/s = 1e-4 m2 x 86400 s/d
constexpr double kLitresPerCubicMetre = 1000.0;
constexpr double kWaterDensity = 1.0; ///< rho_w [kg/L]
constexpr double kKilogramsPerMilligram = 1.0e-6;
constexpr double kAveragingDaysPerYear = 365.0; ///< averaging times of the non-cancer doses (EPA)
constexpr double kSecondsPerYear = 31536000.0;  ///< HJ 25.3's tau conversion (365 d)
constexpr double kPi = 3.14159265358979323846;

constexpr const char* kPathwayNames[] = {
    "groundwater_ingestion", "indoor_vapour",       "outdoor_vapour",
    "soil_ingestion",        "soil_dermal",         "soil_particulates",
    "soil_indoor_vapour",    "soil_outdoor_vapour", "surface_soil_outdoor_vapour"};

/// A missing table value (NaN) as 0: no risk of that kind.
double or_zero(double value) {
  return std::isnan(value) ? 0.0 : value;
}

/// Effective diffusion coefficient [m2/d] of a porous layer with water and air contents
/// (Millington-Quirk): Da theta_a^(10/3)/theta_T^2 + (Dw / H) theta_w^(10/3)/theta_T^2.
double effective_diffusion(const Chemical& chemical, double water, double air, double total) {
  const double da = chemical.air_diffusion * kCm2PerSecondToM2PerDay;
  const double dw = or_zero(chemical.water_diffusion) * kCm2PerSecondToM2PerDay;
  return (da * std::pow(air, 10.0 / 3.0) + dw / chemical.henry * std::pow(water, 10.0 / 3.0)) /
         (total * total);
}

/// Indoor attenuation of a source at depth `depth` [m] with effective diffusion `diffusion`
/// [m2/d] (Johnson-Ettinger). Diffusion only (Qsoil = 0):
/// (D/L)/(ER Lb) / [1 + (D/L)/(ER Lb) + (D/L)/((D_crack/L_crack) eta)]; with advective soil gas
/// flow Qsoil = r Qbuilding (r = soil_gas_flow_ratio, Qbuilding = ER Lb A_B):
/// A e^xi / [e^xi + A + (A/r)(e^xi - 1)], A = (D/L)/(ER Lb), xi = r ER Lb L_crack/(D_crack eta).
double indoor_attenuation(double diffusion, double depth, const Chemical& chemical,
                          const ExposureSet& e) {
  const double exchange = e.get("air_exchange_rate") * 24.0; // [1/d]
  const double height = e.get("building_mixing_height");
  const double crack_diffusion =
      effective_diffusion(chemical, e.get("crack_water_content"), e.get("crack_air_content"),
                          e.get("crack_water_content") + e.get("crack_air_content"));
  const double transfer = diffusion / depth;
  const double ventilation = exchange * height;
  const double a = transfer / ventilation;
  const double ratio = e.has("soil_gas_flow_ratio") ? e.get("soil_gas_flow_ratio") : 0.0;
  if (ratio > 0.0) {
    const double xi = ratio * ventilation * e.get("foundation_thickness") /
                      (crack_diffusion * e.get("crack_fraction"));
    if (xi > 700.0) return a / (1.0 + a / ratio); // e^xi dominates every term
    const double growth = std::exp(xi);
    return a * growth / (growth + a + a / ratio * (growth - 1.0));
  }
  const double crack = crack_diffusion / e.get("foundation_thickness") * e.get("crack_fraction");
  return a / (1.0 + a + transfer / crack);
}

/// Outdoor dilution of a source at depth `depth` [m]: 1 / (1 + U delta L / (W D)).
double outdoor_attenuation(double diffusion, double depth, const ExposureSet& e) {
  const double wind = e.get("wind_speed") * 86400.0; // [m/d]
  return 1.0 /
         (1.0 + wind * e.get("mixing_zone_height") * depth / (e.get("source_width") * diffusion));
}

/// A receptor population: child (when the land use has one) and adult terms.
struct Population {
  bool child = false;
  double bw_c = 0, bw_a = 0, ed_c = 0, ed_a = 0, ef_c = 0, ef_a = 0, at_ca = 0, at_nc = 0;
  /// Mean age-dependent adjustment factor of the child and adult years (us-epa resident: RSL
  /// ADAF 10 for ages 0-2, 3 for 2-16, 1 from 16; 1 elsewhere) for mutagenic chemicals.
  double adaf_c = 1.0, adaf_a = 1.0;
};

/// The integral of the RSL age-dependent adjustment factor over ages [from, to] [a].
double adaf_years(double from, double to) {
  auto integral = [](double age) {
    return 10.0 * std::min(age, 2.0) + 3.0 * std::clamp(age - 2.0, 0.0, 14.0) +
           std::max(age - 16.0, 0.0);
  };
  return integral(to) - integral(from);
}

Population population(const ExposureSet& e) {
  Population p;
  if (e.framework() == "us-epa") {
    p.child = e.land_use() == "resident";
    p.ef_c = p.ef_a = e.get("exposure_frequency");
    p.at_ca = e.get("averaging_time_cancer");
    p.bw_a = e.get("body_weight_adult");
    const double total = e.get("exposure_duration");
    if (p.child) {
      p.bw_c = e.get("body_weight_child");
      p.ed_c = e.get("exposure_duration_child");
      p.ed_a = total - p.ed_c;
      p.at_nc = kAveragingDaysPerYear * p.ed_c; // the child's dose (RSL)
      p.adaf_c = adaf_years(0.0, p.ed_c) / p.ed_c;
      p.adaf_a = adaf_years(p.ed_c, total) / p.ed_a;
    } else {
      p.ed_a = total;
      p.at_nc = kAveragingDaysPerYear * total;
    }
  } else {
    p.child = e.land_use() == "first_class";
    p.bw_a = e.get("body_weight_adult");
    p.ed_a = e.get("exposure_duration_adult");
    p.ef_a = e.get("exposure_frequency_adult");
    if (p.child) {
      p.bw_c = e.get("body_weight_child");
      p.ed_c = e.get("exposure_duration_child");
      p.ef_c = e.get("exposure_frequency_child");
    }
    p.at_ca = e.get("averaging_time_cancer");
    p.at_nc = e.get("averaging_time_noncancer");
  }
  return p;
}

/// Child + adult (cancer) and child-only or adult-only (non-cancer, as HJ 25.3 and the RSL do)
/// intake factors of a daily rate per kg of body weight: rate x frequency x duration / (BW AT).
struct Intake {
  double cancer = 0.0, noncancer = 0.0;
  double cancer_mutagenic = 0.0; ///< the cancer intake with the ADAF weights
  /// The child's daily dose rate_child / BW_c, not averaged (the RSL vinyl chloride early-life
  /// term); 0 without a child.
  double early_life = 0.0;
};
Intake intake(const Population& p, double rate_child, double frequency_child, double rate_adult,
              double frequency_adult) {
  Intake result;
  const double adult = rate_adult * frequency_adult * p.ed_a / p.bw_a;
  if (p.child) {
    const double child = rate_child * frequency_child * p.ed_c / p.bw_c;
    result.cancer = (child + adult) / p.at_ca;
    result.cancer_mutagenic = (p.adaf_c * child + p.adaf_a * adult) / p.at_ca;
    result.noncancer = child / p.at_nc;
    result.early_life = rate_child / p.bw_c;
  } else {
    result.cancer = adult / p.at_ca;
    result.cancer_mutagenic = p.adaf_a * adult / p.at_ca;
    result.noncancer = adult / p.at_nc;
  }
  return result;
}

/// Dermal dose absorbed from water per event per unit concentration, DA_event / C_w
/// [mg/cm2 per mg/L], for an event of `hours` [h] (RAGS E; RSL tap water). Organic (tau_event
/// given): 2 FA Kp sqrt(6 tau t / pi) up to t*, else FA Kp [t / (1 + B) + 2 tau (1 + 3B + 3B^2) /
/// (1 + B)^2]; inorganic: Kp t. x 1e-3 L/cm3.
double absorbed_per_event(const Chemical& chemical, double hours) {
  constexpr double kLitresPerCubicCentimetre = 1.0e-3;
  const double kp = chemical.water_permeability * kLitresPerCubicCentimetre;
  if (std::isnan(chemical.water_lag_time)) return kp * hours;
  const double fa =
      std::isnan(chemical.water_absorbed_fraction) ? 1.0 : chemical.water_absorbed_fraction;
  const double tau = chemical.water_lag_time;
  if (hours <= chemical.water_steady_state_time)
    return 2.0 * fa * kp * std::sqrt(6.0 * tau * hours / kPi);
  const double b = chemical.water_permeability_ratio;
  return fa * kp *
         (hours / (1.0 + b) + 2.0 * tau * (1.0 + 3.0 * b + 3.0 * b * b) / ((1.0 + b) * (1.0 + b)));
}

/// [cm2] exposed skin area: 239 H^0.417 BW^0.517 SER (HJ 25.3).
double skin_area(double height, double body_weight, double exposed_fraction) {
  return 239.0 * std::pow(height, 0.417) * std::pow(body_weight, 0.517) * exposed_fraction;
}
} // namespace

const char* pathway_name(Pathway pathway) {
  return kPathwayNames[static_cast<int>(pathway)];
}

std::optional<Pathway> parse_pathway(const std::string& name) {
  for (int p = 0; p < static_cast<int>(std::size(kPathwayNames)); ++p)
    if (name == kPathwayNames[p]) return static_cast<Pathway>(p);
  return std::nullopt;
}

bool is_soil_pathway(Pathway pathway) {
  return static_cast<int>(pathway) >= static_cast<int>(Pathway::soil_ingestion);
}

VadoseSoil vadose_soil(const ExposureSet& e) {
  VadoseSoil soil;
  const double density = e.get("soil_bulk_density");
  soil.total = e.has("vadose_total_porosity") ? e.get("vadose_total_porosity")
                                              : 1.0 - density / e.get("soil_particle_density");
  soil.water = e.has("vadose_water_content") ? e.get("vadose_water_content")
                                             : density * e.get("soil_moisture") / kWaterDensity;
  soil.air = e.has("vadose_air_content") ? e.get("vadose_air_content") : soil.total - soil.water;
  soil.organic_carbon = e.has("soil_organic_carbon") ? e.get("soil_organic_carbon")
                                                     : e.get("soil_organic_matter") / 1700.0;
  if (!(soil.water >= 0.0) || !(soil.air > 0.0) || !(soil.total > 0.0))
    throw InputError(fmt::format("the vadose-zone soil of {} {} has water content {} and air "
                                 "content {} (total porosity {}): both must be positive "
                                 "(risk.overrides)",
                                 e.framework(), e.land_use(), soil.water, soil.air, soil.total));
  return soil;
}

namespace {
/// [L/kg] Ksw = (theta_ws + Kd rho_b + H theta_as) / rho_b: soil per pore-water concentration.
double soil_water_partition(const Chemical& chemical, const ExposureSet& e,
                            const VadoseSoil& soil) {
  const double density = e.get("soil_bulk_density");
  const double kd = or_zero(chemical.koc) * soil.organic_carbon;
  return (soil.water + kd * density + or_zero(chemical.henry) * soil.air) / density;
}
} // namespace

VolatilizationFactors volatilization_factors(const Chemical& chemical, const ExposureSet& e) {
  VolatilizationFactors vf;
  const double henry = or_zero(chemical.henry);
  if (!(henry > 0.0) || !(or_zero(chemical.air_diffusion) > 0.0)) return vf;
  const VadoseSoil soil = vadose_soil(e);
  const double vadose = effective_diffusion(chemical, soil.water, soil.air, soil.total);
  const double capillary = effective_diffusion(chemical, e.get("capillary_water_content"),
                                               e.get("capillary_air_content"), soil.total);
  const double depth = e.get("depth_to_groundwater");
  const double fringe = e.get("capillary_fringe_thickness");
  if (!(depth > fringe))
    throw InputError(fmt::format("depth_to_groundwater ({} m) must exceed "
                                 "capillary_fringe_thickness ({} m) (risk.overrides)",
                                 depth, fringe));
  // Capillary fringe and vadose zone in series.
  const double diffusion_ws = depth / (fringe / capillary + (depth - fringe) / vadose);
  vf.groundwater_indoor = henry * kLitresPerCubicMetre *
                          (e.has("groundwater_attenuation_factor")
                               ? e.get("groundwater_attenuation_factor")
                               : indoor_attenuation(diffusion_ws, depth, chemical, e));
  vf.groundwater_outdoor =
      henry * kLitresPerCubicMetre * outdoor_attenuation(diffusion_ws, depth, e);
  // Soil: gas concentration per total soil concentration, H / Ksw [(mg/L)/(mg/kg)] x 1000 L/m3.
  const double partition = henry / soil_water_partition(chemical, e, soil) * kLitresPerCubicMetre;
  const double soil_depth = e.get("depth_to_subsurface_soil");
  vf.soil_indoor = partition * indoor_attenuation(vadose, soil_depth, chemical, e);
  vf.soil_outdoor = partition * outdoor_attenuation(vadose, soil_depth, e);
  // Mass limit (HJ 25.3, when the set gives tau): the layer's whole mass released over tau,
  // d rho_b / (DF tau) [(mg/m3)/(mg/kg)], DF_ia = ER Lb and DF_oa = U delta / W [m/s]; and
  // surface soil to outdoor air (VF_suroa): the emission of a depleting surface layer averaged
  // over tau, rho_b / DF_oa sqrt(4 D H / (pi tau Ksw rho_b)), or its mass limit.
  if (!e.has("vapour_exposure_duration")) return vf;
  const double tau = e.get("vapour_exposure_duration") * kSecondsPerYear;            // [s]
  const double density = e.get("soil_bulk_density") * kLitresPerCubicMetre;          // [kg/m3]
  const double ksw = soil_water_partition(chemical, e, soil) / kLitresPerCubicMetre; // [m3/kg]
  const double outdoor = e.get("wind_speed") * e.get("mixing_zone_height") / e.get("source_width");
  const double indoor = e.get("air_exchange_rate") / 3600.0 * e.get("building_mixing_height");
  const double subsurface = e.get("subsurface_soil_thickness");
  vf.soil_indoor = std::min(vf.soil_indoor, subsurface * density / (indoor * tau));
  vf.soil_outdoor = std::min(vf.soil_outdoor, subsurface * density / (outdoor * tau));
  const double diffusion = vadose / 86400.0; // [m2/s]
  vf.surface_soil_outdoor =
      std::min(density / outdoor * std::sqrt(4.0 * diffusion * henry / (kPi * tau * ksw * density)),
               e.get("surface_soil_thickness") * density / (outdoor * tau));
  return vf;
}

double soil_saturation_limit(const Chemical& chemical, const ExposureSet& e) {
  if (std::isnan(chemical.solubility)) return std::numeric_limits<double>::quiet_NaN();
  return chemical.solubility * soil_water_partition(chemical, e, vadose_soil(e));
}

double soil_value_protecting_groundwater(const Chemical& chemical, const ExposureSet& e,
                                         double groundwater_target) {
  const double dilution = 1.0 + e.get("groundwater_darcy_velocity") *
                                    e.get("groundwater_mixing_thickness") /
                                    (e.get("infiltration_rate") * e.get("source_width"));
  return groundwater_target * soil_water_partition(chemical, e, vadose_soil(e)) * dilution;
}

PathwayRisk unit_risk(Pathway pathway, const Chemical& chemical, const ExposureSet& e) {
  const Population p = population(e);
  const bool epa = e.framework() == "us-epa";
  const double sfo = or_zero(chemical.oral_slope_factor);
  const double sfo_mutagenic = or_zero(chemical.oral_slope_factor_mutagenic);
  const double rfdo = chemical.oral_reference_dose;
  const double iur = or_zero(chemical.inhalation_unit_risk); // [(ug/m3)^-1]
  const double iur_mutagenic = or_zero(chemical.inhalation_unit_risk_mutagenic);
  const double rfc = chemical.inhalation_reference_concentration;
  // Allocation factors (HJ 25.3: the share of the reference dose for this medium).
  const double water_share = epa ? 1.0 : e.get("water_allocation_factor");
  const double soil_share = epa ? 1.0 : e.get("soil_allocation_factor");
  const double share = is_soil_pathway(pathway) ? soil_share : water_share;
  // us-epa resident, vinyl chloride (RSL): exposure from birth adds the risk of the early-life
  // dose at the full lifetime (not averaged), in place of the ADAF.
  const bool from_birth = epa && p.child && chemical.early_life_term;
  // Oral cancer risk: the mutagenic part of SFo with the ADAF-weighted intake (us-epa); the
  // early-life term `early` (default: that of `dose`).
  auto oral_cancer = [&](const Intake& dose, double slope, double slope_mutagenic,
                         const Intake* early = nullptr) {
    return dose.cancer * (slope - slope_mutagenic) +
           (epa ? dose.cancer_mutagenic : dose.cancer) * slope_mutagenic +
           (from_birth ? (early ? early : &dose)->early_life * slope : 0.0);
  };
  auto oral = [&](const Intake& dose) {
    return PathwayRisk{oral_cancer(dose, sfo, sfo_mutagenic),
                       std::isnan(rfdo) ? 0.0 : dose.noncancer / (rfdo * share)};
  };
  // Inhalation of an air concentration `air` [mg/m3] per unit concentration in the medium.
  auto inhaled = [&](double air, double frequency_child, double frequency_adult,
                     double fraction_child = 1.0, double fraction_adult = 1.0) {
    if (epa) {
      // RSL: CR = IUR C_air EF ED ET/24 / AT (mutagenic part: ED weighted by the ADAF);
      // HQ = C_air EF ED ET/24 / (365 ED RfC); vinyl chloride adds 1000 C_air IUR.
      const double time = e.get("exposure_time") / 24.0;
      const double duration = p.ed_a + p.ed_c;
      const double weighted = p.adaf_c * p.ed_c + p.adaf_a * p.ed_a;
      const double exposure = p.ef_a * time;
      const double hazard =
          std::isnan(rfc) ? 0.0
                          : air * exposure * duration / (kAveragingDaysPerYear * duration) / rfc;
      return PathwayRisk{
          1000.0 * air *
              (exposure * ((iur - iur_mutagenic) * duration + iur_mutagenic * weighted) / p.at_ca +
               (from_birth ? iur : 0.0)),
          hazard, hazard};
    }
    // HJ 25.3: SFi = IUR x 1000 x BWa / DAIRa, RfDi = RfC x DAIRa / BWa.
    const double dair_a = e.get("air_intake_adult");
    const Intake dose = intake(p, p.child ? e.get("air_intake_child") * fraction_child : 0.0,
                               frequency_child, dair_a * fraction_adult, frequency_adult);
    const double sfi = iur * 1000.0 * p.bw_a / dair_a;
    const double hazard =
        std::isnan(rfc) ? 0.0 : air * dose.noncancer / (rfc * dair_a / p.bw_a * share);
    return PathwayRisk{air * dose.cancer * sfi, hazard, hazard};
  };
  auto frequency = [&](const char* child, const char* adult, double fallback) {
    return std::pair{p.child && !epa ? e.get(child) : fallback, epa ? fallback : e.get(adult)};
  };
  const double gi = std::isnan(chemical.gi_absorption) ? 1.0 : chemical.gi_absorption;
  switch (pathway) {
  case Pathway::groundwater_ingestion: {
    PathwayRisk risk = oral(intake(p, p.child ? e.get("drinking_water_child") : 0.0, p.ef_c,
                                   e.get("drinking_water_adult"), p.ef_a));
    if (!(epa && p.child)) return risk;
    // us-epa resident tap water (RSL): household use adds inhalation of the chemicals a
    // volatile compound (H' > 4.09e-4, i.e. HLC > 1e-5 atm m3/mol, and MW < 200) releases into
    // indoor air, C_air = K C_w (Andelman K [L/m3]), and, with a permeability Kp, dermal
    // contact while bathing, DA_event (absorbed_per_event): the cancer dose with the
    // ED-weighted event time t_event,res-adj = (EDc t_c + EDa t_a) / ED of the RSL, the child's
    // non-cancer dose (and the vinyl chloride early-life term) with t_c.
    if (or_zero(chemical.henry) > 4.09e-4 && chemical.molecular_weight < 200.0) {
      const auto vapour = inhaled(e.get("water_volatilization_factor"), p.ef_c, p.ef_a);
      risk.cancer_risk += vapour.cancer_risk;
      risk.hazard_quotient += vapour.hazard_quotient;
      risk.inhaled_hazard_quotient += vapour.inhaled_hazard_quotient;
    }
    if (or_zero(chemical.water_permeability) > 0.0) {
      const double events = e.get("water_events_per_day");
      const double area_c = e.get("water_skin_area_child") * events;
      const double area_a = e.get("water_skin_area_adult") * events;
      const double time_c = e.get("water_event_time_child");
      const double time_a = e.get("water_event_time_adult");
      const double adjusted =
          absorbed_per_event(chemical, (p.ed_c * time_c + p.ed_a * time_a) / (p.ed_c + p.ed_a));
      const Intake dose = intake(p, area_c * adjusted, p.ef_c, area_a * adjusted, p.ef_a);
      const Intake child = intake(p, area_c * absorbed_per_event(chemical, time_c), p.ef_c,
                                  area_a * absorbed_per_event(chemical, time_a), p.ef_a);
      risk.cancer_risk += oral_cancer(dose, sfo / gi, sfo_mutagenic / gi, &child);
      if (!std::isnan(rfdo)) risk.hazard_quotient += child.noncancer / (rfdo * gi);
    }
    return risk;
  }
  case Pathway::soil_ingestion: {
    const double absorbed = kKilogramsPerMilligram * e.get("oral_absorption_factor");
    return oral(intake(p, p.child ? e.get("soil_ingestion_child") * absorbed : 0.0, p.ef_c,
                       e.get("soil_ingestion_adult") * absorbed, p.ef_a));
  }
  case Pathway::soil_dermal: {
    // Dermal dose per mg/kg: SAE SSAR Ev ABSd 1e-6 per day of exposure; SFd = SFo / GIABS,
    // RfDd = RfDo x GIABS.
    const double absorbed = or_zero(chemical.dermal_absorption) * kKilogramsPerMilligram *
                            e.get("dermal_events_per_day");
    const double adult =
        skin_area(e.get("height_adult"), p.bw_a, e.get("exposed_skin_fraction_adult")) *
        e.get("skin_surface_adherence_adult") * absorbed;
    const double child =
        p.child ? skin_area(e.get("height_child"), p.bw_c, e.get("exposed_skin_fraction_child")) *
                      e.get("skin_surface_adherence_child") * absorbed
                : 0.0;
    const Intake dose = intake(p, child, p.ef_c, adult, p.ef_a);
    return PathwayRisk{oral_cancer(dose, sfo / gi, sfo_mutagenic / gi),
                       std::isnan(rfdo) ? 0.0 : dose.noncancer / (rfdo * gi * share)};
  }
  case Pathway::soil_particulates: {
    // us-epa (RSL): C_air = C_soil / PEF [mg/m3 per mg/kg].
    if (epa) return inhaled(1.0 / e.get("particulate_emission_factor"), p.ef_c, p.ef_a);
    // HJ 25.3: PM10 [mg/m3] x 1e-6 kg/mg per mg/kg, retained PIAF; indoor and outdoor days
    // weighted by the particle fractions fspi, fspo.
    const double air =
        e.get("pm10") * kKilogramsPerMilligram * e.get("particle_retention_fraction");
    const double fi = e.get("indoor_particle_fraction"), fo = e.get("outdoor_particle_fraction");
    const auto [indoor_c, indoor_a] =
        frequency("indoor_exposure_frequency_child", "indoor_exposure_frequency_adult", 0.0);
    const auto [outdoor_c, outdoor_a] =
        frequency("outdoor_exposure_frequency_child", "outdoor_exposure_frequency_adult", 0.0);
    return inhaled(air, fi * indoor_c + fo * outdoor_c, fi * indoor_a + fo * outdoor_a);
  }
  case Pathway::indoor_vapour:
  case Pathway::soil_indoor_vapour: {
    const auto vf = volatilization_factors(chemical, e);
    const double air = pathway == Pathway::indoor_vapour ? vf.groundwater_indoor : vf.soil_indoor;
    const auto [c, a] =
        frequency("indoor_exposure_frequency_child", "indoor_exposure_frequency_adult", p.ef_a);
    return inhaled(air, c, a);
  }
  case Pathway::outdoor_vapour:
  case Pathway::soil_outdoor_vapour:
  case Pathway::surface_soil_outdoor_vapour: {
    // The surface layer's emission needs tau: a set without it stops here, naming it.
    if (pathway == Pathway::surface_soil_outdoor_vapour) e.get("vapour_exposure_duration");
    const auto vf = volatilization_factors(chemical, e);
    const double air = pathway == Pathway::outdoor_vapour        ? vf.groundwater_outdoor
                       : pathway == Pathway::soil_outdoor_vapour ? vf.soil_outdoor
                                                                 : vf.surface_soil_outdoor;
    const auto [c, a] =
        frequency("outdoor_exposure_frequency_child", "outdoor_exposure_frequency_adult", p.ef_a);
    return inhaled(air, c, a);
  }
  }
  return {};
}

double risk_based_concentration(const PathwayRisk& unit, double target_risk,
                                double target_quotient) {
  double value = std::numeric_limits<double>::infinity();
  if (unit.cancer_risk > 0.0) value = std::min(value, target_risk / unit.cancer_risk);
  if (unit.hazard_quotient > 0.0) value = std::min(value, target_quotient / unit.hazard_quotient);
  return value;
}

Compliance compliance(const std::vector<double>& times, const std::vector<double>& cancer_risk,
                      const std::vector<double>& hazard_index,
                      const std::vector<bool>& standards_met, double target_risk,
                      double target_quotient) {
  Compliance result;
  const std::size_t n = times.size();
  std::vector<bool> exceeds(n);
  for (std::size_t i = 0; i < n; ++i) {
    exceeds[i] =
        cancer_risk[i] > target_risk || hazard_index[i] > target_quotient || !standards_met[i];
    if (i == 0 || cancer_risk[i] > result.max_cancer_risk) {
      result.max_cancer_risk = cancer_risk[i];
      result.time_of_max = times[i];
    }
    result.max_hazard_index = std::max(result.max_hazard_index, hazard_index[i]);
  }
  result.time_to_target = std::numeric_limits<double>::quiet_NaN();
  for (std::size_t i = n; i-- > 0 && !exceeds[i];)
    result.time_to_target = times[i];
  for (std::size_t i = 0; i + 1 < n; ++i)
    result.years_exceeding += (times[i + 1] - times[i]) * 0.5 *
                              ((exceeds[i] ? 1.0 : 0.0) + (exceeds[i + 1] ? 1.0 : 0.0)) /
                              kDaysPerYear;
  return result;
}

} // namespace terrafate
