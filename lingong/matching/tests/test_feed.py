"""Feeding the engine from the database and keeping the per-process index current without a rebuild."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import numpy as np
import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from lingong.accounts.models import User
from lingong.core.models import Division, Occupation
from lingong.market.models import Engagement, GigPost, Rating, WorkerProfile
from lingong.market.services import hiring, posts, profiles
from lingong.market.tests.conftest import PostMaker
from lingong.matching import feed
from lingong.matching.engine import TRAVEL_MODES, Worker, day_mask, slot_bit
from lingong.matching.index import get_index
from lingong.matching.selectors import gigs_for_worker
from lingong.matching.tests.conftest import NANNY, MakeWorker, at_square

pytestmark = pytest.mark.django_db


def test_time_slots_become_bits() -> None:
    assert feed.slots_of_ranges(["08:00-12:00"]) == 0b001
    assert feed.slots_of_ranges(["08:00-12:00,13:00-17:00"]) == 0b011
    assert feed.slots_of_ranges(["17:00-21:00"]) == 0b110
    assert feed.slots_of_ranges(["随时"]) == 0
    monday = dt.date(2026, 11, 23)
    assert feed.availability_mask({"1": ["08:00-12:00"]}, False, monday, for_today=False) == slot_bit(1, 0)
    # Nothing stated: any time for recommendations, nothing for same-day instant hire …
    assert feed.availability_mask({}, False, monday, for_today=False) == (1 << 21) - 1
    assert feed.availability_mask({}, False, monday, for_today=True) == 0
    # … unless available now, which means all of today.
    assert feed.availability_mask({}, True, monday, for_today=True) == day_mask(1)
    # A post from Saturday to Monday in the morning: three mornings.
    saturday = dt.date(2026, 11, 21)
    assert feed.post_schedule(saturday, monday, "08:00-11:00") == slot_bit(6, 0) | slot_bit(7, 0) | slot_bit(
        1, 0
    )


def test_workers_and_posts_load_with_their_facts(
    heping_employer: User, make_worker: MakeWorker, make_gig: PostMaker
) -> None:
    veteran = make_worker(
        "老赵", km=2, expected_wage_fen=16000, groups=",employment_difficulty,migrant_worker,"
    )
    newcomer = make_worker("小钱", km=1)
    WorkerProfile.objects.filter(user=newcomer).update(latitude=None, longitude=None)
    done = make_gig(heping_employer, **at_square(headcount=1))
    engagement = hiring.apply(actor=veteran, post_id=done.pk)
    hiring.confirm_worker(actor=heping_employer, engagement_id=engagement.pk)
    Engagement.objects.filter(pk=engagement.pk).update(status="completed")
    open_post = make_gig(heping_employer, **at_square(headcount=3, wage_fen=24000, time_slots="08:00-12:00"))

    workers = {w.id: w for w in feed.load_workers()}
    heping = Division.objects.get(pk="210102")
    assert heping.latitude is not None and heping.longitude is not None
    # No position of their own: they stand at the centre of their county.
    assert (workers[newcomer.pk].latitude, workers[newcomer.pk].longitude) == (
        heping.latitude,
        heping.longitude,
    )
    w = workers[veteran.pk]
    assert (w.completed, w.no_shows, w.rating, w.min_hourly_fen) == (1, 0, None, 2000)
    assert w.priority_groups == frozenset({"employment_difficulty"})  # 农民工 is not a priority group
    assert w.days_since_last_gig == 0 and w.area == "210100" and w.travel_mode == "cycle"

    engine_posts = {p.id: p for p in feed.load_posts()}
    assert set(engine_posts) == {open_post.pk}  # the filled one is not open any more
    p = engine_posts[open_post.pk]
    assert (p.places, p.hourly_fen, p.occupation, p.area) == (3, 3000, "4-09-08-01", "210100")


def test_learned_relatedness_from_accepted_gigs_of_another_trade(
    heping_employer: User, make_worker: MakeWorker, make_gig: PostMaker
) -> None:
    nannies = [make_worker(f"保姆{i}", trades=(NANNY,)) for i in range(2)]
    for nanny in nannies:
        post = make_gig(heping_employer, **at_square(headcount=1))  # cleaning
        hiring.confirm_worker(
            actor=heping_employer, engagement_id=hiring.apply(actor=nanny, post_id=post.pk).pk
        )
    relations = feed.load_relations()
    assert relations.worker_codes_for("4-09-08-01") == {NANNY: pytest.approx(2 / 5)}


def test_a_changed_profile_shows_up_without_a_rebuild(
    heping_employer: User,
    make_worker: MakeWorker,
    make_gig: PostMaker,
    django_capture_on_commit_callbacks: Any,
) -> None:
    worker = make_worker("孙阿姨", trades=(NANNY,))
    post = make_gig(heping_employer, **at_square())
    index = get_index()
    built = index.built_on
    assert gigs_for_worker(worker) == []  # a nanny is not offered cleaning
    with django_capture_on_commit_callbacks(execute=True):
        profiles.update_worker_profile(actor=worker, worker_id=worker.pk, occupations=["4-09-08-01"])
    assert [g.post.pk for g in gigs_for_worker(worker)] == [post.pk]
    assert get_index() is index and index.built_on == built  # refreshed in place, not rebuilt


def test_changes_made_by_another_process_arrive_with_the_next_sync(
    heping_employer: User,
    make_worker: MakeWorker,
    make_gig: PostMaker,
    django_capture_on_commit_callbacks: Any,
) -> None:
    worker = make_worker("周师傅", trades=(NANNY,))
    index = get_index()
    # Another process publishes a post and changes the worker's trades: no refresh reaches this one.
    with django_capture_on_commit_callbacks(execute=False):
        post = make_gig(heping_employer, **at_square())
    WorkerProfile.objects.get(user=worker).occupations.add(Occupation.objects.get(pk="4-09-08-01"))
    WorkerProfile.objects.filter(user=worker).update(updated_at=timezone.now())
    assert post.pk not in index.posts
    index.sync()
    assert post.pk in index.posts
    assert [g.post.pk for g in gigs_for_worker(worker)] == [post.pk]
    # Closing (a workflow transition) takes it away at the next sync, too.
    with django_capture_on_commit_callbacks(execute=False):
        posts.close_post(actor=heping_employer, post_id=post.pk)
    index.sync()
    assert post.pk not in index.posts and gigs_for_worker(worker) == []


def test_a_filled_post_leaves_the_index_and_a_freed_place_brings_it_back(
    heping_employer: User,
    make_worker: MakeWorker,
    make_gig: PostMaker,
    django_capture_on_commit_callbacks: Any,
) -> None:
    worker = make_worker("吴姐")
    post = make_gig(heping_employer, **at_square(headcount=1))
    index = get_index()
    assert post.pk in index.posts
    with django_capture_on_commit_callbacks(execute=True):
        engagement = hiring.apply(actor=worker, post_id=post.pk)
        hiring.confirm_worker(actor=heping_employer, engagement_id=engagement.pk)
    assert post.pk not in index.posts
    with django_capture_on_commit_callbacks(execute=True):
        hiring.cancel(actor=heping_employer, engagement_id=engagement.pk)
    assert post.pk in index.posts
    assert GigPost.objects.get(pk=post.pk).places_left == 1


def test_rebuild_command(heping_employer: User, make_worker: MakeWorker, make_gig: PostMaker) -> None:
    make_worker("甲")
    make_gig(heping_employer, **at_square())
    out = StringIO()
    call_command("rebuild_matching_index", stdout=out)
    assert "劳动者 1 人，在招招聘 1 条" in out.getvalue()


def test_the_bulk_columns_give_the_same_index_as_the_workers_one_by_one(
    heping_employer: User, make_worker: MakeWorker, make_gig: PostMaker
) -> None:
    from lingong.matching.engine import WorkerIndex

    make_worker("甲", km=0.5, expected_wage_fen=2500, groups=",recent_graduate,")
    make_worker("乙", km=1.5, minutes=20, mode="walk")
    make_worker("丙", km=3, trades=("4-09-08-02", NANNY), groups=",migrant_worker,")
    make_worker("丁", km=2, available_now=False, expected_wage_fen=30000)
    nowhere = make_worker("戊", km=1)
    WorkerProfile.objects.filter(user=nowhere).update(latitude=None, longitude=None)
    WorkerProfile.objects.filter(user__display_name="乙").update(availability={"1": ["08:00-12:00"]})
    done = make_gig(heping_employer, **at_square(headcount=1))
    hiring.confirm_worker(
        actor=heping_employer,
        engagement_id=hiring.apply(actor=User.objects.get(display_name="甲"), post_id=done.pk).pk,
    )
    make_gig(heping_employer, **at_square(headcount=2))
    make_gig(heping_employer, **at_square(occupation_code=NANNY, wage_type="hour", wage_fen=3000))
    one_by_one = WorkerIndex(feed.load_workers())
    bulk = WorkerIndex.from_columns(feed.load_worker_columns())
    assert len(bulk) == len(one_by_one) == 5
    for post in feed.load_posts():
        assert bulk.top_workers(post, 10) == one_by_one.top_workers(post, 10)
        assert one_by_one.top_workers(post, 10)  # each post has someone: the comparison means something


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_bulk_columns_outside_a_transaction_read_on_two_connections(
    heping_employer: User, make_worker: MakeWorker, make_gig: PostMaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Outside a transaction PostgreSQL's loader reads accounts and trades on a second connection at
    the same time; committed rows give the same index as the workers one by one."""
    from lingong.matching.engine import WorkerIndex

    make_worker("甲", km=0.5, expected_wage_fen=2500, groups=",recent_graduate,")
    make_worker("乙", km=1.5, minutes=20, mode="walk", trades=("4-09-08-02", NANNY))
    away = make_worker("丙", km=2)
    User.objects.filter(pk=away.pk).update(is_active=False)  # a closed account is not matched
    make_worker("丁", km=1, available_now=False)
    week = {str(d): ["08:00-20:00"] for d in range(1, 8)}
    WorkerProfile.objects.filter(user__display_name="乙").update(availability=week)
    WorkerProfile.objects.filter(user__display_name="丁").update(availability={"6": ["18:00-22:00"]})
    make_gig(heping_employer, **at_square(headcount=2))
    make_gig(heping_employer, **at_square(occupation_code=NANNY, wage_type="hour", wage_fen=3000))
    started: list[bool] = []
    start = feed._SideCopies.start

    def spy(self: feed._SideCopies) -> bool:
        started.append(start(self))
        return started[-1]

    monkeypatch.setattr(feed._SideCopies, "start", spy)
    columns = feed.load_worker_columns()
    assert started == ([True] if connection.vendor == "postgresql" else [])
    ids = np.asarray(columns.id).tolist()
    assert sorted(ids) == sorted(w.id for w in feed.load_workers()) and away.pk not in ids
    one_by_one = WorkerIndex(feed.load_workers())
    bulk = WorkerIndex.from_columns(columns)
    for post in feed.load_posts():
        assert bulk.top_workers(post, 10) == one_by_one.top_workers(post, 10)
        assert one_by_one.top_workers(post, 10)


def _mixed_workers(employer: User, make_worker: MakeWorker, make_gig: PostMaker) -> None:
    """Workers that exercise every column of the bulk loaders: positions own and of the county, a closed
    account, modes, wage kinds, stated and unstated times, groups, trades (none, one, two) and facts."""
    make_worker("甲", km=0.5, expected_wage_fen=2500, groups=",recent_graduate,")
    make_worker("乙", km=1.5, minutes=20, mode="walk", trades=("4-09-08-02", NANNY))
    make_worker("丙", km=2, mode="drive", expected_wage_fen=24000, groups=",migrant_worker,")
    make_worker("丁", km=1, available_now=False, trades=())
    make_worker("戊", km=3, mode="rocket", minutes=0, region="tiexi")  # unknown mode, no budget stated
    centred = make_worker("己", km=1, groups=",veteran,disabled,", region="tiexi")
    closed = make_worker("庚", km=1)
    WorkerProfile.objects.filter(user=centred).update(latitude=None)  # half a position: the county's
    User.objects.filter(pk=closed.pk).update(is_active=False)
    WorkerProfile.objects.filter(user__display_name="乙").update(availability={"1": ["08:00-12:00"]})
    WorkerProfile.objects.filter(user__display_name="丁").update(availability={"6": ["18:00-22:00"]})
    WorkerProfile.objects.filter(user__display_name="丙").update(expected_wage_type="hour")
    WorkerProfile.objects.filter(user__display_name="甲").update(expected_wage_type="piece")
    for name, status in (("甲", "completed"), ("乙", "no_show"), ("甲", "confirmed")):
        post = make_gig(employer, **at_square(headcount=1))
        engagement = hiring.apply(actor=User.objects.get(display_name=name), post_id=post.pk)
        hiring.confirm_worker(actor=employer, engagement_id=engagement.pk)
        Engagement.objects.filter(pk=engagement.pk).update(status=status)
        if status == "completed":
            Rating.objects.create(engagement=engagement, rater=employer, ratee=engagement.worker, stars=4)


def _by_worker(columns: Any) -> dict[str, Any]:
    """The loaded columns as plain values per worker id (row order and code numbering aside)."""
    ids = np.asarray(columns.id).tolist()
    codes: dict[int, list[str]] = {i: [] for i in ids}
    for row, code in zip(
        np.asarray(columns.occupation_rows).tolist(),
        np.asarray(columns.occupation_codes).tolist(),
        strict=True,
    ):
        codes[ids[row]].append(columns.codes[code])
    fields = [
        "latitude",
        "longitude",
        "travel_mode",
        "travel_minutes",
        "min_hourly_fen",
        "availability",
        "completed",
        "no_shows",
        "rating",
        "days_since_last_gig",
        "priority",
    ]
    values = {name: np.asarray(getattr(columns, name)).tolist() for name in fields}
    areas = [columns.areas[a] for a in np.asarray(columns.area).tolist()]
    return {
        worker: (
            tuple("nan" if v != v else v for v in (values[name][row] for name in fields)),  # NaN == NaN here
            sorted(codes[worker]),
            areas[row],
        )
        for row, worker in enumerate(ids)
    }


def _one_by_one(workers: list[Worker]) -> dict[int, Any]:
    """``load_workers``' values in ``_by_worker``'s form."""
    return {
        w.id: (
            (
                w.latitude,
                w.longitude,
                TRAVEL_MODES.index(w.travel_mode),
                w.travel_minutes,
                w.min_hourly_fen or 0,
                w.availability,
                w.completed,
                w.no_shows,
                "nan" if w.rating is None else w.rating,
                -1 if w.days_since_last_gig is None else w.days_since_last_gig,
                bool(w.priority_groups),
            ),
            sorted(w.occupations),
            w.area,
        )
        for w in workers
    }


def test_the_bulk_loaders_read_what_the_workers_one_by_one_say(
    heping_employer: User, make_worker: MakeWorker, make_gig: PostMaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Value for value: the bulk loader of this database, the row loader, and on PostgreSQL the COPY
    loader however its stream is cut into chunks (a few bytes: every row is split)."""
    _mixed_workers(heping_employer, make_worker, make_gig)
    now = timezone.now()
    expected = _one_by_one(feed.load_workers(now=now))
    assert len(expected) == 6  # the closed account is not there
    facts = [values for values, _codes, _area in expected.values()]
    assert [sorted({f[i] for f in facts}, key=str) for i in (6, 7, 9)] == [[0, 1], [0, 1], [-1, 0]]
    assert 4.0 in {f[8] for f in facts} and {f[2] for f in facts} == {0, 1, 3}  # rated; walk, cycle, drive
    assert _by_worker(feed.load_worker_columns(now=now)) == expected
    assert _by_worker(feed._load_worker_columns_rows(now=now)) == expected
    if connection.vendor != "postgresql":
        return
    for chunk in (7, 100, 1000):
        monkeypatch.setattr(feed, "COPY_CHUNK_BYTES", chunk)
        assert _by_worker(feed._load_worker_columns_copy(now=now)) == expected


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the COPY loader is PostgreSQL's")
def test_a_copy_stopped_by_a_bad_chunk_leaves_the_connection_usable(
    make_worker: MakeWorker, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in "甲乙丙":
        make_worker(name)
    monkeypatch.setattr(feed, "COPY_CHUNK_BYTES", 50)

    def refuse(rows: Any) -> dict[str, Any]:
        raise ValueError("bad chunk")

    with pytest.raises(ValueError, match="bad chunk"):
        feed._copy_columns(feed._sql("SELECT id FROM {profile}"), [("id", ">i8")], refuse)
    assert WorkerProfile.objects.count() == 3
    WorkerProfile.objects.filter(user__display_name="乙").update(latitude=None)
    with pytest.raises(ValueError, match="NULL or not"):  # a NULL is refused, not misread
        feed._copy_columns(feed._sql("SELECT latitude FROM {profile} ORDER BY id"), [("lat", ">f8")])
    assert WorkerProfile.objects.filter(latitude__isnull=True).count() == 1
