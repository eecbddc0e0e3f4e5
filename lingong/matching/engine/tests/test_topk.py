"""Top-k in both directions equals the brute force of ``reference``, ties and all, through updates."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lingong.matching.engine import PostIndex, Weights, WorkerIndex, reference
from lingong.matching.engine.tests.strategies import RELATIONS, posts, unique_by_id, workers

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
OTHER_WEIGHTS = Weights(travel=5.0, skill=10.0, related_fit=0.9, learned_fit=1.0, idle=0.0, priority=30.0)


@SETTINGS
@given(
    st.lists(workers(ids=st.integers(1, 60)), max_size=60),
    st.lists(posts(), min_size=1, max_size=5),
    st.integers(1, 12),
    st.sampled_from([Weights(), OTHER_WEIGHTS]),
)
def test_top_workers_equals_brute_force(all_workers, some_posts, k, weights):
    all_workers = unique_by_id(all_workers)
    index = WorkerIndex(all_workers, relations=RELATIONS)
    for post in some_posts:
        expected = reference.top_workers(all_workers, post, k, weights=weights, relations=RELATIONS)
        found = index.top_workers(post, k, weights=weights)
        assert found == expected
        # Every score is explained: its parts add up to it exactly.
        assert all(m.score == m.parts.total for m in found)
        ranks = [(-m.score, m.travel_minutes, m.id) for m in found]
        assert ranks == sorted(ranks) and len({m.id for m in found}) == len(found)


@SETTINGS
@given(
    st.lists(posts(ids=st.integers(1, 60)), max_size=60),
    st.lists(workers(), min_size=1, max_size=5),
    st.integers(1, 12),
    st.sampled_from([Weights(), OTHER_WEIGHTS]),
)
def test_top_posts_equals_brute_force(all_posts, some_workers, k, weights):
    all_posts = unique_by_id(all_posts)
    index = PostIndex(all_posts, relations=RELATIONS)
    for worker in some_workers:
        expected = reference.top_posts(all_posts, worker, k, weights=weights, relations=RELATIONS)
        assert index.top_posts(worker, k, weights=weights) == expected


@SETTINGS
@given(
    st.lists(workers(ids=st.integers(1, 40)), max_size=40),
    st.lists(workers(ids=st.integers(1, 40)), max_size=40),
    st.lists(st.integers(1, 40), max_size=15),
    st.lists(posts(), min_size=1, max_size=4),
)
def test_incremental_updates_equal_a_fresh_build(initial, upserts, removals, some_posts):
    """Upserts and removals (through the delta and its merges) leave the index as a fresh build would."""
    index = WorkerIndex(unique_by_id(initial), relations=RELATIONS, delta_capacity=8)
    current = {w.id: w for w in unique_by_id(initial)}
    for worker in upserts:
        index.upsert(worker)
        current[worker.id] = worker
    for worker_id in removals:
        assert index.remove(worker_id) == (worker_id in current)
        current.pop(worker_id, None)
    assert len(index) == len(current)
    assert all(worker_id in index for worker_id in current)
    fresh = WorkerIndex(current.values(), relations=RELATIONS)
    for post in some_posts:
        assert index.top_workers(post, 50) == fresh.top_workers(post, 50)
        assert index.candidates(post) == reference.top_workers(
            current.values(), post, 10**6, relations=RELATIONS
        )


@SETTINGS
@given(
    st.lists(posts(ids=st.integers(1, 40)), max_size=40),
    st.lists(posts(ids=st.integers(1, 40)), max_size=40),
    st.lists(st.integers(1, 40), max_size=15),
    st.lists(workers(), min_size=1, max_size=4),
)
def test_post_index_updates_equal_a_fresh_build(initial, upserts, removals, some_workers):
    index = PostIndex(unique_by_id(initial), relations=RELATIONS, delta_capacity=8)
    current = {p.id: p for p in unique_by_id(initial)}
    for post in upserts:
        index.upsert(post)
        current[post.id] = post
    for post_id in removals:
        assert index.remove(post_id) == (post_id in current)
        current.pop(post_id, None)
    assert len(index) == len(current)
    fresh = PostIndex(current.values(), relations=RELATIONS)
    for worker in some_workers:
        assert index.top_posts(worker, 50) == fresh.top_posts(worker, 50)


def test_excluded_ids_are_left_out():
    from lingong.matching.engine import Post, Worker

    post = Post(1, 41.8, 123.4, "4-02-01-01")
    staff = [Worker(i, 41.8, 123.4 + i / 1000, ("4-02-01-01",)) for i in range(1, 6)]
    index = WorkerIndex(staff)
    assert [m.id for m in index.top_workers(post, 3)] == [1, 2, 3]
    assert [m.id for m in index.top_workers(post, 3, exclude={1, 3})] == [2, 4, 5]
    assert [m.id for m in PostIndex([post]).top_posts(staff[0], exclude={1})] == []
