"""The per-process index keeps answering while a writer reads the database and merges its delta: the
readers' lock is held only for the swap."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from lingong.accounts.models import User
from lingong.market.tests.conftest import PostMaker
from lingong.matching import feed
from lingong.matching.index import get_index
from lingong.matching.tests.conftest import MakeWorker, at_square

pytestmark = pytest.mark.django_db


def test_queries_are_answered_while_a_refresh_builds_its_merge(
    heping_employer: User, make_worker: MakeWorker, make_gig: PostMaker
) -> None:
    post = make_gig(heping_employer, **at_square())
    near, far = make_worker("一号", km=0.5), make_worker("二号", km=3)
    index = get_index()
    engine_post = feed.load_posts(feed.open_posts().filter(pk=post.pk))[0]
    answered: list[list[int]] = []

    def reader() -> None:
        with index.lock:
            answered.append([m.id for m in index.workers.top_workers(engine_post, 5)])

    build_merge = index.workers.merge_ahead

    def merge_ahead_while_someone_reads(headroom: int) -> Any:
        # A reader arrives while the merge is being built: it must not wait for it.
        thread = threading.Thread(target=reader)
        thread.start()
        thread.join(timeout=10)
        assert not thread.is_alive(), "the reader waited for the writer's merge"
        return build_merge(headroom)

    index.workers.merge_ahead = merge_ahead_while_someone_reads  # type: ignore[method-assign]
    index.refresh(worker_ids=[near.pk, far.pk])
    assert answered == [[near.pk, far.pk]]
    # And the refresh itself went through: both are still there, answered the same after it.
    assert [m.id for m in index.workers.top_workers(engine_post, 5)] == [near.pk, far.pk]


def test_a_refresh_that_fills_the_delta_merges_ahead_and_answers_the_same(
    heping_employer: User, make_worker: MakeWorker, make_gig: PostMaker
) -> None:
    post = make_gig(heping_employer, **at_square())
    crowd = [make_worker(f"工人{i}", km=0.1 * (i + 1)) for i in range(6)]
    index = get_index()
    engine_post = feed.load_posts(feed.open_posts().filter(pk=post.pk))[0]
    before = [m.id for m in index.workers.top_workers(engine_post, 10)]
    store = index.workers._store
    store.capacity = 8  # a small delta, so refreshing the crowd twice needs a merge
    store.delta_alive = store.delta_alive[:8]
    store.delta = {name: values[:8] for name, values in store.delta.items()}
    for _ in range(3):
        index.refresh(worker_ids=[w.pk for w in crowd])
        assert store.n_delta <= store.capacity
        assert [m.id for m in index.workers.top_workers(engine_post, 10)] == before
    assert before == [w.pk for w in crowd]


def test_a_due_sync_does_not_queue_requests_behind_another_threads_rebuild(
    heping_employer: User, make_worker: MakeWorker, make_gig: PostMaker, settings: Any
) -> None:
    """While one thread rebuilds (the new day's first sync: seconds at a million workers), the others'
    requests are answered from the index as it stands; the first build is the only wait."""
    post = make_gig(heping_employer, **at_square())
    near = make_worker("一号", km=0.5)
    index = get_index()
    engine_post = feed.load_posts(feed.open_posts().filter(pk=post.pk))[0]
    settings.MATCHING_SYNC_SECONDS = 0  # every request finds a sync due
    writing, release = threading.Event(), threading.Event()

    def long_writer() -> None:
        with index.write_lock:
            writing.set()
            release.wait(timeout=10)

    writer = threading.Thread(target=long_writer)
    writer.start()
    try:
        assert writing.wait(timeout=10)
        answered: list[list[int]] = []

        def request() -> None:
            answered.append([m.id for m in get_index().workers.top_workers(engine_post, 5)])

        reader = threading.Thread(target=request)
        reader.start()
        reader.join(timeout=5)
        assert not reader.is_alive(), "the request waited for the other thread's rebuild"
        assert answered == [[near.pk]]
    finally:
        release.set()
        writer.join(timeout=10)
    # With the writer gone, a due sync runs again in the request that finds it due.
    synced = index.synced_at
    get_index()
    assert index.synced_at > synced
