#pragma once
// Civil (proleptic Gregorian) dates: the one parser of `time.start_date` and of dated samples.
// Plain C++ (no PETSc, no MPI).
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

/// Parses "YYYY-MM-DD" (year 1900-2200, a day that exists in its month); throws
/// std::invalid_argument saying what is wrong otherwise.
CivilDate parse_iso_date(std::string_view text);

/// Reads a "YYYY-MM-DD" date at `node` (e.g. `time.start_date`); InputError at the node otherwise.
CivilDate read_iso_date(const ConfigNode& node);

} // namespace terrafate
