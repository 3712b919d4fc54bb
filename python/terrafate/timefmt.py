"""Times for people: model days as years (rounded sensibly) or, when the deck has
`time.start_date`, as calendar dates."""
from __future__ import annotations

import datetime as _dt
import math
import re
from typing import Optional

import numpy as np

from .reader import DAYS_PER_YEAR

_UNITS_IN_DAYS = {"s": 1 / 86400.0, "min": 1 / 1440.0, "h": 1 / 24.0, "hr": 1 / 24.0, "d": 1.0,
                  "day": 1.0, "days": 1.0, "week": 7.0, "wk": 7.0, "month": DAYS_PER_YEAR / 12,
                  "mo": DAYS_PER_YEAR / 12, "yr": DAYS_PER_YEAR, "year": DAYS_PER_YEAR,
                  "years": DAYS_PER_YEAR, "a": DAYS_PER_YEAR}


def deck_days(value, start: Optional[_dt.date] = None) -> Optional[float]:
    """A deck time point in days since run day 0: a number of days, a string such as "15 yr"
    or "10 a" (DAYS_PER_YEAR), or a date (YYYY-MM-DD, as text or as YAML reads it), which is
    the days after `start` (the deck's time.start_date); None when absent."""
    if value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, _dt.datetime):
        value = value.date()
    if isinstance(value, str) and re.fullmatch(r"\s*\d{4}-\d{2}-\d{2}\s*", value):
        value = _dt.date.fromisoformat(value.strip())
    if isinstance(value, _dt.date):
        if start is None:
            raise ValueError(f"time {value.isoformat()}: a date needs time.start_date")
        return float((value - start).days)
    match = re.fullmatch(r"\s*([-+0-9.eE]+)\s*([A-Za-z]*)\s*", str(value))
    if not match:
        raise ValueError(f"time {value!r}: expected a number of days or '<number> <unit>'")
    unit = match.group(2) or "d"
    if unit not in _UNITS_IN_DAYS:
        raise ValueError(f"time {value!r}: unknown unit {unit!r}")
    return float(match.group(1)) * _UNITS_IN_DAYS[unit]


def start_date(deck: dict) -> Optional[_dt.date]:
    """The deck's time.start_date (ISO yyyy-mm-dd) or None."""
    value = (deck.get("time") or {}).get("start_date") if deck else None
    if value is None:
        return None
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    return _dt.date.fromisoformat(str(value))


def round_sig(value: float, digits: int = 3) -> float:
    if value == 0 or not math.isfinite(value):
        return value
    return round(value, digits - 1 - int(math.floor(math.log10(abs(value)))))


def years_text(days: Optional[float]) -> str:
    """Days as years for text: whole years when within 0.01 yr of one ("15 yr"), else one
    decimal from 1 yr up ("12.5 yr"), two significant digits below ("0.27 yr")."""
    if days is None or (isinstance(days, float) and math.isnan(days)):
        return "n/a"
    years = days / DAYS_PER_YEAR
    if abs(years - round(years)) < 0.01:
        return f"{int(round(years))} yr"
    if abs(years) >= 1:
        return f"{years:.1f} yr"
    return f"{round_sig(years, 2):g} yr"


def time_text(days: Optional[float], start: Optional[_dt.date] = None) -> str:
    """A model time for text: a date with a start date (and the years since it), else years."""
    if days is None or (isinstance(days, float) and math.isnan(days)):
        return "n/a"
    if start is None:
        return years_text(days)
    return f"{(start + _dt.timedelta(days=float(days))).isoformat()} ({years_text(days)})"


def axis_values(days, start: Optional[_dt.date] = None):
    """Days as plot x values: years, or numpy datetime64 days from the start date."""
    days = np.asarray(days, dtype=float)
    if start is None:
        return days / DAYS_PER_YEAR
    origin = np.datetime64(start.isoformat(), "s")
    return origin + (days * 86400.0).astype("timedelta64[s]")


def axis_label(start: Optional[_dt.date] = None) -> str:
    return "date" if start is not None else "time [yr]"
