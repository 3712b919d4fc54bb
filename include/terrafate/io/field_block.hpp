#pragma once
// Plain description of a distributed cell field, shared by the HDF5 and VTK writers. No PETSc
// types: the application fills these from the DMDA layout.
#include <array>
#include <cmath>
#include <cstddef>
#include <numbers>
#include <string>
#include <vector>

namespace terrafate::io {

/// Where the grid lies on the map (`grid.crs`, `grid.origin`, `grid.rotation`): a grid-frame
/// point (x, y) is at site x, y = origin + R(rotation) ((x, y) - origin) in `crs`.
struct Georeference {
  std::string crs;                ///< "EPSG:<code>"; empty when the deck names none
  std::array<double, 2> origin{}; ///< [m] site x, y of the grid's lowest corner
  double rotation = 0.0;          ///< [degree] counter-clockwise from site x to the grid's x axis
  /// Whether the deck georeferences the grid (a CRS or a rotation).
  bool given() const { return !crs.empty() || rotation != 0.0; }
  /// cos and sin of the rotation: a grid-frame vector (vx, vy) has site components
  /// (c vx - s vy, s vx + c vy).
  std::array<double, 2> cos_sin() const {
    const double angle = rotation * std::numbers::pi / 180.0;
    return {std::cos(angle), std::sin(angle)};
  }
};

/// Node coordinates of a rectilinear grid [m]: n+1 values per axis, increasing (grid frame).
struct GridCoordinates {
  std::array<std::vector<double>, 3> nodes;
  Georeference georeference;
  /// [m] With layer surfaces (grid.top / grid.bottoms): the elevation of every node,
  /// (nz + 1) (ny + 1) (nx + 1) values, x fastest, then y, then z (nodes[2] holds the nominal
  /// layers); empty for flat layers.
  std::vector<double> node_elevations;
  /// Whether the writers need every node's coordinates (a rotated grid or layer surfaces)
  /// rather than one coordinate list per axis.
  bool curvilinear() const { return georeference.rotation != 0.0 || !node_elevations.empty(); }
  /// [m] Site (CRS) x, y, z of node (i, j, k): x, y = origin + R(rotation) ((x, y) - origin),
  /// z the node's own elevation with layer surfaces, else its layer elevation.
  std::array<double, 3> site_node(std::size_t i, std::size_t j, std::size_t k) const {
    const auto [c, s] = georeference.cos_sin();
    const double dx = nodes[0][i] - georeference.origin[0];
    const double dy = nodes[1][j] - georeference.origin[1];
    const double z = node_elevations.empty()
                         ? nodes[2][k]
                         : node_elevations[(k * nodes[1].size() + j) * nodes[0].size() + i];
    return {georeference.origin[0] + c * dx - s * dy, georeference.origin[1] + s * dx + c * dy, z};
  }
  std::array<int, 3> cells() const {
    return {static_cast<int>(nodes[0].size()) - 1, static_cast<int>(nodes[1].size()) - 1,
            static_cast<int>(nodes[2].size()) - 1};
  }
};

/// The block of cells this rank owns: global cell offset and count per axis (x, y, z).
struct LocalBlock {
  std::array<int, 3> offset{};
  std::array<int, 3> count{};
  std::size_t cell_count() const {
    return static_cast<std::size_t>(count[0]) * count[1] * count[2];
  }
};

/// One cell field on this rank's block: `components` values per cell, cells ordered x fastest,
/// then y, then z (components interleaved). `data` has cell_count() * components values.
struct FieldView {
  std::string name;
  std::string unit;
  std::string description;
  int components = 1;
  const double* data = nullptr;
};

} // namespace terrafate::io
