"""Reliability, fair to older workers: completed gigs against no-shows and late cancellations, smoothed
so a newcomer starts neutral; nothing about the person (age) goes in; old no-shows stop counting."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from lingong.accounts.models import Role, User
from lingong.conftest import make_user
from lingong.core.models import Division
from lingong.market.models import Engagement, EngagementStatus, GigPost, Rating, WageType
from lingong.market.selectors.work import Reliability, reliability
from lingong.market.services import hiring
from lingong.market.tests.conftest_hiring import MakePost
from lingong.market.tests.test_attendance_fixtures import confirm, employer, make_post  # noqa: F401

pytestmark = pytest.mark.django_db


def _past_post(make_post: MakePost, days_ago: int) -> GigPost:  # noqa: F811
    post = make_post()
    day = timezone.localdate() - dt.timedelta(days=days_ago)
    GigPost.objects.filter(pk=post.pk).update(start_date=day, end_date=day)
    return GigPost.objects.get(pk=post.pk)


def _give(
    make_post: MakePost,  # noqa: F811
    worker: User,
    *,
    completed: int = 0,
    no_shows: int = 0,
    days_ago: int = 10,
    stars: tuple[int, ...] = (),
) -> None:
    """A record made directly: ``completed`` gigs (rated ``stars``) and ``no_shows`` ``days_ago``."""
    for i in range(completed + no_shows):
        post = _past_post(make_post, days_ago)
        engagement = Engagement.objects.create(
            post=post,
            worker=worker,
            status=EngagementStatus.COMPLETED if i < completed else EngagementStatus.NO_SHOW,
            agreed_wage_fen=post.wage_fen,
            agreed_wage_type=WageType.DAY,
        )
        if i < len(stars):
            Rating.objects.create(engagement=engagement, rater=post.employer, ratee=worker, stars=stars[i])


def test_a_newcomer_starts_neutral(heping_worker: User) -> None:
    assert reliability(heping_worker) == Reliability(
        completed=0, no_shows=0, late_cancellations=0, score=1.0, average_stars=None, ratings=0
    )


def test_the_score_is_a_smoothed_rate(make_post: MakePost, heping_worker: User) -> None:  # noqa: F811
    _give(make_post, heping_worker, completed=3, no_shows=1, stars=(5, 4))
    result = reliability(heping_worker)
    assert (result.completed, result.no_shows) == (3, 1)
    assert result.score == round((3 + 2) / (3 + 1 + 2), 3)
    assert (result.average_stars, result.ratings) == (4.5, 2)


def test_one_no_show_weighs_less_for_someone_who_has_worked_more(
    make_post: MakePost,  # noqa: F811
    heping_worker: User,
    tiexi_worker: User,
) -> None:
    _give(make_post, heping_worker, completed=0, no_shows=1)
    _give(make_post, tiexi_worker, completed=20, no_shows=1)
    assert reliability(heping_worker).score == round(2 / 3, 3)
    assert reliability(tiexi_worker).score == round(22 / 23, 3)


def test_two_workers_with_the_same_record_aged_25_and_58_get_the_same_score(
    make_post: MakePost,  # noqa: F811
    shenyang: dict[str, Division],
) -> None:
    today = timezone.localdate()
    young = make_user(
        role=Role.WORKER,
        region=shenyang["heping"],
        phone="13300000025",
        name="李明",
        birth_date=dt.date(today.year - 25, 1, 1),
        id_number="210102200101010019",
    )
    older = make_user(
        role=Role.WORKER,
        region=shenyang["heping"],
        phone="13300000058",
        name="王桂芝",
        birth_date=dt.date(today.year - 58, 1, 1),
        id_number="210102196801010026",
    )
    for person in (young, older):
        _give(make_post, person, completed=4, no_shows=1, stars=(5, 3))
    assert reliability(young) == reliability(older)
    assert reliability(older).score == round(6 / 7, 3)


def test_a_no_show_older_than_180_days_no_longer_counts(
    make_post: MakePost,  # noqa: F811
    heping_worker: User,
) -> None:
    _give(make_post, heping_worker, completed=1, no_shows=1, days_ago=181)
    assert reliability(heping_worker).no_shows == 0
    assert reliability(heping_worker).score == 1.0
    _give(make_post, heping_worker, no_shows=1, days_ago=179)
    assert reliability(heping_worker).no_shows == 1
    # Seen from a day later, the 179-day-old no-show is still inside; seen 2 days later, it is out.
    later = timezone.now() + dt.timedelta(days=2)
    assert reliability(heping_worker, now=later).no_shows == 0


def _starts_in(post: GigPost, hours: int) -> None:
    start = timezone.localtime() + dt.timedelta(hours=hours)
    GigPost.objects.filter(pk=post.pk).update(
        start_date=start.date(), end_date=start.date(), time_slots=f"{start:%H:%M}-23:59"
    )


def test_only_the_workers_own_cancellations_under_12_hours_before_the_start_count(
    make_post: MakePost,  # noqa: F811
    heping_worker: User,
) -> None:
    late, early, by_employer = (make_post(title=t) for t in ("晚取消", "早取消", "用工方取消"))
    for post in (late, early, by_employer):
        engagement = confirm(post, heping_worker)
        actor = post.employer if post is by_employer else heping_worker
        hiring.cancel(actor=actor, engagement_id=engagement.pk)
    _starts_in(late, 11)
    _starts_in(early, 13)
    _starts_in(by_employer, 1)
    result = reliability(heping_worker)
    assert result.late_cancellations == 1
    assert result.score == round(2 / 3, 3)
