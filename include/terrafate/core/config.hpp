#pragma once
// Validated access to the YAML input deck. Every value is read through a ConfigNode, which knows
// its key path and its line in the file, so every error names both. Maps are closed: a key the
// reader did not declare is an error with a "did you mean" suggestion.
#include <array>
#include <filesystem>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "terrafate/core/errors.hpp"

namespace terrafate {

/// Admissible interval of a numeric value, in the value's base unit.
struct Range {
  double low = -std::numeric_limits<double>::infinity();
  double high = std::numeric_limits<double>::infinity();
  bool low_open = false;
  bool high_open = false;

  static Range any() { return {}; }
  static Range positive() { return {0.0, std::numeric_limits<double>::infinity(), true, false}; }
  static Range non_negative() { return {0.0, std::numeric_limits<double>::infinity()}; }
  /// (0, 1]: porosities and fractions that may be 1.
  static Range fraction_open_low() { return {0.0, 1.0, true, false}; }
  /// [0, 1]
  static Range unit_interval() { return {0.0, 1.0}; }
  bool contains(double value) const;
  std::string describe() const;
};

class ConfigNode;
struct VectorRequest;
struct VectorFeature;
/// Reads the one feature a deck's `{file, layer, where, feature}` names from a vector file
/// (io::read_vector_feature through GDAL/OGR, installed by the deck reader); core does not read
/// files itself.
using VectorReader = std::function<VectorFeature(const VectorRequest&)>;

/// An opt-in record of what the deck readers accept, for the generated deck reference
/// (`terrafate schema`, docs/deck-reference.md). Off by default: with no recorder installed the
/// readers behave exactly as without it. While one is installed (set_schema_recorder), every
/// expect_keys call records the keys allowed at its key path and every typed read records the
/// type, base unit, range, choices and default of the value read (or, for quantity_or,
/// string_or and bool_or, of the value that would be read). Paths are normalized when written:
/// sequence indices become `[]`, or `[T]` for an element map with a scalar `type: T`; a nested
/// map with a `type: T` gets `(T)`; the entries of a map read by keys() (names chosen by the
/// user: species, land uses, factor keys) become `<key>`. Not thread-safe (the readers run on
/// one thread).
class SchemaRecorder {
public:
  /// The union over every deck read while recording, as JSON:
  /// {"paths": {PATH: {"allowed": [...], "free_keys": true, "reads": [{"kind": ..., ...}]}}}.
  std::string to_json() const;
  /// Adds what `other` recorded (decks read with their own recorder, kept when valid).
  void merge(const SchemaRecorder& other);

private:
  friend class ConfigNode;
  using Parse = std::shared_ptr<const std::string>; // one load of a deck (kept alive here)
  void allowed(const Parse& parse, const std::string& path,
               std::initializer_list<std::string_view> keys, const YAML::Node& node);
  void read(const Parse& parse, const std::string& path, const std::string& json);
  void free_keys(const Parse& parse, const std::string& path);
  std::string normalize(const Parse& parse, const std::string& path) const;

  std::map<std::pair<Parse, std::string>, std::string> variants_; // raw path -> type value
  std::set<std::pair<Parse, std::string>> free_maps_;
  std::vector<std::tuple<Parse, std::string, std::vector<std::string>>> allowed_;
  std::vector<std::tuple<Parse, std::string, std::string>> reads_;
};

/// Installs `recorder` (nullptr: recording off, the default); returns the previous one.
SchemaRecorder* set_schema_recorder(SchemaRecorder* recorder);

/// One node of a deck, with the context needed for error messages.
class ConfigNode {
public:
  ConfigNode(YAML::Node node, std::string key_path, std::shared_ptr<const std::string> file);

  /// Sets `time.start_date` for this whole deck (every node read from the same text): run day 0
  /// is `start_day` [days since 1970-01-01], written at `where`. The deck reader calls it before
  /// any time point is read; as_time_point then accepts dates.
  void set_start_day(long start_day, const SourceLocation& where) const;
  /// [days since 1970-01-01] run day 0 (`time.start_date`), when set for this deck.
  std::optional<long> start_day() const;
  /// Installs the reader of vector files (polygons and polylines given as `{file: ...}`) for
  /// this whole deck (every node read from the same text); it resolves file names against the
  /// deck's folder. Without one such a polygon or polyline is an InputError.
  void set_vector_reader(VectorReader reader) const;
  /// The reader installed by set_vector_reader (empty when none).
  const VectorReader& vector_reader() const;

  /// Parses YAML text (`source_name`, the file name, appears in messages); syntax errors
  /// become InputError with the file and line.
  static ConfigNode load_string(const std::string& text, const std::string& source_name);

  const std::string& key_path() const { return key_path_; }
  const std::string& file() const { return *file_; }
  SourceLocation where() const;
  /// Where `key` is written in this map (this node's location when the key is absent).
  SourceLocation key_where(std::string_view key) const;
  /// An InputError located at this node.
  InputError error(const std::string& message) const;

  bool is_map() const { return node_.IsMap(); }
  bool is_sequence() const { return node_.IsSequence(); }
  bool is_scalar() const { return node_.IsScalar(); }
  bool is_null() const { return !node_.IsDefined() || node_.IsNull(); }

  /// Requires a map whose keys are all in `allowed` (each at most once).
  void expect_keys(std::initializer_list<std::string_view> allowed) const;
  bool has(std::string_view key) const;
  /// A required child (a map entry); error if missing.
  ConfigNode at(std::string_view key) const;
  std::optional<ConfigNode> find(std::string_view key) const;
  /// Elements of a sequence (error if this is not a sequence).
  std::vector<ConfigNode> elements() const;
  /// Keys of a map, in the order written (error if this is not a map).
  std::vector<std::string> keys() const;

  /// A number, or a "value unit" string converted to `base_unit` (empty: dimensionless).
  double as_quantity(std::string_view base_unit, const Range& range = Range::any()) const;
  /// [d] a time point since run day 0: a number of days, a "value unit" quantity ("5 yr"), or
  /// an ISO date "YYYY-MM-DD", which is the days after `time.start_date` (set_start_day). A date
  /// without start_date, or before it, is an InputError at this node. Durations (steps,
  /// windows, half-lives) are read with as_quantity, which refuses dates.
  double as_time_point(const Range& range = Range::non_negative()) const;
  /// [d] a list of time points (as_time_point each) with min_count <= size <= max_count.
  std::vector<double> as_time_point_list(std::size_t min_count,
                                         std::size_t max_count = static_cast<std::size_t>(-1),
                                         const Range& range = Range::non_negative()) const;
  std::string as_string() const;
  /// The name of a deck entity (species, well, material, ...): a text value passing
  /// invalid_name_reason, else an error naming `kind`.
  std::string as_name(std::string_view kind) const;
  bool as_bool() const;
  long as_integer(long low, long high) const;
  /// One of `choices`; error lists them.
  std::string as_choice(std::initializer_list<std::string_view> choices) const;
  /// One of `choices` (a list kept elsewhere, e.g. a catalog); error lists them.
  std::string as_choice(std::span<const std::string_view> choices) const;
  /// A sequence of exactly `N` quantities.
  template <std::size_t N>
  std::array<double, N> as_vector(std::string_view base_unit,
                                  const Range& range = Range::any()) const {
    const auto values = as_quantity_list(base_unit, range, N, N);
    std::array<double, N> result{};
    for (std::size_t i = 0; i < N; ++i)
      result[i] = values[i];
    return result;
  }
  /// A sequence of quantities with min_count <= size <= max_count.
  std::vector<double> as_quantity_list(std::string_view base_unit, const Range& range,
                                       std::size_t min_count,
                                       std::size_t max_count = static_cast<std::size_t>(-1)) const;

  // Shorthands on children.
  double quantity(std::string_view key, std::string_view base_unit,
                  const Range& range = Range::any()) const {
    return at(key).as_quantity(base_unit, range);
  }
  double quantity_or(std::string_view key, double fallback, std::string_view base_unit,
                     const Range& range = Range::any()) const;
  /// [d] the time point at `key` (as_time_point).
  double time_point(std::string_view key, const Range& range = Range::non_negative()) const {
    return at(key).as_time_point(range);
  }
  /// [d] the time point at `key`, or `fallback` [d] when absent.
  double time_point_or(std::string_view key, double fallback,
                       const Range& range = Range::non_negative()) const;
  std::string string(std::string_view key) const { return at(key).as_string(); }
  std::string string_or(std::string_view key, const std::string& fallback) const;
  bool bool_or(std::string_view key, bool fallback) const;

private:
  friend class SchemaRecorder;
  void record(const std::string& path, const std::string& json) const;
  /// Records a time point read at `path` (with its default, for the *_or readers).
  void record_time(const std::string& path, const Range& range,
                   std::optional<double> fallback) const;
  /// as_quantity without recording or the date check.
  double quantity_value(std::string_view base_unit, const Range& range) const;
  YAML::Node node_;
  std::string key_path_;
  std::shared_ptr<const std::string> file_;
  /// Per-deck settings shared by every node of one text (`time.start_date`).
  struct Document {
    std::optional<long> start_day; ///< [days since 1970-01-01]
    SourceLocation start_where;
    VectorReader vector_reader; ///< reads `{file: ...}` polygons and polylines
  };
  std::shared_ptr<Document> document_;
  ConfigNode(YAML::Node node, std::string key_path, std::shared_ptr<const std::string> file,
             std::shared_ptr<Document> document);
  std::string child_path(std::string_view key) const;
};

/// Why `name` cannot name a deck entity, or nullopt when it can. Names match
/// [A-Za-z0-9_.+-]{1,64} and are neither "." nor "..", so they are safe as CSV columns, HDF5
/// group names and file names.
std::optional<std::string> invalid_name_reason(std::string_view name);

/// Plausible magnitudes of a quantity in base unit `unit`: |value| <= `max_magnitude` and
/// either 0 or |value| >= `min_magnitude`. Finite values outside them are typing slips (1e300
/// km/s, a grid of 1e-300 m) that would only fail deep inside the solvers.
struct Plausible {
  double max_magnitude;
  double min_magnitude;
};
/// The plausible magnitudes for `base_unit` (as passed to as_quantity; "" or "1":
/// dimensionless).
Plausible plausible_magnitudes(std::string_view base_unit);

/// The allowed key closest to `key` in edit distance, when close enough to be a likely typo.
std::optional<std::string> closest_key(std::string_view key,
                                       std::initializer_list<std::string_view> allowed);
std::optional<std::string> closest_key(std::string_view key,
                                       std::span<const std::string_view> allowed);

/// Axis-aligned box [m], min <= max componentwise.
struct Box {
  std::array<double, 3> min{};
  std::array<double, 3> max{};
  bool contains(const std::array<double, 3>& point) const {
    for (int d = 0; d < 3; ++d)
      if (point[d] < min[d] || point[d] > max[d]) return false;
    return true;
  }
};

/// A simple polygon in x-y [m] (vertices in order, closed implicitly).
struct Polygon {
  std::vector<std::array<double, 2>> vertices;
  /// Even-odd rule (crossings of a ray towards +x); a point on a vertical or horizontal edge
  /// belongs to the side with the larger coordinate, so that cells sharing an edge are counted
  /// once.
  bool contains(double x, double y) const {
    bool inside = false;
    const std::size_t n = vertices.size();
    for (std::size_t a = 0, b = n - 1; a < n; b = a++) {
      const auto& p = vertices[a];
      const auto& q = vertices[b];
      if ((p[1] > y) != (q[1] > y)) {
        const double crossing = p[0] + (y - p[1]) * (q[0] - p[0]) / (q[1] - p[1]);
        if (x < crossing) inside = !inside;
      }
    }
    return inside;
  }
};

/// A region of the grid: everything, a box, or a polygon in x-y with a z range.
struct Region {
  bool all = true;
  /// The box; for a polygon, its bounding box with the z range.
  Box box;
  /// Set for `{polygon: [[x, y], ...], z: [zmin, zmax]}`.
  std::optional<Polygon> polygon;
  SourceLocation where;
  std::string key_path;
  bool contains(const std::array<double, 3>& point) const {
    if (all) return true;
    if (!box.contains(point)) return false;
    return !polygon || polygon->contains(point[0], point[1]);
  }
};

/// The map between site coordinates (positions as written in the deck, in `grid.crs`) and the
/// grid frame (x and y along the grid's axes, in which the model works): a rotation by
/// `grid.rotation` about the grid's origin. Elevations (z) are the same in both. Without a
/// rotation the map is the identity, so the grid frame is the site frame.
struct SiteFrame {
  std::array<double, 2> origin{}; ///< [m] site x, y of the grid's lowest corner (`grid.origin`)
  double rotation = 0.0;          ///< [degree] counter-clockwise from site x to the grid's x axis
  std::string crs;                ///< `grid.crs` ("EPSG:<code>"); empty when not given
  bool rotated() const { return rotation != 0.0; }
  /// Site x, y [m] -> grid-frame x, y [m].
  std::array<double, 2> to_grid(const std::array<double, 2>& site) const;
  /// Grid-frame x, y [m] -> site x, y [m].
  std::array<double, 2> to_site(const std::array<double, 2>& grid) const;
  /// A site point [m] in the grid frame (z unchanged).
  std::array<double, 3> to_grid(const std::array<double, 3>& site) const;
  /// A grid-frame point [m] in site coordinates (z unchanged).
  std::array<double, 3> to_site(const std::array<double, 3>& grid) const;
};

/// What a deck's `{file: F, layer: L, where: W, feature: N}` asks of a vector file (GeoJSON,
/// shapefile, GeoPackage, any format GDAL/OGR reads): the one feature of layer L (optional when
/// the file has one layer) that passes the attribute filter W (OGR SQL, optional), or the N-th
/// (0-based) of those that pass.
struct VectorRequest {
  enum class Shape { polygon, line };
  Shape shape = Shape::polygon; ///< a Polygon (polygon:) or a LineString (polyline:)
  std::string file;             ///< as written (relative to the deck's folder)
  std::string layer;            ///< empty: the file's only layer
  std::string where;            ///< empty: every feature
  std::optional<long> feature;  ///< none: exactly one feature must pass
  ConfigNode node;              ///< the `{file, ...}` map, for messages
};

/// The geometry of the feature a VectorRequest found.
struct VectorFeature {
  /// [m] site x, y: a polygon's ring without its closing vertex, or a line's vertices.
  std::vector<std::array<double, 2>> vertices;
  std::string crs;         ///< the layer's "EPSG:<code>"; empty without a CRS; else a description
  std::string description; ///< which feature of which file and layer (messages)
};

/// Reads `{file, layer, where, feature}` (VectorRequest) at `node` through the deck's vector
/// reader and returns the feature's vertices in the grid frame of `frame`. InputError at the
/// file's key when the layer's CRS is not `frame.crs` (when grid.crs is given, compared by EPSG
/// code), or when no reader is installed.
std::vector<std::array<double, 2>>
read_vector_vertices(const ConfigNode& node, const SiteFrame& frame, VectorRequest::Shape shape);

/// Reads a list of at least 3 [x, y] vertices [m] enclosing a non-zero area, in site
/// coordinates, or `{file, layer, where, feature}` naming one Polygon of a vector file (without
/// holes: holes and multi-part polygons are refused), and returns it in the grid frame of
/// `frame`.
Polygon read_polygon(const ConfigNode& node, const SiteFrame& frame);

/// Reads a polyline: a list of at least 2 [x, y] vertices [m] in site coordinates, or
/// `{file, layer, where, feature}` naming one LineString of a vector file; returns it in the
/// grid frame of `frame`.
std::vector<std::array<double, 2>> read_polyline(const ConfigNode& node, const SiteFrame& frame);

/// Reads `all`, `{box: {min: [x, y, z], max: [x, y, z]}}` or
/// `{polygon: [[x, y], ...], z: [zmin, zmax]}` (z optional: all elevations; the polygon may be
/// `{file, layer, where, feature}`, read_polygon), in site
/// coordinates, into the grid frame of `frame`. On a rotated frame a box is a rectangle in
/// site x-y, so it becomes the polygon of its four corners (with its z range).
Region read_region(const ConfigNode& node, const SiteFrame& frame);

} // namespace terrafate
