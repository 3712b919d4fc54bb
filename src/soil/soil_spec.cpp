#include "terrafate/soil/soil_spec.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>
#include <mpi.h>

namespace terrafate {

namespace {
/// Relative conductivity K/Ks at effective saturation se in [0, 1]; 1 - (1 - x)^m is evaluated
/// as -expm1(m log1p(-x)), which keeps its precision at small saturations.
double relative_conductivity(double se, double m) {
  if (se <= 0.0) return 0.0;
  if (se >= 1.0) return 1.0;
  const double x = std::pow(se, 1.0 / m);
  const double bracket = -std::expm1(m * std::log1p(-x));
  return std::sqrt(se) * bracket * bracket;
}

VanGenuchten read_texture(const ConfigNode& node) {
  node.expect_keys({"alpha", "n", "theta_r", "theta_s", "ks"});
  VanGenuchten texture;
  texture.alpha = node.quantity("alpha", "1/m", Range::positive());
  texture.n = node.quantity("n", "1", Range{1.0, 20.0, true, false});
  texture.theta_s = node.quantity("theta_s", "1", Range::fraction_open_low());
  texture.theta_r = node.quantity("theta_r", "1", Range::unit_interval());
  if (!(texture.theta_r < texture.theta_s))
    throw node.at("theta_r").error(
        fmt::format("theta_r {} must be below theta_s {}", texture.theta_r, texture.theta_s));
  texture.ks = node.quantity("ks", "m/d", Range::positive());
  return texture;
}

/// The index of species `name`, a key of a map; errors point at its value `node`.
int species_index(const std::string& name, const ConfigNode& node, const TransportSpec& transport) {
  for (std::size_t s = 0; s < transport.species.size(); ++s)
    if (transport.species[s].name == name) return static_cast<int>(s);
  throw node.error(fmt::format("unknown species '{}'", name));
}

/// Collective: fills soil.columns (ground_surface and resolution read) with each grid column's
/// water table, the top of its uppermost active cell that is not pinched (flat layers without
/// inactive cells: the grid's top), sets soil.water_table to the highest of them and returns
/// the lowest [m].
double column_geometries(const Grid& grid, SoilSpec& soil) {
  const int nx = grid.cells(0), ny = grid.cells(1);
  std::vector<int> top(static_cast<std::size_t>(nx) * static_cast<std::size_t>(ny), -1);
  for (int k = grid.owned_begin(2); k < grid.owned_end(2); ++k)
    for (int j = grid.owned_begin(1); j < grid.owned_end(1); ++j)
      for (int i = grid.owned_begin(0); i < grid.owned_end(0); ++i)
        if (grid.active(i, j, k) && !grid.pinched(i, j, k))
          top[static_cast<std::size_t>(j) * static_cast<std::size_t>(nx) +
              static_cast<std::size_t>(i)] = k;
  MPI_Allreduce(MPI_IN_PLACE, top.data(), static_cast<int>(top.size()), MPI_INT, MPI_MAX,
                grid.comm());
  soil.columns_x = nx;
  soil.columns.assign(top.size(), SoilColumnGeometry{});
  double highest = -std::numeric_limits<double>::infinity();
  double lowest = std::numeric_limits<double>::infinity();
  for (int j = 0; j < ny; ++j)
    for (int i = 0; i < nx; ++i) {
      const std::size_t n =
          static_cast<std::size_t>(j) * static_cast<std::size_t>(nx) + static_cast<std::size_t>(i);
      auto& column = soil.columns[n];
      column.top_layer = top[n];
      if (column.top_layer < 0) continue;
      column.water_table = grid.cell_top(i, j, column.top_layer);
      column.depth = soil.ground_surface - column.water_table;
      if (column.depth > 0.0) {
        column.cells =
            static_cast<int>(std::ceil(column.depth / soil.resolution * (1.0 - 1.0e-12)));
        column.cell_size = column.depth / column.cells;
      }
      highest = std::max(highest, column.water_table);
      lowest = std::min(lowest, column.water_table);
    }
  soil.water_table = highest;
  return lowest;
}
} // namespace

double mualem_conductivity(const VanGenuchten& texture, double theta) {
  const double se = (theta - texture.theta_r) / (texture.theta_s - texture.theta_r);
  return texture.ks * relative_conductivity(se, 1.0 - 1.0 / texture.n);
}

double unit_gradient_moisture(const VanGenuchten& texture, double flux) {
  const double target = flux / texture.ks;
  if (target <= 0.0) return texture.theta_r;
  if (target >= 1.0) return texture.theta_s;
  const double m = 1.0 - 1.0 / texture.n;
  double low = 0.0, high = 1.0; // effective saturation; K is increasing in it
  while (true) {
    const double middle = 0.5 * (low + high);
    if (middle <= low || middle >= high) break; // adjacent doubles: converged to round-off
    (relative_conductivity(middle, m) < target ? low : high) = middle;
  }
  return texture.theta_r + 0.5 * (low + high) * (texture.theta_s - texture.theta_r);
}

int SoilSpec::layer_of(double depth) const {
  for (std::size_t l = 0; l < layers.size(); ++l)
    if (depth < layers[l].bottom) return static_cast<int>(l);
  return static_cast<int>(layers.size()) - 1;
}

SoilSpec read_soil_spec(const ConfigNode& node, const Grid& grid, const TransportSpec& transport) {
  node.expect_keys({"ground_surface", "layers", "zones", "resolution", "boundary_layer",
                    "report_depths", "land_use"});
  SoilSpec soil;
  soil.where = node.where();
  soil.key_path = node.key_path();
  soil.ground_surface = node.quantity("ground_surface", "m");
  soil.resolution = node.quantity_or("resolution", 0.05, "m", Range::positive());
  const double lowest = column_geometries(grid, soil); // [m] the lowest water table
  if (!(soil.ground_surface > soil.water_table))
    throw node.at("ground_surface")
        .error(fmt::format("the ground surface must lie above the top of the groundwater grid "
                           "(z = {} m, the water table)",
                           soil.water_table));
  const double depth = soil.depth();                   // [m] the shallowest column's
  const double deepest = soil.ground_surface - lowest; // [m] the deepest column's
  if (soil.resolution > depth)
    throw node.at("resolution")
        .error(fmt::format("the column cell size exceeds the unsaturated thickness ({} m)", depth));
  soil.cells = static_cast<int>(std::ceil(depth / soil.resolution * (1.0 - 1.0e-12)));
  soil.cell_size = depth / soil.cells;
  soil.boundary_layer = node.quantity_or("boundary_layer", 0.005, "m", Range::positive());
  if (const auto land_use = node.find("land_use"))
    soil.land_class = land_use->as_choice({"first_class", "second_class"}) == "first_class" ? 1 : 2;

  // Species: linear sorption and first-order decay only.
  for (const auto& species : transport.species) {
    if (species.isotherm != Isotherm::linear)
      throw InputError(species.sorption_key, species.sorption_where,
                       fmt::format("species '{}': the soil columns support linear sorption only "
                                   "(kd or koc)",
                                   species.name));
    if (species.zero_order)
      throw node.error(fmt::format("species '{}' has zero-order decay, which the soil columns "
                                   "do not support (first-order only)",
                                   species.name));
  }

  const ConfigNode layers = node.at("layers");
  double reached = 0.0;
  for (const auto& entry : layers.elements()) {
    entry.expect_keys(
        {"name", "top", "bottom", "texture", "bulk_density", "foc", "dispersivity", "decay"});
    SoilLayer layer;
    layer.name = entry.at("name").as_name("soil layer");
    layer.where = entry.where();
    layer.key_path = entry.key_path();
    layer.top = entry.quantity("top", "m", Range::non_negative());
    layer.bottom = entry.quantity("bottom", "m", Range::positive());
    if (std::abs(layer.top - reached) > 1.0e-9)
      throw entry.at("top").error(fmt::format(
          "layer '{}' starts at {} m, but the layers above end at {} m: layers are contiguous "
          "from depth 0",
          layer.name, layer.top, reached));
    if (!(layer.bottom > layer.top))
      throw entry.at("bottom").error(
          fmt::format("bottom {} m must be below top {} m", layer.bottom, layer.top));
    reached = layer.bottom;
    layer.texture = read_texture(entry.at("texture"));
    layer.bulk_density = entry.quantity("bulk_density", "kg/L", Range::positive());
    layer.foc = entry.quantity_or("foc", 0.0, "1", Range::unit_interval());
    layer.dispersivity = entry.quantity_or("dispersivity", 0.0, "m", Range::non_negative());
    for (const auto& species : transport.species)
      layer.decay.push_back({species.decay_rate, species.sorbed_decay_rate});
    if (const auto decay = entry.find("decay"))
      for (const auto& key : decay->keys()) {
        const ConfigNode rates = decay->at(key);
        const auto s = static_cast<std::size_t>(species_index(key, rates, transport));
        rates.expect_keys({"rate", "half_life", "sorbed_rate"});
        const auto [rate, sorbed] = read_first_order(rates);
        layer.decay[s] = {rate, sorbed};
      }
    soil.layers.push_back(layer);
    if (reached >= deepest - 1.0e-9) break; // deeper layers lie below every water table
  }
  if (soil.layers.empty()) throw layers.error("at least one layer is required");
  if (reached < deepest - 1.0e-9)
    throw layers.error(fmt::format("the layers end at {} m depth, above the water table at {} m "
                                   "depth (the top of the groundwater grid, z = {} m)",
                                   reached, deepest, lowest));

  const ConfigNode zones = node.at("zones");
  for (const auto& entry : zones.elements()) {
    entry.expect_keys({"name", "footprint", "depth", "concentrations"});
    SoilZone zone;
    zone.name = entry.at("name").as_name("soil zone");
    for (const auto& other : soil.zones)
      if (other.name == zone.name)
        throw entry.at("name").error(fmt::format("soil zone '{}' is defined twice", zone.name));
    const ConfigNode footprint = entry.at("footprint");
    footprint.expect_keys({"min", "max"});
    const auto low = footprint.at("min").as_vector<2>("m");
    const auto high = footprint.at("max").as_vector<2>("m");
    zone.footprint_min = low;
    zone.footprint_max = high;
    if (!(low[0] <= high[0] && low[1] <= high[1])) throw footprint.error("min must not exceed max");
    if (grid.frame().rotated()) {
      const SiteFrame& frame = grid.frame();
      zone.rotated_footprint =
          Polygon{{frame.to_grid(low), frame.to_grid(std::array<double, 2>{high[0], low[1]}),
                   frame.to_grid(high), frame.to_grid(std::array<double, 2>{low[0], high[1]})}};
      zone.footprint_min = zone.footprint_max = zone.rotated_footprint->vertices.front();
      for (const auto& vertex : zone.rotated_footprint->vertices)
        for (int d = 0; d < 2; ++d) {
          zone.footprint_min[d] = std::min(zone.footprint_min[d], vertex[d]);
          zone.footprint_max[d] = std::max(zone.footprint_max[d], vertex[d]);
        }
    }
    bool any = false;
    for (int j = 0; j < grid.cells(1) && !any; ++j)
      for (int i = 0; i < grid.cells(0) && !any; ++i)
        any = zone.covers(grid.center(0, i), grid.center(1, j));
    if (!any) throw footprint.error("the footprint contains no grid column centre (x, y)");
    const auto range = entry.at("depth").as_vector<2>("m", Range::non_negative());
    zone.depth_top = range[0];
    zone.depth_bottom = range[1];
    if (!(range[0] < range[1]))
      throw entry.at("depth").error("the depth interval must be [top, bottom] with top < bottom");
    // Every column under the footprint must reach the zone's bottom and hold a cell centre in it.
    for (int j = 0; j < grid.cells(1); ++j)
      for (int i = 0; i < grid.cells(0); ++i) {
        const auto& column = soil.column(i, j);
        if (column.top_layer < 0 || !zone.covers(grid.center(0, i), grid.center(1, j))) continue;
        if (range[1] > column.depth + 1.0e-9)
          throw entry.at("depth").error(
              fmt::format("the zone reaches {} m depth, below the water table at {} m depth (the "
                          "top of the groundwater grid)",
                          range[1], column.depth));
        bool holds_cell = false;
        for (int c = 0; c < column.cells; ++c)
          holds_cell =
              holds_cell || (column.cell_depth(c) >= range[0] && column.cell_depth(c) <= range[1]);
        if (!holds_cell)
          throw entry.at("depth").error(fmt::format(
              "the interval holds no column cell centre (cell size {} m)", column.cell_size));
      }
    zone.concentration.assign(transport.species.size(), 0.0);
    const ConfigNode concentrations = entry.at("concentrations");
    for (const auto& key : concentrations.keys()) {
      const auto s =
          static_cast<std::size_t>(species_index(key, concentrations.at(key), transport));
      zone.concentration[s] = concentrations.quantity(key, "mg/kg", Range::non_negative());
    }
    soil.zones.push_back(zone);
  }
  if (soil.zones.empty()) throw zones.error("at least one soil zone is required");

  if (const auto report = node.find("report_depths")) {
    soil.report_depths = report->as_quantity_list("m", Range::non_negative(), 2);
    for (std::size_t d = 1; d < soil.report_depths.size(); ++d)
      if (!(soil.report_depths[d] > soil.report_depths[d - 1]))
        throw report->error("report_depths must increase");
    if (soil.report_depths.back() > deepest + 1.0e-9)
      throw report->error(fmt::format(
          "report_depths reach below the water table ({} m depth, the top of the grid)", deepest));
  } else {
    soil.report_depths.push_back(0.0);
    for (const auto& layer : soil.layers)
      soil.report_depths.push_back(std::min(layer.bottom, deepest));
  }
  return soil;
}

SoilVolume soil_volume_in(const SoilSpec& soil, const Grid& grid, const Region& region) {
  SoilVolume total;
  for (int j = 0; j < grid.cells(1); ++j)
    for (int i = 0; i < grid.cells(0); ++i) {
      const double area = grid.width(0, i) * grid.width(1, j);
      const auto& column = soil.column(i, j);
      for (int c = 0; c < column.cells; ++c) {
        const double elevation = soil.ground_surface - column.cell_depth(c);
        if (!region.contains({grid.center(0, i), grid.center(1, j), elevation})) continue;
        const double volume = area * column.cell_size;
        total.volume += volume;
        // [kg/L] = [t/m3]
        total.dry_mass += soil.layers[static_cast<std::size_t>(soil.layer_of(column.cell_depth(c)))]
                              .bulk_density *
                          volume;
        ++total.cells;
      }
    }
  return total;
}

} // namespace terrafate
