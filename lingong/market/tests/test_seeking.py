"""Seeking posts (零工求职) pages: a worker publishes, sees "我的求职" and closes one; employers and
staff browse and search; the worker's name and phone are masked except to the worker and to staff of
the region allowed to see personal data (whose view is audited)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from lingong.accounts.models import User
from lingong.core.models import AuditEntry
from lingong.market.models import PostStatus, SeekingPost
from lingong.market.services.posts import publish_seeking_post
from lingong.market.tests.conftest import tomorrow

pytestmark = [pytest.mark.django_db]


def publish(worker: User, **fields: Any) -> SeekingPost:
    values: dict[str, Any] = {
        "occupation_code": "4-09-08-01",
        "region_code": worker.region_id,
        "address": "和平区南京南街附近",
        "start_date": tomorrow(),
        "end_date": tomorrow(),
        "wage_fen": 18000,
        "wage_type": "day",
    }
    values.update(fields)
    return publish_seeking_post(actor=worker, worker=worker, **values)


def form(**changes: str) -> dict[str, str]:
    data = {
        "occupation_code": "4-09-08-01",
        "region_code": "210102",
        "address": "和平区南市场",
        "start_date": tomorrow().isoformat(),
        "end_date": tomorrow().isoformat(),
        "wage": "180",
        "wage_type": "day",
        "title": "找保洁钟点活",
    }
    data.update(changes)
    return data


def test_a_worker_publishes_sees_and_closes(client: Client, heping_worker: User) -> None:
    client.force_login(heping_worker)
    assert client.get("/market/seeking/new/").status_code == 200
    response = client.post("/market/seeking/new/", form())
    assert response.status_code == 302 and response["Location"] == "/market/seeking/mine/"
    post = SeekingPost.objects.get()
    assert post.worker == heping_worker and post.status == PostStatus.PUBLISHED and post.wage_fen == 18000
    html = client.get("/market/seeking/mine/").content.decode()
    assert "找保洁钟点活" in html and "招聘中" in html
    client.post(f"/market/seeking/{post.pk}/close/")
    post.refresh_from_db()
    assert post.status == PostStatus.CLOSED


def test_bad_input_is_shown_on_the_form(client: Client, heping_worker: User) -> None:
    client.force_login(heping_worker)
    response = client.post("/market/seeking/new/", form(wage="abc"))
    assert response.status_code == 400 and "工资" in response.content.decode()
    assert not SeekingPost.objects.exists()


def test_only_workers_publish(client: Client, heping_employer: User) -> None:
    client.force_login(heping_employer)
    assert client.get("/market/seeking/new/").status_code == 400


def test_others_cannot_close(client: Client, heping_worker: User, tiexi_worker: User) -> None:
    post = publish(heping_worker)
    client.force_login(tiexi_worker)
    assert client.post(f"/market/seeking/{post.pk}/close/").status_code == 403


def test_list_search_and_filters(
    client: Client,
    heping_worker: User,
    tiexi_worker: User,
    heping_employer: User,
    django_assert_num_queries: Any,
) -> None:
    publish(heping_worker, title="和平区保洁")
    publish(tiexi_worker, title="铁西区砌墙", occupation_code="6-29-01-01")
    client.force_login(heping_employer)
    with django_assert_num_queries(8):  # session, user, count, page, occupations, city, districts, unread
        html = client.get("/market/seeking/").content.decode()
    assert "和平区保洁" in html and "铁西区砌墙" in html and "张**" in html and "张秀兰" not in html
    html = client.get("/market/seeking/", {"district": "210106"}).content.decode()
    assert "铁西区砌墙" in html and "和平区保洁" not in html
    html = client.get("/market/seeking/", {"q": "保洁"}).content.decode()
    assert "和平区保洁" in html and "铁西区砌墙" not in html
    assert client.get("/market/seeking/", {"district": "abc"}).status_code == 400


def test_contact_masked_except_owner_and_authorised_staff(
    client: Client,
    heping_worker: User,
    heping_employer: User,
    heping_staff: User,
    heping_clerk: User,
    tiexi_staff: User,
) -> None:
    post = publish(heping_worker)
    url = f"/market/seeking/{post.pk}/"
    client.force_login(heping_employer)
    html = client.get(url).content.decode()
    assert "138****5678" in html and "13812345678" not in html and "张**" in html
    for masked_staff in (heping_clerk, tiexi_staff):
        client.force_login(masked_staff)
        assert "13812345678" not in client.get(url).content.decode()
    client.force_login(heping_worker)
    html = client.get(url).content.decode()
    assert "tel:13812345678" in html and "张秀兰" in html and "关闭求职" in html
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.VIEW_PERSONAL).exists()
    client.force_login(heping_staff)
    assert "tel:13812345678" in client.get(url).content.decode()
    audit = AuditEntry.objects.get(action=AuditEntry.Action.VIEW_PERSONAL)
    assert audit.actor == heping_staff and audit.object_id == str(post.pk)


def test_closed_posts_are_gone_for_the_public(client: Client, heping_worker: User) -> None:
    post = publish(heping_worker)
    client.force_login(heping_worker)
    client.post(f"/market/seeking/{post.pk}/close/")
    client.logout()
    assert client.get(f"/market/seeking/{post.pk}/").status_code == 404


def test_seeking_api_mine_detail_and_close(client: Any, heping_worker: User) -> None:
    from lingong.accounts.services import issue_api_token

    post = publish(heping_worker)
    _t, key = issue_api_token(actor=heping_worker, name="app")
    auth = {"Authorization": f"Bearer {key}"}
    mine = client.get("/api/v1/market/seeking/mine", headers=auth).json()
    assert [p["id"] for p in mine] == [post.pk]
    public = client.get(f"/api/v1/market/seeking/{post.pk}").json()
    assert public["masked"] and "****" in public["phone"]
    closed = client.post(
        f"/api/v1/market/seeking/{post.pk}/close", headers=auth, content_type="application/json"
    )
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert client.get(f"/api/v1/market/seeking/{post.pk}").status_code == 404  # no longer public
