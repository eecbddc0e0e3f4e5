"""Working days, for deadlines counted in working days (seed 001 九: registration handled within 7
working days; complaints and cases in ``rights`` count the same way).

Where an answer comes from, first match wins:
1. a ``CalendarDay`` row (loaded from ``core/data/calendar.csv`` or entered by staff in the back office);
2. ``chinese_calendar``, which knows the State Council's arrangements for 2004-2026;
3. the weekday rule (Monday to Friday). That answer is *provisional*, because the year's holidays and
   make-up working days are not known yet, unless a ``CalendarYear`` row says staff entered that year's
   arrangement in full, in which case the rows of step 1 are the whole truth and the rule is final.

A deadline is provisional when any day it counted or skipped was, so the page can say "暂定".
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid
from dataclasses import dataclass
from typing import Any

import chinese_calendar
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from lingong.core.models import CalendarDay, CalendarYear

logger = logging.getLogger(__name__)
ONE_DAY = dt.timedelta(days=1)
# The snapshot is per process. An edit in this process clears it at once; other processes see the edit
# through a version stamp in the shared cache (Redis in production), or after this many seconds when the
# cache is per process (local memory, the one-machine setup).
MAX_AGE = 300.0
_VERSION_KEY = "lingong:core:calendar:version"


@dataclass(frozen=True)
class DayStatus:
    workday: bool
    provisional: bool


@dataclass(frozen=True)
class Deadline:
    date: dt.date
    provisional: bool


@dataclass(frozen=True)
class WorkingDayCount:
    days: int
    provisional: bool


@dataclass(frozen=True)
class _Snapshot:
    days: dict[dt.date, bool]
    entered_years: frozenset[int]
    version: Any
    loaded_at: float

    def status(self, day: dt.date) -> DayStatus:
        if day in self.days:
            return DayStatus(self.days[day], provisional=False)
        try:
            return DayStatus(chinese_calendar.is_workday(day), provisional=False)
        except NotImplementedError:  # a year the package does not know (before 2004, or not yet published)
            return DayStatus(day.weekday() < 5, provisional=day.year not in self.entered_years)


_current: _Snapshot | None = None


def _load(version: Any) -> _Snapshot:
    return _Snapshot(
        days=dict(CalendarDay.objects.values_list("date", "is_workday")),
        entered_years=frozenset(CalendarYear.objects.values_list("year", flat=True)),
        version=version,
        loaded_at=time.monotonic(),
    )


def _publish_change() -> None:
    cache.set(_VERSION_KEY, uuid.uuid4().hex, None)


def _shared_version() -> Any:
    try:
        return cache.get(_VERSION_KEY)
    except Exception:  # the shared cache is down: answer from the database rather than fail a deadline
        logger.warning("calendar: shared cache unavailable, reading the calendar from the database")
        return uuid.uuid4().hex


def _edit_pending() -> bool:
    """Whether this transaction changed the calendar and has not committed yet.

    Such a transaction may still roll back (every test does), so what it reads must not be cached; the
    hook registered by ``invalidate`` is still queued exactly until the transaction ends.
    """
    connection = transaction.get_connection()
    return connection.in_atomic_block and any(hook[1] is _publish_change for hook in connection.run_on_commit)


def _snapshot() -> _Snapshot:
    global _current
    version = _shared_version()
    if _edit_pending():
        return _load(version)
    snapshot = _current
    if snapshot is None or snapshot.version != version or time.monotonic() - snapshot.loaded_at > MAX_AGE:
        snapshot = _current = _load(version)
    return snapshot


def invalidate() -> None:
    """Forget the cached calendar here now, and in other processes once the change is committed."""
    global _current
    _current = None
    transaction.on_commit(_publish_change, robust=True)


@receiver(post_save, sender=CalendarDay)
@receiver(post_delete, sender=CalendarDay)
@receiver(post_save, sender=CalendarYear)
@receiver(post_delete, sender=CalendarYear)
def _calendar_changed(**kwargs: Any) -> None:
    invalidate()


def _as_date(value: dt.date) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def is_workday(day: dt.date) -> DayStatus:
    return _snapshot().status(_as_date(day))


def year_is_known(year: int) -> bool:
    """Whether ``year``'s holidays are known (to ``chinese_calendar``, or entered in full by staff)."""
    try:
        chinese_calendar.is_workday(dt.date(year, 1, 1))
    except NotImplementedError:
        return year in _snapshot().entered_years
    return True


def add_working_days(start: dt.date, n: int) -> Deadline:
    """The ``n``-th working day after ``start``, counting from the first working day after it.

    An application on 2026-09-30 with 7 working days is due on 2026-10-15: the National Day holiday is
    skipped and the make-up working Saturday of 10 October counts.
    """
    if n < 0:
        raise ValueError("n must not be negative")
    snapshot = _snapshot()
    day, counted, provisional = _as_date(start), 0, False
    limit = day + dt.timedelta(days=7 * n + 366)  # holidays never stretch a week this far
    while counted < n:
        day += ONE_DAY
        if day > limit:
            raise ValueError(f"no {n} working days within a year after {start}: check the calendar rows")
        status = snapshot.status(day)
        provisional = provisional or status.provisional
        counted += status.workday
    return Deadline(day, provisional)


def working_days_between(a: dt.date, b: dt.date) -> WorkingDayCount:
    """Working days after ``a`` up to and including ``b``; negative when ``b`` is before ``a``.

    ``add_working_days(a, working_days_between(a, b).days)`` is ``b`` whenever ``b`` is a working day.
    """
    a, b = _as_date(a), _as_date(b)
    if b < a:
        back = working_days_between(b, a)
        return WorkingDayCount(-back.days, back.provisional)
    snapshot = _snapshot()
    days, provisional, day = 0, False, a
    while day < b:
        day += ONE_DAY
        status = snapshot.status(day)
        provisional = provisional or status.provisional
        days += status.workday
    return WorkingDayCount(days, provisional)
