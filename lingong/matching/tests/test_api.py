"""The matching API: recommendations with their parts; errors as {code, message}."""

from __future__ import annotations

import pytest
from django.test import Client

from lingong.accounts.models import User
from lingong.market.tests.conftest import PostMaker
from lingong.matching.tests.conftest import MakeWorker, at_square

pytestmark = pytest.mark.django_db


def test_gigs_for_me_and_workers_for_a_post(
    client: Client, heping_employer: User, make_worker: MakeWorker, make_gig: PostMaker
) -> None:
    worker = make_worker("一号", km=0.5)
    post = make_gig(heping_employer, **at_square(title="广场保洁"))
    client.force_login(worker)
    response = client.get("/api/v1/matching/gigs")
    assert response.status_code == 200
    [gig] = response.json()
    assert (gig["id"], gig["title"], gig["occupation"], gig["places_left"]) == (
        post.pk,
        "广场保洁",
        "保洁员",
        2,
    )
    why = gig["why"]
    assert [p["label"] for p in why["parts"]] == ["通勤时间", "工种匹配", "工资", "可靠性", "评分", "公平"]
    assert sum(p["points"] for p in why["parts"]) == pytest.approx(why["score"], abs=0.1)
    assert why["fit"] == "exact" and why["travel_minutes"] == 2.5

    client.force_login(heping_employer)
    data = client.get(f"/api/v1/matching/posts/{post.pk}/workers", {"limit": 5}).json()
    assert data["post_id"] == post.pk and [w["worker_id"] for w in data["workers"]] == [worker.pk]
    assert (
        data["workers"][0]["name"] == "一*" and data["workers"][0]["why"]["parts"][0]["label"] == "通勤时间"
    )


def test_errors_have_a_code_and_a_chinese_message(
    client: Client, heping_employer: User, tiexi_factory: User, make_worker: MakeWorker, make_gig: PostMaker
) -> None:
    post = make_gig(heping_employer, **at_square())
    assert client.get("/api/v1/matching/gigs").json()["code"] == "unauthorized"
    client.force_login(tiexi_factory)
    response = client.get(f"/api/v1/matching/posts/{post.pk}/workers")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "找不到该招聘，或它不在您的辖区内。"}
    response = client.get("/api/v1/matching/gigs")
    assert (response.status_code, response.json()["code"]) == (403, "worker_only")
    client.force_login(heping_employer)
    response = client.get(f"/api/v1/matching/posts/{post.pk}/workers", {"limit": 0})
    assert (response.status_code, response.json()["code"]) == (422, "invalid_input")
