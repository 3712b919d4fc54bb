#include "terrafate/core/calendar.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

namespace terrafate {

namespace {
std::string trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return std::string(text.substr(first, text.find_last_not_of(" \t") - first + 1));
}

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

std::string add_date_column(const std::string& csv, std::string_view time_column,
                            std::optional<long> start_day) {
  if (!start_day) return csv;
  const auto field = [](std::string_view line, std::size_t index) {
    for (std::size_t k = 0; k < index; ++k) {
      const auto comma = line.find(',');
      if (comma == std::string_view::npos) return std::string_view();
      line.remove_prefix(comma + 1);
    }
    return line.substr(0, line.find(','));
  };
  std::string out;
  std::size_t column = 0;
  bool header = true;
  for (std::size_t begin = 0; begin < csv.size();) {
    const std::size_t end = std::min(csv.find('\n', begin), csv.size());
    const std::string_view line(csv.data() + begin, end - begin);
    begin = end + 1;
    if (line.empty()) continue;
    out += line;
    if (header) {
      header = false;
      for (column = 0; !field(line, column).empty() && field(line, column) != time_column;)
        ++column;
      if (field(line, column).empty())
        throw std::logic_error(fmt::format("add_date_column: no column '{}'", time_column));
      out += ",date\n";
      continue;
    }
    const std::string_view text = field(line, column);
    double time = 0.0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), time);
    if (ec != std::errc() || ptr != text.data() + text.size())
      throw std::logic_error(fmt::format("add_date_column: '{}' is not a time", text));
    out += "," + (std::isfinite(time) ? iso_date_at(*start_day, time) : std::string()) + "\n";
  }
  return out;
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

bool looks_like_iso_date(std::string_view raw) {
  const std::string text = trim(raw);
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  for (std::size_t i = 0; i < text.size(); ++i)
    if (i != 4 && i != 7 && (text[i] < '0' || text[i] > '9')) return false;
  return true;
}

CivilDate read_iso_date(const ConfigNode& node) {
  try {
    return parse_iso_date(node.as_string());
  } catch (const std::invalid_argument& e) {
    throw node.error(e.what());
  }
}

// ConfigNode's time points (declared in config.hpp): the deck's one reader of times that may
// be dates.

void ConfigNode::set_start_day(long start_day, const SourceLocation& where) const {
  document_->start_day = start_day;
  document_->start_where = where;
}

std::optional<long> ConfigNode::start_day() const {
  return document_->start_day;
}

double ConfigNode::as_time_point(const Range& range) const {
  record_time(key_path_, range, std::nullopt);
  if (!node_.IsScalar())
    throw error("expected a time: days, \"value unit\" (\"5 yr\") or a date YYYY-MM-DD");
  const std::string text = trim(node_.Scalar());
  if (!looks_like_iso_date(text)) return quantity_value("d", range);
  CivilDate date;
  try {
    date = parse_iso_date(text);
  } catch (const std::invalid_argument& e) {
    throw error(e.what());
  }
  if (!document_->start_day)
    throw error(fmt::format("the date '{}' needs time.start_date (YYYY-MM-DD, the date of run "
                            "day 0) in the deck; without it give days or \"value unit\"",
                            text));
  const auto& start = document_->start_where;
  const double day = static_cast<double>(days_from_civil(date) - *document_->start_day);
  if (day < 0.0)
    throw error(fmt::format("the date '{}' is {} d before time.start_date {} ({}:{})", text, -day,
                            iso_date(civil_from_days(*document_->start_day)), start.file,
                            start.line));
  if (!range.contains(day))
    throw error(fmt::format("the date '{}' is day {} after time.start_date: must be {} d", text,
                            day, range.describe()));
  return day;
}

std::vector<double> ConfigNode::as_time_point_list(std::size_t min_count, std::size_t max_count,
                                                   const Range& range) const {
  if (!node_.IsSequence()) throw error("expected a list of times (days, \"5 yr\" or dates)");
  const auto items = elements();
  if (items.size() < min_count || items.size() > max_count) {
    if (min_count == max_count)
      throw error(fmt::format("expected {} times, got {}", min_count, items.size()));
    throw error(fmt::format("expected at least {} times, got {}", min_count, items.size()));
  }
  std::vector<double> values;
  values.reserve(items.size());
  for (const auto& item : items)
    values.push_back(item.as_time_point(range));
  return values;
}

double ConfigNode::time_point_or(std::string_view key, double fallback, const Range& range) const {
  record_time(child_path(key), range, fallback);
  const auto child = find(key);
  return child ? child->as_time_point(range) : fallback;
}

} // namespace terrafate
