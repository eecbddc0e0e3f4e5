"""Notifications: an in-app inbox, plus copies by SMS or WeChat through pluggable backends.

``notify`` never blocks a request: the inbox entry is written when the caller's transaction
commits, and the channel copies go out on the task queue. A ``key`` makes it idempotent: the same
event notifies a person once, however often a task retries.

The SMS and WeChat backends post JSON to an HTTP gateway the province runs (辽人社提〔2024〕5号 二:
政策快速直达, 二维码、小程序): the platform holds no carrier or WeChat credentials of its own, only
the gateway's URL and token. A channel that is not configured fails at send time and is recorded as
failed on the notification; the inbox copy and the other channels are unaffected.
"""

from __future__ import annotations

import json
import logging
import urllib.request
from collections.abc import Iterable
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from lingong.accounts.models import Notification, User

logger = logging.getLogger(__name__)

#: Seconds to wait for a gateway before the copy counts as failed (the inbox copy is already there).
DEFAULT_TIMEOUT = 5.0
#: The inbox shows at most this many messages; older ones stay in the database.
INBOX_LIMIT = 100


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


def short_link(notification: Notification) -> str:
    """The absolute address that opens the message in the inbox (marking it read and following its
    link). ``LINGONG_SITE_URL`` is the public origin, e.g. ``https://lingong.example.gov.cn``."""
    base = str(getattr(settings, "LINGONG_SITE_URL", "")).rstrip("/")
    return base + reverse("web:inbox_open", args=[notification.pk])


class HttpGatewayBackend:
    """Posts one JSON document per copy to ``<PREFIX>_URL`` with ``Authorization: Bearer <PREFIX>_TOKEN``.
    Any answer other than 2xx, a timeout or a refused connection raises, and ``deliver`` records it."""

    channel = "http"
    setting_prefix = ""

    def payload(self, notification: Notification) -> dict[str, Any]:
        raise NotImplementedError

    def send(self, notification: Notification) -> str:
        url = str(getattr(settings, f"{self.setting_prefix}_URL", "") or "")
        if not url:
            raise ImproperlyConfigured(f"{self.setting_prefix}_URL is not set")
        if not url.startswith(("http://", "https://")):
            raise ImproperlyConfigured(f"{self.setting_prefix}_URL must be an http(s) URL")
        token = str(getattr(settings, f"{self.setting_prefix}_TOKEN", "") or "")
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
            url,
            data=json.dumps(self.payload(notification), ensure_ascii=False).encode(),
            headers={"Content-Type": "application/json; charset=utf-8", "Authorization": f"Bearer {token}"},
            method="POST",
        )
        timeout = float(getattr(settings, "LINGONG_NOTIFY_TIMEOUT", DEFAULT_TIMEOUT))
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            body = response.read(2000)
        try:
            answer = json.loads(body or b"{}")
        except ValueError:
            answer = {}
        provider_id = answer.get("id") if isinstance(answer, dict) else None
        return f"sent:{provider_id}"[:60] if provider_id else "sent"


class SmsBackend(HttpGatewayBackend):
    """SMS through the gateway at ``LINGONG_SMS_URL``: the title and a short link, to the recipient's
    phone (decrypted only here, for the gateway)."""

    channel = "sms"
    setting_prefix = "LINGONG_SMS"

    def payload(self, notification: Notification) -> dict[str, Any]:
        recipient = User.objects.get(pk=notification.recipient_id)
        if not recipient.phone:
            raise ValueError("recipient has no phone number")
        return {
            "phone": recipient.phone,
            "content": f"{notification.title} {short_link(notification)}",
            "reference": str(notification.pk),
        }


class WeChatBackend(HttpGatewayBackend):
    """A template message (模板消息) through the relay at ``LINGONG_WECHAT_URL``. The relay maps the
    platform's user to the WeChat openid bound in the mini-program; the platform stores no openid."""

    channel = "wechat"
    setting_prefix = "LINGONG_WECHAT"

    def payload(self, notification: Notification) -> dict[str, Any]:
        return {
            "user_id": str(notification.recipient_id),
            "template_id": str(getattr(settings, "LINGONG_WECHAT_TEMPLATE_ID", "") or ""),
            "url": short_link(notification),
            "data": {
                "first": {"value": notification.title},
                "keyword1": {"value": str(notification.kind)},
                "keyword2": {"value": timezone.localtime(notification.created_at).strftime("%Y-%m-%d %H:%M")},
                "remark": {"value": notification.body[:200]},
            },
            "reference": str(notification.pk),
        }


def backends() -> list[Backend]:
    paths = getattr(settings, "LINGONG_NOTIFY_BACKENDS", ["lingong.accounts.notify.ConsoleBackend"])
    return [import_string(path)() for path in paths]


def notify(
    *,
    recipient_id: int,
    kind: str,
    title: str,
    body: str = "",
    link: str = "",
    key: str = "",
    only: Iterable[str] | None = None,
) -> None:
    """Put a message in the person's inbox (after commit) and send its channel copies (queued).

    ``only`` names the copies the person asked for (say ``("sms",)``, or ``()`` for the inbox
    alone); the others are marked "not requested" so ``deliver`` passes them by.
    """
    skipped: dict[str, str] = {}
    if only is not None:
        wanted = set(only) | {ConsoleBackend.channel}
        skipped = {b.channel: "not requested" for b in backends() if b.channel not in wanted}

    def write() -> None:
        try:
            with transaction.atomic():
                note = Notification.objects.create(
                    recipient_id=recipient_id,
                    kind=kind,
                    title=title,
                    body=body,
                    link=link,
                    key=key,
                    channels=skipped,
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


# --- the inbox: reads and the two writes a person makes on their own messages ------------------------


def inbox(*, user: Any) -> models.QuerySet[Notification]:
    """The person's messages, newest first (one query, no joins)."""
    return Notification.objects.filter(recipient_id=user.pk).order_by("-created_at", "-id")


def unread_count(*, user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()


def mark_read(*, user: Any, notification_id: int) -> Notification | None:
    """Mark one of the person's own messages read; ``None`` if it is not theirs (or does not exist)."""
    note = Notification.objects.filter(pk=notification_id, recipient_id=user.pk).first()
    if note is not None and note.read_at is None:
        note.read_at = timezone.now()
        # Only if still unread: a second tab must not move the first reading time.
        Notification.objects.filter(pk=note.pk, read_at__isnull=True).update(read_at=note.read_at)
    return note


def mark_all_read(*, user: Any) -> int:
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )
