#include "terrafate/core/units.hpp"

#include <charconv>
#include <cmath>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>

#include <fmt/format.h>
#include <udunits2.h>

namespace terrafate {

namespace {
struct UnitDeleter {
  void operator()(ut_unit* unit) const { ut_free(unit); }
};
struct ConverterDeleter {
  void operator()(cv_converter* converter) const { cv_free(converter); }
};
using UnitPtr = std::unique_ptr<ut_unit, UnitDeleter>;
using ConverterPtr = std::unique_ptr<cv_converter, ConverterDeleter>;

std::string trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t");
  return std::string(text.substr(first, last - first + 1));
}

bool is_letter(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

/// `unit` with every standalone symbol `a` (not part of a longer name) replaced by `yr`; nullopt
/// when it has none.
std::optional<std::string> annum_as_year(std::string_view unit) {
  std::string out;
  bool replaced = false;
  for (std::size_t i = 0; i < unit.size(); ++i) {
    const bool alone = unit[i] == 'a' && (i == 0 || !is_letter(unit[i - 1])) &&
                       (i + 1 == unit.size() || !is_letter(unit[i + 1]));
    out += alone ? "yr" : std::string(1, unit[i]);
    replaced = replaced || alone;
  }
  return replaced ? std::optional(out) : std::nullopt;
}

/// Maps `yr`, `year(s)` and `month(s)` of `system` to kDaysPerYear (and a twelfth of it) in place
/// of udunits2's tropical year.
void use_one_year(ut_system* system) {
  const UnitPtr day(ut_get_unit_by_name(system, "day"));
  const UnitPtr year(day ? ut_scale(kDaysPerYear, day.get()) : nullptr);
  const UnitPtr month(year ? ut_scale(1.0 / 12.0, year.get()) : nullptr);
  if (!month) throw std::runtime_error("udunits2: cannot define the year");
  bool mapped = ut_unmap_symbol_to_unit(system, "yr", UT_ASCII) == UT_SUCCESS &&
                ut_map_symbol_to_unit("yr", UT_ASCII, year.get()) == UT_SUCCESS;
  for (const char* name : {"year", "years"})
    mapped = mapped && ut_unmap_name_to_unit(system, name, UT_ASCII) == UT_SUCCESS &&
             ut_map_name_to_unit(name, UT_ASCII, year.get()) == UT_SUCCESS;
  for (const char* name : {"month", "months"})
    mapped = mapped && ut_unmap_name_to_unit(system, name, UT_ASCII) == UT_SUCCESS &&
             ut_map_name_to_unit(name, UT_ASCII, month.get()) == UT_SUCCESS;
  if (!mapped) throw std::runtime_error("udunits2: cannot map yr, year and month to the year");
}
} // namespace

struct UnitSystem::Impl {
  ut_system* system = nullptr;
  std::mutex mutex; // udunits2 is not thread-safe

  UnitPtr parse(std::string_view unit) const {
    const std::string text = trim(unit);
    return UnitPtr(ut_parse(system, text.c_str(), UT_ASCII));
  }
};

UnitSystem::UnitSystem() : impl_(std::make_unique<Impl>()) {
  ut_set_error_message_handler(ut_ignore);
  impl_->system = ut_read_xml(nullptr);
  if (impl_->system == nullptr)
    throw std::runtime_error("cannot read the udunits2 unit database (is libudunits2-data "
                             "installed, or UDUNITS2_XML_PATH set?)");
  use_one_year(impl_->system);
}

UnitSystem::~UnitSystem() {
  ut_free_system(impl_->system);
}

const UnitSystem& UnitSystem::instance() {
  static const UnitSystem system;
  return system;
}

bool UnitSystem::known(std::string_view unit) const {
  std::lock_guard lock(impl_->mutex);
  return impl_->parse(unit) != nullptr;
}

double UnitSystem::convert(double value, std::string_view from, std::string_view to) const {
  std::lock_guard lock(impl_->mutex);
  UnitPtr source = impl_->parse(from);
  if (!source) throw std::invalid_argument(fmt::format("unknown unit '{}'", trim(from)));
  UnitPtr target = impl_->parse(to);
  if (!target) throw std::invalid_argument(fmt::format("unknown unit '{}'", trim(to)));
  // `a` as written is the are; where that does not convert, it is the year (on either side).
  if (ut_are_convertible(source.get(), target.get()) == 0) {
    const auto year_from = annum_as_year(from), year_to = annum_as_year(to);
    for (const auto& [f, t] :
         {std::pair{year_from, std::optional<std::string>()},
          std::pair{std::optional<std::string>(), year_to}, std::pair{year_from, year_to}}) {
      if (!f && !t) continue;
      UnitPtr s = f ? impl_->parse(*f) : impl_->parse(from);
      UnitPtr u = t ? impl_->parse(*t) : impl_->parse(to);
      if (s && u && ut_are_convertible(s.get(), u.get()) != 0) {
        source = std::move(s);
        target = std::move(u);
        break;
      }
    }
  }
  if (ut_are_convertible(source.get(), target.get()) == 0)
    throw std::invalid_argument(
        fmt::format("unit '{}' cannot be converted to '{}'", trim(from), trim(to)));
  const ConverterPtr converter(ut_get_converter(source.get(), target.get()));
  if (!converter)
    throw std::invalid_argument(
        fmt::format("unit '{}' cannot be converted to '{}'", trim(from), trim(to)));
  return cv_convert_double(converter.get(), value);
}

double parse_quantity(std::string_view text, std::string_view base_unit) {
  const std::string trimmed = trim(text);
  double value = 0.0;
  const char* begin = trimmed.data();
  const char* end = trimmed.data() + trimmed.size();
  const auto [rest, ec] = std::from_chars(begin, end, value);
  if (ec != std::errc() || rest == begin)
    throw std::invalid_argument(fmt::format("'{}' is not a number with a unit", trimmed));
  const std::string unit = trim(std::string_view(rest, end - rest));
  if (unit.empty()) return value;
  const double converted = UnitSystem::instance().convert(value, unit, base_unit);
  if (!std::isfinite(converted))
    throw std::invalid_argument(fmt::format("'{}' is not finite in {}", trimmed, base_unit));
  return converted;
}

} // namespace terrafate
