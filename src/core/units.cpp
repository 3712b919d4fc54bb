#include "terrafate/core/units.hpp"

#include <charconv>
#include <cmath>
#include <mutex>
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
  const UnitPtr source = impl_->parse(from);
  if (!source) throw std::invalid_argument(fmt::format("unknown unit '{}'", trim(from)));
  const UnitPtr target = impl_->parse(to);
  if (!target) throw std::invalid_argument(fmt::format("unknown unit '{}'", trim(to)));
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
