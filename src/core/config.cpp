#include "terrafate/core/config.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <numbers>
#include <sstream>

#include <fmt/format.h>
#include <yaml-cpp/eventhandler.h>

#include "terrafate/core/calendar.hpp"
#include "terrafate/core/units.hpp"

namespace terrafate {

namespace {
SchemaRecorder* g_schema_recorder = nullptr; // recording off unless a recorder is installed

std::string trim_blanks(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return std::string(text.substr(first, text.find_last_not_of(" \t") - first + 1));
}

std::string json_string(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += fmt::format("\\u{:04x}", static_cast<int>(static_cast<unsigned char>(c)));
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string json_number(double value) {
  return std::isfinite(value) ? fmt::format("{}", value) : std::string("null");
}

std::string json_range(const Range& range) {
  return fmt::format(R"({{"low":{},"high":{},"low_open":{},"high_open":{}}})",
                     json_number(range.low), json_number(range.high), range.low_open,
                     range.high_open);
}

std::string json_unit(std::string_view unit) {
  return json_string(unit.empty() || unit == "1" ? std::string_view("1") : unit);
}
} // namespace

SchemaRecorder* set_schema_recorder(SchemaRecorder* recorder) {
  std::swap(recorder, g_schema_recorder);
  return recorder;
}

void SchemaRecorder::allowed(const Parse& parse, const std::string& path,
                             std::initializer_list<std::string_view> keys, const YAML::Node& node) {
  allowed_.emplace_back(parse, path, std::vector<std::string>(keys.begin(), keys.end()));
  // A map with a scalar `type:` below the top level is one variant of its path.
  const bool top_level = path.find_first_of(".[") == std::string::npos;
  if (!top_level && node.IsMap() && node["type"].IsDefined() && node["type"].IsScalar())
    variants_[{parse, path}] = node["type"].Scalar();
}

void SchemaRecorder::read(const Parse& parse, const std::string& path, const std::string& json) {
  reads_.emplace_back(parse, path, json);
}

void SchemaRecorder::free_keys(const Parse& parse, const std::string& path) {
  free_maps_.insert({parse, path});
}

void SchemaRecorder::merge(const SchemaRecorder& other) {
  variants_.insert(other.variants_.begin(), other.variants_.end());
  free_maps_.insert(other.free_maps_.begin(), other.free_maps_.end());
  allowed_.insert(allowed_.end(), other.allowed_.begin(), other.allowed_.end());
  reads_.insert(reads_.end(), other.reads_.begin(), other.reads_.end());
}

std::string SchemaRecorder::normalize(const Parse& parse, const std::string& path) const {
  std::string raw, out;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '[') {
      const std::size_t close = path.find(']', i);
      raw += path.substr(i, close - i + 1);
      const auto variant = variants_.find({parse, raw});
      out += variant == variants_.end() ? "[]" : "[" + variant->second + "]";
      i = close + 1;
      continue;
    }
    if (path[i] == '.') ++i;
    const std::size_t end = std::min(path.find_first_of(".[", i), path.size());
    const bool free_entry = free_maps_.count({parse, raw}) > 0;
    const std::string name = path.substr(i, end - i);
    if (!raw.empty()) {
      raw += '.';
      out += '.';
    }
    raw += name;
    out += free_entry ? "<key>" : name;
    if (const auto variant = variants_.find({parse, raw}); variant != variants_.end())
      out += "(" + variant->second + ")";
    i = end;
  }
  return out;
}

std::string SchemaRecorder::to_json() const {
  struct Entry {
    std::set<std::string> allowed;
    bool has_allowed = false;
    bool free_keys = false;
    std::set<std::string> reads;
  };
  std::map<std::string, Entry> paths;
  for (const auto& [parse, path, keys] : allowed_) {
    auto& entry = paths[normalize(parse, path)];
    entry.has_allowed = true;
    entry.allowed.insert(keys.begin(), keys.end());
  }
  for (const auto& [parse, path] : free_maps_)
    paths[normalize(parse, path)].free_keys = true;
  for (const auto& [parse, path, json] : reads_)
    paths[normalize(parse, path)].reads.insert(json);
  std::string out = "{\"paths\": {";
  bool first_path = true;
  for (const auto& [path, entry] : paths) {
    out += fmt::format("{}\n  {}: {{", first_path ? "" : ",", json_string(path));
    first_path = false;
    std::vector<std::string> fields;
    if (entry.has_allowed) {
      std::string keys;
      for (const auto& key : entry.allowed)
        keys += (keys.empty() ? "" : ", ") + json_string(key);
      fields.push_back(fmt::format("\"allowed\": [{}]", keys));
    }
    if (entry.free_keys) fields.push_back("\"free_keys\": true");
    std::string reads;
    for (const auto& read : entry.reads)
      reads += (reads.empty() ? "" : ", ") + read;
    fields.push_back(fmt::format("\"reads\": [{}]", reads));
    for (std::size_t f = 0; f < fields.size(); ++f)
      out += (f ? ", " : "") + fields[f];
    out += "}";
  }
  return out + "\n}}\n";
}

void ConfigNode::record(const std::string& path, const std::string& json) const {
  if (g_schema_recorder) g_schema_recorder->read(file_, path, json);
}

void ConfigNode::record_time(const std::string& path, const Range& range,
                             std::optional<double> fallback) const {
  if (!g_schema_recorder) return;
  record(path, fallback
                   ? fmt::format(R"({{"kind":"time","unit":"d","range":{},"default":{}}})",
                                 json_range(range), json_string(fmt::format("{}", *fallback)))
                   : fmt::format(R"({{"kind":"time","unit":"d","range":{}}})", json_range(range)));
}

bool Range::contains(double value) const {
  if (!std::isfinite(value)) return false;
  if (low_open ? value <= low : value < low) return false;
  if (high_open ? value >= high : value > high) return false;
  return true;
}

std::string Range::describe() const {
  const bool has_low = std::isfinite(low);
  const bool has_high = std::isfinite(high);
  if (has_low && !has_high) return fmt::format("{} {}", low_open ? ">" : ">=", low);
  if (!has_low && has_high) return fmt::format("{} {}", high_open ? "<" : "<=", high);
  if (has_low && has_high)
    return fmt::format("in {}{}, {}{}", low_open ? "(" : "[", low, high, high_open ? ")" : "]");
  return "finite";
}

ConfigNode::ConfigNode(YAML::Node node, std::string key_path,
                       std::shared_ptr<const std::string> file)
    : ConfigNode(std::move(node), std::move(key_path), std::move(file),
                 std::make_shared<Document>()) {}

ConfigNode::ConfigNode(YAML::Node node, std::string key_path,
                       std::shared_ptr<const std::string> file, std::shared_ptr<Document> document)
    : node_(std::move(node)), key_path_(std::move(key_path)), file_(std::move(file)),
      document_(std::move(document)) {}

namespace {
/// Throws InputError at the first byte of `text` that is not well-formed UTF-8 (RFC 3629: no
/// overlong forms, surrogates or code points above U+10FFFF).
void require_utf8(const std::string& text, const std::string& source_name) {
  int line = 1;
  std::size_t i = 0;
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  while (i < text.size()) {
    const unsigned char lead = byte(i);
    std::size_t length = 1;
    unsigned char low = 0x80, high = 0xBF; // bounds of the first continuation byte
    if (lead < 0x80) {
      if (lead == '\n') ++line;
      ++i;
      continue;
    }
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      if (lead == 0xE0) low = 0xA0;
      if (lead == 0xED) high = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      if (lead == 0xF0) low = 0x90;
      if (lead == 0xF4) high = 0x8F;
    } else {
      length = 0;
    }
    bool valid = length > 0 && i + length <= text.size();
    for (std::size_t k = 1; valid && k < length; ++k) {
      const unsigned char next = byte(i + k);
      valid = k == 1 ? next >= low && next <= high : next >= 0x80 && next <= 0xBF;
    }
    if (!valid)
      throw InputError("", SourceLocation{source_name, line, 0},
                       fmt::format("byte 0x{:02X} at offset {} is not valid UTF-8 (the deck must "
                                   "be UTF-8 text)",
                                   lead, i));
    i += length;
  }
}

/// Line (1-based) of the marker that starts the second document of `text` ("---" at the start
/// of a line, after one opening the first document, or "..." ending it).
int second_document_line(const std::string& text) {
  int line = 0, markers = 0;
  bool content = false;
  std::size_t start = 0;
  while (start <= text.size()) {
    ++line;
    const std::size_t end = std::min(text.find('\n', start), text.size());
    const std::string_view row(text.data() + start, end - start);
    const bool marker = row.rfind("---", 0) == 0 || row.rfind("...", 0) == 0;
    const bool blank = row.find_first_not_of(" \t\r") == std::string_view::npos ||
                       row.front() == '#' || row.front() == '%';
    if (marker && (content || ++markers > 1)) return line;
    if (!marker && !blank) content = true;
    start = end + 1;
  }
  return 1;
}

/// A YAML event handler that keeps nothing: for counting documents.
class IgnoreEvents : public YAML::EventHandler {
public:
  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

ConfigNode parse_text(const std::string& text, const std::string& source_name) {
  auto file = std::make_shared<const std::string>(source_name);
  require_utf8(text, source_name);
  try {
    YAML::Node root = YAML::Load(text);
    ConfigNode node(root, "", file);
    if (!root.IsMap())
      throw InputError("", SourceLocation{source_name, 1, 1},
                       "the deck must be a YAML mapping of sections (title:, grid:, ...)");
    // A second document: the parser handles one more. (Not YAML::LoadAll: yaml-cpp 0.7 loops
    // forever on some malformed texts, e.g. ",ydrz", found by tests/fuzz.)
    std::istringstream stream(text);
    YAML::Parser parser(stream);
    IgnoreEvents ignore;
    parser.HandleNextDocument(ignore);
    if (parser.HandleNextDocument(ignore))
      throw InputError("", SourceLocation{source_name, second_document_line(text), 1},
                       "a second YAML document (after '---' or '...'): the deck must be one "
                       "document");
    return node;
  } catch (const YAML::ParserException& e) {
    throw InputError("", SourceLocation{source_name, e.mark.line + 1, e.mark.column + 1},
                     fmt::format("YAML syntax error: {}", e.msg));
  }
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> previous(b.size() + 1), current(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j)
    previous[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitution});
    }
    std::swap(previous, current);
  }
  return previous[b.size()];
}

std::string join_keys(std::span<const std::string_view> keys) {
  std::string text;
  for (auto key : keys) {
    if (!text.empty()) text += ", ";
    text += key;
  }
  return text;
}
} // namespace

ConfigNode ConfigNode::load_string(const std::string& text, const std::string& source_name) {
  return parse_text(text, source_name);
}

SourceLocation ConfigNode::where() const {
  const YAML::Mark mark = node_.Mark();
  if (mark.is_null()) return SourceLocation{*file_, 0, 0};
  return SourceLocation{*file_, mark.line + 1, mark.column + 1};
}

SourceLocation ConfigNode::key_where(std::string_view key) const {
  if (node_.IsMap())
    for (auto it = node_.begin(); it != node_.end(); ++it)
      if (it->first.IsScalar() && it->first.Scalar() == key)
        return SourceLocation{*file_, it->first.Mark().line + 1, it->first.Mark().column + 1};
  return where();
}

InputError ConfigNode::error(const std::string& message) const {
  return InputError(key_path_, where(), message);
}

std::string ConfigNode::child_path(std::string_view key) const {
  return key_path_.empty() ? std::string(key) : fmt::format("{}.{}", key_path_, key);
}

std::optional<std::string> closest_key(std::string_view key,
                                       std::initializer_list<std::string_view> allowed) {
  return closest_key(key, std::span<const std::string_view>(allowed.begin(), allowed.size()));
}

std::optional<std::string> closest_key(std::string_view key,
                                       std::span<const std::string_view> allowed) {
  std::optional<std::string> best;
  std::size_t best_distance = std::max<std::size_t>(2, key.size() / 3) + 1;
  for (auto candidate : allowed) {
    const std::size_t distance = edit_distance(key, candidate);
    if (distance < best_distance) {
      best_distance = distance;
      best = std::string(candidate);
    }
  }
  return best;
}

void ConfigNode::expect_keys(std::initializer_list<std::string_view> allowed) const {
  if (g_schema_recorder) g_schema_recorder->allowed(file_, key_path_, allowed, node_);
  if (!node_.IsMap()) throw error("expected a mapping of keys");
  std::map<std::string, int> seen;
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    const YAML::Node key_node = it->first;
    if (!key_node.IsScalar())
      throw InputError(key_path_,
                       SourceLocation{*file_, key_node.Mark().line + 1, key_node.Mark().column + 1},
                       "keys must be plain names, not lists or maps");
    const std::string key = key_node.Scalar();
    const SourceLocation key_where{*file_, key_node.Mark().line + 1, key_node.Mark().column + 1};
    if (++seen[key] > 1) throw InputError(child_path(key), key_where, "key given twice");
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      std::string message = "unknown key";
      if (const auto suggestion = closest_key(key, allowed))
        message += fmt::format(" (did you mean '{}'?)", *suggestion);
      message += fmt::format("; allowed here: {}", join_keys({allowed.begin(), allowed.size()}));
      throw InputError(child_path(key), key_where, message);
    }
  }
}

bool ConfigNode::has(std::string_view key) const {
  if (!node_.IsMap()) return false;
  const YAML::Node child = node_[std::string(key)];
  return child.IsDefined();
}

std::optional<ConfigNode> ConfigNode::find(std::string_view key) const {
  if (!node_.IsMap()) throw error("expected a mapping of keys");
  const YAML::Node child = node_[std::string(key)];
  if (!child.IsDefined()) return std::nullopt;
  if (child.IsNull()) {
    throw InputError(child_path(key), key_where(key), "has no value");
  }
  return ConfigNode(child, child_path(key), file_, document_);
}

ConfigNode ConfigNode::at(std::string_view key) const {
  auto child = find(key);
  if (!child) throw InputError(child_path(key), where(), "required key is missing");
  return *child;
}

std::vector<ConfigNode> ConfigNode::elements() const {
  if (g_schema_recorder) record(key_path_, R"({"kind":"list"})");
  if (!node_.IsSequence()) throw error("expected a list");
  std::vector<ConfigNode> result;
  result.reserve(node_.size());
  std::size_t index = 0;
  for (const auto& element : node_)
    result.push_back(
        ConfigNode(element, fmt::format("{}[{}]", key_path_, index++), file_, document_));
  return result;
}

std::vector<std::string> ConfigNode::keys() const {
  if (g_schema_recorder) {
    g_schema_recorder->free_keys(file_, key_path_);
    record(key_path_, R"({"kind":"map"})");
  }
  if (!node_.IsMap()) throw error("expected a map (key: value, ...)");
  std::vector<std::string> result;
  for (const auto& entry : node_) {
    if (!entry.first.IsScalar())
      throw InputError(
          key_path_,
          SourceLocation{*file_, entry.first.Mark().line + 1, entry.first.Mark().column + 1},
          "keys must be plain names, not lists or maps");
    result.push_back(entry.first.Scalar());
  }
  return result;
}

double ConfigNode::as_quantity(std::string_view base_unit, const Range& range) const {
  if (g_schema_recorder)
    record(key_path_, fmt::format(R"({{"kind":"quantity","unit":{},"range":{}}})",
                                  json_unit(base_unit), json_range(range)));
  if (!node_.IsScalar()) throw error("expected a number (optionally with a unit, \"10 m/d\")");
  if (looks_like_iso_date(node_.Scalar())) {
    if (base_unit == "d")
      throw error(fmt::format("'{}' is a date, but this is a duration: give a number of days or "
                              "\"value unit\" (\"30 d\", \"2 yr\"), not a date",
                              trim_blanks(node_.Scalar())));
    throw error(fmt::format("'{}' is a date, but this is a quantity in {}, not a time point",
                            trim_blanks(node_.Scalar()), base_unit.empty() ? "1" : base_unit));
  }
  return quantity_value(base_unit, range);
}

double ConfigNode::quantity_value(std::string_view base_unit, const Range& range) const {
  const bool dimensionless = base_unit.empty() || base_unit == "1";
  double value = 0.0;
  try {
    value = parse_quantity(node_.Scalar(), dimensionless ? "1" : base_unit);
  } catch (const std::invalid_argument& e) {
    throw error(fmt::format("{} (expected a number in {}, or \"value unit\")", e.what(),
                            dimensionless ? "dimensionless units" : base_unit));
  }
  const std::string unit = dimensionless ? "" : fmt::format(" {}", base_unit);
  if (!range.contains(value))
    throw error(
        fmt::format("value {} is out of range: must be {}{}", value, range.describe(), unit));
  const Plausible plausible = plausible_magnitudes(base_unit);
  if (std::abs(value) > plausible.max_magnitude)
    throw error(fmt::format("value {:.4g}{} is implausibly large: its magnitude must be at most "
                            "{:g}{}",
                            value, unit, plausible.max_magnitude, unit));
  if (value != 0.0 && std::abs(value) < plausible.min_magnitude)
    throw error(fmt::format("value {:.4g}{} is implausibly small: it must be 0 or of magnitude "
                            "at least {:g}{}",
                            value, unit, plausible.min_magnitude, unit));
  return value;
}

Plausible plausible_magnitudes(std::string_view base_unit) {
  // Generous bounds, far outside any groundwater site, inside what the solvers handle in double
  // precision. Lengths: up to 1e8 m (coordinates of any national grid, UTM northings to 1e7),
  // down to 1 um; times up to 1e9 d (2.7 million years), down to 1e-9 d (86 us); hydraulic
  // conductivity and fluxes up to 1e6 m/d (12 m/s, above open gravel's 1e-1 m/s); rates and
  // volumes up to 1e12 per day. Other units: magnitudes in [1e-30, 1e30].
  static const std::map<std::string_view, Plausible> bounds{
      {"m", {1e8, 1e-6}},     {"km", {1e5, 1e-9}},    {"d", {1e9, 1e-9}},
      {"m/d", {1e6, 1e-30}},  {"1/d", {1e12, 1e-30}}, {"m2/d", {1e12, 1e-30}},
      {"m3/d", {1e12, 1e-30}}};
  const auto found = bounds.find(base_unit);
  return found == bounds.end() ? Plausible{1e30, 1e-30} : found->second;
}

std::optional<std::string> invalid_name_reason(std::string_view name) {
  constexpr std::size_t kMaxLength = 64;
  if (name.empty()) return "a name must not be empty";
  if (name.size() > kMaxLength)
    return fmt::format("a name must be at most {} characters (this one has {})", kMaxLength,
                       name.size());
  if (name == "." || name == "..") return fmt::format("'{}' is not a usable name", name);
  for (const char c : name) {
    const bool allowed = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                         (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '+' || c == '-';
    if (!allowed) {
      const auto byte = static_cast<unsigned char>(c);
      return fmt::format("{} is not allowed in a name (names use letters, digits and _ . + -)",
                         byte >= 0x20 && byte < 0x7F ? fmt::format("'{}'", c)
                                                     : fmt::format("byte 0x{:02X}", byte));
    }
  }
  return std::nullopt;
}

std::string ConfigNode::as_string() const {
  if (g_schema_recorder) record(key_path_, R"({"kind":"string"})");
  if (!node_.IsScalar()) throw error("expected a text value");
  return node_.Scalar();
}

std::string ConfigNode::as_name(std::string_view kind) const {
  const std::string name = as_string();
  if (const auto reason = invalid_name_reason(name))
    throw error(fmt::format("invalid {} name: {}", kind, *reason));
  return name;
}

bool ConfigNode::as_bool() const {
  if (g_schema_recorder) record(key_path_, R"({"kind":"bool"})");
  if (!node_.IsScalar()) throw error("expected true or false");
  bool value = false;
  if (!YAML::convert<bool>::decode(node_, value)) throw error("expected true or false");
  return value;
}

long ConfigNode::as_integer(long low, long high) const {
  if (g_schema_recorder)
    record(key_path_,
           fmt::format(R"({{"kind":"integer","range":{}}})",
                       json_range(Range{static_cast<double>(low), static_cast<double>(high)})));
  if (!node_.IsScalar()) throw error("expected an integer");
  const std::string& text = node_.Scalar();
  long value = 0;
  std::size_t used = 0;
  try {
    value = std::stol(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size()) throw error(fmt::format("'{}' is not an integer", text));
  if (value < low || value > high)
    throw error(fmt::format("value {} is out of range: must be in [{}, {}]", value, low, high));
  return value;
}

std::string ConfigNode::as_choice(std::initializer_list<std::string_view> choices) const {
  return as_choice(std::span<const std::string_view>(choices.begin(), choices.size()));
}

std::string ConfigNode::as_choice(std::span<const std::string_view> choices) const {
  if (g_schema_recorder) {
    std::string list;
    for (auto choice : choices)
      list += (list.empty() ? "" : ",") + json_string(choice);
    record(key_path_, fmt::format(R"({{"kind":"choice","choices":[{}]}})", list));
  }
  const std::string value = as_string();
  if (std::find(choices.begin(), choices.end(), value) != choices.end()) return value;
  std::string message = fmt::format("'{}' is not one of: {}", value, join_keys(choices));
  if (const auto suggestion = closest_key(value, choices))
    message += fmt::format(" (did you mean '{}'?)", *suggestion);
  throw error(message);
}

std::vector<double> ConfigNode::as_quantity_list(std::string_view base_unit, const Range& range,
                                                 std::size_t min_count,
                                                 std::size_t max_count) const {
  if (g_schema_recorder)
    record(key_path_,
           fmt::format(
               R"({{"kind":"quantity_list","unit":{},"range":{},"min_count":{},"max_count":{}}})",
               json_unit(base_unit), json_range(range), min_count,
               max_count == static_cast<std::size_t>(-1) ? std::string("null")
                                                         : fmt::format("{}", max_count)));
  if (!node_.IsSequence()) {
    if (min_count == max_count)
      throw error(fmt::format("expected a list of {} numbers", min_count));
    throw error("expected a list of numbers");
  }
  const auto items = elements();
  if (items.size() < min_count || items.size() > max_count) {
    if (min_count == max_count)
      throw error(fmt::format("expected {} values, got {}", min_count, items.size()));
    throw error(fmt::format("expected at least {} values, got {}", min_count, items.size()));
  }
  std::vector<double> values;
  values.reserve(items.size());
  for (const auto& item : items)
    values.push_back(item.as_quantity(base_unit, range));
  return values;
}

double ConfigNode::quantity_or(std::string_view key, double fallback, std::string_view base_unit,
                               const Range& range) const {
  if (g_schema_recorder)
    record(child_path(key),
           fmt::format(R"({{"kind":"quantity","unit":{},"range":{},"default":{}}})",
                       json_unit(base_unit), json_range(range),
                       json_string(fmt::format("{}", fallback))));
  const auto child = find(key);
  return child ? child->as_quantity(base_unit, range) : fallback;
}

std::string ConfigNode::string_or(std::string_view key, const std::string& fallback) const {
  if (g_schema_recorder)
    record(child_path(key),
           fmt::format(R"({{"kind":"string","default":{}}})", json_string(fallback)));
  const auto child = find(key);
  return child ? child->as_string() : fallback;
}

bool ConfigNode::bool_or(std::string_view key, bool fallback) const {
  if (g_schema_recorder)
    record(child_path(key), fmt::format(R"({{"kind":"bool","default":"{}"}})", fallback));
  const auto child = find(key);
  return child ? child->as_bool() : fallback;
}

std::array<double, 2> SiteFrame::to_grid(const std::array<double, 2>& site) const {
  if (!rotated()) return site;
  const double angle = rotation * std::numbers::pi / 180.0;
  const double c = std::cos(angle), s = std::sin(angle);
  const double dx = site[0] - origin[0], dy = site[1] - origin[1];
  return {origin[0] + c * dx + s * dy, origin[1] - s * dx + c * dy};
}

std::array<double, 2> SiteFrame::to_site(const std::array<double, 2>& grid) const {
  if (!rotated()) return grid;
  const double angle = rotation * std::numbers::pi / 180.0;
  const double c = std::cos(angle), s = std::sin(angle);
  const double dx = grid[0] - origin[0], dy = grid[1] - origin[1];
  return {origin[0] + c * dx - s * dy, origin[1] + s * dx + c * dy};
}

std::array<double, 3> SiteFrame::to_grid(const std::array<double, 3>& site) const {
  const auto xy = to_grid(std::array<double, 2>{site[0], site[1]});
  return {xy[0], xy[1], site[2]};
}

std::array<double, 3> SiteFrame::to_site(const std::array<double, 3>& grid) const {
  const auto xy = to_site(std::array<double, 2>{grid[0], grid[1]});
  return {xy[0], xy[1], grid[2]};
}

Polygon read_polygon(const ConfigNode& node, const SiteFrame& frame) {
  Polygon polygon;
  if (node.is_map()) {
    polygon.vertices = read_vector_vertices(node, frame, VectorRequest::Shape::polygon);
  } else {
    if (!node.is_sequence())
      throw node.error("expected a list of [x, y] vertices or {file, layer, where, feature}");
    for (const auto& vertex : node.elements())
      polygon.vertices.push_back(frame.to_grid(vertex.as_vector<2>("m")));
  }
  if (polygon.vertices.size() < 3)
    throw node.error(
        fmt::format("a polygon needs at least 3 vertices, got {}", polygon.vertices.size()));
  double twice_area = 0.0;
  const std::size_t n = polygon.vertices.size();
  for (std::size_t a = 0, b = n - 1; a < n; b = a++)
    twice_area += (polygon.vertices[b][0] - polygon.vertices[a][0]) *
                  (polygon.vertices[b][1] + polygon.vertices[a][1]);
  if (!(std::abs(twice_area) > 0.0)) throw node.error("the polygon has zero area");
  return polygon;
}

namespace {
/// Sets the x-y bounding box of `region`'s polygon (z untouched).
void bound_polygon(Region& region) {
  constexpr double infinity = std::numeric_limits<double>::infinity();
  for (int d = 0; d < 2; ++d) {
    region.box.min[d] = infinity;
    region.box.max[d] = -infinity;
  }
  for (const auto& vertex : region.polygon->vertices)
    for (int d = 0; d < 2; ++d) {
      region.box.min[d] = std::min(region.box.min[d], vertex[d]);
      region.box.max[d] = std::max(region.box.max[d], vertex[d]);
    }
}
} // namespace

Region read_region(const ConfigNode& node, const SiteFrame& frame) {
  Region region;
  region.where = node.where();
  region.key_path = node.key_path();
  if (node.is_scalar()) {
    if (node.as_string() != "all")
      throw node.error("expected 'all', {box: {min: [x, y, z], max: [x, y, z]}} or "
                       "{polygon: [[x, y], ...], z: [zmin, zmax]}");
    return region;
  }
  if (node.has("polygon")) {
    node.expect_keys({"polygon", "z"});
    region.all = false;
    region.polygon = read_polygon(node.at("polygon"), frame);
    constexpr double infinity = std::numeric_limits<double>::infinity();
    region.box.min[2] = -infinity;
    region.box.max[2] = infinity;
    bound_polygon(region);
    if (const auto z = node.find("z")) {
      const auto range = z->as_vector<2>("m");
      if (range[0] > range[1])
        throw z->error(fmt::format("inverted z range: {} > {}", range[0], range[1]));
      region.box.min[2] = range[0];
      region.box.max[2] = range[1];
    }
    return region;
  }
  node.expect_keys({"box", "polygon", "z"});
  if (node.has("z")) throw node.at("z").error("z goes with polygon (a box has its own z range)");
  const ConfigNode box = node.at("box");
  box.expect_keys({"min", "max"});
  region.all = false;
  region.box.min = box.at("min").as_vector<3>("m");
  region.box.max = box.at("max").as_vector<3>("m");
  for (int d = 0; d < 3; ++d)
    if (region.box.min[d] > region.box.max[d])
      throw box.error(fmt::format("inverted box: min[{0}] = {1} > max[{0}] = {2}", d,
                                  region.box.min[d], region.box.max[d]));
  if (frame.rotated()) {
    const auto& low = region.box.min;
    const auto& high = region.box.max;
    region.polygon = Polygon{{frame.to_grid(std::array<double, 2>{low[0], low[1]}),
                              frame.to_grid(std::array<double, 2>{high[0], low[1]}),
                              frame.to_grid(std::array<double, 2>{high[0], high[1]}),
                              frame.to_grid(std::array<double, 2>{low[0], high[1]})}};
    bound_polygon(region);
  }
  return region;
}

} // namespace terrafate
