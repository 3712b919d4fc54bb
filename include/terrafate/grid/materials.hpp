#pragma once
// Material zones and the per-cell properties they give the grid. A cell takes the properties of
// the last material (in deck order) whose region contains its centre; every cell must belong to
// one material.
#include <array>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "terrafate/core/config.hpp"
#include "terrafate/grid/grid.hpp"

namespace terrafate {

/// A cell field stored in an HDF5 file: {hdf5: file.h5, dataset: /K}.
struct CellFieldRef {
  std::filesystem::path file; ///< resolved against the deck's folder
  std::string dataset;
  SourceLocation where;
  std::string key_path;
};

struct MaterialSpec {
  std::string name;
  Region region;
  /// [m/d] (kx, ky, kz), when given as numbers.
  std::optional<std::array<double, 3>> hydraulic_conductivity;
  /// Per-cell [m/d] field, when given as an HDF5 dataset.
  std::optional<CellFieldRef> hydraulic_conductivity_field;
  double porosity = 0.0;         ///< [-] in (0, 1]
  double specific_storage = 0.0; ///< [1/m]
  double bulk_density = 0.0;     ///< [kg/L] dry bulk density (sorption)
  double foc = 0.0;              ///< [-] fraction of organic carbon (Koc sorption)
  /// [m] longitudinal, transverse horizontal and transverse vertical dispersivity.
  std::array<double, 3> dispersivity{};
  double immobile_porosity = 0.0; ///< [-] dual domain: immobile pore space (0: none)
  double exchange_rate = 0.0;     ///< [1/d] first-order mobile-immobile mass transfer
  /// Water-table (unconfined) cells: the saturated thickness follows the head.
  bool convertible = false;
  /// [-] drainable porosity of a convertible cell (transient water-table flow), when given.
  std::optional<double> specific_yield;
  SourceLocation where;
  std::string key_path;
};

/// Reads `materials:` (a non-empty list). HDF5 paths are resolved against `deck_folder`;
/// regions are in site coordinates, mapped to the grid frame by `frame`.
std::vector<MaterialSpec> read_material_specs(const ConfigNode& node,
                                              const std::filesystem::path& deck_folder,
                                              const SiteFrame& frame);

/// Values of a cell field on this rank's owned block (x fastest) and its component count.
struct LoadedCellField {
  std::vector<double> values;
  int components = 1;
};
/// Reads a cell field for this rank's block; supplied by the application (io module).
using CellFieldLoader = std::function<LoadedCellField(const CellFieldRef&)>;

/// Per-cell properties on this rank: owned values plus a ghosted conductivity for face terms.
class Materials {
public:
  /// Collective. Throws InputError when a cell has no material or a field value is invalid.
  Materials(const Grid& grid, const std::vector<MaterialSpec>& specs,
            const CellFieldLoader& load_field);

  /// DMDA with 3 dof (kx, ky, kz) and a star stencil of width 1.
  DM conductivity_dm() const { return conductivity_dm_.get(); }
  /// Ghosted local vector of (kx, ky, kz) [m/d]; read with DMDAVecGetArrayDOFRead.
  Vec conductivity_local() const { return conductivity_local_.get(); }
  /// [m/d] conductivity of owned cell at owned index `n` along `axis`.
  double conductivity(long n, int axis) const { return conductivity_owned_[3 * n + axis]; }
  /// [-] porosity of owned cell at owned index `n`.
  double porosity(long n) const { return porosity_[n]; }
  /// [1/m] specific storage of owned cell at owned index `n`.
  double specific_storage(long n) const { return specific_storage_[n]; }
  /// [kg/L] bulk density of owned cell `n`.
  double bulk_density(long n) const { return bulk_density_[n]; }
  /// [-] fraction of organic carbon of owned cell `n`.
  double foc(long n) const { return foc_[n]; }
  /// [m] dispersivity (longitudinal, transverse horizontal, transverse vertical) of cell `n`.
  const std::array<double, 3>& dispersivity(long n) const {
    return dispersivity_[static_cast<std::size_t>(material_[n])];
  }
  /// [-] immobile porosity of owned cell `n` (0 without a dual domain).
  double immobile_porosity(long n) const {
    return immobile_[static_cast<std::size_t>(material_[n])][0];
  }
  /// [1/d] mobile-immobile exchange rate of owned cell `n`.
  double exchange_rate(long n) const {
    return immobile_[static_cast<std::size_t>(material_[n])][1];
  }
  /// Index into the spec list of the material of owned cell `n`.
  int material_of(long n) const { return material_[n]; }
  /// Whether owned cell `n`'s material is convertible (`materials[].convertible`).
  bool convertible(long n) const { return convertible_[static_cast<std::size_t>(material_[n])]; }
  /// [-] specific yield of owned cell `n`'s material, when given.
  std::optional<double> specific_yield(long n) const {
    return specific_yield_[static_cast<std::size_t>(material_[n])];
  }
  /// Where material `m` is defined in the deck (for errors about it).
  const SourceLocation& material_where(int m) const { return where_[static_cast<std::size_t>(m)]; }
  const std::string& material_key_path(int m) const {
    return key_path_[static_cast<std::size_t>(m)];
  }

  /// Collective: gives the cells whose centres lie in `region` an isotropic conductivity [m/d]
  /// and/or a porosity [-] (an installed structure: a reactive barrier, a cut-off wall); the
  /// other properties stay those of the cell's material. Returns the number of cells changed.
  long override_in_region(const Grid& grid, const Region& region,
                          std::optional<double> conductivity, std::optional<double> porosity);

  /// Multiplies the conductivity of the owned cells of material `material` by `factors` (one
  /// per owned cell, x fastest; other cells' entries are ignored): a random field.
  void multiply_conductivity(int material, const std::vector<double>& factors);

private:
  void update_conductivity_local();

  DmHandle conductivity_dm_;
  VecHandle conductivity_local_;
  std::vector<double> conductivity_owned_;
  std::vector<double> porosity_;
  std::vector<double> specific_storage_;
  std::vector<double> bulk_density_;
  std::vector<double> foc_;
  std::vector<std::array<double, 3>> dispersivity_; ///< per material
  std::vector<std::array<double, 2>> immobile_;     ///< per material: porosity, exchange rate
  std::vector<int> material_;
  std::vector<bool> convertible_;                     ///< per material
  std::vector<std::optional<double>> specific_yield_; ///< per material [-]
  std::vector<SourceLocation> where_;                 ///< per material
  std::vector<std::string> key_path_;                 ///< per material
};

} // namespace terrafate
