#pragma once
// Vector files through GDAL/OGR (GeoJSON, shapefile, GeoPackage and every other format OGR
// reads): the one polygon or line a deck names with `{file, layer, where, feature}`.
#include <filesystem>

#include "terrafate/core/config.hpp"

namespace terrafate::io {

/// The feature `request` asks for, read from the file at `path` (the request's file resolved
/// against the deck's folder). InputError at the request's keys when the file cannot be opened,
/// the layer is missing (or not named in a file of several layers), the attribute filter is
/// invalid, no feature or more than one passes it (without feature:), feature: is past the
/// last, or the geometry is not one Polygon without holes (polygon:) or one LineString
/// (polyline:), or has non-finite coordinates.
VectorFeature read_vector_feature(const VectorRequest& request, const std::filesystem::path& path);

} // namespace terrafate::io
