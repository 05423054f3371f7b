"""Reporting periods (local-government financial years, quarters, months) and working days.

Financial years run April to March: ``2025-26`` is 1 April 2025 to 31 March 2026, ``2025-26-Q2`` is
July to September 2025, ``2025-11`` is November 2025. Working days exclude Saturdays, Sundays and
England and Wales bank holidays, including one-off ones (the 2022 state funeral, the 2023 coronation).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import holidays
import numpy as np
import pandas as pd

MONTH_NAMES = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]

_YEAR = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-(\d{2})-Q([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class Period:
    """A reporting period: a financial year, a financial quarter or a calendar month.

    Attributes:
        kind: ``"year"``, ``"quarter"`` or ``"month"``.
        start: first day (midnight).
        end: last day (midnight); the period includes the whole of this day.
    """

    kind: str
    start: pd.Timestamp
    end: pd.Timestamp

    @property
    def code(self) -> str:
        """The period as written on the command line: ``2025-26``, ``2025-26-Q2``, ``2025-11``."""
        if self.kind == "month":
            return f"{self.start.year}-{self.start.month:02d}"
        fy = financial_year_of(self.start)
        fy_code = f"{fy}-{(fy + 1) % 100:02d}"
        if self.kind == "year":
            return fy_code
        return f"{fy_code}-Q{(self.start.month - 4) % 12 // 3 + 1}"

    @property
    def label(self) -> str:
        """A label for readers: ``2025-26 Q2 (July to September 2025)``."""
        if self.kind == "month":
            return f"{MONTH_NAMES[self.start.month - 1]} {self.start.year}"
        first = MONTH_NAMES[self.start.month - 1]
        last = MONTH_NAMES[self.end.month - 1]
        if self.kind == "year":
            return f"{self.code} (April {self.start.year} to March {self.end.year})"
        fy, q = self.code.rsplit("-Q", 1)
        return f"{fy} Q{q} ({first} to {last} {self.end.year})"

    @property
    def end_exclusive(self) -> pd.Timestamp:
        """The first day after the period."""
        return self.end + pd.Timedelta(days=1)

    def contains(self, dates: pd.Series) -> pd.Series:
        """Boolean mask: which dates fall in the period (missing dates are outside)."""
        return (dates >= self.start) & (dates < self.end_exclusive)

    def previous(self) -> Period:
        """The period of the same kind immediately before this one."""
        months = {"month": 1, "quarter": 3, "year": 12}[self.kind]
        start = self.start - pd.DateOffset(months=months)
        return Period(self.kind, start, self.start - pd.Timedelta(days=1))

    def same_period_last_year(self) -> Period:
        """The period of the same kind twelve months earlier."""
        year = pd.DateOffset(years=1)
        return Period(
            self.kind, self.start - year, self.end_exclusive - year - pd.Timedelta(days=1)
        )

    def months(self) -> list[Period]:
        """The calendar months of the period, in order."""
        starts = pd.date_range(self.start, self.end, freq="MS")
        return [month_period(s.year, s.month) for s in starts]

    def __str__(self) -> str:
        return self.code


def financial_year_of(date: pd.Timestamp) -> int:
    """The calendar year in which the financial year containing ``date`` starts."""
    return date.year if date.month >= 4 else date.year - 1


def month_period(year: int, month: int) -> Period:
    """The calendar month ``year-month``."""
    start = pd.Timestamp(year=year, month=month, day=1)
    return Period("month", start, start + pd.offsets.MonthEnd(0))


def parse_period(code: str) -> Period:
    """Read a period code: ``2025-26`` (year), ``2025-26-Q2`` (quarter) or ``2025-11`` (month).

    Raises:
        ValueError: the code is not one of those forms, or the year pair is not consecutive.

    Examples:
        >>> parse_period("2025-26-Q2").label
        '2025-26 Q2 (July to September 2025)'
    """
    code = code.strip()
    if m := _QUARTER.match(code):
        fy = _check_year_pair(code, int(m[1]), int(m[2]))
        q = int(m[3])
        start = pd.Timestamp(year=fy, month=4, day=1) + pd.DateOffset(months=3 * (q - 1))
        return Period("quarter", start, start + pd.DateOffset(months=3) - pd.Timedelta(days=1))
    if (m := _YEAR.match(code)) and int(m[2]) == (int(m[1]) + 1) % 100:
        fy = int(m[1])
        return Period(
            "year",
            pd.Timestamp(year=fy, month=4, day=1),
            pd.Timestamp(year=fy + 1, month=3, day=31),
        )
    if (m := _MONTH.match(code)) and 1 <= int(m[2]) <= 12:
        return month_period(int(m[1]), int(m[2]))
    raise ValueError(
        f"period {code!r} is not a financial year (2025-26), quarter (2025-26-Q2) or month (2025-11)"
    )


def _check_year_pair(code: str, first: int, second: int) -> int:
    if second != (first + 1) % 100:
        raise ValueError(f"period {code!r}: the years must be consecutive, e.g. 2025-26")
    return first


def period_of(date: pd.Timestamp, kind: str) -> Period:
    """The period of the given kind that contains ``date``."""
    date = pd.Timestamp(date).normalize()
    if kind == "month":
        return month_period(date.year, date.month)
    fy = financial_year_of(date)
    if kind == "year":
        return parse_period(f"{fy}-{(fy + 1) % 100:02d}")
    q = (date.month - 4) % 12 // 3 + 1
    return parse_period(f"{fy}-{(fy + 1) % 100:02d}-Q{q}")


def quarter_codes(dates: pd.Series) -> pd.Series:
    """Financial quarter codes (``2026-27-Q2``) of many dates at once, as :func:`period_of` gives
    them one by one; missing where the date is missing."""
    year, month = dates.dt.year, dates.dt.month
    start = year.where(month >= 4, year - 1)
    quarter = (month - 4) % 12 // 3 + 1
    codes = (
        start.astype("Int64").astype(str)
        + "-"
        + ((start + 1) % 100).astype("Int64").astype(str).str.zfill(2)
        + "-Q"
        + quarter.astype("Int64").astype(str)
    )
    return codes.astype(object).where(dates.notna(), None)


def open_at(start: pd.Series, end: pd.Series | None, at: pd.Timestamp) -> pd.Series:
    """Whether each episode (a plan, a period of care, a case) is open at the end of day ``at``.

    The one rule of the suite: open when it started on or before ``at`` and has not ended by it,
    that is its end is missing or after ``at``. An episode that ends on ``at`` is closed at ``at``
    (DfE returns count a child whose plan ended on 31 March as not on a plan at 31 March).
    """
    is_open = start.notna() & (start <= at)
    if end is not None:
        is_open &= end.isna() | (end > at)
    return is_open


@lru_cache(maxsize=1)
def _bank_holidays() -> np.ndarray:
    # England and Wales share one list; the package includes the one-off days
    # (2022-06-03 jubilee, 2022-09-19 state funeral, 2023-05-08 coronation).
    days = holidays.country_holidays("GB", subdiv="ENG", years=range(2000, 2041))
    return np.array(sorted(days.keys()), dtype="datetime64[D]")


def bank_holidays() -> pd.DatetimeIndex:
    """England and Wales bank holidays, 2000 to 2040."""
    return pd.DatetimeIndex(_bank_holidays())


def _as_days(values) -> tuple[np.ndarray, np.ndarray]:
    series = pd.to_datetime(pd.Series(values) if np.ndim(values) else pd.Series([values]))
    missing = series.isna().to_numpy()
    days = series.fillna(pd.Timestamp("2000-01-01")).to_numpy().astype("datetime64[D]")
    return days, missing


def working_days_between(*, start, end):
    """Working days after ``start`` up to and including ``end``.

    The day of ``start`` is day 0: a referral on a Friday decided on the next Monday took
    1 working day; a decision the same day took 0. Weekends and England and Wales bank holidays
    are not working days. Negative when ``end`` is before ``start``.

    Args:
        start: a date, or a Series/array of dates (missing gives NaN).
        end: a date, or a Series/array of the same length.

    Returns:
        A float for scalars, otherwise a float Series (NaN where either date is missing).
    """
    scalar = not np.ndim(start) and not np.ndim(end)
    s, s_missing = _as_days(start)
    e, e_missing = _as_days(end)
    hol = _bank_holidays()
    # busday_count counts [begin, end): shifting both by one day counts (start, end].
    # numpy's own count for reversed ranges is not the mirror image, so reverse by hand.
    forward = e >= s
    lo, hi = np.where(forward, s, e), np.where(forward, e, s)
    counts = np.busday_count(lo + 1, hi + 1, holidays=hol).astype(float)
    counts = np.where(forward, counts, -counts)
    counts[s_missing | e_missing] = np.nan
    if scalar:
        return float(counts[0])
    index = start.index if isinstance(start, pd.Series) else None
    return pd.Series(counts, index=index)


def add_working_days(date, days: int) -> pd.Timestamp:
    """The date ``days`` working days after ``date`` (England and Wales)."""
    start = np.datetime64(pd.Timestamp(date).date(), "D")
    # Rolling a weekend or holiday start back to the last working day keeps this the inverse of
    # working_days_between: Saturday + 1 working day is Monday.
    return pd.Timestamp(np.busday_offset(start, days, roll="backward", holidays=_bank_holidays()))
