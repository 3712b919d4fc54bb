#include "terrafate/run/observations.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace terrafate {

PointSampler::PointSampler(const Grid& grid, const std::vector<ObservationPointSpec>& points)
    : grid_(grid) {
  for (const auto& point : points) {
    if (!grid.inside(point.position))
      throw InputError(point.key_path, point.where,
                       fmt::format("observation point ({}, {}, {}) is outside the grid "
                                   "[{}, {}] x [{}, {}] x [{}, {}]",
                                   point.position[0], point.position[1], point.position[2],
                                   grid.lower(0), grid.upper(0), grid.lower(1), grid.upper(1),
                                   grid.lower(2), grid.upper(2)));
    Stencil stencil;
    // With layer surfaces the vertical interpolation uses the cell centres of the column that
    // holds the point (its own layer elevations).
    std::vector<double> column_centers;
    if (grid.has_surfaces()) {
      const int i = *grid.locate(0, point.position[0]), j = *grid.locate(1, point.position[1]);
      for (int k = 0; k < grid.cells(2); ++k)
        column_centers.push_back(grid.center_z(i, j, k));
    }
    for (int axis = 0; axis < 3; ++axis) {
      const auto& centers = axis == 2 && grid.has_surfaces() ? column_centers : grid.centers(axis);
      const double x = point.position[axis];
      const int n = static_cast<int>(centers.size());
      if (n == 1 || x <= centers.front()) {
        stencil.lower[axis] = stencil.upper[axis] = 0;
      } else if (x >= centers.back()) {
        stencil.lower[axis] = stencil.upper[axis] = n - 1;
      } else {
        const int lower = static_cast<int>(std::upper_bound(centers.begin(), centers.end(), x) -
                                           centers.begin()) -
                          1;
        stencil.lower[axis] = lower;
        stencil.upper[axis] = lower + 1;
        const double span = centers[lower + 1] - centers[lower];
        // Two pinched cells at one elevation: the lower one.
        stencil.fraction[axis] = span > 0.0 ? (x - centers[lower]) / span : 0.0;
      }
    }
    stencils_.push_back(stencil);
  }
  box_dm_ = grid.create_compatible_dm(1, DMDA_STENCIL_BOX, 1);
  TF_PETSC_CHECK(DMCreateGlobalVector(box_dm_, box_global_.out()));
  TF_PETSC_CHECK(DMCreateLocalVector(box_dm_, box_local_.out()));
}

std::vector<double> PointSampler::sample(Vec global) const {
  std::vector<double> values(stencils_.size(), 0.0);
  if (stencils_.empty()) return values;
  // Same layout, so a plain copy moves the field onto the box-stencil DMDA.
  TF_PETSC_CHECK(VecCopy(global, box_global_));
  TF_PETSC_CHECK(DMGlobalToLocal(box_dm_, box_global_, INSERT_VALUES, box_local_));
  {
    DmdaArrayRead<const PetscScalar***> field(box_dm_, box_local_);
    const auto* f = field.get();
    for (std::size_t p = 0; p < stencils_.size(); ++p) {
      const auto& s = stencils_[p];
      if (!grid_.owns(s.lower[0], s.lower[1], s.lower[2])) continue;
      double value = 0.0;
      for (int corner = 0; corner < 8; ++corner) {
        double weight = 1.0;
        int index[3];
        for (int axis = 0; axis < 3; ++axis) {
          const bool up = (corner >> axis) & 1;
          weight *= up ? s.fraction[axis] : 1.0 - s.fraction[axis];
          index[axis] = up ? s.upper[axis] : s.lower[axis];
        }
        if (weight != 0.0) value += weight * f[index[2]][index[1]][index[0]];
      }
      values[p] = value;
    }
  }
  int rank = 0;
  MPI_Comm_rank(grid_.comm(), &rank);
  MPI_Reduce(rank == 0 ? MPI_IN_PLACE : values.data(), values.data(),
             static_cast<int>(values.size()), MPI_DOUBLE, MPI_SUM, 0, grid_.comm());
  return values;
}

} // namespace terrafate
