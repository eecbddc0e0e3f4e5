"""Instant hire's batch dispatch rounds: the engine's optimal assignment over an area's posts and
waiting workers, offers through the market's workflow, never the same post twice to one worker."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from pytest_django.fixtures import SettingsWrapper

from lingong.accounts.models import Notification, User
from lingong.market.models import Engagement, EngagementStatus, GigPost
from lingong.market.services import hiring
from lingong.market.services import instant as instant_services
from lingong.matching import services
from lingong.matching.models import DispatchRound
from lingong.matching.tasks import run_matching_dispatch
from lingong.matching.tests.conftest import HEPING_LAT, HEPING_LON, KM, MakeWorker

pytestmark = pytest.mark.django_db


def instant_post(
    employer: User, capture: Any, *, km: float = 0.0, headcount: int = 1, **fields: Any
) -> GigPost:
    """An instant post ``km`` north of the square, already past its trusted-workers tier."""
    with capture(execute=False):  # its own first dispatch is not under test here
        post = instant_services.quick_post(
            actor=employer,
            employer=employer,
            occupation_code="4-09-08-01",
            address="沈阳市和平区南京北街206号",
            wage_fen=20000,
            headcount=headcount,
            longitude=HEPING_LON,
            latitude=HEPING_LAT + km * KM,
            **fields,
        )
    GigPost.objects.filter(pk=post.pk).update(current_tier=2)
    return GigPost.objects.get(pk=post.pk)


def offers(post: GigPost) -> list[int]:
    return sorted(Engagement.objects.filter(post=post).values_list("worker_id", flat=True))


def test_the_round_finds_the_optimal_assignment_not_the_greedy_one(
    heping_employer: User,
    make_worker: MakeWorker,
    settings: SettingsWrapper,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.MATCHING_OFFERS_PER_PLACE = 1
    a = instant_post(heping_employer, django_capture_on_commit_callbacks, km=0)
    b = instant_post(heping_employer, django_capture_on_commit_callbacks, km=5)
    both = make_worker("两边都能去", km=2)  # cycles 6 km: reaches a (2 km) and b (3 km), a scores higher
    walker = make_worker("只能去近的", km=-1, mode="walk", minutes=15)  # walks 1.1 km: only a
    with django_capture_on_commit_callbacks(execute=True):
        result = services.run_dispatch_rounds()
    # Greedy would give a to the better pair and leave b empty; the optimum fills both.
    assert result == {"expired": 0, "areas": 1, "offered": 2}
    assert offers(a) == [walker.pk] and offers(b) == [both.pk]
    round_ = DispatchRound.objects.get()
    assert round_.area == "210100" and round_.offers == 2
    assert sorted(round_.worker_ids) == sorted([both.pk, walker.pk])
    assert round_.total_score == pytest.approx(sum(s for _p, _w, s in round_.assignments), abs=0.05)
    # The offers arrive in each worker's inbox, through the market's offer workflow (tier 2, timed).
    for worker, post in ((walker, a), (both, b)):
        e = Engagement.objects.get(post=post, worker=worker)
        assert (e.status, e.tier) == (EngagementStatus.OFFERED, 2) and e.offer_expires_at is not None
        note = Notification.objects.get(recipient=worker, kind="instant_offer")
        assert note.key == f"instant-offer-{e.pk}" and "今天上岗" in note.body


def test_headcount_caps_the_outstanding_offers_and_answers_free_room(
    heping_employer: User, make_worker: MakeWorker, django_capture_on_commit_callbacks: Any, daytime: None
) -> None:
    post = instant_post(heping_employer, django_capture_on_commit_callbacks, headcount=2)
    crowd = [make_worker(f"工人{i}", km=0.2 * (i + 1)) for i in range(6)]
    with django_capture_on_commit_callbacks(execute=True):
        assert services.run_dispatch_rounds()["offered"] == 4  # two places, two offers each
        assert services.run_dispatch_rounds()["offered"] == 0  # nothing answered yet: no more room
    first = offers(post)
    assert first == sorted(w.pk for w in crowd[:4])  # the nearest four
    # One declines: the next round fills the room with someone new, never the one who said no.
    decliner = crowd[0]
    hiring.decline(actor=decliner, engagement_id=Engagement.objects.get(post=post, worker=decliner).pk)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.run_dispatch_rounds()["offered"] == 1
    assert offers(post) == sorted(w.pk for w in crowd[:5])
    assert Engagement.objects.filter(post=post, worker=decliner).count() == 1
    # Offers that lapse are cancelled by the round and those workers are not asked again either.
    later = timezone.now() + dt.timedelta(minutes=11)
    with django_capture_on_commit_callbacks(execute=True):
        result = services.run_dispatch_rounds(now=later)
    assert result["expired"] == 4 and result["offered"] == 1
    assert offers(post) == sorted(w.pk for w in crowd)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.run_dispatch_rounds(now=later + dt.timedelta(minutes=11))["offered"] == 0
    assert Engagement.objects.filter(post=post).count() == 6


def test_a_confirmed_place_and_a_worker_holding_an_offer_are_respected(
    heping_employer: User, make_worker: MakeWorker, django_capture_on_commit_callbacks: Any
) -> None:
    first = instant_post(heping_employer, django_capture_on_commit_callbacks, headcount=1)
    taken = make_worker("已有邀请", km=0.3)
    hiring.offer(actor=heping_employer, post_id=first.pk, worker_id=taken.pk)
    second = instant_post(heping_employer, django_capture_on_commit_callbacks, headcount=1)
    free = make_worker("空闲", km=0.6)
    with django_capture_on_commit_callbacks(execute=True):
        services.run_dispatch_rounds()
    # The worker with an offer in hand waits for it; the free one gets one offer, not two.
    assert Engagement.objects.filter(worker=taken).count() == 1
    assert Engagement.objects.filter(worker=free).count() == 1
    # A post whose place is confirmed gets nothing more.
    e = hiring.accept(actor=taken, engagement_id=Engagement.objects.get(worker=taken).pk)
    hiring.confirm_worker(actor=heping_employer, engagement_id=e.pk)
    make_worker("后来的", km=0.1)
    with django_capture_on_commit_callbacks(execute=True):
        services.run_dispatch_rounds()
    assert offers(first) == [taken.pk]
    assert len(offers(second)) == 2  # room for two offers per place: the newcomer joins


def test_other_cities_and_posts_still_in_tier_1_are_left_alone(
    heping_employer: User, make_worker: MakeWorker, django_capture_on_commit_callbacks: Any
) -> None:
    post = instant_post(heping_employer, django_capture_on_commit_callbacks)
    GigPost.objects.filter(pk=post.pk).update(current_tier=1)  # the trusted workers still have the offer
    make_worker("附近的", km=0.2)
    make_worker("大连的", km=0.2, region="zhongshan")
    assert services.run_dispatch_rounds() == {"expired": 0, "areas": 0, "offered": 0}
    GigPost.objects.filter(pk=post.pk).update(current_tier=2)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.run_dispatch_rounds()["offered"] == 1  # the Dalian worker is another area


def test_the_periodic_task_and_the_command_run_rounds_in_process(
    heping_employer: User, make_worker: MakeWorker, django_capture_on_commit_callbacks: Any
) -> None:
    post = instant_post(heping_employer, django_capture_on_commit_callbacks, headcount=1)
    make_worker("甲", km=0.2)
    make_worker("乙", km=0.4)
    make_worker("丙", km=0.6)
    with django_capture_on_commit_callbacks(execute=True):
        assert run_matching_dispatch.call_local() == {"expired": 0, "areas": 1, "offered": 2}
    assert len(offers(post)) == 2
    out = StringIO()
    call_command("dispatch", "--once", stdout=out)
    assert "发出邀请 0 条" in out.getvalue()
    assert services.dispatch_loop(seconds=60, every=1, rounds=2) == 2  # one second apart
