"""Background work of registration (辽人社〔2022〕22号 第九条): the services pushed after a registration
closes, and the daily alert for applications past their 7-working-day deadline. Both take plain
values, are idempotent, and run in-process when no queue worker is configured."""

from __future__ import annotations

import datetime as dt

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from lingong.registration import services


@db_task(retries=3, retry_delay=30)
def push_services_task(kind: str, registration_id: int) -> int:
    """Queued when a registration closes as registered; the queue runs it within the minute."""
    return len(services.push_services(kind=kind, registration_id=registration_id))


@db_periodic_task(crontab(hour="7", minute="30"))
def raise_overdue_registration_alerts(today: dt.date | None = None) -> int:
    """Every morning before the offices open; also callable by hand (``.call_local()``)."""
    return services.raise_overdue_alerts(today=today)


@db_task(retries=3, retry_delay=30)
def end_unemployment_by_platform_work_task(engagement_id: int) -> bool:
    """Queued by the market when an engagement completes; ends a consenting person's unemployment."""
    return services.end_unemployment_by_platform_work(engagement_id=engagement_id) is not None
