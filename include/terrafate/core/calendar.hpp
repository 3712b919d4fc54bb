#pragma once
// Civil (proleptic Gregorian) dates: the one parser of `time.start_date` and of dated samples.
// Plain C++ (no PETSc, no MPI).
#include <optional>
#include <string>
#include <string_view>

#include "terrafate/core/config.hpp"

namespace terrafate {

/// A calendar date.
struct CivilDate {
  int year = 1970, month = 1, day = 1;
};

/// [d] days from 1970-01-01 to the civil date (proleptic Gregorian calendar).
long days_from_civil(int year, int month, int day);
/// [d] days from 1970-01-01 to `date`.
inline long days_from_civil(const CivilDate& date) {
  return days_from_civil(date.year, date.month, date.day);
}

/// The civil date `days` after 1970-01-01 (the inverse of days_from_civil).
CivilDate civil_from_days(long days);

/// "YYYY-MM-DD".
std::string iso_date(const CivilDate& date);

/// The ISO date on which simulation time `time` [d] falls when run day 0 is `start_day` [days
/// since 1970-01-01]: the date of day floor(time), with times within 1e-6 d below a whole day
/// (round-off of sums of steps) counted as that day. For the `date` column of time series.
std::string iso_date_at(long start_day, double time);

/// A CSV table `csv` (header line, then rows; fields without quoted commas) with a last column
/// `date` added: the iso_date_at of each row's `time_column` [d since run day 0]. Unchanged when
/// `start_day` is empty (no time.start_date); empty for a time "nan". Throws std::logic_error when
/// the header has no `time_column` or a row's value there is not a number.
std::string add_date_column(const std::string& csv, std::string_view time_column,
                            std::optional<long> start_day);

/// Parses "YYYY-MM-DD" (year 1900-2200, a day that exists in its month); throws
/// std::invalid_argument saying what is wrong otherwise.
CivilDate parse_iso_date(std::string_view text);

/// True for text shaped like an ISO date, "dddd-dd-dd" (blanks around it ignored); whether the
/// date exists is parse_iso_date's check.
bool looks_like_iso_date(std::string_view text);

/// Reads a "YYYY-MM-DD" date at `node` (e.g. `time.start_date`); InputError at the node otherwise.
CivilDate read_iso_date(const ConfigNode& node);

} // namespace terrafate
