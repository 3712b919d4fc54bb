#pragma once
// Rasters through GDAL (GeoTIFF, ESRI ASCII grid and every other format GDAL reads).
#include <filesystem>

#include "terrafate/core/raster.hpp"

namespace terrafate::io {

/// Fills `raster` (whose file, key_path and where name it) with band 1 of the file at `path`.
/// Throws InputError at the raster's key and line, naming the file, when the file cannot be read,
/// has no georeference, is rotated or sheared, or exceeds 2e8 pixels.
void load_raster(Raster& raster, const std::filesystem::path& path);

} // namespace terrafate::io
