"""Ratings after a completed gig: each side rates the other once; the rated side appeals once; staff of
the post's region decide; a withdrawn rating no longer counts."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lingong.accounts.models import User
from lingong.core.models import Alert
from lingong.core.workflow import history
from lingong.market.models import GigPost, Rating, RatingStatus
from lingong.market.selectors.work import reliability
from lingong.market.services import work
from lingong.market.tests.test_attendance_fixtures import (  # noqa: F401
    api_post,
    at,
    attend,
    client_for,
    complete,
    confirm,
    employer,
    error_code,
    make_post,
    site_post,
)

pytestmark = pytest.mark.django_db


def test_each_side_rates_the_other_once_after_completion(
    site_post: GigPost,  # noqa: F811
    heping_worker: User,
    tiexi_worker: User,
) -> None:
    boss = site_post.employer
    pending = attend(confirm(site_post, tiexi_worker), at(8), at(16))
    assert error_code(work.rate, actor=boss, engagement_id=pending.pk, stars=5) == "not_completed"
    done = complete(site_post, heping_worker)
    by_worker = work.rate(actor=heping_worker, engagement_id=done.pk, stars=5, comment="按时结算")
    by_employer = work.rate(actor=boss, engagement_id=done.pk, stars=4)
    assert (by_worker.ratee, by_employer.ratee) == (boss, heping_worker)
    assert error_code(work.rate, actor=heping_worker, engagement_id=done.pk, stars=1) == "already_rated"
    assert error_code(work.rate, actor=tiexi_worker, engagement_id=done.pk, stars=1) == "not_found"
    assert error_code(work.rate, actor=boss, engagement_id=pending.pk, stars=6) == "not_completed"
    assert Rating.objects.count() == 2


def test_stars_are_one_to_five(site_post: GigPost, heping_worker: User) -> None:  # noqa: F811
    done = complete(site_post, heping_worker)
    for stars in (0, 6):
        assert (
            error_code(work.rate, actor=heping_worker, engagement_id=done.pk, stars=stars) == "invalid_stars"
        )


def test_the_rated_side_appeals_once_and_staff_of_the_region_decide(
    site_post: GigPost,  # noqa: F811
    heping_worker: User,
    heping_staff: User,
    tiexi_staff: User,
) -> None:
    done = complete(site_post, heping_worker)
    rating = work.rate(actor=site_post.employer, engagement_id=done.pk, stars=1, comment="迟到")
    assert reliability(heping_worker).average_stars == 1.0
    appeal = work.appeal_rating
    assert error_code(appeal, actor=site_post.employer, rating_id=rating.pk, reason="x") == "not_found"
    assert error_code(appeal, actor=heping_worker, rating_id=rating.pk, reason=" ") == "reason_required"
    appeal(actor=heping_worker, rating_id=rating.pk, reason="签到记录显示 8:00 准时到岗")
    assert error_code(appeal, actor=heping_worker, rating_id=rating.pk, reason="再申诉") == "already_appealed"
    assert Alert.objects.filter(kind="rating_appeal", region_code="210102").count() == 1

    decide = work.decide_appeal
    assert error_code(decide, actor=tiexi_staff, rating_id=rating.pk, decision="withdrawn") == "not_found"
    assert error_code(decide, actor=heping_worker, rating_id=rating.pk, decision="withdrawn") == "staff_only"
    assert error_code(decide, actor=heping_staff, rating_id=rating.pk, decision="maybe") == "invalid_decision"
    decide(actor=heping_staff, rating_id=rating.pk, decision="withdrawn", note="签到记录证明准时到岗")
    rating.refresh_from_db()
    assert (rating.status, rating.appeal_decision) == (RatingStatus.WITHDRAWN, "签到记录证明准时到岗")
    assert [t.to_status for t in history(rating)] == ["appealed", "withdrawn"]
    assert reliability(heping_worker).average_stars is None  # withdrawn ratings don't count
    assert error_code(appeal, actor=heping_worker, rating_id=rating.pk, reason="再来") == "already_appealed"


def test_an_upheld_rating_keeps_counting(
    site_post: GigPost,  # noqa: F811
    heping_worker: User,
    heping_staff: User,
) -> None:
    done = complete(site_post, heping_worker)
    rating = work.rate(actor=site_post.employer, engagement_id=done.pk, stars=2)
    work.appeal_rating(actor=heping_worker, rating_id=rating.pk, reason="不公平")
    work.decide_appeal(actor=heping_staff, rating_id=rating.pk, decision="upheld")
    assert reliability(heping_worker).average_stars == 2.0


def test_ratings_through_the_api_and_the_pages(
    site_post: GigPost,  # noqa: F811
    heping_worker: User,
    heping_staff: User,
) -> None:
    done = complete(site_post, heping_worker)
    boss = client_for(site_post.employer)
    rated = api_post(boss, f"/api/v1/market/engagements/{done.pk}/rating", {"stars": 2, "comment": "慢"})
    assert rated.status_code == 201, rated.content
    rating_id = rated.json()["id"]
    again = api_post(boss, f"/api/v1/market/engagements/{done.pk}/rating", {"stars": 3})
    assert (again.status_code, again.json()["code"]) == (409, "already_rated")

    worker = client_for(heping_worker)
    page = worker.get(reverse("market:work_record")).content.decode()
    assert 'data-action="appeal"' in page
    worker.post(reverse("market:work_rating_step", args=[rating_id, "appeal"]), {"reason": "按要求完成"})
    assert Rating.objects.get(pk=rating_id).status == RatingStatus.APPEALED
    worker_rates = worker.post(
        reverse("market:work_engagement_step", args=[done.pk, "rating"]), {"stars": "5", "comment": ""}
    )
    assert worker_rates.status_code == 302
    assert Rating.objects.filter(rater=heping_worker, stars=5).exists()

    staff = client_for(heping_staff)
    assert f'id="appeal-{rating_id}"' in staff.get(reverse("market:wage_claims")).content.decode()
    decided = api_post(staff, f"/api/v1/market/ratings/{rating_id}/decide", {"decision": "withdrawn"})
    assert (decided.status_code, decided.json()["status"]) == (200, "withdrawn")
    appeal = api_post(worker, f"/api/v1/market/ratings/{rating_id}/appeal", {"reason": "再申诉"})
    assert (appeal.status_code, appeal.json()["code"]) == (409, "already_appealed")
