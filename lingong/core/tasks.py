"""Periodic work of the core: reminders that keep reference data current.

Tasks take ids or plain values and are idempotent (alerts carry a unique key).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from lingong.core.services import raise_alert


@db_task()
def record_alert(key: str, kind: str, message: str, region_code: str = "") -> bool:
    """Raise an alert from anywhere, after the caller's transaction commits."""
    return raise_alert(key=key, kind=kind, message=message, region_code=region_code)


@db_periodic_task(crontab(hour="7", minute="5"))
def check_calendar_coverage(today: dt.date | None = None) -> bool:
    """From November on, remind staff when next year's holiday arrangement is not entered yet:
    without it, 7-working-day deadlines next year are provisional (weekends only)."""
    from lingong.core.calendar import year_is_known

    today = today or timezone.localdate()
    if today.month < 11:
        return False
    year = today.year + 1
    if year_is_known(year):
        return False
    return raise_alert(
        key=f"calendar-missing-{year}",
        kind="calendar",
        message=f"{year}年节假日安排尚未录入：{year}年的工作日期限目前只按周末推算（暂定）。"
        "国务院办公厅公布安排后，请在“节假日与调休”中录入。",
    )


@db_periodic_task(crontab(hour="3", minute="30"))
def optimize_database() -> str:
    """SQLite keeps no planner statistics unless asked; without them a table of 100,000 workers
    is searched through the wrong index. PostgreSQL's autovacuum does this by itself."""
    from django.db import connection

    if connection.vendor != "sqlite":
        return "skipped"
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA optimize")
    return "optimized"
