"""Periodic work of the gig market directory: the dynamic directory (动态管理名录, 辽人社〔2022〕22号
第三条) stays true only if staff re-check it, so entries not verified for
``LINGONG_DIRECTORY_STALE_DAYS`` days are raised to the staff of their region, once per entry and
staleness period (the alert key carries the date of the last verification).
"""

from __future__ import annotations

import datetime as dt

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from lingong.market.services.directory import raise_stale_alerts


@db_periodic_task(crontab(hour="6", minute="20"))
def remind_stale_directory_places(now: dt.datetime | None = None) -> int:
    """Daily, before the offices open."""
    return raise_stale_alerts(now=now)
