"""Periodic reminders run in-process in tests (huey immediate mode) and are idempotent."""

from __future__ import annotations

import datetime as dt

import pytest

from lingong.core.models import Alert, CalendarYear
from lingong.core.tasks import check_calendar_coverage

pytestmark = pytest.mark.django_db


def test_missing_next_year_calendar_raises_one_alert() -> None:
    check_calendar_coverage(dt.date(2026, 11, 23))
    check_calendar_coverage(dt.date(2026, 11, 24))
    alert = Alert.objects.get()
    assert alert.key == "calendar-missing-2027"
    assert "2027年节假日安排尚未录入" in alert.message


def test_no_alert_once_staff_entered_the_year() -> None:
    CalendarYear.objects.create(year=2027, source="国务院办公厅关于2027年部分节假日安排的通知")
    check_calendar_coverage(dt.date(2026, 11, 23))
    assert not Alert.objects.exists()


def test_no_alert_before_november() -> None:
    check_calendar_coverage(dt.date(2026, 6, 1))
    assert not Alert.objects.exists()


def test_optimize_database_runs_on_either_database() -> None:
    from django.db import connection

    from lingong.core.tasks import optimize_database

    result = optimize_database.call_local()
    assert result == ("optimized" if connection.vendor == "sqlite" else "skipped")
