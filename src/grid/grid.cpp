#include "terrafate/grid/grid.hpp"

#include <algorithm>
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
} // namespace

GridSpec read_grid_spec(const ConfigNode& node) {
  node.expect_keys({"origin", "crs", "rotation", "size", "cells", "spacing", "idomain"});
  GridSpec spec;
  if (const auto origin = node.find("origin")) spec.origin = origin->as_vector<3>("m");
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
    for (int axis = 0; axis < 3; ++axis)
      spec.widths[axis] = spacing.at(kAxisNames[axis]).as_quantity_list("m", Range::positive(), 1);
  } else {
    if (!uniform) throw node.error("give size and cells, or spacing");
    const auto size = node.at("size").as_vector<3>("m", Range::positive());
    const ConfigNode cells_node = node.at("cells");
    const auto cells = cells_node.elements();
    if (cells.size() != 3) throw cells_node.error("expected 3 cell counts [nx, ny, nz]");
    std::array<long, 3> counts{};
    for (int axis = 0; axis < 3; ++axis)
      counts[axis] = cells[axis].as_integer(1, 100000000);
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
  switch (axis) {
  case 0:
    return widths_[1][j] * widths_[2][k];
  case 1:
    return widths_[0][i] * widths_[2][k];
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
  for (int axis = 0; axis < 3; ++axis)
    if (!locate(axis, point[axis])) return false;
  return true;
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
    const bool any = std::any_of(centers.begin(), centers.end(), [&](double c) {
      return c >= region.box.min[axis] && c <= region.box.max[axis];
    });
    if (!any)
      throw InputError(region.key_path, region.where,
                       fmt::format("box [{}, {}] along {} contains no cell centre of the grid "
                                   "(grid spans [{}, {}])",
                                   region.box.min[axis], region.box.max[axis], kAxisNames[axis],
                                   lower(axis), upper(axis)));
  }
}

} // namespace terrafate
