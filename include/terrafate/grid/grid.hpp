#pragma once
// The 3-D rectilinear grid: geometry (cell widths per axis, uniform or explicit) and its
// distribution over MPI ranks as a PETSc DMDA. Index order is (i, j, k) = (x, y, z); z is
// elevation and k = 0 is the bottom layer.
#include <array>
#include <optional>
#include <vector>

#include "terrafate/core/config.hpp"
#include "terrafate/core/petsc.hpp"
#include "terrafate/core/raster.hpp"

namespace terrafate {

/// Grid geometry as read from the deck.
struct GridSpec {
  std::array<double, 3> origin{}; ///< [m] lowest corner (site x, y and z)
  /// `grid.crs` and `grid.rotation` with the origin: deck positions (site coordinates) map to
  /// the grid frame, in which the grid's nodes start at `origin` along its own axes.
  SiteFrame frame;
  std::array<std::vector<double>, 3> widths{}; ///< [m] cell widths along x, y, z
  /// `grid.idomain`: a cell is active when its centre lies in one of `active` (or `active` is
  /// empty) and in none of `inactive`.
  std::vector<Region> active;
  std::vector<Region> inactive;
  /// `grid.idomain.raster`: a column (every layer) is active only where the raster, sampled at
  /// its centre in site coordinates, is positive (0, negative or nodata: inactive). read_grid_spec
  /// names the file; the caller loads the values (io::load_raster) before building the Grid.
  std::optional<Raster> idomain_raster;
};

/// Reads `grid:` (origin; crs: "EPSG:<code>"; rotation [degree]; size + cells, or spacing:
/// {x: [...], y: [...], z: [...]}; idomain: {raster: file, active: [region, ...], inactive:
/// [region, ...]}, regions in site coordinates).
GridSpec read_grid_spec(const ConfigNode& node);

class Grid {
public:
  /// Collective over `comm`: creates the DMDA (one dof, star stencil of width 1).
  Grid(MPI_Comm comm, const GridSpec& spec);

  MPI_Comm comm() const { return comm_; }
  /// The map from site coordinates (deck positions) to this grid's frame.
  const SiteFrame& frame() const { return frame_; }
  /// The scalar DMDA (one value per cell).
  DM dm() const { return dm_.get(); }
  /// A new DMDA with `dof` values per cell, the same distribution, and the given stencil;
  /// DM_BOUNDARY_GHOSTED gives its local vectors a ghost layer outside the domain too.
  DmHandle create_compatible_dm(int dof, DMDAStencilType stencil, int stencil_width,
                                DMBoundaryType boundary = DM_BOUNDARY_NONE) const;

  int cells(int axis) const { return static_cast<int>(widths_[axis].size()); }
  long total_cells() const { return static_cast<long>(cells(0)) * cells(1) * cells(2); }
  /// First owned cell index and number of owned cells along `axis` on this rank.
  int owned_begin(int axis) const { return owned_begin_[axis]; }
  int owned_count(int axis) const { return owned_count_[axis]; }
  int owned_end(int axis) const { return owned_begin_[axis] + owned_count_[axis]; }
  long owned_cells() const {
    return static_cast<long>(owned_count_[0]) * owned_count_[1] * owned_count_[2];
  }
  /// Position of owned cell (i, j, k) in this rank's contiguous owned arrays (x fastest).
  long owned_index(int i, int j, int k) const {
    return (static_cast<long>(k - owned_begin_[2]) * owned_count_[1] + (j - owned_begin_[1])) *
               owned_count_[0] +
           (i - owned_begin_[0]);
  }
  bool owns(int i, int j, int k) const {
    return i >= owned_begin_[0] && i < owned_end(0) && j >= owned_begin_[1] && j < owned_end(1) &&
           k >= owned_begin_[2] && k < owned_end(2);
  }

  /// [m] width of cell `index` along `axis`.
  double width(int axis, int index) const { return widths_[axis][index]; }
  /// [m] coordinate of cell centre `index` along `axis`.
  double center(int axis, int index) const { return centers_[axis][index]; }
  /// [m] node (face) coordinates along `axis`: cells(axis) + 1 values.
  const std::vector<double>& nodes(int axis) const { return nodes_[axis]; }
  const std::vector<double>& centers(int axis) const { return centers_[axis]; }
  std::array<double, 3> cell_center(int i, int j, int k) const {
    return {centers_[0][i], centers_[1][j], centers_[2][k]};
  }
  /// [m3]
  double cell_volume(int i, int j, int k) const {
    return widths_[0][i] * widths_[1][j] * widths_[2][k];
  }
  /// [m2] area of a face normal to `axis` of cell (i, j, k).
  double face_area(int axis, int i, int j, int k) const;

  /// The cell containing `coordinate` along `axis` (a node belongs to the cell above it, the
  /// last node to the last cell), or nothing when outside.
  std::optional<int> locate(int axis, double coordinate) const;
  bool inside(const std::array<double, 3>& point) const;
  /// [m] lowest and highest coordinate along `axis`.
  double lower(int axis) const { return nodes_[axis].front(); }
  double upper(int axis) const { return nodes_[axis].back(); }

  /// Whether owned cell (i, j, k) is active (`grid.idomain`); inactive cells take no part in
  /// flow (no flow through their faces, head 0).
  bool active(int i, int j, int k) const {
    return active_.empty() || active_[static_cast<std::size_t>(owned_index(i, j, k))];
  }
  /// Whether the grid has inactive cells.
  bool has_inactive() const { return !active_.empty(); }
  /// Collective: the number of active cells.
  long active_cells() const;

  /// Throws InputError (at the region's key and line) when `region` (a box or a polygon)
  /// contains no cell centre.
  void require_cells_in(const Region& region) const;

private:
  /// Per column (x fastest) of the whole grid: 1 where `raster` is positive at the column centre.
  /// Throws InputError at the raster's key when its CRS differs from grid.crs or it does not
  /// cover every column centre.
  std::vector<char> raster_columns(const Raster& raster) const;

  MPI_Comm comm_;
  SiteFrame frame_;
  std::array<std::vector<double>, 3> widths_;
  std::array<std::vector<double>, 3> nodes_;
  std::array<std::vector<double>, 3> centers_;
  DmHandle dm_;
  std::array<int, 3> owned_begin_{};
  std::array<int, 3> owned_count_{};
  std::array<std::vector<PetscInt>, 3> ownership_; ///< cells per rank along each axis
  std::vector<char> active_; ///< per owned cell; empty when every cell is active
};

} // namespace terrafate
