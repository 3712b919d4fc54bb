#pragma once
// A single-band, north-up raster in site coordinates (an ESRI ASCII grid or a GeoTIFF as read by
// GDAL in io/raster_gdal), sampled at points: plain data, no GDAL types.
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "terrafate/core/errors.hpp"

namespace terrafate {

struct Raster {
  std::string file;     ///< the file as named in the deck (messages)
  std::string key_path; ///< the deck key that names it
  SourceLocation where;
  std::array<double, 2> corner{}; ///< [m] site x, y of the top-left corner of the top-left pixel
  std::array<double, 2> pixel{};  ///< [m] pixel width (> 0) and height (< 0: rows run south)
  int columns = 0;
  int rows = 0;
  std::vector<double> values; ///< rows * columns values, the top row first
  std::optional<double> nodata;
  std::string crs; ///< "EPSG:<code>" when the file names an EPSG code; empty otherwise

  /// The value of the pixel containing site point (x, y) [m] (a point on a pixel edge belongs
  /// to the pixel east or south of it), or nothing outside the raster or at a nodata pixel.
  std::optional<double> at(double x, double y) const;
};

} // namespace terrafate
