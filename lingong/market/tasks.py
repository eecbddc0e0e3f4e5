"""Periodic work of the market. Tasks take ids or plain values and are idempotent.

Posts: expiry (辽人社〔2022〕22号 第七条: the published gig information stays current).
Directory: stale-entry reminders (第三条), in tasks_directory.py.
"""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from lingong.market.services.posts import expire_due_posts

# The directory's periodic task lives beside its services; importing it here registers it with huey.
from lingong.market.tasks_directory import remind_stale_directory_places  # noqa: F401
from lingong.market.tasks_instant import advance_instant_dispatch, dispatch_instant_post  # noqa: F401
from lingong.market.tasks_work import auto_approve_hours, mark_no_shows  # noqa: F401


@db_periodic_task(crontab(minute="*/10"))
def expire_posts() -> int:
    """Take posts past their expiry off the market (published or still in review → expired)."""
    return expire_due_posts()
