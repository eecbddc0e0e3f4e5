"""Background work of accounts: sending notification copies."""

from __future__ import annotations

from typing import Any

from huey.contrib.djhuey import db_task

from lingong.accounts.notify import deliver


@db_task(retries=3, retry_delay=60)
def send_notification(notification_id: int) -> dict[str, Any]:
    return deliver(notification_id)
