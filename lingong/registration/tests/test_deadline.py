"""The 7-working-day deadline (辽人社〔2022〕22号 第九条), counted from the working day after receipt on
the working-day calendar: holidays skipped, make-up working days counted, unknown years provisional."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from lingong.accounts.models import User
from lingong.registration.tests.conftest import Employ, Unemploy

SHENYANG = ZoneInfo("Asia/Shanghai")


def at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), tzinfo=SHENYANG)


@pytest.mark.parametrize(
    ("received", "due", "provisional"),
    [
        # A make-up Saturday before the Spring Festival: 2-24..2-27, the make-up Saturday 2-28, 3-2, 3-3.
        ("2026-02-14", "2026-03-03", False),
        # The day before it: the make-up Saturday itself is the first working day counted.
        ("2026-02-13", "2026-03-02", False),
        # A make-up Saturday after National Day: the count starts on Monday 10-12.
        ("2026-10-10", "2026-10-20", False),
        # Received before National Day: the holiday is skipped and the make-up Saturday 10-10 counts.
        ("2026-09-30", "2026-10-15", False),
        # A year the calendar has no data for: Monday to Friday, marked provisional.
        ("2027-03-01", "2027-03-10", True),
        # Received in a known year, counted into an unknown one: provisional too.
        ("2026-12-31", "2027-01-11", True),
    ],
)
def test_deadline_of_an_application_that_waits_for_staff(
    newcomer: User, employ: Employ, received: str, due: str, provisional: bool
) -> None:
    registration = employ(newcomer, now=at(received), start_date=dt.date(2025, 12, 1))
    assert registration.status == "received"  # no ID number on record: staff check it
    assert registration.deadline == dt.date.fromisoformat(due)
    assert registration.deadline_provisional is provisional


def test_receipt_is_dated_in_local_time(newcomer: User, unemploy: Unemploy) -> None:
    # 07:00 on the make-up Saturday in Shenyang is still Friday 2-13 in UTC, which would be due a day earlier.
    registration = unemploy(newcomer, now=at("2026-02-14", 7))
    assert registration.deadline == dt.date(2026, 3, 3)
