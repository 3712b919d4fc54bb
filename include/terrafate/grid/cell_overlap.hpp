#pragma once
// Exact overlap of an axis-aligned box with the cells of a rectilinear grid: the volume of
// each cell inside the box (fractional cells), so that a region's volume does not depend on
// where the cell centres fall. Plain C++ on node coordinates (no PETSc calls).
#include <array>
#include <string>
#include <vector>

#include "terrafate/core/config.hpp"

namespace terrafate {

/// A cell (i, j, k) and the part of it inside a box.
struct CellOverlap {
  std::array<int, 3> cell{};
  double volume = 0.0;   ///< [m3] of the cell inside the box
  double fraction = 0.0; ///< [-] volume / cell volume, in (0, 1]
};

/// [m] length of [a0, a1] inside [b0, b1] (0 when they do not overlap).
double interval_overlap(double a0, double a1, double b0, double b1);

/// The cells of the grid with node coordinates `nodes` (cells(axis) + 1 increasing values per
/// axis) that overlap `box` with a positive volume, x fastest, each with its overlap volume.
/// Cells in the index ranges [begin, end) per axis only (a rank's owned block); the default is
/// every cell.
std::vector<CellOverlap> box_cell_overlaps(const std::array<std::vector<double>, 3>& nodes,
                                           const Box& box, std::array<int, 3> begin = {0, 0, 0},
                                           std::array<int, 3> end = {-1, -1, -1});

/// [m3] volume of `box` inside the grid: the sum of box_cell_overlaps' volumes, which is the
/// product of the box's extents clipped to the grid, whatever the cell sizes.
double box_overlap_volume(const std::array<std::vector<double>, 3>& nodes, const Box& box);

/// [m3] volume of the grid cells whose centres lie in `box` (the cell-centre rule that regions
/// used before exact overlaps), for comparing the modelled volume with the requested one.
double box_centre_rule_volume(const std::array<std::vector<double>, 3>& nodes, const Box& box);

/// Relative difference |modelled - requested| / requested [-] above which a region's modelled
/// volume should be reported as differing from the requested one (5 %).
inline constexpr double kVolumeMismatchWarning = 0.05;

/// A warning naming both volumes when `modelled` [m3] differs from `requested` [m3] by more
/// than kVolumeMismatchWarning of `requested`; empty otherwise.
std::string volume_mismatch_warning(const std::string& region, double requested, double modelled);

} // namespace terrafate
