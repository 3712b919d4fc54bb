#!/usr/bin/python3
"""The one year and the calendar of python/terrafate (ctest python_timefmt), against hand values.

- reader.DAYS_PER_YEAR is the number core/units.hpp's kDaysPerYear holds (read from the header),
  the Julian year 365.25 d;
- the figures' time axis (timefmt.axis_values) gives 730.5 d = 2.0 yr, and with a start date
  2024-01-01 gives day 912 = 2026-07-01 (366 + 365 + 181 days, counted by hand);
- deck times: "10 a" = "10 yr" = 3652.5 d; the date 2034-01-01 after 2024-01-01 is 3653 d
  (10 x 365 + the leap days of 2024, 2028, 2032); a date without a start date is refused;
- years_text(3652.5) reads "10 yr".

Usage: test_timefmt.py PYTHON_DIR REPO_DIR
"""
import datetime
import os
import re
import sys

import numpy as np

sys.path.insert(0, sys.argv[1])
from terrafate import reader, timefmt  # noqa: E402

failures = []


def expect(what, ok, got):
    print(("ok  " if ok else "FAIL") + f" {what}: {got}")
    if not ok:
        failures.append(what)


header = open(os.path.join(sys.argv[2], "include/terrafate/core/units.hpp")).read()
core = float(re.search(r"constexpr double kDaysPerYear = ([0-9.]+);", header).group(1))
expect("DAYS_PER_YEAR is core's kDaysPerYear", reader.DAYS_PER_YEAR == core,
       (reader.DAYS_PER_YEAR, core))
expect("the year is the Julian year", reader.DAYS_PER_YEAR == 365.25, reader.DAYS_PER_YEAR)
expect("timefmt uses the reader's year", timefmt.DAYS_PER_YEAR is reader.DAYS_PER_YEAR,
       timefmt.DAYS_PER_YEAR)

years = timefmt.axis_values([0.0, 730.5, 3652.5])
expect("axis in years", list(years) == [0.0, 2.0, 10.0], list(years))
start = datetime.date(2024, 1, 1)
dates = timefmt.axis_values([0.0, 912.0, 3653.0], start)
expect("axis in dates", [str(d)[:10] for d in dates] == ["2024-01-01", "2026-07-01",
                                                        "2034-01-01"], dates)
expect("axis label", timefmt.axis_label(start) == "date" and
       timefmt.axis_label() == "time [yr]", timefmt.axis_label())

expect("10 a = 10 yr = 3652.5 d",
       timefmt.deck_days("10 a") == timefmt.deck_days("10 yr") == 3652.5,
       (timefmt.deck_days("10 a"), timefmt.deck_days("10 yr")))
expect("2034-01-01 is day 3653", timefmt.deck_days("2034-01-01", start) == 3653.0,
       timefmt.deck_days("2034-01-01", start))
expect("a YAML date", timefmt.deck_days(datetime.date(2026, 7, 1), start) == 912.0,
       timefmt.deck_days(datetime.date(2026, 7, 1), start))
try:
    timefmt.deck_days("2026-07-01")
    expect("a date without start_date is refused", False, "accepted")
except ValueError as e:
    expect("a date without start_date is refused", "start_date" in str(e), e)
expect("years text", timefmt.years_text(3652.5) == "10 yr", timefmt.years_text(3652.5))
expect("time text", timefmt.time_text(912.0, start) == "2026-07-01 (2.5 yr)",
       timefmt.time_text(912.0, start))
expect("numpy", np.isclose(timefmt.axis_values(365.25), 1.0), timefmt.axis_values(365.25))

if failures:
    sys.exit(f"{len(failures)} failures: {failures}")
print("python_timefmt: all checks pass")
