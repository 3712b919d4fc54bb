#pragma once
// The 3-D rectilinear grid: geometry (cell widths per axis, uniform or explicit) and its
// distribution over MPI ranks as a PETSc DMDA. Index order is (i, j, k) = (x, y, z); z is
// elevation and k = 0 is the bottom layer.
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "terrafate/core/config.hpp"
#include "terrafate/core/petsc.hpp"
#include "terrafate/core/raster.hpp"

namespace terrafate {

/// One layer surface of `grid.top` / `grid.bottoms` [m elevation]: a flat elevation, a raster
/// (sampled at each column centre in site coordinates) or an HDF5 dataset of shape [ny, nx].
struct SurfaceSpec {
  std::string key_path; ///< the deck key (e.g. grid.bottoms[1])
  SourceLocation where;
  std::optional<double> elevation; ///< [m] flat surface
  /// A raster file: read_grid_spec names it, the caller loads it (io::load_raster).
  std::optional<Raster> raster;
  std::string hdf5_file;      ///< as named in the deck; the caller reads `values`
  std::string hdf5_dataset;   ///< the dataset path in hdf5_file
  std::vector<double> values; ///< [m] ny * nx values from the HDF5 dataset, x fastest
};

/// [m] A cell thinner than this is pinched (MODFLOW 6 idomain -1 alike): no storage, no
/// horizontal flow, no solute; the cells above and below connect vertically through it.
inline constexpr double kPinchThickness = 1.0e-3;

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
  /// `grid.top` and `grid.bottoms` (MODFLOW 6 DIS order): surfaces[0] is the top of the top
  /// layer, surfaces[1 + m] the bottom of the m-th layer counted from the top (grid layer
  /// k = nz - 1 - m). Empty: flat layers from widths[2]. With surfaces, widths[2] holds the
  /// column-mean layer thicknesses until the Grid replaces them.
  std::vector<SurfaceSpec> surfaces;
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
    return {centers_[0][i], centers_[1][j], center_z(i, j, k)};
  }

  /// Whether the layers follow `grid.top` / `grid.bottoms` (else flat: nodes(2) everywhere).
  bool has_surfaces() const { return !elevations_.empty(); }
  /// [m] bottom and top elevation of cell (i, j, k) (any cell of the grid, not only owned ones).
  double cell_bottom(int i, int j, int k) const {
    return elevations_.empty() ? nodes_[2][k] : elevations_[column_node(i, j, k)];
  }
  double cell_top(int i, int j, int k) const {
    return elevations_.empty() ? nodes_[2][k + 1] : elevations_[column_node(i, j, k) + 1];
  }
  /// [m] thickness (>= 0) and centre elevation of cell (i, j, k).
  double thickness(int i, int j, int k) const {
    return elevations_.empty() ? widths_[2][k] : cell_top(i, j, k) - cell_bottom(i, j, k);
  }
  double center_z(int i, int j, int k) const {
    return elevations_.empty() ? centers_[2][k] : 0.5 * (cell_bottom(i, j, k) + cell_top(i, j, k));
  }
  /// Whether cell (i, j, k) is pinched (thinner than kPinchThickness).
  bool pinched(int i, int j, int k) const {
    return !elevations_.empty() && thickness(i, j, k) < kPinchThickness;
  }
  /// [m] the cell's extent along `axis`: its width along x or y, its thickness along z.
  double cell_width(int axis, int i, int j, int k) const {
    return axis == 2 ? thickness(i, j, k) : widths_[axis][axis == 0 ? i : j];
  }
  /// [m3] (0 for a pinched cell)
  double cell_volume(int i, int j, int k) const {
    if (elevations_.empty()) return widths_[0][i] * widths_[1][j] * widths_[2][k];
    return pinched(i, j, k) ? 0.0 : widths_[0][i] * widths_[1][j] * thickness(i, j, k);
  }
  /// [m2] area of a face normal to `axis` of cell (i, j, k): along x and y its width times its
  /// own thickness (0 when pinched).
  double face_area(int axis, int i, int j, int k) const;
  /// [m2] area of the face between cell (i, j, k) and its +axis neighbour: along z the cell's
  /// top, along x and y the face width times the mean thickness of the two cells (0 when either
  /// is pinched).
  double interface_area(int axis, int i, int j, int k) const;
  /// [m] distance between the centres of cell (i, j, k) and its +axis neighbour; along z half
  /// their two thicknesses, at least kPinchThickness (two pinched cells in a row).
  double center_distance(int axis, int i, int j, int k) const;
  /// [m3] the part of cell (i, j, k) inside the box [min, max] (0 for a pinched cell).
  double box_overlap_volume(int i, int j, int k, const std::array<double, 3>& min,
                            const std::array<double, 3>& max) const;
  /// The layer of column (i, j) containing elevation `z` (a node belongs to the cell above it,
  /// pinched cells are skipped), or nothing above the column's top or below its bottom.
  std::optional<int> locate_layer(int i, int j, double z) const;

  /// The cell containing `coordinate` along `axis` (a node belongs to the cell above it, the
  /// last node to the last cell), or nothing when outside.
  std::optional<int> locate(int axis, double coordinate) const;
  /// Whether `point` (grid frame) lies in the grid (with surfaces: between its column's bottom
  /// and top).
  bool inside(const std::array<double, 3>& point) const;
  /// [m] lowest and highest coordinate along `axis` (with surfaces along z: the lowest bottom
  /// and the highest top over all columns).
  double lower(int axis) const { return axis == 2 ? z_range_[0] : nodes_[axis].front(); }
  double upper(int axis) const { return axis == 2 ? z_range_[1] : nodes_[axis].back(); }

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
  /// [m] The surface's elevation per column (x fastest) of the whole grid; throws InputError at
  /// its key when a raster's CRS differs from grid.crs, it does not cover a column centre or has
  /// nodata there.
  std::vector<double> surface_columns(const SurfaceSpec& surface) const;
  /// Fills elevations_ from `surfaces` and checks that no layer has a negative thickness.
  void build_surfaces(const std::vector<SurfaceSpec>& surfaces);
  /// Index in elevations_ of the bottom node of cell (i, j, k).
  std::size_t column_node(int i, int j, int k) const {
    return (static_cast<std::size_t>(j) * widths_[0].size() + static_cast<std::size_t>(i)) *
               (widths_[2].size() + 1) +
           static_cast<std::size_t>(k);
  }

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
  /// [m] with surfaces: nz + 1 node elevations per column of the whole grid (bottom first,
  /// columns x fastest); empty for flat layers.
  std::vector<double> elevations_;
  std::array<double, 2> z_range_{}; ///< [m] lower(2), upper(2)
};

} // namespace terrafate
