// Exact box-cell overlap volumes against hand calculations: a box's volume does not depend on
// the cell size, unlike the cell-centre rule (issue 22).
#include <cmath>

#include <gtest/gtest.h>

#include "terrafate/grid/cell_overlap.hpp"

namespace terrafate {
namespace {

/// Nodes 0, h, 2h, ..., length along x and y, and one 5 m layer [0, 5] along z.
std::array<std::vector<double>, 3> uniform_nodes(double h, double length) {
  std::array<std::vector<double>, 3> nodes;
  for (int d = 0; d < 2; ++d)
    for (int n = 0; n * h <= length + 1e-9; ++n)
      nodes[d].push_back(n * h);
  nodes[2] = {0.0, 5.0};
  return nodes;
}

TEST(CellOverlap, ThirtyByThirtyByFiveBoxIsFourThousandFiveHundredOnEveryGrid) {
  // The box [5, 35] x [0, 30] x [0, 5] m: 30 x 30 x 5 = 4,500 m3 by hand.
  const Box box{{5.0, 0.0, 0.0}, {35.0, 30.0, 5.0}};
  for (const double h : {10.0, 5.0, 2.5}) {
    const auto nodes = uniform_nodes(h, 60.0);
    const double exact = box_overlap_volume(nodes, box);
    EXPECT_NEAR(exact, 4500.0, 0.01 * 4500.0) << "h = " << h;
    EXPECT_NEAR(exact, 4500.0, 1e-9) << "h = " << h; // exactly, as it should
  }
  // The cell-centre rule on 10 m cells takes the x cells centred at 5, 15, 25 and 35 m (40 m)
  // and the y cells centred at 5, 15, 25 m (30 m): 40 x 30 x 5 = 6,000 m3 (33 % too much);
  // on 5 m cells the x centres 7.5 ... 32.5 m (6 cells, 30 m): 4,500 m3.
  EXPECT_NEAR(box_centre_rule_volume(uniform_nodes(10.0, 60.0), box), 6000.0, 1e-9);
  EXPECT_NEAR(box_centre_rule_volume(uniform_nodes(5.0, 60.0), box), 4500.0, 1e-9);
  // 6,000 vs 4,500 m3 is +33.3 %: warned; 4,600 (+2.2 %) is not.
  EXPECT_EQ(volume_mismatch_warning("dig", 4500.0, 6000.0),
            "dig: the modelled volume 6000 m3 differs from the requested 4500 m3 by 33.3 % (more "
            "than 5 %)");
  EXPECT_EQ(volume_mismatch_warning("dig", 4500.0, 4600.0), "");
}

TEST(CellOverlap, FractionalCellsOnAStretchedGrid) {
  // x nodes 0, 1, 3, 7, 15; y nodes 0, 2, 4; z nodes 0, 0.5, 2.
  const std::array<std::vector<double>, 3> nodes = {
      std::vector<double>{0, 1, 3, 7, 15}, {0, 2, 4}, {0, 0.5, 2}};
  // Box [2, 10] x [1, 3] x [0.25, 1]: x overlaps 1 (cell 1), 4 (cell 2), 3 (cell 3); y 1, 1;
  // z 0.25, 0.5. Total 8 x 2 x 0.75 = 12 m3.
  const Box box{{2.0, 1.0, 0.25}, {10.0, 3.0, 1.0}};
  const auto overlaps = box_cell_overlaps(nodes, box);
  ASSERT_EQ(overlaps.size(), 12u); // 3 x 2 x 2 cells
  double total = 0.0;
  for (const auto& overlap : overlaps)
    total += overlap.volume;
  EXPECT_NEAR(total, 12.0, 1e-12);
  // Cell (2, 0, 1): 4 x 1 x 0.5 = 2 m3 of the cell's 4 x 2 x 1.5 = 12 m3, a fraction 1/6.
  const auto& cell = overlaps[1 + 3 * 0 + 6 * 1]; // x cells 1..3 are positions 0..2
  EXPECT_EQ(cell.cell, (std::array<int, 3>{2, 0, 1}));
  EXPECT_NEAR(cell.volume, 2.0, 1e-12);
  EXPECT_NEAR(cell.fraction, 1.0 / 6.0, 1e-12);
  // A box reaching outside the grid counts the part inside only: [-5, 20] x [3, 9] x [1.5, 3]
  // -> 15 x 1 x 0.5 = 7.5 m3.
  EXPECT_NEAR(box_overlap_volume(nodes, Box{{-5.0, 3.0, 1.5}, {20.0, 9.0, 3.0}}), 7.5, 1e-12);
  // Owned blocks add up to the whole: x cells [0, 2) and [2, 4).
  double blocks = 0.0;
  for (const auto& overlap : box_cell_overlaps(nodes, box, {0, 0, 0}, {2, -1, -1}))
    blocks += overlap.volume;
  for (const auto& overlap : box_cell_overlaps(nodes, box, {2, 0, 0}, {4, -1, -1}))
    blocks += overlap.volume;
  EXPECT_NEAR(blocks, 12.0, 1e-12);
}

} // namespace
} // namespace terrafate
