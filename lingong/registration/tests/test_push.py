"""Services pushed after registration (辽人社〔2022〕22号 第九条): matching gigs, fairs of the region and
startup help reach the inbox through the task queue, and the push record shows what was sent."""

from __future__ import annotations

import pytest

from lingong.accounts.models import Notification, User
from lingong.registration import services
from lingong.registration.models import Push
from lingong.registration.tests.conftest import Employ

pytestmark = pytest.mark.django_db


def test_a_registered_worker_receives_matching_gigs_in_the_inbox(
    heping_worker: User,
    heping_employer: User,
    heping_staff: User,
    make_gig: object,
    employ: Employ,
    django_capture_on_commit_callbacks: object,
) -> None:
    cleaning = make_gig(heping_employer, title="写字楼日常保洁")  # type: ignore[operator]
    make_gig(heping_employer, title="小区保安夜班", occupation_code="4-07-05-01")  # type: ignore[operator]
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        registration = employ(heping_worker, wants_startup=True)
    assert registration.status == "registered"

    gigs = Notification.objects.get(
        recipient=heping_worker, key=f"registration-push:employment:{registration.pk}:gigs"
    )
    assert "写字楼日常保洁" in gigs.body and "保安" not in gigs.body
    assert Notification.objects.filter(
        recipient=heping_worker, title="创业培训、开业指导和创业扶持政策"
    ).exists()

    pushed = list(Push.objects.filter(employment=registration).values_list("kind", "target_id", "title"))
    assert pushed == [
        ("gig", str(cleaning.pk), "写字楼日常保洁"),
        ("startup", "", "创业培训、开业指导和创业扶持政策"),
    ]

    # A retried task pushes nothing twice.
    services.push_services(kind="employment", registration_id=registration.pk)
    assert Push.objects.filter(employment=registration).count() == 2


def test_nothing_is_pushed_while_the_application_waits(
    newcomer: User, heping_employer: User, make_gig: object, employ: Employ
) -> None:
    make_gig(heping_employer)  # type: ignore[operator]
    registration = employ(newcomer)
    assert services.push_services(kind="employment", registration_id=registration.pk) == []
