// Polygons and polylines given as `{file, layer, where, feature}`: the deck keys, the CRS check
// and the map into the grid frame. The file itself is read by the deck's VectorReader
// (io::read_vector_feature), so core reads no file.
#include <climits>

#include <fmt/format.h>

#include "terrafate/core/config.hpp"

namespace terrafate {

void ConfigNode::set_vector_reader(VectorReader reader) const {
  document_->vector_reader = std::move(reader);
}

const VectorReader& ConfigNode::vector_reader() const {
  return document_->vector_reader;
}

std::vector<std::array<double, 2>>
read_vector_vertices(const ConfigNode& node, const SiteFrame& frame, VectorRequest::Shape shape) {
  node.expect_keys({"file", "layer", "where", "feature"});
  VectorRequest request{shape, node.at("file").as_string(), "", "", std::nullopt, node};
  if (request.file.empty()) throw node.at("file").error("the file name is empty");
  if (const auto layer = node.find("layer")) request.layer = layer->as_string();
  if (const auto where = node.find("where")) {
    request.where = where->as_string();
    if (request.where.empty()) throw where->error("the attribute filter is empty");
  }
  if (const auto feature = node.find("feature")) request.feature = feature->as_integer(0, LONG_MAX);
  const VectorReader& reader = node.vector_reader();
  if (!reader)
    throw node.at("file").error("vector files are read only in a deck read from its file");
  const VectorFeature found = reader(request);
  if (!frame.crs.empty() && found.crs != frame.crs)
    throw node.at("file").error(
        found.crs.empty()
            ? fmt::format("{} has no CRS; the grid is in {} (grid.crs)", found.description,
                          frame.crs)
            : fmt::format("{} is in {}, the grid in {} (grid.crs): give the file in the grid's "
                          "CRS{}",
                          found.description, found.crs, frame.crs,
                          found.crs == "EPSG:4326"
                              ? " (a GeoJSON without a \"crs\" member is EPSG:4326, RFC 7946)"
                              : ""));
  std::vector<std::array<double, 2>> vertices;
  vertices.reserve(found.vertices.size());
  for (const auto& vertex : found.vertices)
    vertices.push_back(frame.to_grid(vertex));
  return vertices;
}

std::vector<std::array<double, 2>> read_polyline(const ConfigNode& node, const SiteFrame& frame) {
  std::vector<std::array<double, 2>> vertices;
  if (node.is_map()) {
    vertices = read_vector_vertices(node, frame, VectorRequest::Shape::line);
  } else {
    if (!node.is_sequence())
      throw node.error("expected a list of [x, y] vertices or {file, layer, where, feature}");
    for (const auto& vertex : node.elements())
      vertices.push_back(frame.to_grid(vertex.as_vector<2>("m")));
  }
  if (vertices.size() < 2)
    throw node.error(fmt::format("a polyline needs at least 2 vertices, got {}", vertices.size()));
  return vertices;
}

} // namespace terrafate
