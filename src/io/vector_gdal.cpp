#include "terrafate/io/vector_gdal.hpp"

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include <ogr_api.h>

#include "gdal_support.hpp"

namespace terrafate::io {

namespace {
struct FeatureDestroyer {
  void operator()(void* feature) const { OGR_F_Destroy(feature); }
};
using FeaturePtr = std::unique_ptr<void, FeatureDestroyer>;

/// The layer names of `dataset`, quoted and comma separated (messages).
std::string layer_names(GDALDatasetH dataset) {
  std::string names;
  for (int l = 0; l < GDALDatasetGetLayerCount(dataset); ++l)
    names +=
        fmt::format("{}'{}'", l == 0 ? "" : ", ", OGR_L_GetName(GDALDatasetGetLayer(dataset, l)));
  return names;
}
} // namespace

VectorFeature read_vector_feature(const VectorRequest& request, const std::filesystem::path& path) {
  detail::register_gdal_drivers();
  const detail::QuietGdalErrors quiet;
  const ConfigNode& node = request.node;
  const bool polygon = request.shape == VectorRequest::Shape::polygon;
  std::unique_ptr<void, detail::DatasetCloser> dataset(
      GDALOpenEx(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr));
  if (!dataset) {
    const std::string message = CPLGetLastErrorMsg();
    throw node.at("file").error(fmt::format("cannot open '{}' ({}) as a vector file{}",
                                            request.file, path.string(),
                                            message.empty() ? "" : ": " + message));
  }
  const int layers = GDALDatasetGetLayerCount(dataset.get());
  OGRLayerH layer = nullptr;
  if (request.layer.empty()) {
    if (layers != 1)
      throw node.at("file").error(
          layers == 0 ? fmt::format("'{}' has no layer", request.file)
                      : fmt::format("'{}' has {} layers ({}): name one with layer:", request.file,
                                    layers, layer_names(dataset.get())));
    layer = GDALDatasetGetLayer(dataset.get(), 0);
  } else {
    layer = GDALDatasetGetLayerByName(dataset.get(), request.layer.c_str());
    if (layer == nullptr)
      throw node.at("layer").error(fmt::format("'{}' has no layer '{}' (its layers: {})",
                                               request.file, request.layer,
                                               layer_names(dataset.get())));
  }
  const std::string layer_name = OGR_L_GetName(layer);
  if (!request.where.empty() && OGR_L_SetAttributeFilter(layer, request.where.c_str()) != 0)
    throw node.at("where").error(fmt::format("where: \"{}\" is not a valid attribute filter for "
                                             "layer '{}' of '{}': {}",
                                             request.where, layer_name, request.file,
                                             CPLGetLastErrorMsg()));
  // The features that pass the filter, in the layer's order: keep the wanted one, count all.
  OGR_L_ResetReading(layer);
  FeaturePtr chosen;
  long passed = 0;
  for (FeaturePtr feature(OGR_L_GetNextFeature(layer)); feature;
       feature.reset(OGR_L_GetNextFeature(layer)), ++passed)
    if (request.feature ? passed == *request.feature : passed == 0) chosen = std::move(feature);
  const std::string filtered =
      request.where.empty() ? "" : fmt::format(" passing where: \"{}\"", request.where);
  if (passed == 0)
    throw(request.where.empty() ? node.at("file") : node.at("where"))
        .error(
            fmt::format("layer '{}' of '{}' has no feature{}", layer_name, request.file, filtered));
  if (request.feature && !chosen)
    throw node.at("feature").error(fmt::format("layer '{}' of '{}' has {} feature(s){}: feature: "
                                               "counts from 0",
                                               layer_name, request.file, passed, filtered));
  if (!request.feature && passed > 1)
    throw(request.where.empty() ? node.at("file") : node.at("where"))
        .error(fmt::format("layer '{}' of '{}' has {} features{}, the {} takes one: narrow "
                           "where: or pick one with feature: (from 0)",
                           layer_name, request.file, passed, filtered,
                           polygon ? "polygon" : "polyline"));
  VectorFeature found;
  found.crs = detail::epsg_of(OGR_L_GetSpatialRef(layer));
  found.description = fmt::format("feature FID {} of layer '{}' in '{}'",
                                  OGR_F_GetFID(chosen.get()), layer_name, request.file);
  OGRGeometryH geometry = OGR_F_GetGeometryRef(chosen.get());
  if (geometry == nullptr || OGR_G_IsEmpty(geometry))
    throw node.error(fmt::format("{} has no geometry", found.description));
  const auto type_name = [](OGRGeometryH g) {
    return std::string(OGRGeometryTypeToName(OGR_G_GetGeometryType(g)));
  };
  const OGRwkbGeometryType single = polygon ? wkbPolygon : wkbLineString;
  const OGRwkbGeometryType multi = polygon ? wkbMultiPolygon : wkbMultiLineString;
  if (wkbFlatten(OGR_G_GetGeometryType(geometry)) == multi) {
    if (OGR_G_GetGeometryCount(geometry) != 1)
      throw node.error(fmt::format("{} is a {} of {} parts; a {} is one part: split the layer "
                                   "into single-part features",
                                   found.description, polygon ? "MultiPolygon" : "MultiLineString",
                                   OGR_G_GetGeometryCount(geometry),
                                   polygon ? "polygon" : "polyline"));
    geometry = OGR_G_GetGeometryRef(geometry, 0);
  }
  if (wkbFlatten(OGR_G_GetGeometryType(geometry)) != single)
    throw node.error(
        fmt::format("{} is a {}; {} takes a {}", found.description, type_name(geometry),
                    polygon ? "polygon:" : "polyline:", polygon ? "Polygon" : "LineString"));
  OGRGeometryH points = geometry;
  if (polygon) {
    const int rings = OGR_G_GetGeometryCount(geometry);
    if (rings > 1)
      throw node.error(fmt::format("{} has {} hole(s) (interior rings); a polygon here has no "
                                   "holes: give the parts around the holes as separate polygons",
                                   found.description, rings - 1));
    points = OGR_G_GetGeometryRef(geometry, 0);
  }
  const int count = OGR_G_GetPointCount(points);
  for (int p = 0; p < count; ++p) {
    const std::array<double, 2> vertex{OGR_G_GetX(points, p), OGR_G_GetY(points, p)};
    if (!std::isfinite(vertex[0]) || !std::isfinite(vertex[1]))
      throw node.error(fmt::format("{}: vertex {} is not finite", found.description, p));
    found.vertices.push_back(vertex);
  }
  // A ring repeats its first vertex at its end; inline polygons close implicitly.
  if (polygon && found.vertices.size() > 1 && found.vertices.front() == found.vertices.back())
    found.vertices.pop_back();
  return found;
}

} // namespace terrafate::io
