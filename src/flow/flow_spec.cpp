#include "terrafate/flow/flow_spec.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace terrafate {

const char* face_name(Face face) {
  static constexpr const char* names[] = {"xmin", "xmax", "ymin", "ymax", "zmin", "zmax"};
  return names[static_cast<int>(face)];
}

namespace {
Face read_face(const ConfigNode& node) {
  const std::string name = node.as_choice({"xmin", "xmax", "ymin", "ymax", "zmin", "zmax"});
  for (int f = 0; f < 6; ++f)
    if (name == face_name(static_cast<Face>(f))) return static_cast<Face>(f);
  throw node.error("unknown face");
}

FlowBoundary read_boundary(const ConfigNode& node) {
  FlowBoundary boundary;
  boundary.where = node.where();
  const std::string type = node.at("type").as_choice({"head", "flux", "general_head"});
  if (type == "head") {
    node.expect_keys({"face", "type", "head"});
    boundary.type = FlowBoundary::Type::head;
    boundary.head = node.quantity("head", "m");
  } else if (type == "flux") {
    node.expect_keys({"face", "type", "flux"});
    boundary.type = FlowBoundary::Type::flux;
    boundary.flux = node.quantity("flux", "m/d");
  } else {
    node.expect_keys({"face", "type", "head", "conductance"});
    boundary.type = FlowBoundary::Type::general_head;
    boundary.head = node.quantity("head", "m");
    boundary.conductance = node.quantity("conductance", "1/d", Range::positive());
  }
  boundary.face = read_face(node.at("face"));
  boundary.label = fmt::format("{}:{}", type, face_name(boundary.face));
  return boundary;
}
} // namespace

Well read_well(const ConfigNode& node, const Grid& grid) {
  node.expect_keys({"name", "position", "screen", "rate", "start", "end"});
  Well well;
  well.name = node.at("name").as_name("well");
  well.where = node.where();
  well.key_path = node.key_path();
  const ConfigNode position = node.at("position");
  const auto xy = position.as_vector<2>("m");
  well.x = xy[0];
  well.y = xy[1];
  for (int axis = 0; axis < 2; ++axis)
    if (!grid.locate(axis, xy[axis]))
      throw position.error(fmt::format("well position {} = {} is outside the grid [{}, {}]",
                                       axis == 0 ? "x" : "y", xy[axis], grid.lower(axis),
                                       grid.upper(axis)));
  const ConfigNode screen = node.at("screen");
  const auto interval = screen.as_vector<2>("m");
  well.screen_bottom = interval[0];
  well.screen_top = interval[1];
  if (!(well.screen_top > well.screen_bottom))
    throw screen.error(fmt::format("empty screen: top {} must be above bottom {}", well.screen_top,
                                   well.screen_bottom));
  if (well.screen_top <= grid.lower(2) || well.screen_bottom >= grid.upper(2))
    throw screen.error(fmt::format("screen [{}, {}] does not cross the grid (z in [{}, {}])",
                                   well.screen_bottom, well.screen_top, grid.lower(2),
                                   grid.upper(2)));
  well.rate = node.quantity("rate", "m3/d");
  well.start = node.quantity_or("start", 0.0, "d", Range::non_negative());
  well.end = node.quantity_or("end", well.end, "d", Range::non_negative());
  if (!(well.end > well.start))
    throw node.at("end").error(
        fmt::format("end {} d must be after start {} d", well.end, well.start));
  return well;
}

FlowSpec read_flow_spec(const ConfigNode& node, const Grid& grid) {
  node.expect_keys({"type", "initial_head", "boundaries", "wells"});
  FlowSpec spec;
  spec.transient = node.at("type").as_choice({"steady", "transient"}) == "transient";
  if (spec.transient) {
    const ConfigNode initial = node.at("initial_head");
    if (initial.is_scalar() && initial.as_string() == "steady")
      spec.initial_steady = true;
    else
      spec.initial_head = initial.as_quantity("m");
  } else if (node.has("initial_head")) {
    throw node.at("initial_head").error("initial_head applies to transient flow only");
  }
  if (const auto boundaries = node.find("boundaries"))
    for (const auto& entry : boundaries->elements()) {
      FlowBoundary boundary = read_boundary(entry);
      // Two boundaries of one type on one face get distinct budget labels.
      const auto same = std::count_if(spec.boundaries.begin(), spec.boundaries.end(),
                                      [&](auto& b) { return b.label.starts_with(boundary.label); });
      if (same > 0) boundary.label += fmt::format("#{}", same + 1);
      spec.boundaries.push_back(std::move(boundary));
    }
  if (const auto wells = node.find("wells"))
    for (const auto& entry : wells->elements()) {
      Well well = read_well(entry, grid);
      for (const auto& other : spec.wells)
        if (other.name == well.name)
          throw entry.at("name").error(fmt::format("well '{}' is defined twice", well.name));
      spec.wells.push_back(std::move(well));
    }
  const bool has_head = std::any_of(spec.boundaries.begin(), spec.boundaries.end(),
                                    [](auto& b) { return b.type != FlowBoundary::Type::flux; });
  if (!spec.transient && !has_head)
    throw node.error("steady flow needs at least one head or general_head boundary (otherwise "
                     "the head is not determined)");
  return spec;
}

} // namespace terrafate
