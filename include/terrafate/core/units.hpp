#pragma once
// Unit conversion with udunits2 (the same library and unit database CF/NetCDF tools use; a
// hand-written table would miss prefixes and compound units such as "ug/L" or "m3/d").
#include <memory>
#include <string>
#include <string_view>

namespace terrafate {

/// Converts quantities between unit strings understood by udunits2.
class UnitSystem {
public:
  /// The process-wide unit system (the udunits2 XML database is read once).
  static const UnitSystem& instance();

  /// Converts `value` given in `from` to `to`. Throws std::invalid_argument when either unit is
  /// unknown or the two are not convertible.
  double convert(double value, std::string_view from, std::string_view to) const;

  /// True when `unit` parses.
  bool known(std::string_view unit) const;

  UnitSystem(const UnitSystem&) = delete;
  UnitSystem& operator=(const UnitSystem&) = delete;
  ~UnitSystem();

private:
  UnitSystem();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Parses "value unit" (e.g. "10 m/d", "5 yr", "50 ug/L") and returns the value in `base_unit`.
/// A bare number is taken to be in `base_unit`. Throws std::invalid_argument with a message.
double parse_quantity(std::string_view text, std::string_view base_unit);

} // namespace terrafate
