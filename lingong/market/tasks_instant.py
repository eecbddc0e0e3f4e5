"""Periodic work of instant hire (即时快招, 辽人社〔2022〕22号 第七条): every minute, unanswered offers past
their reply time are cancelled and the next tier of each due post goes out. Both steps are idempotent
(row locks and the one-offer-per-worker constraint), so a retried or doubled run does no harm.
"""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from lingong.market.services.instant import advance_dispatch, run_dispatch


@db_task()
def dispatch_instant_post(post_id: int) -> int:
    """The first tier of a just-published instant post (queued by ``quick_post`` after commit)."""
    return advance_dispatch(post_id)


@db_periodic_task(crontab(minute="*"))
def advance_instant_dispatch() -> dict[str, int]:
    return run_dispatch()
