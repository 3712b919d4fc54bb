#pragma once
// The unsaturated zone (deck key `soil:`): layers by depth below the ground surface with their
// van Genuchten-Mualem texture, soil zones with initial contaminant concentrations, and the
// vertical column discretization. The groundwater grid lies below the ground surface; its top
// face is the water table (terrafate's saturated flow model fills the grid), so each soil
// column spans from the ground surface down to the top of the grid. With water-table flow
// (`flow.water_table`) that is the shallowest the column reaches: SoilColumns follows the
// simulated water table below it (SoilColumns::follow_water_table).
#include <array>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "terrafate/core/config.hpp"
#include "terrafate/grid/grid.hpp"
#include "terrafate/transport/transport_spec.hpp"

namespace terrafate {

/// van Genuchten (1980) retention with Mualem's (1976) conductivity model.
struct VanGenuchten {
  double alpha = 0.0;   ///< [1/m]
  double n = 0.0;       ///< [-] > 1
  double theta_r = 0.0; ///< [-] residual water content
  double theta_s = 0.0; ///< [-] saturated water content (the soil's porosity)
  double ks = 0.0;      ///< [m/d] saturated hydraulic conductivity
};

/// [m/d] Mualem conductivity at water content theta:
/// K = Ks Se^(1/2) [1 - (1 - Se^(1/m))^m]^2, Se = (theta - theta_r)/(theta_s - theta_r),
/// m = 1 - 1/n.
double mualem_conductivity(const VanGenuchten& texture, double theta);

/// [-] The water content at which a layer drains a steady downward flux `flux` [m/d] under unit
/// gradient, K(theta) = flux: the inversion of mualem_conductivity (bisection on Se to round-off).
/// flux must lie in [0, Ks].
double unit_gradient_moisture(const VanGenuchten& texture, double flux);

struct SoilLayer {
  std::string name;
  double top = 0.0, bottom = 0.0; ///< [m] depth below the ground surface
  VanGenuchten texture;
  double bulk_density = 0.0; ///< [kg/L] dry bulk density
  double foc = 0.0;          ///< [-] fraction of organic carbon (Koc sorption)
  double dispersivity = 0.0; ///< [m] longitudinal (vertical) dispersivity
  /// Per species: dissolved and sorbed first-order rates [1/d] in this layer (the species' own
  /// unless the layer's `decay` overrides them).
  std::vector<std::array<double, 2>> decay;
  SourceLocation where;
  std::string key_path;
};

/// A contaminated soil zone: columns whose centres lie in the footprint start with the given
/// total concentrations between the two depths.
struct SoilZone {
  std::string name;
  std::array<double, 2> footprint_min{}, footprint_max{}; ///< [m] x, y (grid frame)
  /// On a rotated grid (`grid.rotation`) the footprint, a rectangle in site x-y, in the grid
  /// frame; unset otherwise (the box above is the footprint).
  std::optional<Polygon> rotated_footprint;
  double depth_top = 0.0, depth_bottom = 0.0; ///< [m] below the ground surface
  std::vector<double> concentration;          ///< [mg/kg dry soil] total, per species
  /// Whether grid-frame point (x, y) [m] lies in the footprint.
  bool covers(double x, double y) const {
    if (rotated_footprint) return rotated_footprint->contains(x, y);
    return footprint_min[0] <= x && x <= footprint_max[0] && footprint_min[1] <= y &&
           y <= footprint_max[1];
  }
};

/// Soil vapour extraction: over [start, end) the soil gas of the column cells whose centres lie
/// in `region` (x, y and elevation) is removed at `rate` [1/d] (first order in the gas phase).
struct GasExtraction {
  std::string name;
  Region region;
  double rate = 0.0;                                    ///< [1/d]
  double start = 0.0;                                   ///< [d]
  double end = std::numeric_limits<double>::infinity(); ///< [d]
  bool active_during(double begin, double finish) const { return start <= begin && finish <= end; }
};

/// The soil column above one grid column: from the ground surface down to the column's water
/// table, the top of its uppermost active (not pinched) grid cell. Flat layers: the grid's top.
struct SoilColumnGeometry {
  int top_layer = -1;       ///< the grid layer below (-1: no active cell, no column)
  double water_table = 0.0; ///< [m] elevation
  double depth = 0.0;       ///< [m] ground surface - water table
  int cells = 0;            ///< ceil(depth / resolution)
  double cell_size = 0.0;   ///< [m] depth / cells
  /// [m] depth of the centre of column cell c (0 at the top).
  double cell_depth(int c) const { return (c + 0.5) * cell_size; }
};

struct SoilSpec {
  double ground_surface = 0.0; ///< [m] elevation
  /// [m] elevation: the highest water table of the columns (flat layers: the grid's top)
  double water_table = 0.0;
  double resolution = 0.05; ///< [m] requested column cell size
  int cells = 0;            ///< per column: ceil(depth / resolution)
  double cell_size = 0.0;   ///< [m] (ground_surface - water_table) / cells
  /// [m] still-air boundary layer above the surface through which the soil gas volatilizes
  /// (Jury et al. 1983: 0.005 m)
  double boundary_layer = 0.005;
  std::vector<SoilLayer> layers;     ///< contiguous from depth 0 to the deepest water table
  std::vector<SoilZone> zones;       ///< at least one
  std::vector<double> report_depths; ///< [m] bounds of the depth intervals of soil.csv
  /// GB 36600-2018 land use class whose values soil_standards.csv compares with (1: first
  /// class, 2: second class; 0: none)
  int land_class = 0;
  std::vector<GasExtraction> extractions; ///< from remediation actions
  SourceLocation where;
  std::string key_path;
  /// Per grid column (x fastest, the whole grid): its soil column's geometry.
  std::vector<SoilColumnGeometry> columns;
  int columns_x = 0; ///< grid cells along x

  /// [m] the shallowest column's depth to water (flat layers: every column's)
  double depth() const { return ground_surface - water_table; }
  /// [m] depth of the centre of column cell c (0 at the top) of the shallowest column.
  double cell_depth(int c) const { return (c + 0.5) * cell_size; }
  /// The soil column above grid column (i, j).
  const SoilColumnGeometry& column(int i, int j) const {
    return columns[static_cast<std::size_t>(j) * static_cast<std::size_t>(columns_x) +
                   static_cast<std::size_t>(i)];
  }
  /// Index into `layers` of the layer holding depth `depth` [m].
  int layer_of(double depth) const;
};

/// Reads `soil:`. Species come from the transport input (sorption Kd or Koc x foc, first-order
/// decay, Henry's constant and air diffusion); each grid column's top (its uppermost active
/// cell's) is its water table. Collective over the grid's communicator.
SoilSpec read_soil_spec(const ConfigNode& node, const Grid& grid, const TransportSpec& transport);

/// [m3] volume and [t] dry mass of the soil column cells (of every grid column, contaminated or
/// not) whose centres lie in `region`; the same on every rank.
struct SoilVolume {
  double volume = 0.0;
  double dry_mass = 0.0;
  long cells = 0;
};
SoilVolume soil_volume_in(const SoilSpec& soil, const Grid& grid, const Region& region);

} // namespace terrafate
