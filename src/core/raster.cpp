#include "terrafate/core/raster.hpp"

#include <cmath>

namespace terrafate {

std::optional<double> Raster::at(double x, double y) const {
  const double column = std::floor((x - corner[0]) / pixel[0]);
  const double row = std::floor((y - corner[1]) / pixel[1]);
  if (!(column >= 0.0 && column < columns && row >= 0.0 && row < rows)) return std::nullopt;
  const double value = values[static_cast<std::size_t>(row) * static_cast<std::size_t>(columns) +
                              static_cast<std::size_t>(column)];
  if (std::isnan(value) || (nodata && value == *nodata)) return std::nullopt;
  return value;
}

} // namespace terrafate
