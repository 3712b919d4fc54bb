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

double TimeSeries::at(double t) const {
  if (t <= times.front()) return values.front();
  if (t >= times.back()) return values.back();
  const auto next =
      static_cast<std::size_t>(std::upper_bound(times.begin(), times.end(), t) - times.begin());
  if (!linear) return values[next - 1];
  const double share = (t - times[next - 1]) / (times[next] - times[next - 1]);
  return values[next - 1] + share * (values[next] - values[next - 1]);
}

std::vector<const TimeSeries*> FlowBoundary::all_series() const {
  std::vector<const TimeSeries*> all;
  if (series) all.push_back(&*series);
  if (conductance_series) all.push_back(&*conductance_series);
  for (const auto& vertex : vertex_series)
    all.push_back(&vertex);
  return all;
}

double FlowBoundary::site_level(const BoundarySite& site, double step_time,
                                double linear_time) const {
  if (vertex_series.empty()) return site.level;
  double level = 0.0;
  for (std::size_t v = 0; v < vertex_series.size(); ++v)
    if (site.vertex_weights[v] != 0.0)
      level += site.vertex_weights[v] * vertex_series[v].at(step_time, linear_time);
  return level;
}

namespace {
/// `{series: [[t, value], ...], interpolation: linear | step}` (times are time points: days,
/// "value unit" or dates after time.start_date; values in `unit` within `range`).
TimeSeries read_series(const ConfigNode& value, std::string_view unit, const Range& range) {
  value.expect_keys({"series", "interpolation"});
  TimeSeries read;
  if (const auto interpolation = value.find("interpolation"))
    read.linear = interpolation->as_choice({"linear", "step"}) == "linear";
  const ConfigNode points = value.at("series");
  if (!points.is_sequence() || points.elements().empty())
    throw points.error("a series is a list of [time, value] pairs");
  for (const auto& point : points.elements()) {
    if (!point.is_sequence() || point.elements().size() != 2)
      throw point.error(fmt::format("a series point is [time, value] (value in {})", unit));
    const auto pair = point.elements();
    const double t = pair[0].as_time_point();
    if (!read.times.empty() && !(t > read.times.back()))
      throw pair[0].error(
          fmt::format("series times must increase: {} d after {} d", t, read.times.back()));
    read.times.push_back(t);
    read.values.push_back(pair[1].as_quantity(unit, range));
  }
  return read;
}

/// `node.key`: a number, or a time series (read_series), which goes to `series`. Returns the
/// value at t = 0.
double read_value(const ConfigNode& node, std::string_view key, std::string_view unit,
                  std::optional<TimeSeries>& series, const Range& range = Range::any()) {
  const ConfigNode value = node.at(key);
  if (!value.is_map()) return value.as_quantity(unit, range);
  series = read_series(value, unit, range);
  return series->at(0.0);
}

/// `node.conductance` in `unit`: a positive number, or a time series of values >= 0 (a zero
/// switches the boundary off), which goes to `series`. Returns the value at t = 0.
double read_conductance(const ConfigNode& node, std::string_view unit,
                        std::optional<TimeSeries>& series) {
  if (node.at("conductance").is_map())
    return read_value(node, "conductance", unit, series, Range::non_negative());
  return node.quantity("conductance", unit, Range::positive());
}

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
    boundary.head = read_value(node, "head", "m", boundary.series);
  } else if (type == "flux") {
    node.expect_keys({"face", "type", "flux"});
    boundary.type = FlowBoundary::Type::flux;
    boundary.flux = read_value(node, "flux", "m/d", boundary.series);
  } else if (type == "general_head") {
    node.expect_keys({"face", "type", "head", "conductance"});
    boundary.type = FlowBoundary::Type::general_head;
    boundary.head = read_value(node, "head", "m", boundary.series);
    boundary.conductance = read_conductance(node, "1/d", boundary.conductance_series);
  } else {
    throw node.at("type").error(
        fmt::format("a {} boundary takes cells:, polygon: or polyline:, not face:", type));
  }
  boundary.face = read_face(node.at("face"));
  boundary.label = fmt::format("{}:{}", type, face_name(boundary.face));
  return boundary;
}

/// InputError when `node.key` is a time series (a map): a key that takes numbers only.
void reject_series(const ConfigNode& node, std::string_view key) {
  if (node.at(key).is_map())
    throw node.at(key).error(fmt::format(
        "{} takes no time series: give a number (on a polyline, or one per vertex)", key));
}

/// Values of `key` along a polyline: one number (everywhere) or one per vertex (no time series).
std::vector<double> read_vertex_values(const ConfigNode& node, std::string_view key,
                                       std::string_view unit, std::size_t vertices) {
  reject_series(node, key);
  const ConfigNode value = node.at(key);
  if (!value.is_sequence()) return {value.as_quantity(unit)};
  auto values = value.as_quantity_list(unit, Range::any(), vertices, vertices);
  return values;
}

/// The level `key` [m] (head, stage or elevation) of a polyline with `vertices` vertices: one
/// number, one time series (to boundary.series: every vertex follows it), or one entry per vertex,
/// each a number or a time series (then every vertex's series goes to boundary.vertex_series, a
/// number as a one-point series). Returns the values at t = 0: one, or one per vertex.
std::vector<double> read_polyline_level(const ConfigNode& node, std::string_view key,
                                        std::size_t vertices, FlowBoundary& boundary) {
  const ConfigNode value = node.at(key);
  if (value.is_map()) return {read_value(node, key, "m", boundary.series)};
  if (!value.is_sequence()) return {value.as_quantity("m")};
  const auto entries = value.elements();
  if (std::none_of(entries.begin(), entries.end(), [](auto& e) { return e.is_map(); }))
    return read_vertex_values(node, key, "m", vertices);
  if (entries.size() != vertices)
    throw value.error(fmt::format("{} values for the {} vertices of the polyline (one per vertex, "
                                  "each a number or a time series)",
                                  entries.size(), vertices));
  std::vector<double> at_start;
  for (const auto& entry : entries) {
    boundary.vertex_series.push_back(entry.is_map() ? read_series(entry, "m", Range::any())
                                                    : TimeSeries{{0.0}, {entry.as_quantity("m")}});
    at_start.push_back(boundary.vertex_series.back().at(0.0));
  }
  return at_start;
}

/// River polylines whose stage has a time series: InputError at `stage` when a site's stage falls
/// below its bottom at some time. Between consecutive times of the series the stage is linear in
/// time (step series constant), so its extremes lie at those times or just before them (a step
/// series' previous value with the linear ones at the time).
void check_river_stages(const ConfigNode& node, const FlowBoundary& boundary) {
  if (boundary.type != FlowBoundary::Type::river) return;
  std::vector<double> times;
  for (const auto* series : boundary.all_series())
    times.insert(times.end(), series->times.begin(), series->times.end());
  std::sort(times.begin(), times.end());
  for (std::size_t n = 0; n < times.size(); ++n)
    for (const double step_time : {times[n], times[n > 0 ? n - 1 : 0]})
      for (const auto& site : boundary.sites) {
        const double stage = boundary.series ? boundary.series->at(step_time, times[n])
                                             : boundary.site_level(site, step_time, times[n]);
        if (!(stage >= site.bottom))
          throw node.at("stage").error(
              fmt::format("river stage {} m is below its bottom {} m in cell ({}, {}, {}) at {} d",
                          stage, site.bottom, site.i, site.j, site.k, times[n]));
      }
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

/// [m/d] the pixel of `raster` under each column centre of the grid (site coordinates), x
/// fastest; InputError at the raster's key when its CRS differs from grid.crs, or a column
/// centre lies outside it or on a nodata pixel.
std::vector<double> column_values(const Raster& raster, const Grid& grid) {
  const auto fail = [&](const std::string& why) {
    return InputError(raster.key_path, raster.where,
                      fmt::format("raster '{}': {}", raster.file, why));
  };
  const std::string& crs = grid.frame().crs;
  if (!crs.empty() && raster.crs != crs)
    throw fail(raster.crs.empty()
                   ? fmt::format("the file names no CRS, the grid is in {} (grid.crs)", crs)
                   : fmt::format("the file is in {}, the grid in {} (grid.crs)", raster.crs, crs));
  std::vector<double> values;
  for (int j = 0; j < grid.cells(1); ++j)
    for (int i = 0; i < grid.cells(0); ++i) {
      const auto site =
          grid.frame().to_site(std::array<double, 2>{grid.center(0, i), grid.center(1, j)});
      const auto value = raster.at(site[0], site[1]);
      if (!value) {
        const double column = std::floor((site[0] - raster.corner[0]) / raster.pixel[0]);
        const double row = std::floor((site[1] - raster.corner[1]) / raster.pixel[1]);
        const bool inside =
            column >= 0.0 && column < raster.columns && row >= 0.0 && row < raster.rows;
        const std::string where =
            fmt::format("the centre of column ({}, {}) at site ({}, {})", i, j, site[0], site[1]);
        throw fail(inside ? where + " lies on a nodata pixel (give 0 where there is no flux)"
                          : "it does not cover the grid: " + where + " lies outside it");
      }
      values.push_back(*value);
    }
  return values;
}

FlowBoundary read_cell_boundary(const ConfigNode& node, const Grid& grid,
                                const RasterLoader& load_raster) {
  FlowBoundary boundary;
  boundary.where = node.where();
  boundary.face = Face::zmax;
  const std::string type =
      node.at("type").as_choice({"head", "general_head", "river", "drain", "flux"});
  boundary.type = type == "head"           ? FlowBoundary::Type::head
                  : type == "general_head" ? FlowBoundary::Type::general_head
                  : type == "river"        ? FlowBoundary::Type::river
                  : type == "drain"        ? FlowBoundary::Type::drain
                                           : FlowBoundary::Type::flux;
  node.expect_keys({"type", "name", "cells", "polygon", "polyline", "raster", "z", "head", "stage",
                    "bottom", "elevation", "conductance", "flux"});
  const int forms =
      node.has("cells") + node.has("polygon") + node.has("polyline") + node.has("raster");
  if (forms != 1)
    throw node.error("give exactly one of face:, cells:, polygon:, polyline: or raster:");
  boundary.form = node.has("cells")      ? FlowBoundary::Form::cells
                  : node.has("polygon")  ? FlowBoundary::Form::polygon
                  : node.has("polyline") ? FlowBoundary::Form::polyline
                                         : FlowBoundary::Form::raster;
  // Layers of the polygon, polyline and raster forms in column (i, j): those whose cell centre
  // (the column's own elevations with grid.top / grid.bottoms) lies in the z range, or the top
  // layer.
  std::optional<std::array<double, 2>> z_range;
  if (const auto z = node.find("z")) {
    if (boundary.form == FlowBoundary::Form::cells)
      throw z->error("z goes with polygon:, polyline: or raster: (cells: give their layer)");
    z_range = z->as_vector<2>("m");
    bool any = false;
    for (int j = 0; j < grid.cells(1) && !any; ++j)
      for (int i = 0; i < grid.cells(0) && !any; ++i)
        for (int k = 0; k < grid.cells(2) && !any; ++k)
          any = grid.center_z(i, j, k) >= (*z_range)[0] && grid.center_z(i, j, k) <= (*z_range)[1];
    if (!any)
      throw z->error(fmt::format("no cell centre lies in [{}, {}]", (*z_range)[0], (*z_range)[1]));
  }
  const auto layers_at = [&](int i, int j) {
    std::vector<int> layers;
    if (!z_range) return std::vector<int>{grid.cells(2) - 1};
    for (int k = 0; k < grid.cells(2); ++k)
      if (grid.center_z(i, j, k) >= (*z_range)[0] && grid.center_z(i, j, k) <= (*z_range)[1])
        layers.push_back(k);
    return layers;
  };

  if (boundary.form == FlowBoundary::Form::raster) {
    if (boundary.type != FlowBoundary::Type::flux)
      throw node.at("type").error("raster: gives a flux per column: it takes type: flux");
    if (node.has("flux"))
      throw node.at("flux").error("a raster flux boundary takes its flux from the raster");
    if (!load_raster) throw node.at("raster").error("rasters are not read here");
    Raster raster;
    raster.file = node.at("raster").as_string();
    raster.key_path = node.at("raster").key_path();
    raster.where = node.at("raster").where();
    load_raster(raster);
    const auto fluxes = column_values(raster, grid);
    for (int j = 0; j < grid.cells(1); ++j)
      for (int i = 0; i < grid.cells(0); ++i)
        for (const int k : layers_at(i, j))
          boundary.sites.push_back({i,
                                    j,
                                    k,
                                    fluxes[static_cast<std::size_t>(j) * grid.cells(0) + i] *
                                        grid.width(0, i) * grid.width(1, j),
                                    0.0,
                                    -std::numeric_limits<double>::infinity(),
                                    0.0,
                                    {}});
    boundary.label = node.has("name") ? fmt::format("flux:{}", node.string("name")) : "flux:raster";
    return boundary;
  }
  // The keys each type takes, besides type, name, the form and z.
  const bool fixed_head = boundary.type == FlowBoundary::Type::head;
  const std::vector<std::string_view> level_keys =
      boundary.type == FlowBoundary::Type::general_head || fixed_head
          ? std::vector<std::string_view>{"head"}
      : boundary.type == FlowBoundary::Type::river
          ? std::vector<std::string_view>{"stage", "bottom"}
      : boundary.type == FlowBoundary::Type::drain ? std::vector<std::string_view>{"elevation"}
                                                   : std::vector<std::string_view>{};
  for (const char* key : {"head", "stage", "bottom", "elevation", "conductance", "flux"}) {
    const bool wanted =
        std::find(level_keys.begin(), level_keys.end(), key) != level_keys.end() ||
        (std::string_view(key) == "conductance" && boundary.type != FlowBoundary::Type::flux &&
         !fixed_head) ||
        (std::string_view(key) == "flux" && boundary.type == FlowBoundary::Type::flux);
    if (wanted && !node.has(key))
      throw node.error(fmt::format("a {} boundary needs {}", type, key));
    if (!wanted && node.has(key))
      throw node.at(key).error(fmt::format("a {} boundary does not take {}", type, key));
  }
  if (boundary.form == FlowBoundary::Form::polyline && boundary.type == FlowBoundary::Type::flux)
    throw node.at("polyline").error("a flux boundary takes cells: or polygon: (an area)");

  // Conductance unit by form: per cell, per unit top area, per unit length.
  const char* conductance_unit = boundary.form == FlowBoundary::Form::cells     ? "m2/d"
                                 : boundary.form == FlowBoundary::Form::polygon ? "1/d"
                                                                                : "m/d";
  auto make_site = [&](int i, int j, int k, double measure, double level, double bottom) {
    BoundarySite site{i, j, k, 0.0, level, bottom, 0.0, {}};
    // A flux series scales per-unit-flux coefficients (FlowBoundary::series).
    const double flux = boundary.series ? 1.0 : boundary.flux;
    site.coefficient =
        boundary.type == FlowBoundary::Type::flux ? flux * measure : boundary.conductance * measure;
    if (boundary.type != FlowBoundary::Type::flux) site.measure = measure;
    if (boundary.type == FlowBoundary::Type::river && !(site.level >= site.bottom))
      throw node.error(fmt::format("river stage {} m is below its bottom {} m in cell ({}, {}, {})",
                                   site.level, site.bottom, i, j, k));
    boundary.sites.push_back(site);
  };
  const std::string level_key(level_keys.empty() ? "" : level_keys.front());
  if (boundary.type == FlowBoundary::Type::flux)
    boundary.flux = read_value(node, "flux", "m/d", boundary.series);
  else if (!fixed_head)
    boundary.conductance = read_conductance(node, conductance_unit, boundary.conductance_series);

  if (boundary.form == FlowBoundary::Form::polyline) {
    const ConfigNode line = node.at("polyline");
    const auto vertices = read_polyline(line, grid.frame());
    // The values interpolated along the line: the level's (with vertex series, each vertex's
    // weight: the interpolation of 1 at that vertex and 0 at the others), then the bottom's.
    std::vector<std::vector<double>> values;
    if (!level_key.empty()) {
      const auto level = read_polyline_level(node, level_key, vertices.size(), boundary);
      if (boundary.vertex_series.empty()) values.push_back(level);
      for (std::size_t v = 0; v < boundary.vertex_series.size(); ++v) {
        values.emplace_back(vertices.size(), 0.0);
        values.back()[v] = 1.0;
      }
    }
    if (boundary.type == FlowBoundary::Type::river)
      values.push_back(read_vertex_values(node, "bottom", "m", vertices.size()));
    const std::size_t weights = boundary.vertex_series.size();
    for (const auto& cell : polyline_cells(line, grid, vertices, values))
      for (const int k : layers_at(cell.i, cell.j)) {
        BoundarySite site;
        site.vertex_weights.assign(cell.values.begin(), cell.values.begin() + weights);
        const double level = weights > 0           ? boundary.site_level(site, 0.0, 0.0)
                             : cell.values.empty() ? 0.0
                                                   : cell.values[0];
        const std::size_t bottom = std::max<std::size_t>(weights, 1);
        make_site(cell.i, cell.j, k, cell.length, level,
                  cell.values.size() > bottom ? cell.values[bottom]
                                              : -std::numeric_limits<double>::infinity());
        boundary.sites.back().vertex_weights = std::move(site.vertex_weights);
      }
    check_river_stages(node, boundary);
  } else {
    const double level =
        level_key.empty() ? 0.0 : read_value(node, level_key, "m", boundary.series);
    const double bottom = boundary.type == FlowBoundary::Type::river
                              ? (reject_series(node, "bottom"), node.quantity("bottom", "m"))
                              : -std::numeric_limits<double>::infinity();
    if (boundary.series && boundary.type == FlowBoundary::Type::river)
      for (const double stage : boundary.series->values)
        if (!(stage >= bottom))
          throw node.at("stage").error(fmt::format(
              "river stage {} m of the series is below its bottom {} m", stage, bottom));
    if (boundary.type == FlowBoundary::Type::head ||
        boundary.type == FlowBoundary::Type::general_head)
      boundary.head = level;
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
            for (const int k : layers_at(i, j))
              make_site(i, j, k, grid.width(0, i) * grid.width(1, j), level, bottom);
      if (boundary.sites.empty()) throw area.error("the polygon contains no cell centre");
    }
  }
  static constexpr const char* form_names[] = {"face", "cells", "polygon", "polyline", "raster"};
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
  well.rate = read_value(node, "rate", "m3/d", well.rate_series);
  well.start = node.time_point_or("start", 0.0);
  well.end = node.time_point_or("end", well.end);
  if (!(well.end > well.start))
    throw node.at("end").error(
        fmt::format("end {} d must be after start {} d", well.end, well.start));
  return well;
}

FlowSpec read_flow_spec(const ConfigNode& node, const Grid& grid, const RasterLoader& load_raster) {
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
      entry.expect_keys({"type", "face", "name", "cells", "polygon", "polyline", "raster", "z",
                         "head", "stage", "bottom", "elevation", "conductance", "flux"});
      FlowBoundary boundary = entry.has("face") ? read_face_boundary(entry)
                                                : read_cell_boundary(entry, grid, load_raster);
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
