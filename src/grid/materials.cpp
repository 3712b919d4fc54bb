#include "terrafate/grid/materials.hpp"

#include <cmath>

#include <fmt/format.h>

namespace terrafate {

namespace {
CellFieldRef read_field_ref(const ConfigNode& node, const std::filesystem::path& deck_folder) {
  node.expect_keys({"hdf5", "dataset"});
  CellFieldRef ref;
  ref.file = node.string("hdf5");
  if (ref.file.is_relative()) ref.file = deck_folder / ref.file;
  ref.dataset = node.string("dataset");
  ref.where = node.where();
  ref.key_path = node.key_path();
  return ref;
}
} // namespace

std::vector<MaterialSpec> read_material_specs(const ConfigNode& node,
                                              const std::filesystem::path& deck_folder,
                                              const SiteFrame& frame) {
  const auto entries = node.elements();
  if (entries.empty()) throw node.error("at least one material is required");
  std::vector<MaterialSpec> specs;
  for (const auto& entry : entries) {
    entry.expect_keys({"name", "region", "hydraulic_conductivity", "porosity", "specific_storage",
                       "bulk_density", "foc", "dispersivity", "immobile", "convertible",
                       "specific_yield"});
    MaterialSpec spec;
    spec.name = entry.at("name").as_name("material");
    for (const auto& other : specs)
      if (other.name == spec.name)
        throw entry.at("name").error(fmt::format("material '{}' is defined twice", spec.name));
    spec.region = read_region(entry.at("region"), frame);
    const ConfigNode conductivity = entry.at("hydraulic_conductivity");
    if (conductivity.is_map()) {
      spec.hydraulic_conductivity_field = read_field_ref(conductivity, deck_folder);
    } else if (conductivity.is_sequence()) {
      spec.hydraulic_conductivity = conductivity.as_vector<3>("m/d", Range::positive());
    } else {
      const double k = conductivity.as_quantity("m/d", Range::positive());
      spec.hydraulic_conductivity = std::array<double, 3>{k, k, k};
    }
    spec.porosity = entry.quantity("porosity", "1", Range::fraction_open_low());
    spec.specific_storage =
        entry.quantity_or("specific_storage", 0.0, "1/m", Range::non_negative());
    spec.bulk_density = entry.quantity_or("bulk_density", 0.0, "kg/L", Range::non_negative());
    spec.foc = entry.quantity_or("foc", 0.0, "1", Range::unit_interval());
    if (const auto dispersivity = entry.find("dispersivity"))
      spec.dispersivity = dispersivity->as_vector<3>("m", Range::non_negative());
    if (const auto immobile = entry.find("immobile")) {
      immobile->expect_keys({"porosity", "exchange_rate"});
      spec.immobile_porosity = immobile->quantity("porosity", "1", Range::fraction_open_low());
      spec.exchange_rate = immobile->quantity("exchange_rate", "1/d", Range::non_negative());
      if (spec.porosity + spec.immobile_porosity > 1.0)
        throw immobile->at("porosity")
            .error(fmt::format("mobile + immobile porosity = {} exceeds 1",
                               spec.porosity + spec.immobile_porosity));
    }
    if (const auto convertible = entry.find("convertible"))
      spec.convertible = convertible->as_bool();
    if (entry.has("specific_yield"))
      spec.specific_yield = entry.quantity("specific_yield", "1", Range::fraction_open_low());
    spec.where = entry.where();
    spec.key_path = entry.key_path();
    specs.push_back(std::move(spec));
  }
  return specs;
}

Materials::Materials(const Grid& grid, const std::vector<MaterialSpec>& specs,
                     const CellFieldLoader& load_field) {
  const long owned = grid.owned_cells();
  material_.assign(static_cast<std::size_t>(owned), -1);
  for (int m = 0; m < static_cast<int>(specs.size()); ++m) {
    grid.require_cells_in(specs[m].region);
    for (int k = grid.owned_begin(2); k < grid.owned_end(2); ++k)
      for (int j = grid.owned_begin(1); j < grid.owned_end(1); ++j)
        for (int i = grid.owned_begin(0); i < grid.owned_end(0); ++i)
          if (specs[m].region.contains(grid.cell_center(i, j, k)))
            material_[grid.owned_index(i, j, k)] = m;
  }
  // Uncovered cells: agree on the first one over all ranks so every rank throws the same error.
  long first_uncovered = grid.total_cells();
  for (int k = grid.owned_begin(2); k < grid.owned_end(2); ++k)
    for (int j = grid.owned_begin(1); j < grid.owned_end(1); ++j)
      for (int i = grid.owned_begin(0); i < grid.owned_end(0); ++i)
        if (material_[grid.owned_index(i, j, k)] < 0)
          first_uncovered = std::min(
              first_uncovered, (static_cast<long>(k) * grid.cells(1) + j) * grid.cells(0) + i);
  MPI_Allreduce(MPI_IN_PLACE, &first_uncovered, 1, MPI_LONG, MPI_MIN, grid.comm());
  if (first_uncovered < grid.total_cells()) {
    const long i = first_uncovered % grid.cells(0);
    const long j = (first_uncovered / grid.cells(0)) % grid.cells(1);
    const long k = first_uncovered / (static_cast<long>(grid.cells(0)) * grid.cells(1));
    throw InputError(
        "materials", SourceLocation{specs.front().where.file, specs.front().where.line, 0},
        fmt::format("cell ({}, {}, {}) centred at ({}, {}, {}) belongs to no material; "
                    "give a material with region: all first",
                    i, j, k, grid.center(0, i), grid.center(1, j), grid.center(2, k)));
  }

  conductivity_owned_.assign(static_cast<std::size_t>(3 * owned), 0.0);
  porosity_.resize(static_cast<std::size_t>(owned));
  specific_storage_.resize(static_cast<std::size_t>(owned));
  bulk_density_.resize(static_cast<std::size_t>(owned));
  foc_.resize(static_cast<std::size_t>(owned));
  for (const auto& spec : specs) {
    dispersivity_.push_back(spec.dispersivity);
    immobile_.push_back({spec.immobile_porosity, spec.exchange_rate});
    convertible_.push_back(spec.convertible);
    specific_yield_.push_back(spec.specific_yield);
    where_.push_back(spec.where);
    key_path_.push_back(spec.key_path);
  }
  for (int m = 0; m < static_cast<int>(specs.size()); ++m) {
    const auto& spec = specs[m];
    std::optional<LoadedCellField> field;
    if (spec.hydraulic_conductivity_field) {
      field = load_field(*spec.hydraulic_conductivity_field);
      if (field->components != 1 && field->components != 3)
        throw InputError(spec.hydraulic_conductivity_field->key_path,
                         spec.hydraulic_conductivity_field->where,
                         "the conductivity field must have 1 or 3 components per cell");
    }
    int invalid = 0;
    for (long n = 0; n < owned; ++n) {
      if (material_[n] != m) continue;
      for (int axis = 0; axis < 3; ++axis) {
        double k = 0.0;
        if (field)
          k = field->values[static_cast<std::size_t>(n * field->components +
                                                     (field->components == 3 ? axis : 0))];
        else
          k = (*spec.hydraulic_conductivity)[axis];
        if (!(std::isfinite(k) && k > 0.0)) invalid = 1;
        conductivity_owned_[3 * n + axis] = k;
      }
      porosity_[n] = spec.porosity;
      specific_storage_[n] = spec.specific_storage;
      bulk_density_[n] = spec.bulk_density;
      foc_[n] = spec.foc;
    }
    MPI_Allreduce(MPI_IN_PLACE, &invalid, 1, MPI_INT, MPI_MAX, grid.comm());
    if (invalid)
      throw InputError(spec.hydraulic_conductivity_field->key_path,
                       spec.hydraulic_conductivity_field->where,
                       "the conductivity field has values that are not positive and finite");
  }

  conductivity_dm_ = grid.create_compatible_dm(3, DMDA_STENCIL_STAR, 1);
  TF_PETSC_CHECK(DMCreateLocalVector(conductivity_dm_, conductivity_local_.out()));
  update_conductivity_local();
}

void Materials::update_conductivity_local() {
  VecHandle global;
  TF_PETSC_CHECK(DMCreateGlobalVector(conductivity_dm_, global.out()));
  {
    PetscScalar* values = nullptr;
    TF_PETSC_CHECK(VecGetArray(global, &values));
    std::copy(conductivity_owned_.begin(), conductivity_owned_.end(), values);
    TF_PETSC_CHECK(VecRestoreArray(global, &values));
  }
  TF_PETSC_CHECK(DMGlobalToLocal(conductivity_dm_, global, INSERT_VALUES, conductivity_local_));
}

long Materials::override_in_region(const Grid& grid, const Region& region,
                                   std::optional<double> conductivity,
                                   std::optional<double> porosity) {
  long changed = 0;
  for (int k = grid.owned_begin(2); k < grid.owned_end(2); ++k)
    for (int j = grid.owned_begin(1); j < grid.owned_end(1); ++j)
      for (int i = grid.owned_begin(0); i < grid.owned_end(0); ++i) {
        if (!region.contains(grid.cell_center(i, j, k))) continue;
        const long n = grid.owned_index(i, j, k);
        if (conductivity)
          for (int axis = 0; axis < 3; ++axis)
            conductivity_owned_[static_cast<std::size_t>(3 * n + axis)] = *conductivity;
        if (porosity) porosity_[static_cast<std::size_t>(n)] = *porosity;
        ++changed;
      }
  update_conductivity_local();
  MPI_Allreduce(MPI_IN_PLACE, &changed, 1, MPI_LONG, MPI_SUM, grid.comm());
  return changed;
}

void Materials::multiply_conductivity(int material, const std::vector<double>& factors) {
  for (std::size_t n = 0; n < material_.size(); ++n)
    if (material_[n] == material)
      for (std::size_t axis = 0; axis < 3; ++axis)
        conductivity_owned_[3 * n + axis] *= factors[n];
  update_conductivity_local();
}

} // namespace terrafate
