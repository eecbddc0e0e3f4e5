"""One instant hire (即时快招, 辽人社〔2022〕22号 第七条) walked end to end through the API, as the
employer's and the worker's apps would: quick post, tier-1 offer, accept with on-site negotiation,
confirmation, check-in and check-out by the day's QR code, hours, wage received, both ratings.
Every step leaves its timestamp and its logged transition; the outcome figures count it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from lingong.accounts import services as accounts
from lingong.accounts.models import User
from lingong.core.models import Transition
from lingong.market.models import Engagement, GigPost, Rating
from lingong.market.services.work import checkin_code
from lingong.market.tests.conftest import heping_employer  # noqa: F401

pytestmark = pytest.mark.django_db

SITE = {"longitude": 123.4202, "latitude": 41.7898}


class App:
    """An API client holding one person's token."""

    def __init__(self, client: Client, user: User) -> None:
        _token, key = accounts.issue_api_token(actor=user, name="app")
        self.client, self.headers = client, {"Authorization": f"Bearer {key}"}

    def call(self, method: str, path: str, body: dict[str, Any] | None = None, status: int = 200) -> Any:
        if method == "get":
            response = self.client.get(f"/api/v1/market{path}", headers=self.headers)
        else:
            response = getattr(self.client, method)(
                f"/api/v1/market{path}",
                data=json.dumps(body or {}),
                content_type="application/json",
                headers=self.headers,
            )
        assert response.status_code == status, response.content.decode()
        return response.json() if response.content else None


def test_instant_hire_from_quick_post_to_both_ratings(
    client: Client,
    heping_employer: User,  # noqa: F811
    heping_worker: User,
    heping_staff: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    employer, worker, staff = (
        App(client, heping_employer),
        App(client, heping_worker),
        App(client, heping_staff),
    )

    # The employer keeps this worker as a trusted one and quick-posts today's gig from a template.
    employer.call("put", f"/trusted-workers/{heping_worker.pk}", status=204)
    template = employer.call(
        "post",
        "/templates",
        {
            "name": "日常保洁",
            "fields": {
                "occupation_code": "4-09-08-01",
                "region_code": "210102",
                "address": "和平区南京南街18号",
                "headcount": 1,
                "wage": "200",
                "wage_type": "day",
                "settlement": "same_day",
                "title": "今天保洁半天",
                **SITE,
            },
        },
        status=201,
    )
    with django_capture_on_commit_callbacks(execute=True):
        posted = employer.call("post", "/instant", {"template_id": template["id"]}, status=201)
    assert posted["status"] == "published" and posted["instant"]
    post = GigPost.objects.get(pk=posted["id"])

    # Tier 1: the offer reaches the trusted worker, who accepts and will settle details on site.
    offers = worker.call("get", "/engagements")["items"]
    assert [(o["post_id"], o["status"]) for o in offers] == [(post.pk, "offered")]
    engagement_id = offers[0]["id"]
    assert Engagement.objects.get(pk=engagement_id).tier == 1
    worker.call(
        "post", f"/engagements/{engagement_id}/accept", {"negotiation": "on_site", "note": "到场再谈细节"}
    )

    # The employer confirms; the post is full.
    confirmed = employer.call("post", f"/engagements/{engagement_id}/confirm")
    assert confirmed["status"] == "confirmed" and confirmed["post_places_left"] == 0

    # On site: the employer shows the day's code; the worker checks in and out from inside the radius.
    today = employer.call("get", f"/gigs/{post.pk}/checkin-code")
    assert today["url"].endswith(f"/market/work/checkin/{post.pk}/{today['code']}/")
    code = today["code"]
    assert code == checkin_code(GigPost.objects.get(pk=post.pk), timezone.localdate())
    worker.call("post", f"/engagements/{engagement_id}/check-in", {"code": code, **SITE})
    worker.call("post", f"/engagements/{engagement_id}/check-out", {"code": code, **SITE})

    # The employer approves half a day; the worker confirms the wage arrived.
    employer.call("post", f"/engagements/{engagement_id}/approve-hours", {"hours": "4", "note": "半天"})
    worker.call("post", f"/engagements/{engagement_id}/wage-received")

    # Both rate each other.
    employer.call(
        "post", f"/engagements/{engagement_id}/rating", {"stars": 5, "comment": "干活仔细"}, status=201
    )
    worker.call(
        "post", f"/engagements/{engagement_id}/rating", {"stars": 4, "comment": "结算及时"}, status=201
    )

    # Every step has its timestamp, in order.
    e = Engagement.objects.get(pk=engagement_id)
    post.refresh_from_db()
    steps = [
        post.created_at,
        e.created_at,
        e.accepted_at,
        e.confirmed_at,
        e.checked_in_at,
        e.checked_out_at,
        e.hours_approved_at,
        e.completed_at,
        e.wage_received_at,
    ]
    assert all(steps) and steps == sorted(steps)  # type: ignore[type-var]
    assert (e.status, e.negotiation, e.wage_due_fen, e.hours_auto_approved) == (
        "completed",
        "on_site",
        20000,
        False,
    )
    assert post.first_confirmed_at == post.filled_at == e.confirmed_at
    assert post.first_check_in_at == e.checked_in_at
    assert {(r.rater_id, r.ratee_id, r.stars) for r in Rating.objects.filter(engagement=e)} == {
        (heping_employer.pk, heping_worker.pk, 5),
        (heping_worker.pk, heping_employer.pk, 4),
    }
    # …and each status change is logged with who made it.
    log = list(
        Transition.objects.filter(object_type="market.engagement", object_id=str(e.pk)).order_by("at", "id")
    )
    assert [(t.from_status, t.to_status, t.actor_id) for t in log] == [
        ("", "offered", heping_employer.pk),
        ("offered", "accepted", heping_worker.pk),
        ("accepted", "confirmed", heping_employer.pk),
        ("confirmed", "completed", heping_employer.pk),
    ]

    # The outcome figures count it: one post, one place, filled, in the minutes it took (to 0.1 min).
    figures = staff.call("get", "/outcomes?by=post")
    row = next(r for r in figures["rows"] if r["key"] == str(post.pk))
    assert (row["posts"], row["places"], row["filled"], row["fill_rate"]) == (1, 1, 1, 1.0)
    assert post.filled_at is not None and post.first_check_in_at is not None
    expected = (post.filled_at - post.created_at).total_seconds() / 60
    assert row["median_fill_minutes"] == pytest.approx(expected, abs=0.051)
    assert row["median_start_minutes"] == pytest.approx(
        (post.first_check_in_at - post.created_at).total_seconds() / 60, abs=0.051
    )
