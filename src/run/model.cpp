#include "terrafate/run/model.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <stdexcept>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "terrafate/core/csv_table.hpp"
#include "terrafate/core/petsc.hpp"
#include "terrafate/core/random.hpp"
#include "terrafate/io/cell_field_hdf5.hpp"
#include "terrafate/io/raster_gdal.hpp"
#include "terrafate/remediation/action_footprint.hpp"

namespace terrafate {

io::LocalBlock local_block(const Grid& grid) {
  io::LocalBlock block;
  for (int axis = 0; axis < 3; ++axis) {
    block.offset[axis] = grid.owned_begin(axis);
    block.count[axis] = grid.owned_count(axis);
  }
  return block;
}

namespace {
CellFieldLoader hdf5_loader(const Grid& grid) {
  return [&grid](const CellFieldRef& ref) {
    const std::array<int, 3> cells{grid.cells(0), grid.cells(1), grid.cells(2)};
    try {
      const auto shape = io::dataset_shape(ref.file, ref.dataset);
      const int components = shape.size() == 4 ? static_cast<int>(shape[3]) : 1;
      LoadedCellField field;
      field.components = components;
      field.values = io::read_cell_field(grid.comm(), ref.file, ref.dataset, cells,
                                         local_block(grid), components);
      return field;
    } catch (const std::runtime_error& e) {
      throw InputError(ref.key_path, ref.where, e.what());
    }
  };
}
} // namespace

Model::Model(MPI_Comm comm, const Deck& deck, const std::vector<ConductivityField>& fields)
    : grid(comm, deck.grid), materials(grid, deck.materials, hdf5_loader(grid)),
      flow(read_flow_spec(deck.root.at("flow"), grid, [&deck](Raster& raster) {
        const std::filesystem::path file = raster.file;
        const auto folder = deck.path.has_parent_path() ? deck.path.parent_path() : ".";
        io::load_raster(raster, file.is_absolute() ? file : folder / file);
      })) {
  for (const auto& field : fields) {
    if (!field.ln_factor.empty()) {
      if (field.ln_factor.size() != static_cast<std::size_t>(grid.total_cells()))
        throw std::invalid_argument(fmt::format("a conductivity field of {} cells for a grid of {}",
                                                field.ln_factor.size(), grid.total_cells()));
      std::vector<double> factors;
      for (int k = grid.owned_begin(2); k < grid.owned_end(2); ++k)
        for (int j = grid.owned_begin(1); j < grid.owned_end(1); ++j)
          for (int i = grid.owned_begin(0); i < grid.owned_end(0); ++i)
            factors.push_back(std::exp(field.ln_factor[static_cast<std::size_t>(
                i +
                grid.cells(0) * (static_cast<long>(j) + static_cast<long>(grid.cells(1)) * k))]));
      materials.multiply_conductivity(field.material, factors);
      continue;
    }
    const GaussianField gaussian({grid.centers(0), grid.centers(1), grid.centers(2)},
                                 field.correlation_length, field.seed, field.stream);
    auto factors = gaussian.block({grid.owned_begin(0), grid.owned_begin(1), grid.owned_begin(2)},
                                  {grid.owned_count(0), grid.owned_count(1), grid.owned_count(2)});
    for (auto& factor : factors)
      factor = std::pow(10.0, field.log10_std * factor);
    materials.multiply_conductivity(field.material, factors);
  }
  if (const auto node = deck.root.find("transport"))
    transport = read_transport_spec(*node, grid, flow, deck.materials);
  if (const auto node = deck.root.find("soil")) {
    if (!transport)
      throw node->error("the soil columns carry the transport's species: soil: needs a "
                        "transport: section");
    soil = read_soil_spec(*node, grid, *transport);
    // The soil columns follow the simulated water table with every cell convertible only.
    if (!flow.water_table)
      for (const auto& material : deck.materials)
        if (material.convertible)
          throw InputError(material.key_path + ".convertible", material.where,
                           fmt::format("material '{}' is convertible, but the soil columns follow "
                                       "the simulated water table only with flow.water_table: "
                                       "true (every cell convertible)",
                                       material.name));
  }
  if (const auto node = deck.root.find("remediation")) {
    remediation = read_remediation(*node, grid, deck.time.end, flow,
                                   transport ? &*transport : nullptr, soil ? &*soil : nullptr);
    // Installed structures (in place from the start): their conductivity and porosity.
    for (const auto& action : remediation)
      if (action.conductivity || action.porosity)
        materials.override_in_region(grid, action.region, action.conductivity, action.porosity);
  }
  if (const auto node = deck.root.find("risk")) {
    if (!transport) throw node->error("risk needs simulated concentrations: a transport: section");
    std::vector<std::pair<std::string, std::string>> species;
    for (const auto& entry : transport->species)
      species.emplace_back(entry.name, entry.chemical);
    risk = read_risk_spec(*node, species, read_csv_table(data_table_path("chemicals.csv")),
                          read_csv_table(data_table_path("exposure.csv")),
                          read_csv_table(data_table_path("standards.csv")));
    const auto receptors = node->at("receptors").elements();
    for (auto& receptor : risk->receptors) // deck positions are site coordinates
      if (!receptor.at_plane) receptor.position = grid.frame().to_grid(receptor.position);
    for (std::size_t r = 0; r < risk->receptors.size(); ++r) {
      const auto& receptor = risk->receptors[r];
      const ConfigNode& entry = receptors[r];
      if (receptor.at_plane &&
          std::none_of(deck.observation_planes.begin(), deck.observation_planes.end(),
                       [&](const auto& plane) { return plane.name == receptor.plane; }))
        throw entry.at("plane").error(
            fmt::format("no control plane named '{}' (observations.planes)", receptor.plane));
      if (!receptor.at_plane && !grid.inside(receptor.position))
        throw entry.at("position").error("the receptor lies outside the grid");
      if (!soil && std::any_of(receptor.pathways.begin(), receptor.pathways.end(),
                               [](Pathway p) { return is_soil_pathway(p); }))
        throw entry.at("pathways").error("soil pathways need simulated soil: a soil: section");
    }
  }
  if (const auto node = deck.root.find("carbon")) {
    auto spec = read_footprint_spec(*node, read_csv_table(data_table_path("emission_factors.csv")),
                                    read_csv_table(data_table_path("footprint_factors.csv")));
    std::vector<std::string> names;
    for (const auto& action : remediation)
      names.push_back(action.name);
    check_energy_supply_actions(*node, names);
    if (deck.time.start_date)
      spec.carbon.anchor = CalendarAnchor{deck.time.start_date->year, deck.time.start_date->month,
                                          deck.time.start_date->day};
    carbon = std::move(spec.carbon);
    indicators = std::move(spec.indicators);
    // Accident risk is worker hours x rates: every action must give the intensities of its
    // quantities, or its hours would count as 0.
    if (indicators.groups.count("accident"))
      for (const auto& action : remediation)
        if (const auto missing = missing_worker_hour_intensities(action); !missing.empty())
          throw InputError(action.key_path + "." + missing.front(),
                           action.worker_hours ? action.worker_hours->where : action.where,
                           fmt::format("carbon.indicators asks for accident (worker hours x "
                                       "rates): action '{}' must give {}",
                                       action.name, fmt::join(missing, ", ")));
    present_value = spec.present_value;
    // Every factor the actions will need must be known before the run.
    std::vector<LedgerLine> expected;
    for (const auto& action : remediation)
      for (const auto& [item, unit] : emitting_items(action))
        expected.push_back({action.name, action.type_name, item, 1.0, unit,
                            action.trigger ? action.trigger->every : action.start, action.end});
    try {
      terrafate::indicators(expected, footprint(expected, *carbon), indicators);
    } catch (const InputError& e) {
      throw node->error(e.what());
    }
  }
  if (!deck.output.fields.empty()) {
    const auto names = output_field_names(deck, *this);
    const auto listed = deck.root.at("output").at("fields").elements();
    for (std::size_t f = 0; f < listed.size(); ++f)
      if (std::find(names.begin(), names.end(), deck.output.fields[f]) == names.end())
        throw listed[f].error(fmt::format("no field '{}' in this model; the fields are {}",
                                          deck.output.fields[f], fmt::join(names, ", ")));
  }
  for (const auto& well : flow.wells)
    // (A triggered pump-and-treat's wells start when it fires: infinity before.)
    if (std::isfinite(well.start) && well.start >= deck.time.end && deck.time.end > 0.0)
      throw InputError(well.key_path, well.where,
                       fmt::format("well '{}' starts at {} d, at or after the end of the run "
                                   "({} d)",
                                   well.name, well.start, deck.time.end));
}

std::vector<double> stress_periods(const FlowSpec& flow, double end) {
  std::set<double> times{0.0, end};
  for (const auto& well : flow.wells)
    for (double t : {well.start, well.end})
      if (t > 0.0 && t < end) times.insert(t);
  for (const auto& cap : flow.caps)
    for (double t : {cap.start, cap.end})
      if (t > 0.0 && t < end) times.insert(t);
  // Steady flow is solved again at each point of a time series.
  std::vector<const TimeSeries*> series;
  for (const auto& boundary : flow.boundaries)
    for (const auto* one : boundary.all_series())
      series.push_back(one);
  for (const auto& well : flow.wells)
    if (well.rate_series) series.push_back(&*well.rate_series);
  for (const auto* one : series)
    for (const double t : one->times)
      if (t > 0.0 && t < end) times.insert(t);
  std::vector<double> periods(times.begin(), times.end());
  if (periods.size() == 1) periods.push_back(end); // end = 0: one instantaneous steady period
  return periods;
}

std::unique_ptr<SoilColumns> make_soil(const Model& model) {
  if (!model.soil) return nullptr;
  PetscReal max_courant = 0.1;
  TF_PETSC_CHECK(PetscOptionsGetReal(nullptr, nullptr, "-soil_max_courant", &max_courant, nullptr));
  if (!(max_courant > 0.0))
    throw InputError(fmt::format("-soil_max_courant must be positive (got {})", max_courant));
  return std::make_unique<SoilColumns>(model.grid, *model.soil, *model.transport, model.flow,
                                       max_courant);
}

std::vector<std::string> output_field_names(const Deck& deck, const Model& model) {
  std::vector<std::string> names{"head", "darcy_flux", "velocity"};
  if (!model.transport) return names;
  bool dual_domain = false;
  for (const auto& material : deck.materials)
    dual_domain = dual_domain || material.immobile_porosity > 0.0;
  for (const auto& species : model.transport->species) {
    names.push_back(species.name);
    if (dual_domain) names.push_back(species.name + "_immobile");
  }
  return names;
}

} // namespace terrafate
