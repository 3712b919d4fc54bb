#include "terrafate/core/calendar.hpp"

#include <charconv>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

namespace terrafate {

namespace {
bool leap_year(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int days_in_month(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && leap_year(year) ? 29 : kDays[month - 1];
}
} // namespace

long days_from_civil(int year, int month, int day) {
  // Howard Hinnant's days_from_civil: eras of 400 years from 0000-03-01.
  year -= month <= 2;
  const long era = (year >= 0 ? year : year - 399) / 400;
  const long year_of_era = year - era * 400;
  const long day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const long day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;
}

CivilDate civil_from_days(long days) {
  // Howard Hinnant's civil_from_days, the inverse of days_from_civil above.
  days += 719468;
  const long era = (days >= 0 ? days : days - 146096) / 146097;
  const long day_of_era = days - era * 146097;
  const long year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const long day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const long mp = (5 * day_of_year + 2) / 153;
  const int day = static_cast<int>(day_of_year - (153 * mp + 2) / 5 + 1);
  const int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  const long year = year_of_era + era * 400 + (month <= 2);
  return CivilDate{static_cast<int>(year), month, day};
}

std::string iso_date(const CivilDate& date) {
  return fmt::format("{:04d}-{:02d}-{:02d}", date.year, date.month, date.day);
}

std::string iso_date_at(long start_day, double time) {
  constexpr double kRoundOff = 1e-6; // [d]
  const long day = static_cast<long>(std::floor(time + kRoundOff));
  return iso_date(civil_from_days(start_day + day));
}

CivilDate parse_iso_date(std::string_view text) {
  const auto bad = [&] {
    return std::invalid_argument(fmt::format("'{}' is not a date YYYY-MM-DD (1900-2200)", text));
  };
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') throw bad();
  const auto number = [&](std::size_t at, std::size_t count) {
    int value = 0;
    const char* first = text.data() + at;
    const auto [ptr, ec] = std::from_chars(first, first + count, value);
    if (ec != std::errc() || ptr != first + count) throw bad();
    return value;
  };
  CivilDate date{number(0, 4), number(5, 2), number(8, 2)};
  if (date.year < 1900 || date.year > 2200) throw bad();
  if (date.month < 1 || date.month > 12)
    throw std::invalid_argument(fmt::format("'{}': month {} is not 1-12", text, date.month));
  const int last = days_in_month(date.year, date.month);
  if (date.day < 1 || date.day > last)
    throw std::invalid_argument(
        fmt::format("'{}': day {} is not in 1-{} of that month", text, date.day, last));
  return date;
}

CivilDate read_iso_date(const ConfigNode& node) {
  try {
    return parse_iso_date(node.as_string());
  } catch (const std::invalid_argument& e) {
    throw node.error(e.what());
  }
}

} // namespace terrafate
