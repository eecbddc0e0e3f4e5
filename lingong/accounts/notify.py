"""Notifications: an in-app inbox, plus copies by SMS or WeChat through pluggable backends.

``notify`` never blocks a request: the inbox entry is written when the caller's transaction
commits, and the channel copies go out on the task queue. A ``key`` makes it idempotent: the same
event notifies a person once, however often a task retries.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.module_loading import import_string

from lingong.accounts.models import Notification

logger = logging.getLogger(__name__)


class Backend(Protocol):
    channel: str

    def send(self, notification: Notification) -> str:
        """Send one copy; return a short status ("sent", or the provider's id)."""


class ConsoleBackend:
    """Development: the message goes to the log instead of a phone."""

    channel = "console"

    def send(self, notification: Notification) -> str:
        logger.info(
            "notify %s → user %s: %s", notification.kind, notification.recipient_id, notification.title
        )
        return "logged"


def backends() -> list[Backend]:
    paths = getattr(settings, "LINGONG_NOTIFY_BACKENDS", ["lingong.accounts.notify.ConsoleBackend"])
    return [import_string(path)() for path in paths]


def notify(
    *, recipient_id: int, kind: str, title: str, body: str = "", link: str = "", key: str = ""
) -> None:
    """Put a message in the person's inbox (after commit) and send its channel copies (queued)."""

    def write() -> None:
        try:
            with transaction.atomic():
                note = Notification.objects.create(
                    recipient_id=recipient_id, kind=kind, title=title, body=body, link=link, key=key
                )
        except IntegrityError:
            return  # already notified of this event
        from lingong.accounts.tasks import send_notification

        send_notification(note.pk)

    transaction.on_commit(write)


def deliver(notification_id: int) -> dict[str, Any]:
    """Send a notification through every configured backend not yet done for it (idempotent)."""
    note = Notification.objects.filter(pk=notification_id).first()
    if note is None:
        return {}
    done = dict(note.channels)
    for backend in backends():
        if backend.channel in done:
            continue
        try:
            done[backend.channel] = backend.send(note)
        except Exception as exc:  # one failing channel must not stop the others
            logger.warning("notify via %s failed: %s", backend.channel, exc)
            done[backend.channel] = f"failed: {exc}"[:100]
    Notification.objects.filter(pk=note.pk).update(channels=done)
    return done
