#pragma once
// Groundwater flow input: boundary conditions on grid faces and pumping wells with schedules.
#include <array>
#include <limits>
#include <string>
#include <vector>

#include "terrafate/core/config.hpp"
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
  /// [m2/d] conductance (general_head, river, drain) or [m3/d] inflow (flux).
  double coefficient = 0.0;
  double level = 0.0; ///< [m] head (general_head), stage (river) or drain elevation (drain)
  double bottom = -std::numeric_limits<double>::infinity(); ///< [m] river bed bottom
};

struct FlowBoundary {
  /// river: inflow C (stage - h) while h > bottom, C (stage - bottom) below (the aquifer
  /// disconnects from the river); drain: outflow C (h - elevation) while h > elevation, else 0.
  enum class Type { head, flux, general_head, river, drain };
  /// A whole grid face (`face:`), or a list of cells (`cells:`, `polygon:`, `polyline:`).
  enum class Form { face, cells, polygon, polyline };
  Face face = Face::xmin; ///< for the cell forms: zmax (their flow enters through the top)
  Form form = Form::face;
  Type type = Type::head;
  double head = 0.0;        ///< [m] prescribed head (head, general_head)
  double flux = 0.0;        ///< [m/d] specific flux into the domain (flux)
  double conductance = 0.0; ///< [1/d] conductance per unit face area (general_head)
  /// The cells of a cell form, with their conductances and levels (every rank holds all).
  std::vector<BoundarySite> sites;
  std::string label; ///< budget component name, e.g. "head:xmin", "river:creek"
  SourceLocation where;
};
const char* boundary_type_name(FlowBoundary::Type type);

/// A well whose screen spans [screen_bottom, screen_top] at (x, y).
struct Well {
  std::string name;
  double x = 0.0, y = 0.0;                              ///< [m]
  double screen_bottom = 0.0, screen_top = 0.0;         ///< [m] elevation
  double rate = 0.0;                                    ///< [m3/d], < 0 extracts
  double start = 0.0;                                   ///< [d]
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
};

/// Reads `flow:` and checks every well against the grid.
FlowSpec read_flow_spec(const ConfigNode& node, const Grid& grid);

/// Reads one well entry {name, position: [x, y], screen: [bottom, top], rate, start, end}.
Well read_well(const ConfigNode& node, const Grid& grid);

} // namespace terrafate
