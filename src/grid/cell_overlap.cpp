#include "terrafate/grid/cell_overlap.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace terrafate {

double interval_overlap(double a0, double a1, double b0, double b1) {
  return std::max(0.0, std::min(a1, b1) - std::max(a0, b0));
}

std::vector<CellOverlap> box_cell_overlaps(const std::array<std::vector<double>, 3>& nodes,
                                           const Box& box, std::array<int, 3> begin,
                                           std::array<int, 3> end) {
  // Per axis: the overlap length of each cell with the box's extent.
  std::array<std::vector<double>, 3> lengths;
  for (int d = 0; d < 3; ++d) {
    const int cells = static_cast<int>(nodes[d].size()) - 1;
    if (end[d] < 0 || end[d] > cells) end[d] = cells;
    begin[d] = std::max(begin[d], 0);
    lengths[d].assign(static_cast<std::size_t>(std::max(cells, 0)), 0.0);
    for (int c = begin[d]; c < end[d]; ++c)
      lengths[d][c] = interval_overlap(nodes[d][c], nodes[d][c + 1], box.min[d], box.max[d]);
  }
  std::vector<CellOverlap> overlaps;
  for (int k = begin[2]; k < end[2]; ++k) {
    if (lengths[2][k] <= 0.0) continue;
    for (int j = begin[1]; j < end[1]; ++j) {
      if (lengths[1][j] <= 0.0) continue;
      for (int i = begin[0]; i < end[0]; ++i) {
        if (lengths[0][i] <= 0.0) continue;
        const double volume = lengths[0][i] * lengths[1][j] * lengths[2][k];
        const double cell = (nodes[0][i + 1] - nodes[0][i]) * (nodes[1][j + 1] - nodes[1][j]) *
                            (nodes[2][k + 1] - nodes[2][k]);
        overlaps.push_back({{i, j, k}, volume, volume / cell});
      }
    }
  }
  return overlaps;
}

double box_overlap_volume(const std::array<std::vector<double>, 3>& nodes, const Box& box) {
  double volume = 0.0;
  for (const auto& overlap : box_cell_overlaps(nodes, box))
    volume += overlap.volume;
  return volume;
}

double box_centre_rule_volume(const std::array<std::vector<double>, 3>& nodes, const Box& box) {
  double volume = 0.0;
  const int nx = static_cast<int>(nodes[0].size()) - 1;
  const int ny = static_cast<int>(nodes[1].size()) - 1;
  const int nz = static_cast<int>(nodes[2].size()) - 1;
  for (int k = 0; k < nz; ++k)
    for (int j = 0; j < ny; ++j)
      for (int i = 0; i < nx; ++i) {
        const std::array<double, 3> centre = {0.5 * (nodes[0][i] + nodes[0][i + 1]),
                                              0.5 * (nodes[1][j] + nodes[1][j + 1]),
                                              0.5 * (nodes[2][k] + nodes[2][k + 1])};
        if (box.contains(centre))
          volume += (nodes[0][i + 1] - nodes[0][i]) * (nodes[1][j + 1] - nodes[1][j]) *
                    (nodes[2][k + 1] - nodes[2][k]);
      }
  return volume;
}

std::string volume_mismatch_warning(const std::string& region, double requested, double modelled) {
  if (!(requested > 0.0) || std::abs(modelled - requested) <= kVolumeMismatchWarning * requested)
    return "";
  return fmt::format("{}: the modelled volume {:.6g} m3 differs from the requested {:.6g} m3 by "
                     "{:.1f} % (more than {:.0f} %)",
                     region, modelled, requested, 100.0 * (modelled - requested) / requested,
                     100.0 * kVolumeMismatchWarning);
}

} // namespace terrafate
