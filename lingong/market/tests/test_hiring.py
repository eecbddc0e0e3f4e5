"""Hiring on gig posts (辽人社〔2022〕22号 第七条): apply, confirm, refuse, withdraw, cancel, offer."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from lingong.accounts.models import User
from lingong.core.errors import DomainError
from lingong.core.models import Division, Transition
from lingong.core.workflow import history
from lingong.market.models import Engagement, EngagementStatus, GigPost, PostStatus
from lingong.market.services import hiring
from lingong.market.tests.conftest_hiring import (  # noqa: F401
    MakePost,
    applicants,
    employer,
    gig_post,
    make_post,
    make_workers,
    other_employer,
)

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post(client: Client, url: str, data: dict[str, object] | None = None) -> Any:
    """An API call as a machine client makes it: JSON, or no body at all."""
    return client.post(url, data, content_type="application/json")


def _code(fn: object, **kwargs: object) -> str:
    with pytest.raises(DomainError) as exc:
        fn(**kwargs)  # type: ignore[operator]
    return exc.value.code


# --- apply --------------------------------------------------------------------------------------------


def test_a_worker_applies_at_the_posts_wage(heping_worker: User, gig_post: GigPost) -> None:  # noqa: F811
    engagement = hiring.apply(actor=heping_worker, post_id=gig_post.pk)
    assert engagement.status == EngagementStatus.APPLIED
    assert (engagement.agreed_wage_fen, engagement.agreed_wage_type) == (18000, "day")
    log = list(history(engagement))
    assert [(t.from_status, t.to_status, t.actor) for t in log] == [("", "applied", heping_worker)]
    assert _code(hiring.apply, actor=heping_worker, post_id=gig_post.pk) == "already_applied"


def test_only_workers_apply_and_only_to_open_posts(
    heping_worker: User,
    employer: User,  # noqa: F811
    make_post: MakePost,  # noqa: F811
) -> None:
    post = make_post()
    assert _code(hiring.apply, actor=employer, post_id=post.pk) == "worker_only"
    in_review = make_post(status=PostStatus.IN_REVIEW)
    assert _code(hiring.apply, actor=heping_worker, post_id=in_review.pk) == "not_found"
    expired = make_post(status=PostStatus.PUBLISHED, expires_in=-dt.timedelta(hours=1))
    assert _code(hiring.apply, actor=heping_worker, post_id=expired.pk) == "post_closed"
    filled = make_post(status=PostStatus.FILLED)
    assert _code(hiring.apply, actor=heping_worker, post_id=filled.pk) == "post_full"


# --- confirm: the headcount ----------------------------------------------------------------------------


def test_confirmations_stop_at_the_headcount(
    gig_post: GigPost,  # noqa: F811
    applicants: list[int],  # noqa: F811
    employer: User,  # noqa: F811
    heping_staff: User,
    city_staff: User,
) -> None:
    """The sequential twin of the concurrency test: 20 applicants, 3 places, the same outcome."""
    actors = [employer, heping_staff, city_staff]
    outcomes: list[str] = []
    for i, engagement_id in enumerate(applicants):
        try:
            hiring.confirm_worker(actor=actors[i % 3], engagement_id=engagement_id)
            outcomes.append("confirmed")
        except DomainError as exc:
            outcomes.append(exc.code)
    assert outcomes.count("confirmed") == 3
    assert outcomes.count("post_full") == 17
    gig_post.refresh_from_db()
    assert (gig_post.confirmed_count, gig_post.status) == (3, PostStatus.FILLED)
    assert Engagement.objects.filter(post=gig_post, status=EngagementStatus.CONFIRMED).count() == 3
    assert Engagement.objects.filter(post=gig_post, status=EngagementStatus.APPLIED).count() == 17
    assert Transition.objects.filter(object_type="market.engagement", to_status="confirmed").count() == 3
    filled = Transition.objects.get(object_type="market.gigpost", to_status="filled")
    assert filled.actor == city_staff  # the third confirmation filled it
    confirmed = Engagement.objects.filter(status=EngagementStatus.CONFIRMED)
    assert all(e.confirmed_at is not None for e in confirmed)


def test_a_worker_cannot_confirm(
    gig_post: GigPost,  # noqa: F811
    heping_worker: User,
) -> None:
    engagement = hiring.apply(actor=heping_worker, post_id=gig_post.pk)
    with pytest.raises(DomainError) as exc:
        hiring.confirm_worker(actor=heping_worker, engagement_id=engagement.pk)
    assert (exc.value.code, exc.value.status) == ("employer_only", 403)


def test_staff_of_another_county_and_other_employers_get_not_found(
    gig_post: GigPost,  # noqa: F811
    heping_worker: User,
    tiexi_staff: User,
    other_employer: User,  # noqa: F811
) -> None:
    engagement = hiring.apply(actor=heping_worker, post_id=gig_post.pk)
    for actor in (tiexi_staff, other_employer):
        with pytest.raises(DomainError) as exc:
            hiring.confirm_worker(actor=actor, engagement_id=engagement.pk)
        assert exc.value.status == 404
    engagement.refresh_from_db()
    assert engagement.status == EngagementStatus.APPLIED


def test_confirming_twice_is_refused_without_counting_twice(
    gig_post: GigPost,  # noqa: F811
    heping_worker: User,
    employer: User,  # noqa: F811
) -> None:
    engagement = hiring.apply(actor=heping_worker, post_id=gig_post.pk)
    hiring.confirm_worker(actor=employer, engagement_id=engagement.pk)
    assert _code(hiring.confirm_worker, actor=employer, engagement_id=engagement.pk) == "invalid_transition"
    gig_post.refresh_from_db()
    assert gig_post.confirmed_count == 1


# --- refuse, withdraw, cancel ----------------------------------------------------------------------------


def test_refuse_and_withdraw(
    gig_post: GigPost,  # noqa: F811
    employer: User,  # noqa: F811
    shenyang: dict[str, Division],
) -> None:
    a, b = make_workers(2, shenyang["heping"])
    ea = hiring.apply(actor=a, post_id=gig_post.pk)
    eb = hiring.apply(actor=b, post_id=gig_post.pk)
    hiring.refuse(actor=employer, engagement_id=ea.pk, note="不合适")
    assert _code(hiring.withdraw, actor=a, engagement_id=ea.pk) == "invalid_transition"
    assert _code(hiring.withdraw, actor=a, engagement_id=eb.pk) == "not_found"  # not theirs
    hiring.withdraw(actor=b, engagement_id=eb.pk)
    assert [t.to_status for t in history(ea)] == ["applied", "refused"]
    assert history(ea).last().note == "不合适"  # type: ignore[union-attr]
    assert [(t.to_status, t.actor) for t in history(eb)] == [("applied", b), ("withdrawn", b)]


def test_cancelling_a_confirmed_place_frees_it(
    make_post: MakePost,  # noqa: F811
    employer: User,  # noqa: F811
    shenyang: dict[str, Division],
) -> None:
    post = make_post(headcount=1)
    first, second = make_workers(2, shenyang["heping"])
    e1 = hiring.apply(actor=first, post_id=post.pk)
    e2 = hiring.apply(actor=second, post_id=post.pk)
    hiring.confirm_worker(actor=employer, engagement_id=e1.pk)
    post.refresh_from_db()
    assert post.status == PostStatus.FILLED
    assert _code(hiring.confirm_worker, actor=employer, engagement_id=e2.pk) == "post_full"

    hiring.cancel(actor=first, engagement_id=e1.pk, note="家里有事")  # the worker cancels
    post.refresh_from_db()
    assert (post.confirmed_count, post.status) == (0, PostStatus.PUBLISHED)
    assert [t.to_status for t in history(post)] == ["filled", "published"]

    hiring.confirm_worker(actor=employer, engagement_id=e2.pk)
    post.refresh_from_db()
    assert (post.confirmed_count, post.status) == (1, PostStatus.FILLED)
    # An applied engagement cannot be "cancelled": it is withdrawn or refused.
    third = make_workers(1, shenyang["heping"], start=50)[0]
    post3 = make_post(headcount=2)
    e3 = hiring.apply(actor=third, post_id=post3.pk)
    assert _code(hiring.cancel, actor=employer, engagement_id=e3.pk) == "invalid_transition"


# --- offer ------------------------------------------------------------------------------------------------


def test_offer_accept_then_confirm_or_decline(
    gig_post: GigPost,  # noqa: F811
    employer: User,  # noqa: F811
    heping_worker: User,
    tiexi_worker: User,
) -> None:
    offer = hiring.offer(actor=employer, post_id=gig_post.pk, worker_id=heping_worker.pk)
    assert offer.status == EngagementStatus.OFFERED
    assert (
        _code(hiring.offer, actor=employer, post_id=gig_post.pk, worker_id=heping_worker.pk)
        == "already_engaged"
    )
    assert _code(hiring.accept, actor=tiexi_worker, engagement_id=offer.pk) == "not_found"
    hiring.accept(actor=heping_worker, engagement_id=offer.pk)
    hiring.confirm_worker(actor=employer, engagement_id=offer.pk)
    assert [t.to_status for t in history(offer)] == ["offered", "accepted", "confirmed"]

    declined = hiring.offer(actor=employer, post_id=gig_post.pk, worker_id=tiexi_worker.pk)
    assert _code(hiring.cancel, actor=tiexi_worker, engagement_id=declined.pk) == "use_decline"
    hiring.decline(actor=tiexi_worker, engagement_id=declined.pk)
    declined.refresh_from_db()
    assert declined.status == EngagementStatus.DECLINED


# --- API ---------------------------------------------------------------------------------------------------


def test_api_apply_confirm_and_error_codes(
    make_post: MakePost,  # noqa: F811
    employer: User,  # noqa: F811
    heping_worker: User,
    tiexi_worker: User,
    tiexi_staff: User,
) -> None:
    post = make_post(headcount=1)
    applied = _post(_client(heping_worker), f"/api/v1/market/gigs/{post.pk}/apply")
    assert applied.status_code == 201
    engagement_id = applied.json()["id"]
    assert applied.json()["status"] == "applied"
    again = _post(_client(heping_worker), f"/api/v1/market/gigs/{post.pk}/apply")
    assert (again.status_code, again.json()["code"]) == (409, "already_applied")
    second = _post(_client(tiexi_worker), f"/api/v1/market/gigs/{post.pk}/apply").json()["id"]

    url = f"/api/v1/market/engagements/{engagement_id}/confirm"
    worker_try = _post(_client(heping_worker), url)
    assert (worker_try.status_code, worker_try.json()["code"]) == (403, "employer_only")
    assert _post(_client(tiexi_staff), url).status_code == 404
    ok = _post(_client(employer), url, {"note": "明早7点到"})
    assert ok.status_code == 200, ok.content
    assert ok.json()["status"] == "confirmed" and ok.json()["post_places_left"] == 0
    full = _post(_client(employer), f"/api/v1/market/engagements/{second}/confirm")
    assert (full.status_code, full.json()["code"]) == (409, "post_full")
    assert full.json()["message"].startswith("已满")
    assert _post(_client(employer), f"/api/v1/market/engagements/{second}/fly").status_code == 422

    mine = _client(heping_worker).get("/api/v1/market/engagements").json()
    assert mine["count"] == 1 and mine["items"][0]["status_label"] == "已确认录用"
    theirs = _client(employer).get("/api/v1/market/engagements?status=applied").json()
    assert [i["worker_id"] for i in theirs["items"]] == [tiexi_worker.pk]
    listed = _client(employer).get(f"/api/v1/market/gigs/{post.pk}/applicants").json()
    assert len(listed) == 2
    withdrawn = _post(_client(tiexi_worker), f"/api/v1/market/engagements/{second}/withdraw")
    assert withdrawn.json()["status"] == "withdrawn"


def test_an_invitation_through_the_api_reaches_the_workers_inbox(
    make_post: MakePost,  # noqa: F811
    employer: User,  # noqa: F811
    heping_worker: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from lingong.accounts.models import Notification

    post = make_post(headcount=1)
    with django_capture_on_commit_callbacks(execute=True):
        sent = _post(
            _client(employer), f"/api/v1/market/gigs/{post.pk}/offers", {"worker_id": heping_worker.pk}
        )
    assert sent.status_code == 201 and sent.json()["status"] == "offered"
    message = Notification.objects.get(recipient=heping_worker, kind="gig_offer")
    assert post.title in message.title and "接受或谢绝" in message.body and "元/" in message.body


# --- pages ---------------------------------------------------------------------------------------


def test_applicants_page_confirms_and_shows_full(
    make_post: MakePost,  # noqa: F811
    employer: User,  # noqa: F811
    shenyang: dict[str, Division],
) -> None:
    post = make_post(headcount=1)
    workers = make_workers(3, shenyang["heping"])
    ids = [hiring.apply(actor=w, post_id=post.pk).pk for w in workers]
    client = _client(employer)
    page = client.get(f"/market/posts/{post.pk}/applicants/").content.decode()
    assert page.count('data-action="confirm"') == 3
    assert 'data-testid="full"' not in page

    response = client.post(
        f"/market/engagements/{ids[0]}/confirm/", {"next": f"/market/posts/{post.pk}/applicants/"}
    )
    assert response.status_code == 302
    page = client.get(f"/market/posts/{post.pk}/applicants/").content.decode()
    assert 'data-testid="full"' in page and "已满" in page
    assert 'data-action="confirm"' not in page

    # HTMX: a confirmation on a full post swaps the row with the reason.
    fragment = client.post(
        f"/market/engagements/{ids[1]}/confirm/", {"view": "applicants"}, HTTP_HX_REQUEST="true"
    )
    assert fragment.status_code == 200
    assert 'data-code="post_full"' in fragment.content.decode()
    refused = client.post(
        f"/market/engagements/{ids[2]}/refuse/", {"view": "applicants"}, HTTP_HX_REQUEST="true"
    )
    assert 'data-status="refused"' in refused.content.decode()


def test_applicants_page_is_the_employers_or_staffs(
    gig_post: GigPost,  # noqa: F811
    heping_worker: User,
    heping_staff: User,
    tiexi_staff: User,
) -> None:
    url = f"/market/posts/{gig_post.pk}/applicants/"
    assert _client(heping_staff).get(url).status_code == 200
    assert _client(tiexi_staff).get(url).status_code == 404
    assert _client(heping_worker).get(url).status_code == 403


def test_my_applications_page_and_withdraw(gig_post: GigPost, heping_worker: User) -> None:  # noqa: F811
    client = _client(heping_worker)
    assert client.post(f"/market/gigs/{gig_post.pk}/apply/").status_code == 302
    page = client.get("/market/engagements/").content.decode()
    assert "家庭保洁3人" in page and "已报名" in page and "180" in page
    engagement = Engagement.objects.get(worker=heping_worker)
    response = client.post(f"/market/engagements/{engagement.pk}/withdraw/", HTTP_HX_REQUEST="true")
    assert 'data-status="withdrawn"' in response.content.decode()
    engagement.refresh_from_db()
    assert engagement.status == EngagementStatus.WITHDRAWN


def test_a_full_post_takes_back_unanswered_offers(
    make_post: MakePost,  # noqa: F811
    employer: User,  # noqa: F811
    heping_worker: User,
    tiexi_worker: User,
) -> None:
    post = make_post(headcount=1)
    applied = hiring.apply(actor=heping_worker, post_id=post.pk)
    waiting = hiring.offer(actor=employer, post_id=post.pk, worker_id=tiexi_worker.pk)
    hiring.confirm_worker(actor=employer, engagement_id=applied.pk)
    waiting.refresh_from_db()
    assert waiting.status == EngagementStatus.CANCELLED
    assert history(waiting).last().note == "人数已招满，邀请收回"  # type: ignore[union-attr]
    with pytest.raises(DomainError):
        hiring.accept(actor=tiexi_worker, engagement_id=waiting.pk)
