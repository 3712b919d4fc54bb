#pragma once
// Unit conversion with udunits2 (the same library and unit database CF/NetCDF tools use; a
// hand-written table would miss prefixes and compound units such as "ug/L" or "m3/d").
#include <memory>
#include <string>
#include <string_view>

namespace terrafate {

/// [d] The one year of terrafate: the Julian year, 365.25 d exactly, which is the annum `a` of
/// IUPAC and ISO 80000-3. Deck quantities in `yr`, `year` or `a` (and `month`, a twelfth of it),
/// years in outputs, reports and plots, yearly rates and discounting, and the default windows
/// all use it; python/terrafate/reader.py's DAYS_PER_YEAR is the same number. udunits2's own
/// `yr` is the tropical year (365.24219878125 d), so UnitSystem maps `yr`, `year(s)` and
/// `month(s)` to this year instead (0.0078 d a year apart). Four such years are 1461 d, the
/// length of four calendar years with one leap day. Regulatory averaging times (365 d a year in
/// the EPA and HJ 25.3 dose equations) belong to those published formulas, not to this unit.
inline constexpr double kDaysPerYear = 365.25;

/// Converts quantities between unit strings understood by udunits2, with the year redefined as
/// kDaysPerYear.
class UnitSystem {
public:
  /// The process-wide unit system (the udunits2 XML database is read once).
  static const UnitSystem& instance();

  /// Converts `value` given in `from` to `to`. The symbol `a` is udunits2's are (100 m2); where
  /// `from` does not convert to `to` with it, `a` is read as the year (`yr`, kDaysPerYear), so
  /// "10 a" and "0.2 m/a" are times and rates while "5 a" in m2 stays an area. Throws
  /// std::invalid_argument when either unit is unknown or the two are not convertible.
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
