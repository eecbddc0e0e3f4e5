"""Background work of the policy app: 政策找人 runs in chunks, stalled runs resumed, and the daily
alert for applications past their deadline. Tasks take ids, are idempotent, and run in-process when
no queue worker is configured (tests, development)."""

from __future__ import annotations

import datetime as dt

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from lingong.policy import runs, services


@db_task(retries=3, retry_delay=60)
def find_people_task(run_id: int) -> int:
    """Work a run to its end from its cursor; a retry or a second worker resumes where it stopped."""
    return runs.process_run(run_id).processed


@db_periodic_task(crontab(minute="*/10"))
def resume_stalled_runs() -> list[int]:
    """A run whose worker died makes no progress for ten minutes: queue it again."""
    return runs.resume_stale_runs()


@db_periodic_task(crontab(hour="7", minute="35"))
def raise_overdue_policy_alerts(today: dt.date | None = None) -> int:
    """Every morning before the offices open; also callable by hand (``.call_local()``)."""
    return services.raise_overdue_alerts(today=today)
