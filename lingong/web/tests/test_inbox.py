"""The inbox (消息): newest first, unread in bold, one click marks read and follows the message's
link (same-site only), "全部标为已读", the header count, and the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client, RequestFactory
from django.urls import URLResolver, path, reverse
from django.utils import timezone
from ninja import NinjaAPI
from ninja.security import django_auth

from lingong import urls as root_urls
from lingong.accounts.models import Notification, User
from lingong.api.main import domain_error
from lingong.core.errors import DomainError
from lingong.web import inbox

# Until the inbox router is mounted on the site's API, these tests mount it on one of their own at
# the same address; once it is, they test the real mount.
try:
    reverse("api:api_inbox")
    urlpatterns = root_urls.urlpatterns
except Exception:
    _api = NinjaAPI(urls_namespace="api", auth=django_auth)
    _api.add_exception_handler(DomainError, domain_error)  # type: ignore[arg-type]
    _api.add_router("/", inbox.router)
    urlpatterns = [
        path("api/v1/", _api.urls) if isinstance(p, URLResolver) and p.namespace == "api" else p
        for p in root_urls.urlpatterns
    ]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def message(
    user: User, title: str, *, minutes_ago: int = 0, read: bool = False, **fields: Any
) -> Notification:
    at = timezone.now() - dt.timedelta(minutes=minutes_ago)
    return Notification.objects.create(
        recipient=user, kind="test", title=title, created_at=at, read_at=at if read else None, **fields
    )


@pytest.fixture
def inbox_of_zhang(heping_worker: User, tiexi_worker: User) -> dict[str, Notification]:
    return {
        "old": message(heping_worker, "上周的通知", minutes_ago=10_000, read=True),
        "fair": message(heping_worker, "招聘会取消", minutes_ago=5, link="/market/fairs/1/"),
        "new": message(heping_worker, "附近有新零工", minutes_ago=1, link="https://evil.example.com/x"),
        "theirs": message(tiexi_worker, "别人的消息"),
    }


def test_the_page_lists_my_messages_newest_first_unread_in_bold(
    client: Client,
    heping_worker: User,
    inbox_of_zhang: dict[str, Notification],
    django_assert_num_queries: Any,
) -> None:
    client.force_login(heping_worker)
    with django_assert_num_queries(4):  # session, user, messages, the header's unread count
        html = client.get("/inbox/").content.decode()
    assert html.index("附近有新零工") < html.index("招聘会取消") < html.index("上周的通知")
    assert "<strong>附近有新零工</strong>" in html and "<strong>上周的通知</strong>" not in html
    assert "别人的消息" not in html
    assert 'data-testid="inbox-unread">2<' in html and "全部标为已读" in html


def test_login_required(client: Client) -> None:
    response = client.get("/inbox/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_opening_marks_read_and_follows_only_same_site_links(
    client: Client, heping_worker: User, inbox_of_zhang: dict[str, Notification]
) -> None:
    client.force_login(heping_worker)
    fair = inbox_of_zhang["fair"]
    response = client.get(f"/inbox/{fair.pk}/")
    assert response.status_code == 302 and response["Location"] == "/market/fairs/1/"
    fair.refresh_from_db()
    assert fair.read_at is not None
    # An off-site link is not followed: the message is shown on its own page instead.
    new = inbox_of_zhang["new"]
    response = client.get(f"/inbox/{new.pk}/")
    assert response.status_code == 200 and "evil.example.com" not in response.content.decode()
    # Someone else's message: not found, and not marked.
    theirs = inbox_of_zhang["theirs"]
    assert client.get(f"/inbox/{theirs.pk}/")["Location"] == "/inbox/"
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read(client: Client, heping_worker: User, inbox_of_zhang: dict[str, Notification]) -> None:
    client.force_login(heping_worker)
    assert client.post("/inbox/read-all/").status_code == 302
    assert not Notification.objects.filter(recipient=heping_worker, read_at__isnull=True).exists()
    assert Notification.objects.get(pk=inbox_of_zhang["theirs"].pk).read_at is None
    assert "全部标为已读" not in client.get("/inbox/").content.decode()


def test_header_count_costs_one_query_and_only_when_shown(
    heping_worker: User, inbox_of_zhang: dict[str, Notification], django_assert_num_queries: Any
) -> None:
    request = RequestFactory().get("/")
    request.user = heping_worker
    with django_assert_num_queries(0):
        count = inbox.unread(request)["inbox_unread"]
    with django_assert_num_queries(1):
        assert count() == 2
    request.user = type("Anonymous", (), {"is_authenticated": False})()
    assert inbox.unread(request) == {"inbox_unread": 0}


def test_api_lists_and_marks_read(
    client: Client, heping_worker: User, inbox_of_zhang: dict[str, Notification]
) -> None:
    assert client.get("/api/v1/inbox").status_code == 401
    client.force_login(heping_worker)
    data = client.get("/api/v1/inbox").json()
    assert data["unread"] == 2
    assert [m["title"] for m in data["items"]] == ["附近有新零工", "招聘会取消", "上周的通知"]
    fair = inbox_of_zhang["fair"]
    answer = client.post(f"/api/v1/inbox/{fair.pk}/read").json()
    assert answer["read"] is True and answer["id"] == fair.pk
    assert client.get("/api/v1/inbox").json()["unread"] == 1
    response = client.post(f"/api/v1/inbox/{inbox_of_zhang['theirs'].pk}/read")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
