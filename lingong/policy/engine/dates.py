"""Dates done the way the documents count them.

- Ages are whole years reached on the birthday (a person born 2006-03-31 is 16 on 2022-03-31).
- "离校2年内" (within 2 years of leaving school): from the graduation date up to the day before the
  second anniversary of it; the two calendar years after graduation in the annual sense are a city
  practice we do not assume.
- The statutory retirement age is the law in force on the date in question: before 2025-01-01 the
  original ages (men 60, women cadres 55, women workers 50); from 2025-01-01 the NPC Standing Committee
  decision of 2024-09-13 (《关于实施渐进式延迟法定退休年龄的决定》 and its annex tables): for men born
  from 1965-01 and women cadres born from 1970-01 the age rises by 1 month for every 4 months of birth
  (cap +36 months: 63 and 58); for women workers born from 1975-01 by 1 month every 2 months (cap +60
  months: 55). The annex gives retirement times as a year and month, so the age is reached at a month
  boundary: the retirement month is the birth month plus the age in months, and a person is "below
  retirement age" on any day of an earlier month.
- Working days come from the platform calendar, which lives on the Django side: functions that need
  them take an ``is_workday`` callable instead of importing it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

EPOCH = dt.date(1970, 1, 1)
# Missing date in integer columns: far in the past so "registered before X" tests stay False-safe only
# together with an explicit "has" test; rules always test presence first.
MISSING_DAY = -(10**8)

# (original age in months, first birth month index affected, months of birth per +1 month, cap months)
# from the annex tables of the 2024-09-13 decision.
RETIREMENT_RULES: dict[str, tuple[int, int, int, int]] = {
    "male_60": (60 * 12, 1965 * 12 + 0, 4, 36),
    "female_cadre_55": (55 * 12, 1970 * 12 + 0, 4, 36),
    "female_worker_50": (50 * 12, 1975 * 12 + 0, 2, 60),
}
RETIREMENT_CODES: dict[str, int] = {"male_60": 1, "female_cadre_55": 2, "female_worker_50": 3}
REFORM_IN_FORCE = dt.date(2025, 1, 1)


def month_index(d: dt.date) -> int:
    """Months since year 0: consecutive months differ by 1."""
    return d.year * 12 + d.month - 1


def month_start(index: int) -> dt.date:
    return dt.date(index // 12, index % 12 + 1, 1)


def add_months(d: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, clamped to the month's last day (2024-01-31 + 1 → 2024-02-29)."""
    idx = month_index(d) + months
    year, month = idx // 12, idx % 12 + 1
    last = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(d.day, last))


def add_years(d: dt.date, years: int) -> dt.date:
    return add_months(d, 12 * years)


def age_years(birth: dt.date, on: dt.date) -> int:
    """Whole years reached on ``on``; a 29 February birthday is reached on 1 March in common years."""
    years = on.year - birth.year
    if (on.month, on.day) < (birth.month, birth.day):
        years -= 1
    return years


def full_months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from ``start`` to ``end`` (2024-01-15 → 2024-02-14 is 0, → 2024-02-15 is 1)."""
    months = month_index(end) - month_index(start)
    if end.day < start.day and not _is_clamped_month_end(start, end):
        months -= 1
    return months


def _is_clamped_month_end(start: dt.date, end: dt.date) -> bool:
    # 2024-01-31 → 2024-02-29 counts as a whole month: the end is the last day of a shorter month.
    return (end + dt.timedelta(days=1)).day == 1 and end.day < start.day


def within_years_after(start: dt.date, on: dt.date, years: int) -> bool:
    """``on`` is from ``start`` up to the day before its ``years``-th anniversary."""
    return start <= on < add_years(start, years)


def retirement_age_months(category: str, birth: dt.date, on: dt.date, *, reform: bool | None = None) -> int:
    """The statutory retirement age in months for this person, under the law in force on ``on``.

    ``reform`` overrides whether the 2024 decision is in force (the parameter store decides it when
    rules are replayed as published on a date)."""
    base, first, per, cap = RETIREMENT_RULES[category]
    if reform is None:
        reform = on >= REFORM_IN_FORCE
    if not reform:
        return base
    born = month_index(birth)
    if born < first:
        return base
    return base + min((born - first) // per + 1, cap)


def retirement_month(category: str, birth: dt.date, on: dt.date, *, reform: bool | None = None) -> dt.date:
    """First day of the month in which the person reaches the statutory retirement age."""
    return month_start(month_index(birth) + retirement_age_months(category, birth, on, reform=reform))


def below_retirement_age(category: str, birth: dt.date, on: dt.date, *, reform: bool | None = None) -> bool:
    return on < retirement_month(category, birth, on, reform=reform)


def add_working_days(start: dt.date, days: int, *, is_workday: Callable[[dt.date], bool]) -> dt.date:
    """The ``days``-th working day after ``start`` (``is_workday`` from the platform calendar)."""
    d = start
    counted = 0
    while counted < days:
        d += dt.timedelta(days=1)
        if is_workday(d):
            counted += 1
    return d


# --- vectorised forms (int64 day numbers since 1970-01-01) -------------------------------------------


def day_number(d: dt.date | None) -> int:
    return MISSING_DAY if d is None else (d - EPOCH).days


def from_day_number(n: int) -> dt.date | None:
    return None if n <= MISSING_DAY else EPOCH + dt.timedelta(days=int(n))


def civil_from_days(days: npt.NDArray[np.int64]) -> tuple[npt.NDArray[np.int64], ...]:
    """(year, month 1-12, day) of day numbers, in integer arithmetic (H. Hinnant's algorithm): much
    faster than numpy's datetime64 conversions on a million dates."""
    z = days + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = np.where(mp < 10, mp + 3, mp - 9)
    year = yoe + era * 400 + (month <= 2)
    return year, month, day


def days_from_civil(
    year: npt.NDArray[np.int64], month: npt.NDArray[np.int64], day: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    y = year - (month <= 2)
    era = y // 400
    yoe = y - era * 400
    mp = (month + 9) % 12
    doy = (153 * mp + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


_DAYS_IN_MONTH = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)


def split_days(days: npt.NDArray[np.int64]) -> tuple[npt.NDArray[np.int64], ...]:
    """(year, month 1-12, day, month index) for an array of day numbers (missing gives junk: mask it)."""
    year, month, day = civil_from_days(np.where(days <= MISSING_DAY, 0, days))
    return year, month, day, year * 12 + month - 1


def retirement_month_index_array(
    category: npt.NDArray[np.int8], birth_month_idx: npt.NDArray[np.int64], reform: bool
) -> npt.NDArray[np.int64]:
    """Retirement month index per person; category 0 (unknown) gives a huge index (never retired,
    the rules test the category's presence separately)."""
    table = np.zeros((4, 4), dtype=np.int64)
    table[0] = (0, 0, 1, 0)
    for name, code in RETIREMENT_CODES.items():
        table[code] = RETIREMENT_RULES[name]
    cat = category.astype(np.intp)
    base, first, per, cap = (table[:, i][cat] for i in range(4))
    out = birth_month_idx + base
    if reform:
        out = out + np.where(
            birth_month_idx >= first, np.minimum((birth_month_idx - first) // per + 1, cap), 0
        )
    return np.where(cat > 0, out, 10**7)


def add_months_array(
    days: npt.NDArray[np.int64], months: npt.NDArray[np.int64] | int
) -> npt.NDArray[np.int64]:
    """Vectorised :func:`add_months` (same day, clamped to month end); missing stays missing."""
    _, _, day, midx = split_days(days)
    target = midx + months
    year, month = target // 12, target % 12 + 1
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    last = _DAYS_IN_MONTH[month] + ((month == 2) & leap)
    out = days_from_civil(year, month, np.minimum(day, last))
    return np.where(days <= MISSING_DAY, MISSING_DAY, out)
