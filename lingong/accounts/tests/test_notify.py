"""Notifications: in the inbox after commit, sent through the backends, once per event."""

from __future__ import annotations

import pytest

from lingong.accounts.models import Notification, User
from lingong.accounts.notify import notify

pytestmark = pytest.mark.django_db


def test_inbox_and_channels_once_per_key(
    heping_worker: User, django_capture_on_commit_callbacks: object
) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        notify(recipient_id=heping_worker.pk, kind="offer", title="附近有新零工", key="offer-1")
        notify(recipient_id=heping_worker.pk, kind="offer", title="附近有新零工", key="offer-1")
    note = Notification.objects.get(recipient=heping_worker)
    assert note.title == "附近有新零工"
    assert note.channels == {"console": "logged"}


def test_nothing_written_when_the_transaction_rolls_back(heping_worker: User) -> None:
    notify(recipient_id=heping_worker.pk, kind="offer", title="不会发出")
    # pytest-django wraps the test in a transaction that is rolled back: on_commit never fires.
    assert not Notification.objects.exists()


def test_only_the_copies_the_person_asked_for(
    heping_worker: User, django_capture_on_commit_callbacks: object, settings: object
) -> None:
    settings.LINGONG_NOTIFY_BACKENDS = [  # type: ignore[attr-defined]
        "lingong.accounts.notify.ConsoleBackend",
        "lingong.accounts.notify.SmsBackend",
    ]
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        notify(recipient_id=heping_worker.pk, kind="result", title="已办结", key="inbox-only", only=())
    note = Notification.objects.get(key="inbox-only")
    assert note.channels == {"console": "logged", "sms": "not requested"}
