"""The posts API under /api/v1/market: public search, publishing, closing, staff review; error codes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from lingong.accounts.models import User
from lingong.market.models import GigPost
from lingong.market.tests.conftest import HEPING_LAT, HEPING_LON, PostMaker, tomorrow

pytestmark = pytest.mark.django_db

BASE = "/api/v1/market"


def gig_payload(**changes: Any) -> dict[str, Any]:
    start = tomorrow().isoformat()
    payload = {
        "occupation_code": "4-09-08-01",
        "region_code": "210102",
        "address": "沈阳市和平区太原街",
        "start_date": start,
        "end_date": start,
        "headcount": 3,
        "wage": "200",
        "wage_type": "day",
        "settlement": "same_day",
    }
    payload.update(changes)
    return payload


def post_json(client: Client, url: str, data: dict[str, Any] | None = None) -> Any:
    return client.post(url, data or {}, content_type="application/json")


class TestPublish:
    def test_employer_publishes_and_the_public_finds_it(self, client: Client, heping_employer: User) -> None:
        client.force_login(heping_employer)
        response = post_json(client, f"{BASE}/gigs", gig_payload(title="太原街商场保洁"))
        assert response.status_code == 201
        body = response.json()
        assert (body["status"], body["review_reason"], body["wage_label"]) == ("published", "", "200 元/天")
        assert body["contact_phone"] == "13600000001"  # the owner sees their own number
        client.logout()
        listing = client.get(f"{BASE}/gigs", {"q": "保洁 和平区"}).json()
        assert listing["count"] == 1
        item = listing["items"][0]
        assert (item["id"], item["employer_verified"], item["distance_km"]) == (body["id"], False, None)
        detail = client.get(f"{BASE}/gigs/{body['id']}").json()
        assert detail["contact_phone"] == "136****0001"

    def test_below_minimum_wage_is_created_in_review(self, client: Client, heping_employer: User) -> None:
        client.force_login(heping_employer)
        body = post_json(client, f"{BASE}/gigs", gig_payload(wage="18", wage_type="hour")).json()
        assert body["status"] == "in_review"
        assert "沈阳市 19.20 元/小时" in body["review_reason"]
        assert client.get(f"{BASE}/gigs").json()["count"] == 0
        assert [g["id"] for g in client.get(f"{BASE}/gigs/mine").json()] == [body["id"]]

    @pytest.mark.parametrize(
        ("changes", "status", "code"),
        [
            ({"end_date": "2020-01-01"}, 400, "end_before_start"),
            ({"wage": "abc"}, 400, "wage_invalid"),
            ({"region_code": "210100"}, 400, "region_invalid"),
            ({"start_date": "not a date"}, 422, "invalid_input"),
        ],
    )
    def test_bad_input(
        self, client: Client, heping_employer: User, changes: dict[str, Any], status: int, code: str
    ) -> None:
        client.force_login(heping_employer)
        response = post_json(client, f"{BASE}/gigs", gig_payload(**changes))
        assert response.status_code == status
        assert response.json()["code"] == code
        assert not GigPost.objects.exists()

    def test_login_required_to_publish(self, client: Client) -> None:
        response = post_json(client, f"{BASE}/gigs", gig_payload())
        assert (response.status_code, response.json()["code"]) == (401, "unauthorized")

    def test_worker_cannot_publish_a_gig(self, client: Client, heping_worker: User) -> None:
        client.force_login(heping_worker)
        response = post_json(client, f"{BASE}/gigs", gig_payload())
        assert (response.status_code, response.json()["code"]) == (403, "role_cannot_post")

    def test_staff_register_for_an_employer_in_their_county(
        self, client: Client, heping_staff: User, heping_employer: User
    ) -> None:
        client.force_login(heping_staff)
        body = post_json(client, f"{BASE}/gigs", gig_payload(employer_id=heping_employer.pk)).json()
        assert GigPost.objects.get(pk=body["id"]).employer == heping_employer


class TestListAndDetail:
    def test_near_me_gives_distances_in_order(
        self, client: Client, heping_employer: User, make_gig: PostMaker
    ) -> None:
        far = make_gig(heping_employer, longitude=HEPING_LON, latitude=HEPING_LAT + 0.03)
        near = make_gig(heping_employer, longitude=HEPING_LON + 0.005, latitude=HEPING_LAT)
        data = client.get(
            f"{BASE}/gigs", {"lon": str(HEPING_LON), "lat": str(HEPING_LAT), "radius_km": "5"}
        ).json()
        assert [i["id"] for i in data["items"]] == [near.pk, far.pk]
        assert data["items"][0]["distance_km"] < data["items"][1]["distance_km"]

    def test_filters_and_bad_filters(
        self, client: Client, heping_employer: User, make_gig: PostMaker
    ) -> None:
        make_gig(heping_employer, instant=True)
        make_gig(heping_employer)
        assert client.get(f"{BASE}/gigs", {"instant": "true"}).json()["count"] == 1
        assert client.get(f"{BASE}/gigs", {"min_day_wage": "250"}).json()["count"] == 0
        when = (tomorrow() + dt.timedelta(days=1)).isoformat()
        assert client.get(f"{BASE}/gigs", {"date": when}).json()["count"] == 0
        bad = client.get(f"{BASE}/gigs", {"sort": "random"})
        assert (bad.status_code, bad.json()["code"]) == (400, "sort_invalid")
        bad = client.get(f"{BASE}/gigs", {"district": "abc"})
        assert (bad.status_code, bad.json()["code"]) == (400, "district_invalid")

    def test_unknown_or_hidden_post_is_404(
        self, client: Client, heping_employer: User, make_gig: PostMaker
    ) -> None:
        hidden = make_gig(heping_employer, wage_fen=15000)
        for pk in (hidden.pk, 999999):
            response = client.get(f"{BASE}/gigs/{pk}")
            assert (response.status_code, response.json()["code"]) == (404, "post_not_found")

    def test_list_query_count_is_fixed(
        self, client: Client, heping_employer: User, make_gig: PostMaker, django_assert_num_queries: Any
    ) -> None:
        for _ in range(3):
            make_gig(heping_employer)
        with django_assert_num_queries(2):
            assert client.get(f"{BASE}/gigs").json()["count"] == 3
        for _ in range(5):
            make_gig(heping_employer)
        with django_assert_num_queries(2):
            assert client.get(f"{BASE}/gigs").json()["count"] == 8


class TestReviewAndClose:
    def test_queue_approve_reject_scoped(
        self,
        client: Client,
        heping_employer: User,
        heping_staff: User,
        tiexi_staff: User,
        make_gig: PostMaker,
    ) -> None:
        low = make_gig(heping_employer, wage_fen=15000)
        deposit = make_gig(heping_employer, description="需交押金")
        client.force_login(tiexi_staff)
        assert client.get(f"{BASE}/review").json() == []
        response = post_json(client, f"{BASE}/review/{low.pk}/approve")
        assert (response.status_code, response.json()["code"]) == (404, "not_found")
        client.force_login(heping_staff)
        assert [g["id"] for g in client.get(f"{BASE}/review").json()] == [low.pk, deposit.pk]
        approved = post_json(client, f"{BASE}/review/{low.pk}/approve").json()
        assert approved["status"] == "published"
        response = post_json(client, f"{BASE}/review/{deposit.pk}/reject", {"reason": ""})
        assert (response.status_code, response.json()["code"]) == (400, "reason_required")
        rejected = post_json(client, f"{BASE}/review/{deposit.pk}/reject", {"reason": "不得收取押金"}).json()
        assert (rejected["status"], rejected["review_reason"]) == ("rejected", "不得收取押金")
        client.logout()
        assert client.get(f"{BASE}/gigs").json()["count"] == 1

    def test_worker_gets_403_on_the_queue(self, client: Client, heping_worker: User) -> None:
        client.force_login(heping_worker)
        response = client.get(f"{BASE}/review")
        assert (response.status_code, response.json()["code"]) == (403, "staff_only")

    def test_owner_closes(self, client: Client, heping_employer: User, make_gig: PostMaker) -> None:
        post = make_gig(heping_employer)
        client.force_login(heping_employer)
        assert post_json(client, f"{BASE}/gigs/{post.pk}/close").json()["status"] == "closed"
        again = post_json(client, f"{BASE}/gigs/{post.pk}/close")
        assert (again.status_code, again.json()["code"]) == (409, "invalid_transition")


class TestSeeking:
    def test_worker_posts_and_the_public_finds_it_with_the_name_masked(
        self, client: Client, heping_worker: User
    ) -> None:
        client.force_login(heping_worker)
        start = tomorrow().isoformat()
        payload = {
            "occupation_code": "4-10-01-06",
            "region_code": "210102",
            "address": "和平区",
            "start_date": start,
            "end_date": start,
            "wage": "25",
            "wage_type": "hour",
        }
        response = post_json(client, f"{BASE}/seeking", payload)
        assert response.status_code == 201
        client.logout()
        data = client.get(f"{BASE}/seeking", {"q": "保姆"}).json()
        assert data["count"] == 1
        assert data["items"][0]["worker_name"] != "张秀兰"
        assert data["items"][0]["worker_name"].startswith("张")
