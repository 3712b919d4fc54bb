#pragma once
// Groundwater flow input: boundary conditions on grid faces and pumping wells with schedules.
#include <algorithm>
#include <array>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "terrafate/core/config.hpp"
#include "terrafate/core/raster.hpp"
#include "terrafate/grid/grid.hpp"

namespace terrafate {

/// A face of the grid's bounding box.
enum class Face { xmin, xmax, ymin, ymax, zmin, zmax };
const char* face_name(Face face);
inline int face_axis(Face face) {
  return static_cast<int>(face) / 2;
}
inline bool face_is_upper(Face face) {
  return static_cast<int>(face) % 2 == 1;
}

/// One cell of a cell-list boundary (global indices).
struct BoundarySite {
  int i = 0, j = 0, k = 0;
  /// [m2/d] conductance (general_head, river, drain), [m3/d] inflow (flux), 0 (head).
  double coefficient = 0.0;
  double level = 0.0; ///< [m] head (head, general_head), stage (river) or drain elevation (drain)
  double bottom = -std::numeric_limits<double>::infinity(); ///< [m] river bed bottom
  /// [m2/d per unit of the conductance's value] the conductance's measure: 1 (cells: m2/d), the
  /// top area [m2] (polygon: 1/d) or the length inside the cell [m] (polyline: m/d); 0 (flux, head)
  double measure = 0.0;
  /// With FlowBoundary::vertex_series: the level is sum_v weight_v * vertex_series[v] (the
  /// length-weighted mean along the polyline inside the cell of the values interpolated between
  /// the vertices); empty otherwise.
  std::vector<double> vertex_weights;
};

/// A boundary value that changes in time: `{series: [[t, value], ...], interpolation: linear |
/// step}` in place of the value.
struct TimeSeries {
  std::vector<double> times;  ///< [d] strictly increasing
  std::vector<double> values; ///< in the key's base unit
  /// Linear between the points (default); otherwise each value holds from its time to the next.
  bool linear = true;
  /// The value at `t` [d]: the first value before the first time, the last after the last.
  double at(double t) const;
  /// The value of a step series at `step_time`, of a linear one at `linear_time` [d].
  double at(double step_time, double linear_time) const {
    return at(linear ? linear_time : step_time);
  }
};

struct FlowBoundary {
  /// head: on a face, a head at the face (half a cell from the centres); on cells, the cells'
  /// heads are fixed (MODFLOW CHD: a Dirichlet condition; the boundary's flow is what keeps each
  /// cell's balance). river: inflow C (stage - h) while h > bottom, C (stage - bottom) below (the
  /// aquifer disconnects from the river); drain: outflow C (h - elevation) while h > elevation,
  /// else 0.
  enum class Type { head, flux, general_head, river, drain };
  /// A whole grid face (`face:`), or a list of cells (`cells:`, `polygon:`, `polyline:`, or
  /// `raster:`: a flux per column from the pixel under its centre).
  enum class Form { face, cells, polygon, polyline, raster };
  Face face = Face::xmin; ///< for the cell forms: zmax (their flow enters through the top)
  Form form = Form::face;
  Type type = Type::head;
  double head = 0.0;        ///< [m] prescribed head (head, general_head)
  double flux = 0.0;        ///< [m/d] specific flux into the domain (flux)
  double conductance = 0.0; ///< [1/d] conductance per unit face area (general_head)
  /// A time series of the boundary's value: its head (head, general_head), stage (river),
  /// elevation (drain) or flux (flux; then the sites' and the face's coefficients are per unit
  /// flux: [m2]); the other fields hold its value at t = 0.
  std::optional<TimeSeries> series;
  /// A time series of the conductance (general_head, river, drain; in the form's conductance
  /// unit, values >= 0); `conductance` and the coefficients hold its value at t = 0.
  std::optional<TimeSeries> conductance_series;
  /// A polyline whose level (head, stage or elevation) has a time series at some vertex: one
  /// series per vertex (a constant vertex: a one-point series), combined per site through its
  /// vertex_weights; the sites' levels hold the values at t = 0.
  std::vector<TimeSeries> vertex_series;
  /// The cells of a cell form, with their conductances and levels (every rank holds all).
  std::vector<BoundarySite> sites;
  std::string label; ///< budget component name, e.g. "head:xmin", "river:creek"
  SourceLocation where;
  /// Every time series of the boundary: its value's, its conductance's and its vertices'.
  std::vector<const TimeSeries*> all_series() const;
  /// [m] the level of `site` (one of `sites`) with its vertices' series at a time: step series at
  /// `step_time`, linear ones at `linear_time` [d] (site.level without vertex series).
  double site_level(const BoundarySite& site, double step_time, double linear_time) const;
};
const char* boundary_type_name(FlowBoundary::Type type);

/// A well whose screen spans [screen_bottom, screen_top] at (x, y).
struct Well {
  std::string name;
  double x = 0.0, y = 0.0;                      ///< [m]
  double screen_bottom = 0.0, screen_top = 0.0; ///< [m] elevation
  double rate = 0.0; ///< [m3/d], < 0 extracts (with rate_series: its value at t = 0)
  std::optional<TimeSeries> rate_series; ///< [m3/d] a rate that changes in time (deck wells)
  double start = 0.0;                    ///< [d]
  double end = std::numeric_limits<double>::infinity(); ///< [d]
  SourceLocation where;
  std::string key_path;
  bool active_during(double period_begin, double period_end) const {
    return start <= period_begin && period_end <= end;
  }
};

/// A cap: the flux (recharge) boundaries on the top face are multiplied by `factor` where the
/// cell centres lie inside `area` (x and y only: a box or a polygon) over [start, end).
struct RechargeCap {
  Region area;
  /// Whether the cap covers the point (x, y) [m], whatever its elevation.
  bool covers(double x, double y) const {
    if (area.all) return true;
    const Box& box = area.box;
    if (x < box.min[0] || box.max[0] < x || y < box.min[1] || box.max[1] < y) return false;
    return !area.polygon || area.polygon->contains(x, y);
  }
  double factor = 1.0;
  double volatilization_factor = 1.0; ///< [-] on the soil columns' volatilization below it
  double start = 0.0;                 ///< [d]
  double end = std::numeric_limits<double>::infinity(); ///< [d]
  bool active_during(double period_begin, double period_end) const {
    return start <= period_begin && period_end <= end;
  }
};

/// How the saturated fraction of a face between two water-table cells is formed.
enum class SaturationWeighting {
  mean,    ///< the mean of the two cells' saturated fractions (second order; flat layer bottoms)
  upstream ///< the fraction of the cell with the higher head (MODFLOW 6 NPF Newton)
};

struct FlowSpec {
  bool transient = false;
  /// `flow.water_table`: every cell is convertible (otherwise only the materials that say so).
  bool water_table = false;
  /// `flow.saturation_weighting` of horizontal faces between convertible cells.
  SaturationWeighting saturation_weighting = SaturationWeighting::mean;
  /// [m] initial head for transient flow.
  double initial_head = 0.0;
  /// Transient flow starts from the steady state of the first period instead of initial_head.
  bool initial_steady = false;
  std::vector<FlowBoundary> boundaries;
  std::vector<Well> wells;
  std::vector<RechargeCap> caps; ///< from remediation actions
  /// Whether a boundary value, conductance or vertex value, or a well rate follows a linear time
  /// series (of 2 points or more): steady flow is then solved again within a stress period (for
  /// every transport step, or at every output time without transport).
  bool has_linear_series() const {
    const auto linear = [](const TimeSeries* s) { return s->linear && s->times.size() > 1; };
    return std::any_of(boundaries.begin(), boundaries.end(),
                       [&](const auto& b) {
                         const auto series = b.all_series();
                         return std::any_of(series.begin(), series.end(), linear);
                       }) ||
           std::any_of(wells.begin(), wells.end(),
                       [&](const auto& w) { return w.rate_series && linear(&*w.rate_series); });
  }
};

/// Fills a raster (whose file, key_path and where name it) from its file (io::load_raster, with
/// the deck's folder for relative names).
using RasterLoader = std::function<void(Raster&)>;

/// Reads `flow:` and checks every well against the grid; `load_raster` reads the files of
/// `raster:` boundaries (without it they are an InputError).
FlowSpec read_flow_spec(const ConfigNode& node, const Grid& grid,
                        const RasterLoader& load_raster = {});

/// Reads one well entry {name, position: [x, y], screen: [bottom, top], rate, start, end}.
Well read_well(const ConfigNode& node, const Grid& grid);

} // namespace terrafate
