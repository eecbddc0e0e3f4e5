"""Periodic work on gigs after hiring (辽人社〔2022〕22号 第七条, 第十四条): hours the employer left
unapproved are approved automatically, so a worker's record and wage claim never wait on the employer;
confirmed places whose days passed without a check-in become no-shows. Both are idempotent and take
plain values, and run in-process when no queue worker is configured.
"""

from __future__ import annotations

import datetime as dt

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from lingong.market.services import work


@db_periodic_task(crontab(minute="*/15"))
def auto_approve_hours(now: dt.datetime | None = None) -> int:
    """Every quarter hour: approve hours past LINGONG_HOURS_AUTO_APPROVE_HOURS (default 24)."""
    return work.auto_approve_due_hours(now=now)


@db_periodic_task(crontab(hour="1", minute="10"))
def mark_no_shows(now: dt.datetime | None = None) -> int:
    """Nightly, after the day is over in Shenyang time."""
    return work.mark_no_shows(now=now)
