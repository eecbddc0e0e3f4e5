"""Unemployment ended by work found on the platform (辽人社〔2022〕22号 第九条), end to end: an instant
hire worked and approved through the market's real services ends the unemployment registration of a
person who consented (a logged transition and a notice), and leaves one who did not alone."""

from __future__ import annotations

import pytest

from lingong.accounts.models import Notification, User
from lingong.core.workflow import history
from lingong.market.models import GigPost
from lingong.market.tests.test_attendance_fixtures import (  # noqa: F401
    complete,
    employer,
    make_post,
    site_post,
)
from lingong.registration import services
from lingong.registration.models import PLATFORM_WORK_CONSENT_TEXT, UnemploymentRegistration
from lingong.registration.tests.conftest import Unemploy

pytestmark = pytest.mark.django_db


@pytest.fixture
def instant_post(site_post: GigPost) -> GigPost:  # noqa: F811
    GigPost.objects.filter(pk=site_post.pk).update(instant=True)
    site_post.refresh_from_db()
    return site_post


def test_an_instant_hire_completing_ends_the_consenting_persons_unemployment(
    instant_post: GigPost, heping_worker: User, unemploy: Unemploy, django_capture_on_commit_callbacks: object
) -> None:
    registration = unemploy(heping_worker, platform_work_consent=True)
    assert registration.status == "registered"
    assert registration.consent_text == PLATFORM_WORK_CONSENT_TEXT and registration.consented_at is not None

    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        engagement = complete(instant_post, heping_worker)
    assert engagement.status == "completed"

    registration.refresh_from_db()
    assert registration.status == "ended" and registration.ended_on is not None
    last = history(registration).last()
    assert last is not None and last.to_status == "ended" and f"用工记录#{engagement.pk}" in last.note
    assert Notification.objects.filter(
        recipient=heping_worker, key=f"registration:unemployment:{registration.pk}:ended"
    ).exists()
    # Run again (a retried task): nothing more to end.
    assert services.end_unemployment_by_platform_work(engagement_id=engagement.pk) is None


def test_without_consent_the_registration_stays(
    instant_post: GigPost, heping_worker: User, unemploy: Unemploy, django_capture_on_commit_callbacks: object
) -> None:
    registration = unemploy(heping_worker)
    assert registration.platform_work_consent is False and registration.consent_text == ""
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        complete(instant_post, heping_worker)
    registration.refresh_from_db()
    assert registration.status == "registered"
    assert [t.to_status for t in history(registration)] == ["registered"]


def test_an_ordinary_gig_is_not_an_instant_hire(
    site_post: GigPost,  # noqa: F811
    heping_worker: User,
    unemploy: Unemploy,
    django_capture_on_commit_callbacks: object,
) -> None:
    registration = unemploy(heping_worker, platform_work_consent=True)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        complete(site_post, heping_worker)
    assert UnemploymentRegistration.objects.get(pk=registration.pk).status == "registered"


def test_the_person_gives_and_withdraws_consent_later(
    heping_worker: User, heping_staff: User, unemploy: Unemploy
) -> None:
    from django.test import Client

    from lingong.core.errors import DomainError

    registration = unemploy(heping_worker)
    with pytest.raises(DomainError) as exc:
        services.set_platform_work_consent(actor=heping_staff, registration_id=registration.pk, consent=True)
    assert exc.value.code == "not_found"  # the person's own choice, not staff's
    client = Client()
    client.force_login(heping_worker)
    url = f"/api/v1/registration/unemployment/{registration.pk}/consent"
    given = client.post(url, {"consent": True}, content_type="application/json").json()
    assert given["platform_work_consent"] is True and given["consent_text"] == PLATFORM_WORK_CONSENT_TEXT
    page = client.post(f"/registration/unemployment/{registration.pk}/consent/", {})
    assert page.status_code == 302
    registration.refresh_from_db()
    assert (registration.platform_work_consent, registration.consented_at) == (False, None)
