"""Periodic work of matching (即时快招, 辽人社〔2022〕22号 第七条): the batch dispatch rounds.

Huey's schedule is per minute, and rounds should run every ``MATCHING_DISPATCH_SECONDS``: the task
runs rounds for most of its minute (the next run starts the next minute), so one queue worker thread
is kept busy. Where a separate process is preferred, run ``lingong dispatch`` instead and set
``LINGONG_MATCHING_ROUNDS_IN_QUEUE=0``. Rounds are idempotent (row locks, the one-offer-per-worker
rule), so an overlap does no harm. Tests call ``run_dispatch_rounds`` (or this task with
``call_local``), which runs a single round set in-process.
"""

from __future__ import annotations

import os

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from lingong.matching.services import dispatch_loop, run_dispatch_rounds

ROUNDS_IN_QUEUE = os.environ.get("LINGONG_MATCHING_ROUNDS_IN_QUEUE", "1") == "1"
#: Seconds of each minute the task spends running rounds (it leaves the rest for the next start).
BUSY_SECONDS = 50


@db_periodic_task(crontab(minute="*"))
def run_matching_dispatch() -> dict[str, int] | int:
    if getattr(settings, "TESTING", False) or not ROUNDS_IN_QUEUE:
        return run_dispatch_rounds()
    return dispatch_loop(seconds=BUSY_SECONDS)
