#include "terrafate/grid/grid.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <string>

#include <fmt/format.h>

#include "terrafate/core/resources.hpp"

namespace terrafate {

namespace {
constexpr const char* kAxisNames[3] = {"x", "y", "z"};
/// Cells beyond this many in total would overflow 32-bit PetscInt indexing of the DMDA.
constexpr double kMaxCells = 2.0e9;

/// Refuses `total` cells beyond kMaxCells or beyond the memory available (flow alone; the
/// transport's species are checked when its section is read), before anything is allocated.
void check_cells(const ConfigNode& node, double total) {
  if (total > kMaxCells)
    throw node.error(fmt::format("{:.3g} cells exceed the limit of {:.3g}", total, kMaxCells));
  require_memory(total, 0, node);
}

/// One entry of grid.top / grid.bottoms: a number [m], a raster file name, or {hdf5, dataset}.
SurfaceSpec read_surface(const ConfigNode& node) {
  SurfaceSpec surface;
  surface.key_path = node.key_path();
  surface.where = node.where();
  if (node.is_map()) {
    node.expect_keys({"hdf5", "dataset"});
    surface.hdf5_file = node.at("hdf5").as_string();
    surface.hdf5_dataset = node.at("dataset").as_string();
  } else if (!node.is_scalar()) {
    throw node.error("expected an elevation [m], a raster file or {hdf5: file, dataset: path}");
  } else {
    const std::string text = node.as_string();
    const bool numeric = !text.empty() && (std::isdigit(static_cast<unsigned char>(text[0])) ||
                                           text[0] == '-' || text[0] == '+' || text[0] == '.');
    if (numeric) {
      try {
        surface.elevation = node.as_quantity("m");
        return surface;
      } catch (const InputError&) {
        // not a number: a file whose name starts with a digit
      }
    }
    surface.raster.emplace();
    surface.raster->file = text;
    surface.raster->key_path = surface.key_path;
    surface.raster->where = surface.where;
  }
  return surface;
}
} // namespace

GridSpec read_grid_spec(const ConfigNode& node) {
  node.expect_keys(
      {"origin", "crs", "rotation", "size", "cells", "spacing", "idomain", "top", "bottoms"});
  GridSpec spec;
  // grid.top and grid.bottoms (MODFLOW 6 order: the top layer's bottom first).
  if (node.has("top") != node.has("bottoms"))
    throw node.at(node.has("top") ? "top" : "bottoms")
        .error("give grid.top and grid.bottoms together");
  std::optional<ConfigNode> bottoms_node = node.find("bottoms");
  if (bottoms_node) {
    spec.surfaces.push_back(read_surface(node.at("top")));
    if (!bottoms_node->is_sequence() || bottoms_node->elements().empty())
      throw bottoms_node->error("expected a list with one bottom surface per layer, the top "
                                "layer's first");
    for (const auto& entry : bottoms_node->elements())
      spec.surfaces.push_back(read_surface(entry));
  }
  const long surface_layers = static_cast<long>(spec.surfaces.size()) - 1;
  if (const auto origin = node.find("origin")) {
    if (node.has("bottoms") && origin->is_sequence() && origin->elements().size() == 2) {
      const auto xy = origin->as_vector<2>("m"); // z comes from the surfaces
      spec.origin = {xy[0], xy[1], 0.0};
    } else {
      spec.origin = origin->as_vector<3>("m");
    }
  }
  spec.frame.origin = {spec.origin[0], spec.origin[1]};
  if (const auto crs = node.find("crs")) {
    spec.frame.crs = crs->as_string();
    const auto& text = spec.frame.crs;
    const bool valid =
        text.size() > 5 && text.size() <= 15 && text.starts_with("EPSG:") &&
        std::all_of(text.begin() + 5, text.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!valid)
      throw crs->error(fmt::format("'{}' is not a coordinate reference system of the form "
                                   "EPSG:<code> (e.g. EPSG:25832)",
                                   text));
  }
  if (const auto rotation = node.find("rotation"))
    spec.frame.rotation = rotation->as_quantity("degree", Range{-360.0, 360.0});
  if (const auto idomain = node.find("idomain")) {
    idomain->expect_keys({"raster", "active", "inactive"});
    if (const auto raster = idomain->find("raster")) {
      spec.idomain_raster.emplace();
      spec.idomain_raster->file = raster->as_string();
      spec.idomain_raster->key_path = raster->key_path();
      spec.idomain_raster->where = raster->where();
    }
    for (const auto& [key, list] :
         {std::pair{"active", &spec.active}, std::pair{"inactive", &spec.inactive}})
      if (const auto regions = idomain->find(key)) {
        if (regions->is_sequence())
          for (const auto& entry : regions->elements())
            list->push_back(read_region(entry, spec.frame));
        else
          list->push_back(read_region(*regions, spec.frame));
      }
  }
  const bool uniform = node.has("size") || node.has("cells");
  if (node.has("spacing")) {
    if (uniform) throw node.at("spacing").error("give either size + cells or spacing, not both");
    const ConfigNode spacing = node.at("spacing");
    spacing.expect_keys({"x", "y", "z"});
    for (int axis = 0; axis < 3; ++axis) {
      if (axis == 2 && bottoms_node) {
        if (spacing.has("z"))
          throw spacing.at("z").error("with grid.top and grid.bottoms the layers come from the "
                                      "surfaces: leave out spacing.z");
        spec.widths[2].assign(static_cast<std::size_t>(surface_layers), 1.0);
        continue;
      }
      spec.widths[axis] = spacing.at(kAxisNames[axis]).as_quantity_list("m", Range::positive(), 1);
    }
  } else {
    if (!uniform) throw node.error("give size and cells, or spacing");
    const ConfigNode size_node = node.at("size");
    std::array<double, 3> size{1.0, 1.0, 1.0};
    if (bottoms_node && size_node.is_sequence() && size_node.elements().size() == 2) {
      const auto xy = size_node.as_vector<2>("m", Range::positive());
      size = {xy[0], xy[1], 1.0};
    } else {
      size = size_node.as_vector<3>("m", Range::positive());
    }
    const ConfigNode cells_node = node.at("cells");
    const auto cells = cells_node.elements();
    if (cells.size() != 3 && !(bottoms_node && cells.size() == 2))
      throw cells_node.error(bottoms_node ? "expected [nx, ny] or [nx, ny, nz]"
                                          : "expected 3 cell counts [nx, ny, nz]");
    std::array<long, 3> counts{};
    for (int axis = 0; axis < static_cast<int>(cells.size()); ++axis)
      counts[axis] = cells[axis].as_integer(1, 100000000);
    if (bottoms_node) {
      if (cells.size() == 3 && counts[2] != surface_layers)
        throw InputError(bottoms_node->key_path(), bottoms_node->where(),
                         fmt::format("{} bottoms for {} layers (grid.cells nz = {} on line {}): "
                                     "give one bottom per layer, the top layer's first",
                                     surface_layers, counts[2], counts[2], cells[2].where().line));
      counts[2] = surface_layers;
    }
    check_cells(cells_node, static_cast<double>(counts[0]) * counts[1] * counts[2]);
    for (int axis = 0; axis < 3; ++axis)
      spec.widths[axis].assign(static_cast<std::size_t>(counts[axis]), size[axis] / counts[axis]);
    return spec;
  }
  check_cells(node, static_cast<double>(spec.widths[0].size()) * spec.widths[1].size() *
                        spec.widths[2].size());
  return spec;
}

Grid::Grid(MPI_Comm comm, const GridSpec& spec)
    : comm_(comm), frame_(spec.frame), widths_(spec.widths) {
  for (int axis = 0; axis < 3; ++axis) {
    const auto& widths = widths_[axis];
    auto& nodes = nodes_[axis];
    nodes.resize(widths.size() + 1);
    nodes[0] = spec.origin[axis];
    for (std::size_t c = 0; c < widths.size(); ++c)
      nodes[c + 1] = nodes[c] + widths[c];
    centers_[axis].resize(widths.size());
    for (std::size_t c = 0; c < widths.size(); ++c)
      centers_[axis][c] = 0.5 * (nodes[c] + nodes[c + 1]);
  }
  z_range_ = {nodes_[2].front(), nodes_[2].back()};
  if (!spec.surfaces.empty()) build_surfaces(spec.surfaces);
  // Ranks along each axis: -grid_processors_x/_y/_z, PETSc's choice for the others. (Cutting
  // across the main flow rather than along it keeps each rank's block preconditioner of the
  // transport whole along the flow lines: benchmarks/RESULTS.md.)
  PetscInt processors[3] = {PETSC_DECIDE, PETSC_DECIDE, PETSC_DECIDE};
  int ranks = 1;
  MPI_Comm_size(comm, &ranks);
  PetscInt fixed = 1;
  for (int axis = 0; axis < 3; ++axis) {
    const std::string option = std::string("-grid_processors_") + "xyz"[axis];
    PetscBool given = PETSC_FALSE;
    TF_PETSC_CHECK(PetscOptionsGetInt(nullptr, nullptr, option.c_str(), &processors[axis], &given));
    if (!given) continue;
    if (processors[axis] < 1 || processors[axis] > cells(axis))
      throw InputError(fmt::format("{} {}: must be between 1 and the {} cells along that axis",
                                   option, processors[axis], cells(axis)));
    fixed *= processors[axis];
  }
  if (ranks % fixed != 0)
    throw InputError(fmt::format("-grid_processors_x/_y/_z: {} ranks do not divide into {} along "
                                 "the given axes",
                                 ranks, fixed));
  TF_PETSC_CHECK(DMDACreate3d(comm, DM_BOUNDARY_NONE, DM_BOUNDARY_NONE, DM_BOUNDARY_NONE,
                              DMDA_STENCIL_STAR, cells(0), cells(1), cells(2), processors[0],
                              processors[1], processors[2], 1, 1, nullptr, nullptr, nullptr,
                              dm_.out()));
  TF_PETSC_CHECK(DMSetUp(dm_));
  PetscInt xs, ys, zs, xm, ym, zm;
  TF_PETSC_CHECK(DMDAGetCorners(dm_, &xs, &ys, &zs, &xm, &ym, &zm));
  owned_begin_ = {static_cast<int>(xs), static_cast<int>(ys), static_cast<int>(zs)};
  owned_count_ = {static_cast<int>(xm), static_cast<int>(ym), static_cast<int>(zm)};
  PetscInt ranks_x, ranks_y, ranks_z;
  TF_PETSC_CHECK(DMDAGetInfo(dm_, nullptr, nullptr, nullptr, nullptr, &ranks_x, &ranks_y, &ranks_z,
                             nullptr, nullptr, nullptr, nullptr, nullptr, nullptr));
  const PetscInt *lx, *ly, *lz;
  TF_PETSC_CHECK(DMDAGetOwnershipRanges(dm_, &lx, &ly, &lz));
  ownership_[0].assign(lx, lx + ranks_x);
  ownership_[1].assign(ly, ly + ranks_y);
  ownership_[2].assign(lz, lz + ranks_z);

  // Columns the raster makes active, checked over the whole grid on every rank (so that every
  // rank throws the same error).
  std::vector<char> raster_active;
  if (spec.idomain_raster) raster_active = raster_columns(*spec.idomain_raster);
  if (!spec.active.empty() || !spec.inactive.empty() || spec.idomain_raster) {
    for (const auto& region : spec.active)
      require_cells_in(region);
    for (const auto& region : spec.inactive)
      require_cells_in(region);
    active_.assign(static_cast<std::size_t>(owned_cells()), 0);
    for (int k = owned_begin(2); k < owned_end(2); ++k)
      for (int j = owned_begin(1); j < owned_end(1); ++j)
        for (int i = owned_begin(0); i < owned_end(0); ++i) {
          const auto center = cell_center(i, j, k);
          if (!raster_active.empty() &&
              !raster_active[static_cast<std::size_t>(j) * cells(0) + i]) {
            active_[static_cast<std::size_t>(owned_index(i, j, k))] = 0;
            continue;
          }
          bool is_active = spec.active.empty() ||
                           std::any_of(spec.active.begin(), spec.active.end(),
                                       [&](const Region& r) { return r.contains(center); });
          if (std::any_of(spec.inactive.begin(), spec.inactive.end(),
                          [&](const Region& r) { return r.contains(center); }))
            is_active = false;
          active_[static_cast<std::size_t>(owned_index(i, j, k))] = is_active ? 1 : 0;
        }
    if (active_cells() == 0) {
      const std::string key = spec.idomain_raster   ? spec.idomain_raster->key_path
                              : spec.active.empty() ? spec.inactive.front().key_path
                                                    : spec.active.front().key_path;
      const SourceLocation where = spec.idomain_raster   ? spec.idomain_raster->where
                                   : spec.active.empty() ? spec.inactive.front().where
                                                         : spec.active.front().where;
      throw InputError(key, where, "grid.idomain leaves no active cell");
    }
  }
}

std::vector<char> Grid::raster_columns(const Raster& raster) const {
  const auto fail = [&](const std::string& why) {
    return InputError(raster.key_path, raster.where,
                      fmt::format("raster '{}': {}", raster.file, why));
  };
  if (!frame_.crs.empty() && raster.crs != frame_.crs)
    throw fail(
        raster.crs.empty()
            ? fmt::format("the file names no CRS, the grid is in {} (grid.crs)", frame_.crs)
            : fmt::format("the file is in {}, the grid in {} (grid.crs)", raster.crs, frame_.crs));
  std::vector<char> columns(static_cast<std::size_t>(cells(0)) * cells(1), 0);
  for (int j = 0; j < cells(1); ++j)
    for (int i = 0; i < cells(0); ++i) {
      const auto site = frame_.to_site(std::array<double, 2>{center(0, i), center(1, j)});
      const double column = std::floor((site[0] - raster.corner[0]) / raster.pixel[0]);
      const double row = std::floor((site[1] - raster.corner[1]) / raster.pixel[1]);
      if (!(column >= 0.0 && column < raster.columns && row >= 0.0 && row < raster.rows))
        throw fail(fmt::format(
            "it does not cover the grid: the centre of column ({}, {}) at site ({}, {}) lies "
            "outside its extent x [{}, {}], y [{}, {}]",
            i, j, site[0], site[1],
            std::min(raster.corner[0], raster.corner[0] + raster.columns * raster.pixel[0]),
            std::max(raster.corner[0], raster.corner[0] + raster.columns * raster.pixel[0]),
            std::min(raster.corner[1], raster.corner[1] + raster.rows * raster.pixel[1]),
            std::max(raster.corner[1], raster.corner[1] + raster.rows * raster.pixel[1])));
      const auto value = raster.at(site[0], site[1]);
      columns[static_cast<std::size_t>(j) * cells(0) + i] = value && *value > 0.0 ? 1 : 0;
    }
  return columns;
}

std::vector<double> Grid::surface_columns(const SurfaceSpec& surface) const {
  const std::size_t columns = static_cast<std::size_t>(cells(0)) * cells(1);
  if (surface.elevation) return std::vector<double>(columns, *surface.elevation);
  if (!surface.raster) {
    if (surface.values.size() != columns)
      throw InputError(surface.key_path, surface.where,
                       fmt::format("dataset {} in {}: {} values, expected {} (ny, nx)",
                                   surface.hdf5_dataset, surface.hdf5_file, surface.values.size(),
                                   columns));
    for (std::size_t n = 0; n < columns; ++n)
      if (!std::isfinite(surface.values[n]))
        throw InputError(surface.key_path, surface.where,
                         fmt::format("dataset {} in {}: value {} at column ({}, {}) is not a "
                                     "finite elevation",
                                     surface.hdf5_dataset, surface.hdf5_file, surface.values[n],
                                     n % cells(0), n / cells(0)));
    return surface.values;
  }
  const Raster& raster = *surface.raster;
  // The CRS and coverage checks are those of grid.idomain.raster.
  raster_columns(raster);
  std::vector<double> elevations(columns);
  for (int j = 0; j < cells(1); ++j)
    for (int i = 0; i < cells(0); ++i) {
      const auto site = frame_.to_site(std::array<double, 2>{center(0, i), center(1, j)});
      const auto value = raster.at(site[0], site[1]);
      if (!value)
        throw InputError(raster.key_path, raster.where,
                         fmt::format("raster '{}': nodata at the centre of column ({}, {}) at "
                                     "site ({}, {}); a layer surface needs an elevation in "
                                     "every column",
                                     raster.file, i, j, site[0], site[1]));
      elevations[static_cast<std::size_t>(j) * cells(0) + i] = *value;
    }
  return elevations;
}

void Grid::build_surfaces(const std::vector<SurfaceSpec>& surfaces) {
  const int nz = cells(2);
  const std::size_t columns = static_cast<std::size_t>(cells(0)) * cells(1);
  elevations_.assign(columns * static_cast<std::size_t>(nz + 1), 0.0);
  std::vector<double> above = surface_columns(surfaces.front());
  for (std::size_t c = 0; c < columns; ++c)
    elevations_[c * (nz + 1) + nz] = above[c];
  for (int m = 0; m < nz; ++m) {
    const SurfaceSpec& surface = surfaces[static_cast<std::size_t>(m) + 1];
    const std::vector<double> bottom = surface_columns(surface);
    const int k = nz - 1 - m;
    for (int j = 0; j < cells(1); ++j)
      for (int i = 0; i < cells(0); ++i) {
        const std::size_t c = static_cast<std::size_t>(j) * cells(0) + i;
        if (bottom[c] > above[c]) {
          const auto site = frame_.to_site(std::array<double, 2>{center(0, i), center(1, j)});
          throw InputError(
              surface.key_path, surface.where,
              fmt::format("bottoms must not increase downward: at column ({}, {}), site ({}, {}), "
                          "the bottom of layer {} from the top ({} m) lies above {} ({} m): "
                          "thickness {} m",
                          i, j, site[0], site[1], m + 1, bottom[c],
                          m == 0 ? "grid.top" : "the bottom of the layer above", above[c],
                          above[c] - bottom[c]));
        }
        elevations_[c * (nz + 1) + k] = bottom[c];
      }
    above = bottom;
  }
  // The nominal layers (nodes(2), width(2, k)): column means; the z range: the extremes.
  auto& nodes = nodes_[2];
  z_range_ = {elevations_[0], elevations_[nz]};
  for (int k = 0; k <= nz; ++k) {
    double sum = 0.0;
    for (std::size_t c = 0; c < columns; ++c) {
      const double z = elevations_[c * (nz + 1) + k];
      sum += z;
      z_range_[0] = std::min(z_range_[0], z);
      z_range_[1] = std::max(z_range_[1], z);
    }
    nodes[k] = sum / static_cast<double>(columns);
  }
  for (int k = 0; k < nz; ++k) {
    widths_[2][k] = nodes[k + 1] - nodes[k];
    centers_[2][k] = 0.5 * (nodes[k] + nodes[k + 1]);
    if (!(widths_[2][k] >= kPinchThickness)) {
      const SurfaceSpec& surface = surfaces[static_cast<std::size_t>(nz - k)];
      throw InputError(surface.key_path, surface.where,
                       fmt::format("layer {} from the top is pinched (thinner than {} m) in "
                                   "every column: leave it out",
                                   nz - k, kPinchThickness));
    }
  }
}

double Grid::interface_area(int axis, int i, int j, int k) const {
  if (axis == 2) return widths_[0][i] * widths_[1][j];
  const int ni = i + (axis == 0 ? 1 : 0), nj = j + (axis == 1 ? 1 : 0);
  if (elevations_.empty()) return face_area(axis, i, j, k);
  if (pinched(i, j, k) || pinched(ni, nj, k)) return 0.0;
  return widths_[axis == 0 ? 1 : 0][axis == 0 ? j : i] * 0.5 *
         (thickness(i, j, k) + thickness(ni, nj, k));
}

double Grid::center_distance(int axis, int i, int j, int k) const {
  if (axis != 2) {
    const int index = axis == 0 ? i : j;
    return centers_[axis][index + 1] - centers_[axis][index];
  }
  if (elevations_.empty()) return centers_[2][k + 1] - centers_[2][k];
  return std::max(0.5 * (thickness(i, j, k) + thickness(i, j, k + 1)), kPinchThickness);
}

double Grid::box_overlap_volume(int i, int j, int k, const std::array<double, 3>& min,
                                const std::array<double, 3>& max) const {
  if (pinched(i, j, k)) return 0.0;
  const auto overlap = [](double low, double high, double from, double to) {
    return std::max(0.0, std::min(high, to) - std::max(low, from));
  };
  return overlap(nodes_[0][i], nodes_[0][i + 1], min[0], max[0]) *
         overlap(nodes_[1][j], nodes_[1][j + 1], min[1], max[1]) *
         overlap(cell_bottom(i, j, k), cell_top(i, j, k), min[2], max[2]);
}

std::optional<int> Grid::locate_layer(int i, int j, double z) const {
  if (elevations_.empty()) return locate(2, z);
  const int nz = cells(2);
  const auto begin = elevations_.begin() + static_cast<std::ptrdiff_t>(column_node(i, j, 0));
  const auto end = begin + nz + 1;
  if (!(z >= *begin && z <= *(end - 1))) return std::nullopt;
  // The last node not above z: pinched cells (equal nodes) are passed over.
  const int cell = static_cast<int>(std::upper_bound(begin, end, z) - begin) - 1;
  return std::min(cell, nz - 1);
}

long Grid::active_cells() const {
  long count = active_.empty() ? owned_cells()
                               : static_cast<long>(std::count(active_.begin(), active_.end(), 1));
  MPI_Allreduce(MPI_IN_PLACE, &count, 1, MPI_LONG, MPI_SUM, comm_);
  return count;
}

DmHandle Grid::create_compatible_dm(int dof, DMDAStencilType stencil, int stencil_width,
                                    DMBoundaryType boundary) const {
  DmHandle dm;
  TF_PETSC_CHECK(DMDACreate3d(
      comm_, boundary, boundary, boundary, stencil, cells(0), cells(1), cells(2),
      static_cast<PetscInt>(ownership_[0].size()), static_cast<PetscInt>(ownership_[1].size()),
      static_cast<PetscInt>(ownership_[2].size()), dof, stencil_width, ownership_[0].data(),
      ownership_[1].data(), ownership_[2].data(), dm.out()));
  TF_PETSC_CHECK(DMSetUp(dm));
  return dm;
}

double Grid::face_area(int axis, int i, int j, int k) const {
  const double height = elevations_.empty() ? widths_[2][k]
                        : pinched(i, j, k)  ? 0.0
                                            : thickness(i, j, k);
  switch (axis) {
  case 0:
    return widths_[1][j] * height;
  case 1:
    return widths_[0][i] * height;
  default:
    return widths_[0][i] * widths_[1][j];
  }
}

std::optional<int> Grid::locate(int axis, double coordinate) const {
  const auto& nodes = nodes_[axis];
  if (!(coordinate >= nodes.front() && coordinate <= nodes.back())) return std::nullopt;
  const auto upper = std::upper_bound(nodes.begin(), nodes.end(), coordinate);
  const int cell = static_cast<int>(upper - nodes.begin()) - 1;
  return std::min(cell, cells(axis) - 1);
}

bool Grid::inside(const std::array<double, 3>& point) const {
  const auto i = locate(0, point[0]), j = locate(1, point[1]);
  if (!i || !j) return false;
  return locate_layer(*i, *j, point[2]).has_value();
}

void Grid::require_cells_in(const Region& region) const {
  if (region.all) return;
  if (region.polygon) {
    for (int k = 0; k < cells(2); ++k)
      for (int j = 0; j < cells(1); ++j)
        for (int i = 0; i < cells(0); ++i)
          if (region.contains(cell_center(i, j, k))) return;
    throw InputError(region.key_path, region.where,
                     fmt::format("the polygon (with z in [{}, {}]) contains no cell centre of the "
                                 "grid (x in [{}, {}], y in [{}, {}], z in [{}, {}])",
                                 region.box.min[2], region.box.max[2], lower(0), upper(0), lower(1),
                                 upper(1), lower(2), upper(2)));
  }
  for (int axis = 0; axis < 3; ++axis) {
    const auto& centers = centers_[axis];
    const auto in_box = [&](double c) {
      return c >= region.box.min[axis] && c <= region.box.max[axis];
    };
    bool any = std::any_of(centers.begin(), centers.end(), in_box);
    if (axis == 2 && has_surfaces()) {
      any = false;
      for (int j = 0; j < cells(1) && !any; ++j)
        for (int i = 0; i < cells(0) && !any; ++i)
          for (int k = 0; k < cells(2) && !any; ++k)
            any = !pinched(i, j, k) && in_box(center_z(i, j, k));
    }
    if (!any)
      throw InputError(region.key_path, region.where,
                       fmt::format("box [{}, {}] along {} contains no cell centre of the grid "
                                   "(grid spans [{}, {}])",
                                   region.box.min[axis], region.box.max[axis], kAxisNames[axis],
                                   lower(axis), upper(axis)));
  }
}

} // namespace terrafate
