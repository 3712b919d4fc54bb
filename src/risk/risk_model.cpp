#include "terrafate/risk/risk_model.hpp"

#include <cmath>
#include <limits>

#include <fmt/format.h>

namespace terrafate {

namespace {
constexpr double kCm2PerSecondToM2PerDay = 8.64; ///< 1 cm2/s = 1e-4 m2 x 86400 s/d
constexpr double kLitresPerCubicMetre = 1000.0;
constexpr double kKilogramsPerMilligram = 1.0e-6;
constexpr double kDaysPerYear = 365.0; ///< averaging times of the non-cancer doses (EPA)

constexpr const char* kPathwayNames[] = {
    "groundwater_ingestion", "indoor_vapour",     "outdoor_vapour",     "soil_ingestion",
    "soil_dermal",           "soil_particulates", "soil_indoor_vapour", "soil_outdoor_vapour"};

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
/// [m2/d]: (D/L)/(ER Lb) / [1 + (D/L)/(ER Lb) + (D/L)/((D_crack/L_crack) eta)].
double indoor_attenuation(double diffusion, double depth, const Chemical& chemical,
                          const ExposureSet& e) {
  const double exchange = e.get("air_exchange_rate") * 24.0; // [1/d]
  const double height = e.get("building_mixing_height");
  const double crack_diffusion =
      effective_diffusion(chemical, e.get("crack_water_content"), e.get("crack_air_content"),
                          e.get("crack_water_content") + e.get("crack_air_content"));
  const double crack = crack_diffusion / e.get("foundation_thickness") * e.get("crack_fraction");
  const double transfer = diffusion / depth;
  const double ventilation = exchange * height;
  return (transfer / ventilation) / (1.0 + transfer / ventilation + transfer / crack);
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
};

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
      p.at_nc = kDaysPerYear * p.ed_c; // the child's dose (RSL)
    } else {
      p.ed_a = total;
      p.at_nc = kDaysPerYear * total;
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
};
Intake intake(const Population& p, double rate_child, double frequency_child, double rate_adult,
              double frequency_adult) {
  Intake result;
  const double adult = rate_adult * frequency_adult * p.ed_a / p.bw_a;
  if (p.child) {
    const double child = rate_child * frequency_child * p.ed_c / p.bw_c;
    result.cancer = (child + adult) / p.at_ca;
    result.noncancer = child / p.at_nc;
  } else {
    result.cancer = adult / p.at_ca;
    result.noncancer = adult / p.at_nc;
  }
  return result;
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

VolatilizationFactors volatilization_factors(const Chemical& chemical, const ExposureSet& e) {
  VolatilizationFactors vf;
  const double henry = or_zero(chemical.henry);
  if (!(henry > 0.0) || !(or_zero(chemical.air_diffusion) > 0.0)) return vf;
  const double total = e.get("vadose_total_porosity");
  const double water = e.get("vadose_water_content");
  const double air = e.get("vadose_air_content");
  const double vadose = effective_diffusion(chemical, water, air, total);
  const double capillary = effective_diffusion(chemical, e.get("capillary_water_content"),
                                               e.get("capillary_air_content"), total);
  const double depth = e.get("depth_to_groundwater");
  const double fringe = e.get("capillary_fringe_thickness");
  if (!(depth > fringe))
    throw InputError(fmt::format("depth_to_groundwater ({} m) must exceed "
                                 "capillary_fringe_thickness ({} m) (risk.overrides)",
                                 depth, fringe));
  // Capillary fringe and vadose zone in series.
  const double diffusion_ws = depth / (fringe / capillary + (depth - fringe) / vadose);
  vf.groundwater_indoor =
      henry * kLitresPerCubicMetre * indoor_attenuation(diffusion_ws, depth, chemical, e);
  vf.groundwater_outdoor =
      henry * kLitresPerCubicMetre * outdoor_attenuation(diffusion_ws, depth, e);
  // Soil: gas concentration per total soil concentration, H rho_b / (theta_w + Kd rho_b +
  // H theta_a) [(mg/L)/(mg/kg)] x 1000 L/m3.
  const double density = e.get("soil_bulk_density");
  const double kd = or_zero(chemical.koc) * e.get("soil_organic_carbon");
  const double partition =
      henry * density / (water + kd * density + henry * air) * kLitresPerCubicMetre;
  const double soil_depth = e.get("depth_to_subsurface_soil");
  vf.soil_indoor = partition * indoor_attenuation(vadose, soil_depth, chemical, e);
  vf.soil_outdoor = partition * outdoor_attenuation(vadose, soil_depth, e);
  return vf;
}

PathwayRisk unit_risk(Pathway pathway, const Chemical& chemical, const ExposureSet& e) {
  const Population p = population(e);
  const bool epa = e.framework() == "us-epa";
  const double sfo = or_zero(chemical.oral_slope_factor);
  const double rfdo = chemical.oral_reference_dose;
  const double iur = or_zero(chemical.inhalation_unit_risk); // [(ug/m3)^-1]
  const double rfc = chemical.inhalation_reference_concentration;
  // Allocation factors (HJ 25.3: the share of the reference dose for this medium).
  const double water_share = epa ? 1.0 : e.get("water_allocation_factor");
  const double soil_share = epa ? 1.0 : e.get("soil_allocation_factor");
  const double share = is_soil_pathway(pathway) ? soil_share : water_share;
  auto oral = [&](const Intake& dose) {
    return PathwayRisk{dose.cancer * sfo, std::isnan(rfdo) ? 0.0 : dose.noncancer / (rfdo * share)};
  };
  // Inhalation of an air concentration `air` [mg/m3] per unit concentration in the medium.
  auto inhaled = [&](double air, double frequency_child, double frequency_adult,
                     double fraction_child = 1.0, double fraction_adult = 1.0) {
    if (epa) {
      // RSL: CR = IUR C_air EF ED ET/24 / AT; HQ = C_air EF ED ET/24 / (365 ED RfC).
      const double time = e.get("exposure_time") / 24.0;
      const double duration = p.ed_a + p.ed_c;
      const double exposure = p.ef_a * duration * time;
      return PathwayRisk{iur * 1000.0 * air * exposure / p.at_ca,
                         std::isnan(rfc) ? 0.0 : air * exposure / (kDaysPerYear * duration) / rfc};
    }
    // HJ 25.3: SFi = IUR x 1000 x BWa / DAIRa, RfDi = RfC x DAIRa / BWa.
    const double dair_a = e.get("air_intake_adult");
    const Intake dose = intake(p, p.child ? e.get("air_intake_child") * fraction_child : 0.0,
                               frequency_child, dair_a * fraction_adult, frequency_adult);
    const double sfi = iur * 1000.0 * p.bw_a / dair_a;
    return PathwayRisk{air * dose.cancer * sfi,
                       std::isnan(rfc) ? 0.0
                                       : air * dose.noncancer / (rfc * dair_a / p.bw_a * share)};
  };
  auto frequency = [&](const char* child, const char* adult, double fallback) {
    return std::pair{p.child && !epa ? e.get(child) : fallback, epa ? fallback : e.get(adult)};
  };
  switch (pathway) {
  case Pathway::groundwater_ingestion:
    return oral(intake(p, p.child ? e.get("drinking_water_child") : 0.0, p.ef_c,
                       e.get("drinking_water_adult"), p.ef_a));
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
    const double gi = std::isnan(chemical.gi_absorption) ? 1.0 : chemical.gi_absorption;
    return PathwayRisk{dose.cancer * sfo / gi,
                       std::isnan(rfdo) ? 0.0 : dose.noncancer / (rfdo * gi * share)};
  }
  case Pathway::soil_particulates: {
    // Air concentration of soil particles: PM10 [mg/m3] x 1e-6 kg/mg per mg/kg, retained PIAF.
    const double air =
        e.get("pm10") * kKilogramsPerMilligram * e.get("particle_retention_fraction");
    if (epa) return inhaled(air, p.ef_c, p.ef_a);
    // HJ 25.3: indoor and outdoor days weighted by the particle fractions fspi, fspo.
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
  case Pathway::soil_outdoor_vapour: {
    const auto vf = volatilization_factors(chemical, e);
    const double air =
        pathway == Pathway::outdoor_vapour ? vf.groundwater_outdoor : vf.soil_outdoor;
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
                              ((exceeds[i] ? 1.0 : 0.0) + (exceeds[i + 1] ? 1.0 : 0.0)) / 365.25;
  return result;
}

} // namespace terrafate
