#include "terrafate/flow/flow_spec.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

namespace terrafate {

const char* face_name(Face face) {
  static constexpr const char* names[] = {"xmin", "xmax", "ymin", "ymax", "zmin", "zmax"};
  return names[static_cast<int>(face)];
}

const char* boundary_type_name(FlowBoundary::Type type) {
  static constexpr const char* names[] = {"head", "flux", "general_head", "river", "drain"};
  return names[static_cast<int>(type)];
}

namespace {
Face read_face(const ConfigNode& node) {
  const std::string name = node.as_choice({"xmin", "xmax", "ymin", "ymax", "zmin", "zmax"});
  for (int f = 0; f < 6; ++f)
    if (name == face_name(static_cast<Face>(f))) return static_cast<Face>(f);
  throw node.error("unknown face");
}

FlowBoundary read_face_boundary(const ConfigNode& node) {
  FlowBoundary boundary;
  boundary.where = node.where();
  const std::string type =
      node.at("type").as_choice({"head", "flux", "general_head", "river", "drain"});
  if (type == "head") {
    node.expect_keys({"face", "type", "head"});
    boundary.type = FlowBoundary::Type::head;
    boundary.head = node.quantity("head", "m");
  } else if (type == "flux") {
    node.expect_keys({"face", "type", "flux"});
    boundary.type = FlowBoundary::Type::flux;
    boundary.flux = node.quantity("flux", "m/d");
  } else if (type == "general_head") {
    node.expect_keys({"face", "type", "head", "conductance"});
    boundary.type = FlowBoundary::Type::general_head;
    boundary.head = node.quantity("head", "m");
    boundary.conductance = node.quantity("conductance", "1/d", Range::positive());
  } else {
    throw node.at("type").error(
        fmt::format("a {} boundary takes cells:, polygon: or polyline:, not face:", type));
  }
  boundary.face = read_face(node.at("face"));
  boundary.label = fmt::format("{}:{}", type, face_name(boundary.face));
  return boundary;
}

/// Values of `key` along a polyline: one number (everywhere) or one per vertex.
std::vector<double> read_vertex_values(const ConfigNode& node, std::string_view key,
                                       std::string_view unit, std::size_t vertices) {
  const ConfigNode value = node.at(key);
  if (!value.is_sequence()) return {value.as_quantity(unit)};
  auto values = value.as_quantity_list(unit, Range::any(), vertices, vertices);
  return values;
}

/// A polyline's cells (top layer columns it crosses) with the length inside each [m] and the
/// length-weighted mean of per-vertex values there.
struct PolylineCell {
  int i, j;
  double length = 0.0;
  std::vector<double> values; ///< per quantity, length-weighted sums (divided at the end)
};

std::vector<PolylineCell> polyline_cells(const ConfigNode& node, const Grid& grid,
                                         const std::vector<std::array<double, 2>>& vertices,
                                         const std::vector<std::vector<double>>& values) {
  double smallest = std::numeric_limits<double>::infinity();
  for (int axis = 0; axis < 2; ++axis)
    for (int c = 0; c < grid.cells(axis); ++c)
      smallest = std::min(smallest, grid.width(axis, c));
  std::map<std::pair<int, int>, PolylineCell> cells;
  for (std::size_t s = 0; s + 1 < vertices.size(); ++s) {
    const auto& a = vertices[s];
    const auto& b = vertices[s + 1];
    const double length = std::hypot(b[0] - a[0], b[1] - a[1]);
    if (!(length > 0.0))
      throw node.error(fmt::format("vertices {} and {} of the polyline coincide", s, s + 1));
    // Midpoints of pieces no longer than 1/16 of the smallest cell width.
    const int pieces = static_cast<int>(std::ceil(16.0 * length / smallest));
    for (int p = 0; p < pieces; ++p) {
      const double t = (p + 0.5) / pieces;
      const double x = a[0] + t * (b[0] - a[0]), y = a[1] + t * (b[1] - a[1]);
      const auto i = grid.locate(0, x);
      const auto j = grid.locate(1, y);
      if (!i || !j) continue;
      auto& cell = cells[{*j, *i}];
      cell.i = *i;
      cell.j = *j;
      cell.values.resize(values.size(), 0.0);
      const double piece = length / pieces;
      cell.length += piece;
      for (std::size_t q = 0; q < values.size(); ++q) {
        const auto& v = values[q];
        const double value = v.size() == 1 ? v[0] : v[s] + t * (v[s + 1] - v[s]);
        cell.values[q] += piece * value;
      }
    }
  }
  if (cells.empty()) throw node.error("the polyline crosses no cell of the grid");
  std::vector<PolylineCell> list;
  for (auto& [key, cell] : cells) {
    for (auto& value : cell.values)
      value /= cell.length;
    list.push_back(std::move(cell));
  }
  return list;
}

FlowBoundary read_cell_boundary(const ConfigNode& node, const Grid& grid) {
  FlowBoundary boundary;
  boundary.where = node.where();
  boundary.face = Face::zmax;
  const std::string type = node.at("type").as_choice({"general_head", "river", "drain", "flux"});
  boundary.type = type == "general_head" ? FlowBoundary::Type::general_head
                  : type == "river"      ? FlowBoundary::Type::river
                  : type == "drain"      ? FlowBoundary::Type::drain
                                         : FlowBoundary::Type::flux;
  node.expect_keys({"type", "name", "cells", "polygon", "polyline", "z", "head", "stage", "bottom",
                    "elevation", "conductance", "flux"});
  const int forms = node.has("cells") + node.has("polygon") + node.has("polyline");
  if (forms != 1) throw node.error("give exactly one of face:, cells:, polygon: or polyline:");
  boundary.form = node.has("cells")     ? FlowBoundary::Form::cells
                  : node.has("polygon") ? FlowBoundary::Form::polygon
                                        : FlowBoundary::Form::polyline;
  // The keys each type takes, besides type, name, the form and z.
  const std::vector<std::string_view> level_keys =
      boundary.type == FlowBoundary::Type::general_head ? std::vector<std::string_view>{"head"}
      : boundary.type == FlowBoundary::Type::river
          ? std::vector<std::string_view>{"stage", "bottom"}
      : boundary.type == FlowBoundary::Type::drain ? std::vector<std::string_view>{"elevation"}
                                                   : std::vector<std::string_view>{};
  for (const char* key : {"head", "stage", "bottom", "elevation", "conductance", "flux"}) {
    const bool wanted =
        std::find(level_keys.begin(), level_keys.end(), key) != level_keys.end() ||
        (std::string_view(key) == "conductance" && boundary.type != FlowBoundary::Type::flux) ||
        (std::string_view(key) == "flux" && boundary.type == FlowBoundary::Type::flux);
    if (wanted && !node.has(key))
      throw node.error(fmt::format("a {} boundary needs {}", type, key));
    if (!wanted && node.has(key))
      throw node.at(key).error(fmt::format("a {} boundary does not take {}", type, key));
  }
  if (boundary.form == FlowBoundary::Form::polyline && boundary.type == FlowBoundary::Type::flux)
    throw node.at("polyline").error("a flux boundary takes cells: or polygon: (an area)");

  // Layers of the polygon and polyline forms: z range, or the top layer.
  std::vector<int> layers;
  if (const auto z = node.find("z")) {
    if (boundary.form == FlowBoundary::Form::cells)
      throw z->error("z goes with polygon: or polyline: (cells: give their layer)");
    const auto range = z->as_vector<2>("m");
    for (int k = 0; k < grid.cells(2); ++k)
      if (grid.center(2, k) >= range[0] && grid.center(2, k) <= range[1]) layers.push_back(k);
    if (layers.empty())
      throw z->error(fmt::format("no layer centre lies in [{}, {}]", range[0], range[1]));
  } else {
    layers.push_back(grid.cells(2) - 1);
  }

  // Conductance unit by form: per cell, per unit top area, per unit length.
  const char* conductance_unit = boundary.form == FlowBoundary::Form::cells     ? "m2/d"
                                 : boundary.form == FlowBoundary::Form::polygon ? "1/d"
                                                                                : "m/d";
  auto make_site = [&](int i, int j, int k, double measure, double level, double bottom) {
    BoundarySite site{i, j, k, 0.0, level, bottom};
    site.coefficient = boundary.type == FlowBoundary::Type::flux ? boundary.flux * measure
                                                                 : boundary.conductance * measure;
    if (boundary.type == FlowBoundary::Type::river && !(site.level >= site.bottom))
      throw node.error(fmt::format("river stage {} m is below its bottom {} m in cell ({}, {}, {})",
                                   site.level, site.bottom, i, j, k));
    boundary.sites.push_back(site);
  };
  const std::string level_key(level_keys.empty() ? "" : level_keys.front());
  if (boundary.type == FlowBoundary::Type::flux)
    boundary.flux = node.quantity("flux", "m/d");
  else
    boundary.conductance = node.quantity("conductance", conductance_unit, Range::positive());

  if (boundary.form == FlowBoundary::Form::polyline) {
    const ConfigNode line = node.at("polyline");
    std::vector<std::array<double, 2>> vertices;
    for (const auto& vertex : line.elements())
      vertices.push_back(grid.frame().to_grid(vertex.as_vector<2>("m")));
    if (vertices.size() < 2) throw line.error("a polyline needs at least 2 vertices");
    std::vector<std::vector<double>> values;
    for (const auto key : level_keys)
      values.push_back(read_vertex_values(node, key, "m", vertices.size()));
    for (const auto& cell : polyline_cells(line, grid, vertices, values))
      for (const int k : layers)
        make_site(cell.i, cell.j, k, cell.length, cell.values.empty() ? 0.0 : cell.values[0],
                  cell.values.size() > 1 ? cell.values[1]
                                         : -std::numeric_limits<double>::infinity());
  } else {
    const double level = level_key.empty() ? 0.0 : node.quantity(level_key, "m");
    const double bottom = boundary.type == FlowBoundary::Type::river
                              ? node.quantity("bottom", "m")
                              : -std::numeric_limits<double>::infinity();
    if (boundary.form == FlowBoundary::Form::cells) {
      const ConfigNode cells = node.at("cells");
      for (const auto& entry : cells.elements()) {
        if (!entry.is_sequence() || entry.elements().size() != 3)
          throw entry.error("a cell is [i, j, k] (0-based indices along x, y, z)");
        const auto index = entry.elements();
        int ijk[3];
        for (int axis = 0; axis < 3; ++axis)
          ijk[axis] = static_cast<int>(index[axis].as_integer(0, grid.cells(axis) - 1));
        const bool flux = boundary.type == FlowBoundary::Type::flux;
        make_site(ijk[0], ijk[1], ijk[2],
                  flux ? grid.width(0, ijk[0]) * grid.width(1, ijk[1]) : 1.0, level, bottom);
      }
      if (boundary.sites.empty()) throw cells.error("no cells given");
    } else {
      const ConfigNode area = node.at("polygon");
      const Polygon polygon = read_polygon(area, grid.frame());
      for (int j = 0; j < grid.cells(1); ++j)
        for (int i = 0; i < grid.cells(0); ++i)
          if (polygon.contains(grid.center(0, i), grid.center(1, j)))
            for (const int k : layers)
              make_site(i, j, k, grid.width(0, i) * grid.width(1, j), level, bottom);
      if (boundary.sites.empty()) throw area.error("the polygon contains no cell centre");
    }
  }
  static constexpr const char* form_names[] = {"face", "cells", "polygon", "polyline"};
  boundary.label = node.has("name")
                       ? fmt::format("{}:{}", type, node.string("name"))
                       : fmt::format("{}:{}", type, form_names[static_cast<int>(boundary.form)]);
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
  const auto site = position.as_vector<2>("m");
  const auto xy = grid.frame().to_grid(site);
  well.x = xy[0];
  well.y = xy[1];
  for (int axis = 0; axis < 2; ++axis)
    if (!grid.locate(axis, xy[axis]))
      throw position.error(
          grid.frame().rotated()
              ? fmt::format("well position [{}, {}] lies outside the rotated grid (grid-frame {} "
                            "= {} is outside [{}, {}])",
                            site[0], site[1], axis == 0 ? "x" : "y", xy[axis], grid.lower(axis),
                            grid.upper(axis))
              : fmt::format("well position {} = {} is outside the grid [{}, {}]",
                            axis == 0 ? "x" : "y", xy[axis], grid.lower(axis), grid.upper(axis)));
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
  well.start = node.time_point_or("start", 0.0);
  well.end = node.time_point_or("end", well.end);
  if (!(well.end > well.start))
    throw node.at("end").error(
        fmt::format("end {} d must be after start {} d", well.end, well.start));
  return well;
}

FlowSpec read_flow_spec(const ConfigNode& node, const Grid& grid) {
  node.expect_keys(
      {"type", "initial_head", "boundaries", "wells", "water_table", "saturation_weighting"});
  FlowSpec spec;
  spec.water_table = node.bool_or("water_table", false);
  if (const auto weighting = node.find("saturation_weighting"))
    spec.saturation_weighting = weighting->as_choice({"mean", "upstream"}) == "mean"
                                    ? SaturationWeighting::mean
                                    : SaturationWeighting::upstream;
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
      // Every key of every form; each form then checks its own.
      entry.expect_keys({"type", "face", "name", "cells", "polygon", "polyline", "z", "head",
                         "stage", "bottom", "elevation", "conductance", "flux"});
      FlowBoundary boundary =
          entry.has("face") ? read_face_boundary(entry) : read_cell_boundary(entry, grid);
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
  const bool has_head = std::any_of(spec.boundaries.begin(), spec.boundaries.end(), [](auto& b) {
    return b.type != FlowBoundary::Type::flux && b.type != FlowBoundary::Type::drain;
  });
  if (!spec.transient && !has_head)
    throw node.error("steady flow needs at least one head, general_head or river boundary "
                     "(otherwise the head is not determined)");
  return spec;
}

} // namespace terrafate
