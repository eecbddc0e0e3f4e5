"""The pages: the worker's recommended gigs on a phone, the post's 推荐人选 panel and its invitations."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pytest_django.fixtures import SettingsWrapper

from lingong.accounts.models import Notification, User
from lingong.market.models import Engagement, EngagementStatus
from lingong.market.tests.conftest import PostMaker
from lingong.matching.index import get_index
from lingong.matching.tests.conftest import MakeWorker, at_square

pytestmark = pytest.mark.django_db

PHONE = {"User-Agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148"}


def test_recommended_gigs_on_a_phone_with_each_part(
    client: Client, heping_employer: User, make_worker: MakeWorker, make_gig: PostMaker
) -> None:
    worker = make_worker("一号", km=0.5)
    post = make_gig(heping_employer, **at_square(title="广场保洁"))
    client.force_login(worker)
    home = client.get("/", headers=PHONE).content.decode()
    assert "/matching/gigs/" in home  # linked from the worker's navigation
    response = client.get("/matching/gigs/", headers=PHONE)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="viewport"' in html and "为我推荐的零工" in html
    assert f'data-testid="gig-{post.pk}"' in html and "广场保洁" in html
    for label in ("通勤时间", "工种匹配", "工资", "可靠性", "评分", "公平", "匹配得分", "工种对口"):
        assert label in html
    # Large type, as the worker chose it, carries over to this page.
    client.post("/large-text/", {"next": "/matching/gigs/"})
    assert 'class="large"' in client.get("/matching/gigs/", headers=PHONE).content.decode()


def test_nothing_to_recommend_says_how_to_get_better_ones(client: Client, make_worker: MakeWorker) -> None:
    client.force_login(make_worker("二号"))
    html = client.get("/matching/gigs/").content.decode()
    assert "暂时没有适合您的零工" in html and "/market/profile" in html


def test_employer_sees_the_recommended_workers_panel_on_the_post_page(
    client: Client, heping_employer: User, tiexi_factory: User, make_worker: MakeWorker, make_gig: PostMaker
) -> None:
    worker = make_worker("张三", km=0.5)
    post = make_gig(heping_employer, **at_square())
    client.force_login(heping_employer)
    page = client.get(f"/market/gigs/{post.pk}/").content.decode()
    assert 'data-testid="recommended-panel"' in page and f"/matching/posts/{post.pk}/workers/" in page
    panel = client.get(f"/matching/posts/{post.pk}/workers/", HTTP_HX_REQUEST="true")
    html = panel.content.decode()
    assert panel.status_code == 200 and "<html" not in html  # the fragment htmx swaps in
    assert "推荐人选" in html and f'data-testid="worker-{worker.pk}"' in html and "张*" in html
    assert "张三" not in html
    for label in ("通勤时间", "工种匹配", "工资", "可靠性", "评分", "公平"):
        assert label in html
    assert "<html" in client.get(f"/matching/posts/{post.pk}/workers/").content.decode()  # a page of its own
    # Another employer neither sees the panel nor gets the list.
    client.force_login(tiexi_factory)
    assert 'data-testid="recommended-panel"' not in client.get(f"/market/gigs/{post.pk}/").content.decode()
    assert client.get(f"/matching/posts/{post.pk}/workers/").status_code == 404


def test_the_recommended_list_costs_the_same_queries_for_one_gig_or_many(
    client: Client,
    heping_employer: User,
    make_worker: MakeWorker,
    make_gig: PostMaker,
    settings: SettingsWrapper,
) -> None:
    settings.MATCHING_SYNC_SECONDS = 3600  # the index is current: no sync inside the measured requests
    client.force_login(make_worker("一号", km=0.5))
    make_gig(heping_employer, **at_square())
    assert client.get("/matching/gigs/").status_code == 200  # builds the index
    with CaptureQueriesContext(connection) as one:
        client.get("/matching/gigs/")
    for _i in range(4):
        make_gig(heping_employer, **at_square())
    get_index().sync()
    with CaptureQueriesContext(connection) as five:
        html = client.get("/matching/gigs/").content.decode()
    assert html.count('class="gig-card"') == 5
    assert len(five) == len(one)


def test_inviting_a_recommended_worker_sends_the_offer_to_their_inbox(
    client: Client,
    heping_employer: User,
    make_worker: MakeWorker,
    make_gig: PostMaker,
    django_capture_on_commit_callbacks: Any,
) -> None:
    worker = make_worker("张三", km=0.5)
    post = make_gig(heping_employer, **at_square())
    client.force_login(heping_employer)
    html = client.get(f"/matching/posts/{post.pk}/workers/", HTTP_HX_REQUEST="true").content.decode()
    assert f'data-testid="invite-{worker.pk}"' in html
    url = f"/matching/posts/{post.pk}/workers/{worker.pk}/invite/"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"next": f"/market/gigs/{post.pk}/"})
    assert response.status_code == 302 and response["Location"] == f"/market/gigs/{post.pk}/"
    engagement = Engagement.objects.get(post=post, worker=worker)
    assert engagement.status == EngagementStatus.OFFERED
    note = Notification.objects.get(recipient=worker, kind="gig_offer")
    assert "写字楼日常保洁" in note.title and note.link == "/market/engagements/"
    # Invited once: no second offer, a clear message instead; and no longer recommended.
    client.post(url)
    assert Engagement.objects.filter(post=post, worker=worker).count() == 1
    assert (
        f'data-testid="worker-{worker.pk}"'
        not in client.get(f"/matching/posts/{post.pk}/workers/", HTTP_HX_REQUEST="true").content.decode()
    )
