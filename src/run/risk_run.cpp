#include "terrafate/run/risk_run.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>

#include <fmt/format.h>

#include "terrafate/core/calendar.hpp"
#include "terrafate/io/atomic_file.hpp"

namespace terrafate {

namespace {
constexpr double kSurfaceSoilDepth = 0.5; ///< [m] surface soil (HJ 25.3): 0-0.5 m
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// The receptor's exposure set with the depths of the simulated soil column (review R6): with a
/// soil zone, the water table lies ground_surface - water_table below the ground (the top of the
/// uppermost active cell of the receptor's grid column; a plane receptor: the shallowest
/// column's), and the subsurface soil reaches from depth_to_subsurface_soil down to it; a value
/// the deck overrides (status `deck`) is kept. With water-table flow (`flow.water_table`) the
/// simulated water table moves within that cell and lies at or below its top: the depth used is
/// the shallowest the column reaches over any run, conservative for vapour intrusion.
ExposureSet receptor_exposure(const ExposureSet& table, const std::optional<SoilSpec>& soil,
                              const Grid& grid, const ReceptorSpec& receptor, bool water_table) {
  ExposureSet set = table;
  if (!soil) return set;
  const std::string source =
      water_table ? "the simulated soil column at its shallowest (soil.ground_surface - the top of "
                    "the uppermost active cell, the highest the simulated water table reaches)"
                  : "the simulated soil column (soil.ground_surface - the water table)";
  double depth = soil->depth(); // [m]
  if (!receptor.at_plane) {
    const auto i = grid.locate(0, receptor.position[0]), j = grid.locate(1, receptor.position[1]);
    if (i && j && soil->column(*i, *j).top_layer >= 0) depth = soil->column(*i, *j).depth;
  }
  const bool deck_depth =
      set.has("depth_to_groundwater") && set.values().at("depth_to_groundwater").status == "deck";
  if (!deck_depth) set.set("depth_to_groundwater", {depth, "m", source, "model"});
  const bool deck_thickness = set.has("subsurface_soil_thickness") &&
                              set.values().at("subsurface_soil_thickness").status == "deck";
  const double thickness = set.get("depth_to_groundwater") - set.get("depth_to_subsurface_soil");
  if (set.has("subsurface_soil_thickness") && !deck_thickness && thickness > 0.0)
    set.set("subsurface_soil_thickness", {thickness, "m", source, "model"});
  return set;
}

/// A contaminant's hazard by route from its total and inhaled hazard quotients (an oral part
/// below 1e-12 of the total is the round-off of an inhalation-only receptor).
RouteHazard route_hazard(double total, double inhaled) {
  const double oral = total - inhaled;
  return {oral > 1.0e-12 * total ? oral : 0.0, inhaled};
}

/// A number for the CSV files: `nan` when not defined.
std::string number(double value) {
  return std::isnan(value) ? std::string("nan") : fmt::format("{}", value);
}
} // namespace

RiskRun::RiskRun(const Model& model, const Deck& deck, const std::vector<int>& plane_faces,
                 const std::filesystem::path& folder, bool root)
    : model_(model), deck_(deck), spec_(*model.risk), plane_faces_(plane_faces), root_(root),
      risk_table_(folder / "risk.csv",
                  "time,receptor,species,pathway,cancer_risk,hazard_quotient,criterion,"
                  "standard_ratio",
                  root, deck.time.start_day()),
      plume_table_(folder / "plume.csv",
                   "time,species,standard_mg_per_L,area_above_standard_m2,"
                   "volume_above_standard_m3,dissolved_g,sorbed_g,immobile_g,soil_g,x_center,"
                   "y_center,z_center,x_spread,y_spread,z_spread",
                   root, deck.time.start_day()),
      organ_table_(folder / "risk_by_target_organ.csv",
                   "time,receptor,target_organ,hazard_index,species,species_without_organ_data,"
                   "judged",
                   root && model.risk->framework == "us-epa", deck.time.start_day()),
      compliance_path_(folder / "compliance.csv"), series_path_(folder / "receptor_series.csv") {
  // The receptors named by institutional controls and vapour mitigation exist; a land-use
  // change names a land use of the framework.
  for (const auto& action : model_.remediation) {
    auto names = action.receptors;
    names.insert(names.end(), action.land_use_receptors.begin(), action.land_use_receptors.end());
    for (const auto& name : names)
      if (std::none_of(spec_.receptors.begin(), spec_.receptors.end(),
                       [&](const auto& receptor) { return receptor.name == name; }))
        throw InputError(action.key_path, action.where,
                         fmt::format("action '{}' names receptor '{}', which risk.receptors does "
                                     "not define",
                                     action.name, name));
    if (!action.land_use.empty() && !spec_.exposure.count(action.land_use))
      throw InputError(action.key_path + ".land_use.to", action.where,
                       fmt::format("action '{}': '{}' is not a land use of {}", action.name,
                                   action.land_use, spec_.framework));
  }
  std::vector<ObservationPointSpec> points;
  for (const auto& receptor : spec_.receptors) {
    if (receptor.at_plane) {
      point_of_.push_back(-1);
      continue;
    }
    point_of_.push_back(static_cast<int>(points.size()));
    ObservationPointSpec point;
    point.name = receptor.name;
    point.position = receptor.position;
    point.where = receptor.where;
    point.key_path = receptor.key_path + ".position";
    points.push_back(point);
  }
  sampler_ = std::make_unique<PointSampler>(model.grid, points);
  cancer_.resize(spec_.receptors.size());
  hazard_.resize(spec_.receptors.size());
  site_cancer_.resize(spec_.receptors.size());
  site_hazard_.resize(spec_.receptors.size());
  standard_.resize(spec_.receptors.size());
  met_.resize(spec_.receptors.size());
  output_site_cancer_.resize(spec_.receptors.size());
  output_site_hazard_.resize(spec_.receptors.size());
  contaminant_cancer_.resize(spec_.receptors.size());
  contaminant_hazard_.resize(spec_.receptors.size());
  standard_ratio_.resize(spec_.receptors.size());
  last_values_.resize(spec_.receptors.size());

  // Unit risks, and the risk-based concentrations of each receptor's groundwater and soil
  // pathways together: min(target / sum CR per unit, 1 / sum HQ per unit); with them the soil
  // value that protects the groundwater (HJ 25.3 leaching, for the receptor's groundwater target:
  // its standard, else its groundwater risk-based concentration) and the soil saturation limit.
  std::string text =
      "receptor,species,medium,risk_based_concentration,unit,governed_by,"
      "soil_value_protecting_groundwater_mg_per_kg,soil_saturation_limit_mg_per_kg\n";
  for (const auto& receptor : spec_.receptors) {
    const auto exposure = receptor_exposure(spec_.exposure.at(receptor.land_use), model.soil,
                                            model.grid, receptor, model.flow.water_table);
    unit_.emplace_back();
    for (const auto& species : spec_.species) {
      PathwayRisk sums[2];
      for (const auto pathway : receptor.pathways) {
        const auto unit =
            species.chemical ? unit_risk(pathway, *species.chemical, exposure) : PathwayRisk{};
        unit_.back().push_back(unit);
        auto& sum = sums[is_soil_pathway(pathway) ? 1 : 0];
        sum.cancer_risk += unit.cancer_risk;
        sum.hazard_quotient += unit.hazard_quotient;
      }
      if (!species.chemical) continue;
      double groundwater_target = receptor_standard(receptor, species);
      if (std::isnan(groundwater_target) &&
          (sums[0].cancer_risk > 0.0 || sums[0].hazard_quotient > 0.0))
        groundwater_target =
            risk_based_concentration(sums[0], spec_.target_risk, spec_.target_quotient);
      const bool leaching = exposure.has("groundwater_darcy_velocity") &&
                            exposure.has("groundwater_mixing_thickness") &&
                            exposure.has("infiltration_rate");
      const double protecting =
          leaching && !std::isnan(groundwater_target)
              ? soil_value_protecting_groundwater(*species.chemical, exposure, groundwater_target)
              : kNaN;
      const double saturation = soil_saturation_limit(*species.chemical, exposure);
      for (int medium = 0; medium < 2; ++medium) {
        const auto& sum = sums[medium];
        if (!(sum.cancer_risk > 0.0) && !(sum.hazard_quotient > 0.0)) continue;
        const double value =
            risk_based_concentration(sum, spec_.target_risk, spec_.target_quotient);
        const bool cancer = sum.cancer_risk > 0.0 && value == spec_.target_risk / sum.cancer_risk;
        text += fmt::format(
            "{},{},{},{},{},{},{},{}\n", receptor.name, species.name,
            medium == 0 ? "groundwater" : "soil", value, medium == 0 ? "mg/L" : "mg/kg",
            cancer ? "cancer_risk" : "hazard_quotient", number(protecting), number(saturation));
      }
    }
  }
  if (root) io::write_file_atomically(folder / "risk_based_concentrations.csv", text);
  // The unit risks under each land-use change of a receptor.
  changed_unit_.resize(spec_.receptors.size());
  for (std::size_t a = 0; a < model_.remediation.size(); ++a) {
    const auto& action = model_.remediation[a];
    for (std::size_t r = 0; r < spec_.receptors.size(); ++r) {
      const auto& receptor = spec_.receptors[r];
      const auto& named = action.land_use_receptors;
      if (std::find(named.begin(), named.end(), receptor.name) == named.end()) continue;
      const auto exposure = receptor_exposure(spec_.exposure.at(action.land_use), model.soil,
                                              model.grid, receptor, model.flow.water_table);
      std::vector<PathwayRisk> units;
      for (const auto& species : spec_.species)
        for (const auto pathway : receptor.pathways)
          units.push_back(species.chemical ? unit_risk(pathway, *species.chemical, exposure)
                                           : PathwayRisk{});
      changed_unit_[r].emplace_back(a, units);
    }
  }
  // us-epa: the target organs of each receptor's contaminants, over the routes by which they
  // give hazard there (under its own land use or a later one).
  if (spec_.framework != "us-epa") return;
  for (const auto& species : spec_.species)
    chemicals_.push_back(species.chemical);
  for (std::size_t r = 0; r < spec_.receptors.size(); ++r) {
    const std::size_t paths = spec_.receptors[r].pathways.size();
    std::vector<RouteHazard> exposed(spec_.species.size());
    auto add = [&](const std::vector<PathwayRisk>& units) {
      for (std::size_t k = 0; k < units.size(); ++k) {
        const auto route = route_hazard(units[k].hazard_quotient, units[k].inhaled_hazard_quotient);
        exposed[k / paths].oral += route.oral;
        exposed[k / paths].inhaled += route.inhaled;
      }
    };
    add(unit_[r]);
    for (const auto& changed : changed_unit_[r])
      add(changed.second);
    organs_.push_back(target_organs(chemicals_, exposed));
  }
}

bool RiskRun::in_force(std::size_t a, double t) const {
  if (actions_) return actions_->in_effect(a, t);
  const auto& action = model_.remediation[a];
  return action.start <= t && t <= action.end;
}

const std::vector<PathwayRisk>& RiskRun::units_at(std::size_t r, double t) const {
  const std::vector<PathwayRisk>* units = &unit_[r];
  for (const auto& [a, changed] : changed_unit_[r])
    if (in_force(a, t)) units = &changed;
  return *units;
}

double RiskRun::control_factor(std::size_t r, Pathway pathway, double t) const {
  double factor = 1.0;
  for (std::size_t a = 0; a < model_.remediation.size(); ++a) {
    const auto& action = model_.remediation[a];
    if (!in_force(a, t) || std::find(action.receptors.begin(), action.receptors.end(),
                                     spec_.receptors[r].name) == action.receptors.end())
      continue;
    if (action.type == ActionType::institutional_control &&
        pathway == Pathway::groundwater_ingestion)
      factor = 0.0;
    if (action.type == ActionType::vapour_mitigation &&
        (pathway == Pathway::indoor_vapour || pathway == Pathway::soil_indoor_vapour))
      factor /= action.mitigation_factor;
  }
  return factor;
}

void RiskRun::step(double t, TransportSolver& transport, const SoilColumns* soil) {
  last_rows_ = evaluate(t, transport, soil);
}

std::optional<std::vector<double>>
RiskRun::organ_rows(std::size_t r, double t, const std::vector<ContaminantRisk>& contaminants,
                    std::vector<std::string>& rows) const {
  if (organs_.empty()) return std::nullopt; // hj25.3-2019: per contaminant
  std::vector<RouteHazard> hazards;
  for (const auto& c : contaminants)
    hazards.push_back(route_hazard(c.hazard_quotient, c.inhaled_hazard_quotient));
  const auto& organs = organs_[r];
  auto names = [&](const std::vector<std::size_t>& species) {
    std::string text;
    for (const std::size_t s : species)
      text += (text.empty() ? "" : ";") + spec_.species[s].name;
    return text;
  };
  std::vector<double> indices;
  for (const auto& group : hazard_by_target_organ(chemicals_, hazards, organs.organs)) {
    rows.push_back(fmt::format("{},{},{},{},{},{},{}", t, spec_.receptors[r].name, group.organ,
                               group.hazard_index, names(group.species), names(group.assumed),
                               organs.complete ? 1 : 0));
    indices.push_back(group.hazard_index);
  }
  if (!organs.complete) return std::nullopt; // judged per contaminant
  return indices;
}

std::vector<std::string> RiskRun::evaluate(double t, TransportSolver& transport,
                                           const SoilColumns* soil) {
  const auto& grid = model_.grid;
  const std::size_t species_count = spec_.species.size();
  std::vector<std::string> rows;
  // Groundwater concentrations at the point receptors (complete on rank 0).
  std::vector<std::vector<double>> at_points(species_count);
  for (std::size_t s = 0; s < species_count; ++s)
    at_points[s] = sampler_->sample(transport.concentration(s));
  times_.push_back(t);
  last_organ_rows_.clear();
  for (std::size_t r = 0; r < spec_.receptors.size(); ++r) {
    const auto& receptor = spec_.receptors[r];
    std::vector<double> groundwater(species_count, 0.0), surface, subsurface;
    if (receptor.at_plane) {
      // The flux-averaged concentration through the plane: mass discharge / water flow.
      std::size_t p = 0;
      while (deck_.observation_planes[p].name != receptor.plane)
        ++p;
      const int axis = deck_.observation_planes[p].axis;
      const double water = transport.plane_water_flow(axis, plane_faces_[p]);
      for (std::size_t s = 0; s < species_count; ++s) {
        const double discharge = transport.plane_discharge(s, axis, plane_faces_[p]);
        groundwater[s] = water > 0.0 ? std::max(0.0, discharge) / water : 0.0;
      }
    } else {
      // Interpolated values can lie a round-off below zero: no negative risk.
      for (std::size_t s = 0; s < species_count; ++s)
        groundwater[s] = std::max(0.0, at_points[s][static_cast<std::size_t>(point_of_[r])]);
    }
    surface.assign(species_count, 0.0);
    subsurface.assign(species_count, 0.0);
    if (soil && !receptor.at_plane) {
      const int i = *grid.locate(0, receptor.position[0]);
      const int j = *grid.locate(1, receptor.position[1]);
      surface = soil->column_concentration(i, j, 0.0, kSurfaceSoilDepth);
      subsurface = soil->column_concentration(i, j, kSurfaceSoilDepth,
                                              std::numeric_limits<double>::infinity());
    }
    // Per contaminant: CR and HQ summed over the pathways, judged against the targets each.
    std::vector<ContaminantRisk> contaminants(species_count);
    double worst_standard = kNaN;
    auto& last = last_values_[r];
    last.assign(2, 0.0); // the site totals, set below
    auto criterion = [&](double cr, double hq) {
      if (!(cr > 0.0) && !(hq > 0.0)) return "none";
      return cr / spec_.target_risk >= hq / spec_.target_quotient ? "cancer_risk"
                                                                  : "hazard_quotient";
    };
    for (std::size_t s = 0; s < species_count; ++s) {
      const auto& species = spec_.species[s];
      auto& contaminant = contaminants[s];
      bool soil_used = false;
      for (std::size_t n = 0; n < receptor.pathways.size(); ++n) {
        const auto pathway = receptor.pathways[n];
        const double concentration =
            !is_soil_pathway(pathway) ? groundwater[s]
            : (pathway == Pathway::soil_indoor_vapour || pathway == Pathway::soil_outdoor_vapour)
                ? subsurface[s]
                : surface[s];
        soil_used = soil_used || is_soil_pathway(pathway);
        const auto& unit = units_at(r, t)[s * receptor.pathways.size() + n];
        const double control = control_factor(r, pathway, t);
        const double cr = unit.cancer_risk * concentration * control;
        const double hq = unit.hazard_quotient * concentration * control;
        contaminant.cancer_risk += cr;
        contaminant.hazard_quotient += hq;
        contaminant.inhaled_hazard_quotient +=
            unit.inhaled_hazard_quotient * concentration * control;
        rows.push_back(fmt::format("{},{},{},{},{},{},{},nan", t, receptor.name, species.name,
                                   pathway_name(pathway), cr, hq, criterion(cr, hq)));
      }
      // Standards: the receptor's groundwater standard (a drinking-water standard only where it
      // drinks the groundwater, unless the receptor names one) and its explicit soil targets.
      // GB 36600-2018 screening values are triggers (soil_standards.csv), not targets.
      // standard_ratio: the largest concentration / standard (NaN where none applies).
      const double standard = receptor_standard(receptor, species);
      const double soil_target = soil_used ? receptor.soil_targets[s] : kNaN;
      const double in_soil = std::max(surface[s], subsurface[s]);
      const double standard_ratio = std::fmax(groundwater[s] / standard, in_soil / soil_target);
      worst_standard = std::fmax(worst_standard, standard_ratio);
      if (groundwater[s] > standard || in_soil > soil_target) contaminant.standard_met = false;
      const char* controlling = !contaminant.standard_met ? "standard"
                                                          : criterion(contaminant.cancer_risk,
                                                                      contaminant.hazard_quotient);
      rows.push_back(fmt::format("{},{},{},all,{},{},{},{}", t, receptor.name, species.name,
                                 contaminant.cancer_risk, contaminant.hazard_quotient, controlling,
                                 standard_ratio));
      last.insert(last.end(),
                  {contaminant.cancer_risk, contaminant.hazard_quotient, standard_ratio});
    }
    // us-epa: by target organ where every contaminant names its organs (RAGS A 8.2.2).
    const auto organ_hazard = organ_rows(r, t, contaminants, last_organ_rows_);
    const auto judgement = judge(contaminants, spec_.target_risk, spec_.target_quotient,
                                 organ_hazard ? &*organ_hazard : nullptr);
    rows.push_back(fmt::format("{},{},all,all,{},{},{},nan", t, receptor.name,
                               judgement.site_cancer_risk, judgement.site_hazard_index,
                               judgement.controlling));
    cancer_[r].push_back(judgement.max_cancer_risk);
    hazard_[r].push_back(judgement.max_hazard_index);
    site_cancer_[r].push_back(judgement.site_cancer_risk);
    site_hazard_[r].push_back(judgement.site_hazard_index);
    standard_[r].push_back(worst_standard);
    met_[r].push_back(judgement.met);
    last[0] = judgement.site_cancer_risk;
    last[1] = judgement.site_hazard_index;
  }
  return rows;
}

void RiskRun::output(double t, TransportSolver& transport, const SoilColumns* soil,
                     const std::vector<SpeciesBalance>& balances) {
  // The step that reached t has evaluated it already (not the initial output at t = 0).
  if (times_.empty() || times_.back() != t) last_rows_ = evaluate(t, transport, soil);
  for (const auto& row : last_rows_)
    risk_table_.add(row);
  risk_table_.flush();
  for (const auto& row : last_organ_rows_)
    organ_table_.add(row);
  organ_table_.flush();
  output_times_.push_back(t);
  for (std::size_t r = 0; r < spec_.receptors.size(); ++r) {
    const auto& last = last_values_[r];
    output_site_cancer_[r].push_back(last[0]);
    output_site_hazard_[r].push_back(last[1]);
    for (std::size_t v = 2; v < last.size(); v += 3) {
      contaminant_cancer_[r].push_back(last[v]);
      contaminant_hazard_[r].push_back(last[v + 1]);
      standard_ratio_[r].push_back(last[v + 2]);
    }
  }
  write_plume_rows(t, transport, balances);
}

void RiskRun::write_plume_rows(double t, TransportSolver& transport,
                               const std::vector<SpeciesBalance>& balances) {
  const auto& grid = model_.grid;
  const std::size_t species_count = spec_.species.size();
  // Plume: extent above the standard, mass per phase, spatial moments of the dissolved mass.
  const std::array<int, 3> cells{grid.cells(0), grid.cells(1), grid.cells(2)};
  const std::array<double, 3> middle{0.5 * (grid.lower(0) + grid.upper(0)),
                                     0.5 * (grid.lower(1) + grid.upper(1)),
                                     0.5 * (grid.lower(2) + grid.upper(2))};
  for (std::size_t s = 0; s < species_count; ++s) {
    const double standard = spec_.species[s].groundwater_standard;
    std::vector<int> above_column(static_cast<std::size_t>(cells[0]) * cells[1], 0);
    double sums[8] = {}; // volume above, mass, mass x, y, z, mass x^2, y^2, z^2
    const PetscScalar* c = nullptr;
    TF_PETSC_CHECK(VecGetArrayRead(transport.concentration(s), &c));
    for (int k = grid.owned_begin(2); k < grid.owned_end(2); ++k)
      for (int j = grid.owned_begin(1); j < grid.owned_end(1); ++j)
        for (int i = grid.owned_begin(0); i < grid.owned_end(0); ++i) {
          const long n = grid.owned_index(i, j, k);
          const double volume = grid.cell_volume(i, j, k);
          const double value = c[n];
          if (!std::isnan(standard) && value > standard) {
            sums[0] += volume;
            above_column[static_cast<std::size_t>(j) * cells[0] + i] = 1;
          }
          const double mass = model_.materials.porosity(n) * volume * value;
          // Moments about the grid's middle (less cancellation in the variance).
          const auto center = grid.cell_center(i, j, k);
          sums[1] += mass;
          for (int d = 0; d < 3; ++d) {
            const double x = center[d] - middle[d];
            sums[2 + d] += mass * x;
            sums[5 + d] += mass * x * x;
          }
        }
    TF_PETSC_CHECK(VecRestoreArrayRead(transport.concentration(s), &c));
    MPI_Allreduce(MPI_IN_PLACE, sums, 8, MPI_DOUBLE, MPI_SUM, grid.comm());
    MPI_Allreduce(MPI_IN_PLACE, above_column.data(), static_cast<int>(above_column.size()), MPI_INT,
                  MPI_MAX, grid.comm());
    double area = 0.0;
    for (int j = 0; j < cells[1]; ++j)
      for (int i = 0; i < cells[0]; ++i)
        if (above_column[static_cast<std::size_t>(j) * cells[0] + i])
          area += grid.width(0, i) * grid.width(1, j);
    double center[3], spread[3];
    for (int d = 0; d < 3; ++d) {
      const double mean = sums[2 + d] / sums[1];
      center[d] = sums[1] > 0.0 ? middle[d] + mean : std::nan("");
      spread[d] = sums[1] > 0.0 ? std::sqrt(std::max(0.0, sums[5 + d] / sums[1] - mean * mean))
                                : std::nan("");
    }
    const auto& b = balances[s];
    plume_table_.add(
        fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}", t, spec_.species[s].name,
                    number(standard), std::isnan(standard) ? std::string("nan") : number(area),
                    std::isnan(standard) ? std::string("nan") : number(sums[0]), b.dissolved,
                    b.sorbed, b.immobile, b.soil, number(center[0]), number(center[1]),
                    number(center[2]), number(spread[0]), number(spread[1]), number(spread[2])));
  }
  plume_table_.flush();
}

void RiskRun::save_state(StateRecord& record) const {
  record.values["risk/times"] = times_;
  std::vector<double> cancer, hazard, site_cancer, site_hazard, standard, met;
  for (std::size_t r = 0; r < cancer_.size(); ++r) {
    cancer.insert(cancer.end(), cancer_[r].begin(), cancer_[r].end());
    standard.insert(standard.end(), standard_[r].begin(), standard_[r].end());
    hazard.insert(hazard.end(), hazard_[r].begin(), hazard_[r].end());
    site_cancer.insert(site_cancer.end(), site_cancer_[r].begin(), site_cancer_[r].end());
    site_hazard.insert(site_hazard.end(), site_hazard_[r].begin(), site_hazard_[r].end());
    for (const bool value : met_[r])
      met.push_back(value ? 1.0 : 0.0);
  }
  record.values["risk/cancer"] = cancer;
  record.values["risk/hazard"] = hazard;
  record.values["risk/site_cancer"] = site_cancer;
  record.values["risk/site_hazard"] = site_hazard;
  record.values["risk/met"] = met;
  record.values["risk/standard"] = standard;
  // Per receptor, output time and contaminant: the `SPECIES,all` rows of risk.csv; per receptor
  // and output time, the `all,all` rows.
  const auto flat = [](const std::vector<std::vector<double>>& per_receptor) {
    std::vector<double> values;
    for (const auto& v : per_receptor)
      values.insert(values.end(), v.begin(), v.end());
    return values;
  };
  record.values["risk/output_times"] = output_times_;
  record.values["risk/output_site_cancer"] = flat(output_site_cancer_);
  record.values["risk/output_site_hazard"] = flat(output_site_hazard_);
  record.values["risk/contaminant_cancer"] = flat(contaminant_cancer_);
  record.values["risk/contaminant_hazard"] = flat(contaminant_hazard_);
  record.values["risk/standard_ratio"] = flat(standard_ratio_);
  record.values["risk/last_values"] = flat(last_values_);
  record.texts["tables/risk"] = risk_table_.text();
  record.texts["tables/plume"] = plume_table_.text();
  if (!organs_.empty()) record.texts["tables/risk_by_target_organ"] = organ_table_.text();
}

void RiskRun::load_state(const StateRecord& record) {
  times_ = record.value("risk/times");
  const auto& cancer = record.value("risk/cancer");
  const auto& hazard = record.value("risk/hazard");
  const auto& met = record.value("risk/met");
  const auto& site_cancer = record.value("risk/site_cancer");
  const auto& site_hazard = record.value("risk/site_hazard");
  const auto& standard = record.value("risk/standard");
  const std::size_t count = times_.size();
  for (std::size_t r = 0; r < cancer_.size(); ++r) {
    cancer_[r].assign(cancer.begin() + static_cast<long>(r * count),
                      cancer.begin() + static_cast<long>((r + 1) * count));
    hazard_[r].assign(hazard.begin() + static_cast<long>(r * count),
                      hazard.begin() + static_cast<long>((r + 1) * count));
    site_cancer_[r].assign(site_cancer.begin() + static_cast<long>(r * count),
                           site_cancer.begin() + static_cast<long>((r + 1) * count));
    site_hazard_[r].assign(site_hazard.begin() + static_cast<long>(r * count),
                           site_hazard.begin() + static_cast<long>((r + 1) * count));
    standard_[r].assign(standard.begin() + static_cast<long>(r * count),
                        standard.begin() + static_cast<long>((r + 1) * count));
    met_[r].clear();
    for (std::size_t n = 0; n < count; ++n)
      met_[r].push_back(met.at(r * count + n) != 0.0);
  }
  output_times_ = record.value("risk/output_times");
  const std::size_t outputs = output_times_.size();
  const std::size_t per_receptor = outputs * spec_.species.size();
  const std::tuple<const char*, std::vector<std::vector<double>>*, std::size_t> keys[] = {
      {"risk/output_site_cancer", &output_site_cancer_, outputs},
      {"risk/output_site_hazard", &output_site_hazard_, outputs},
      {"risk/contaminant_cancer", &contaminant_cancer_, per_receptor},
      {"risk/contaminant_hazard", &contaminant_hazard_, per_receptor},
      {"risk/standard_ratio", &standard_ratio_, per_receptor},
      {"risk/last_values", &last_values_, 2 + 3 * spec_.species.size()}};
  for (const auto& [key, per, size] : keys) {
    const auto& values = record.value(key);
    const std::size_t n = values.empty() ? 0 : size; // no last values before the first time
    for (std::size_t r = 0; r < per->size(); ++r)
      (*per)[r].assign(values.begin() + static_cast<long>(r * n),
                       values.begin() + static_cast<long>((r + 1) * n));
  }
  risk_table_.set_text(record.texts.at("tables/risk"));
  plume_table_.set_text(record.texts.at("tables/plume"));
  risk_table_.flush();
  plume_table_.flush();
  if (const auto found = record.texts.find("tables/risk_by_target_organ");
      found != record.texts.end() && !organs_.empty()) {
    organ_table_.set_text(found->second);
    organ_table_.flush();
  }
}

std::vector<ReceptorResult> RiskRun::receptor_results() const {
  std::vector<ReceptorResult> results;
  for (std::size_t r = 0; r < spec_.receptors.size(); ++r) {
    const auto c = compliance(times_, cancer_[r], hazard_[r], met_[r], spec_.target_risk,
                              spec_.target_quotient);
    results.push_back({spec_.receptors[r].name, c.time_to_target, c.max_cancer_risk, c.time_of_max,
                       c.max_hazard_index, c.years_exceeding, output_site_cancer_[r],
                       output_site_hazard_[r], contaminant_cancer_[r], contaminant_hazard_[r],
                       standard_ratio_[r], cancer_[r], hazard_[r], standard_[r]});
  }
  return results;
}

void RiskRun::finish() {
  if (!root_) return;
  // With time.start_date: the dates of the times, in columns added at the end.
  const std::optional<long> start_day = deck_.time.start_day();
  const auto date_of = [&](double t) {
    return "," + (std::isnan(t) ? std::string() : iso_date_at(*start_day, t));
  };
  std::string text = "receptor,time_to_target,max_cancer_risk,time_of_max,max_hazard_index,"
                     "years_exceeding,max_site_cancer_risk,max_site_hazard_index";
  text += start_day ? ",date_to_target,date_of_max\n" : "\n";
  const auto results = receptor_results();
  for (std::size_t r = 0; r < results.size(); ++r) {
    const auto& result = results[r];
    const auto& site_cancer = site_cancer_[r]; // over the series
    const auto& site_hazard = site_hazard_[r];
    text += fmt::format(
        "{},{},{},{},{},{},{},{}", result.name, number(result.time_to_target),
        result.max_cancer_risk, result.time_of_max, result.max_hazard_index, result.years_exceeding,
        site_cancer.empty() ? 0.0 : *std::max_element(site_cancer.begin(), site_cancer.end()),
        site_hazard.empty() ? 0.0 : *std::max_element(site_hazard.begin(), site_hazard.end()));
    if (start_day) text += date_of(result.time_to_target) + date_of(result.time_of_max);
    text += "\n";
  }
  io::write_file_atomically(compliance_path_, text);
  std::string series = "time,receptor,max_cancer_risk,max_hazard_index,max_standard_ratio,met";
  series += start_day ? ",date\n" : "\n";
  for (std::size_t n = 0; n < times_.size(); ++n)
    for (std::size_t r = 0; r < spec_.receptors.size(); ++r)
      series += fmt::format("{},{},{},{},{},{}{}\n", times_[n], spec_.receptors[r].name,
                            cancer_[r][n], hazard_[r][n], number(standard_[r][n]),
                            met_[r][n] ? 1 : 0, start_day ? date_of(times_[n]) : std::string());
  io::write_file_atomically(series_path_, series);
}

} // namespace terrafate
