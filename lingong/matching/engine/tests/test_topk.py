"""Top-k in both directions equals the brute force of ``reference``, ties and all, through updates."""

from __future__ import annotations

from unittest.mock import patch

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lingong.matching.engine import PostIndex, Weights, WorkerIndex, reference
from lingong.matching.engine import index as engine_index
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


@SETTINGS
@given(
    st.lists(workers(ids=st.integers(1, 40)), max_size=40),
    st.lists(workers(ids=st.integers(1, 40)), min_size=1, max_size=40),
    st.lists(st.integers(1, 40), max_size=15),
    st.lists(posts(), min_size=1, max_size=4),
)
def test_a_merge_built_ahead_changes_nothing_until_installed(initial, upserts, removals, some_posts):
    """The two-step merge (built while readers query, then swapped in) answers as the delta did before
    and as a fresh build does after."""
    index = WorkerIndex(unique_by_id(initial), relations=RELATIONS, delta_capacity=64)
    current = {w.id: w for w in unique_by_id(initial)}
    for worker in upserts:
        index.upsert(worker)
        current[worker.id] = worker
    for worker_id in removals:
        index.remove(worker_id)
        current.pop(worker_id, None)
    before = [index.top_workers(post, 50) for post in some_posts]
    assert index.merge_ahead(headroom=0) is None  # room enough: nothing to do
    merged = index.merge_ahead(headroom=64)
    assert merged is not None
    assert [index.top_workers(post, 50) for post in some_posts] == before  # untouched until installed
    index.install_merge(merged)
    fresh = WorkerIndex(current.values(), relations=RELATIONS)
    assert len(index) == len(current)
    assert [index.top_workers(post, 50) for post in some_posts] == before
    assert [fresh.top_workers(post, 50) for post in some_posts] == before
    assert index.merge_ahead(headroom=64) is None  # the delta is empty now


def test_excluded_ids_are_left_out():
    from lingong.matching.engine import Post, Worker

    post = Post(1, 41.8, 123.4, "4-02-01-01")
    staff = [Worker(i, 41.8, 123.4 + i / 1000, ("4-02-01-01",)) for i in range(1, 6)]
    index = WorkerIndex(staff)
    assert [m.id for m in index.top_workers(post, 3)] == [1, 2, 3]
    assert [m.id for m in index.top_workers(post, 3, exclude={1, 3})] == [2, 4, 5]
    assert [m.id for m in PostIndex([post]).top_posts(staff[0], exclude={1})] == []


# --- the branch and bound over code groups (``WorkerIndex._gather``) -----------------------------------
# The exactly fitting codes are read first and the related ones only if they can still make the top k;
# a small index reads every group in one pass, so these tests force the rounds (``_ROUNDS_MIN_ROWS``).

# Negative weights on the parts other than the skill (which must not be negative), to test the bounds.
NEGATIVE_WEIGHTS = Weights(travel=-5.0, skill=10.0, wage=-3.0, reliability=-1.0, rating=2.0, idle=-4.0)


@SETTINGS
@given(
    st.lists(workers(ids=st.integers(1, 80)), max_size=80),
    st.lists(posts(), min_size=1, max_size=4),
    st.integers(1, 12),
    st.sampled_from([Weights(), OTHER_WEIGHTS, NEGATIVE_WEIGHTS, Weights(skill=0.0)]),
)
def test_top_workers_by_rounds_equal_brute_force(all_workers, some_posts, k, weights):
    all_workers = unique_by_id(all_workers)
    index = WorkerIndex(all_workers, relations=RELATIONS)
    with patch.object(engine_index, "_ROUNDS_MIN_ROWS", 0):
        for post in some_posts:
            expected = reference.top_workers(all_workers, post, k, weights=weights, relations=RELATIONS)
            assert index.top_workers(post, k, weights=weights) == expected


@SETTINGS
@given(
    st.lists(workers(ids=st.integers(1, 60)), max_size=60),
    st.lists(workers(ids=st.integers(1, 60)), max_size=30),
    st.lists(posts(), min_size=1, max_size=4),
    st.integers(1, 12),
    st.sampled_from([1, 3, 16]),
)
def test_coarse_slice_tables_change_no_answer(initial, upserts, some_posts, k, shift):
    """Where workers are too spread for an exact table of slice starts (``_Slices``), each entry stands for
    several grid columns and a slice reads a few workers beyond the circle: the answers stay the same,
    through merges too (each rebuilds the table)."""
    with patch.object(engine_index, "_SLICE_SHIFT_MIN", shift):
        index = WorkerIndex(unique_by_id(initial), relations=RELATIONS, delta_capacity=8)
        for worker in upserts:
            index.upsert(worker)
    assert index._store.slices.shift >= shift
    current = list({**{w.id: w for w in unique_by_id(initial)}, **{w.id: w for w in upserts}}.values())
    for rounds_from in (0, 10**9):
        with patch.object(engine_index, "_ROUNDS_MIN_ROWS", rounds_from):
            for post in some_posts:
                expected = reference.top_workers(current, post, k, relations=RELATIONS)
                assert index.top_workers(post, k) == expected
                everyone = reference.top_workers(current, post, len(current) + 1, relations=RELATIONS)
                assert index.candidates(post) == everyone


def test_ties_at_the_kth_place_span_the_code_groups():
    """With no weight on the skill, exact and related workers tie: the k-th place goes by travel time and
    id whichever group a worker is in, and the k workers are the same whether read in rounds or not."""
    from lingong.matching.engine import Post, Worker

    post = Post(1, 41.8, 123.4, "4-02-01-01")
    exact = [Worker(i, 41.8, 123.4, ("4-02-01-01",), completed=3) for i in range(10, 15)]
    related = [Worker(i, 41.8, 123.4, ("4-02-01-02",), completed=3) for i in range(1, 6)]
    farther = [Worker(20, 41.801, 123.4, ("4-02-01-01",), completed=3)]
    staff = exact + related + farther
    index = WorkerIndex(staff)
    weights = Weights(skill=0.0)
    for rounds_from in (0, 10**9):
        with patch.object(engine_index, "_ROUNDS_MIN_ROWS", rounds_from):
            for k in (1, 3, 5, 7, 11, 50):
                expected = reference.top_workers(staff, post, k, weights=weights)
                assert index.top_workers(post, k, weights=weights) == expected
                assert index.top_workers(post, k) == reference.top_workers(staff, post, k)
    assert [m.id for m in index.top_workers(post, 7, weights=weights)] == [1, 2, 3, 4, 5, 10, 11]


def test_a_dense_index_reads_the_related_codes_only_when_they_can_count():
    """Hundreds of exact workers around the post: the rounds run unforced, and the related workers (20
    points less for the skill) are read only when the k-th best leaves room for them."""
    import random

    from lingong.matching.engine import Post, Worker

    rng = random.Random(4)
    staff = [
        Worker(
            i,
            41.8 + rng.uniform(-0.01, 0.01),
            123.4 + rng.uniform(-0.01, 0.01),
            (rng.choice(["4-02-01-01", "4-02-01-01", "4-02-01-02", "6-01-01-01"]),),
            travel_mode=rng.choice(["walk", "cycle"]),
            completed=rng.randint(0, 9),
            no_shows=rng.randint(0, 2),
            rating=rng.choice([None, 2.0, 5.0]),
            days_since_last_gig=rng.choice([None, 1, 30]),
        )
        for i in range(1, 1201)
    ]
    index = WorkerIndex(staff, relations=RELATIONS)
    for k in (1, 2, 5, 20):
        for post in (
            Post(1, 41.8, 123.4, "4-02-01-01"),
            Post(2, 41.805, 123.41, "4-02-01-02", hourly_fen=3000),
            Post(3, 41.79, 123.39, "4-02-01-01", schedule=1),
        ):
            expected = reference.top_workers(staff, post, k, relations=RELATIONS)
            assert index.top_workers(post, k) == expected
    # Exclusions and tombstones count in the k-th best only once left out.
    index.remove(staff[0].id)
    rest = staff[1:]
    post = Post(4, 41.8, 123.4, "4-02-01-01")
    best = [m.id for m in index.top_workers(post, 5)]
    assert index.top_workers(post, 5, exclude=set(best[:3])) == reference.top_workers(
        rest, post, 5, relations=RELATIONS, exclude=set(best[:3])
    )


def test_the_skill_weight_is_not_negative():
    """The indexes take a worker's best-fitting code as their best-scoring row (and read it first)."""
    import pytest

    with pytest.raises(ValueError):
        Weights(skill=-1.0)


@SETTINGS
@given(
    # Columns 0-6: a grid row's table fits the budget, so shift 0 stays exact.
    st.lists(st.tuples(st.integers(0, 3), st.integers(0, 5), st.integers(0, 6)), max_size=80),
    st.lists(st.tuples(st.integers(0, 4), st.integers(0, 6), st.integers(0, 9)), min_size=2, max_size=40),
    st.sampled_from([0, 2, 16]),
)
def test_slice_table_bounds_the_rows_a_search_of_the_keys_finds(keys, bounds, shift):
    """``_Store.locate`` by the table of slice starts: exactly the rows a binary search of the sorted keys
    finds (shift 0), or those and a few more around them (coarse cells)."""
    import numpy as np

    def composed(triples):
        return np.array(
            [(k << 40) | (row << engine_index._GRID_BITS) | col for k, row, col in triples], np.int64
        )

    skey = np.sort(composed(keys)) if keys else np.empty(0, np.int64)
    lo, hi = composed(bounds[::2]), composed(bounds[1::2])
    n = min(len(lo), len(hi))
    lo, hi = np.minimum(lo[:n], hi[:n]), np.maximum(lo[:n], hi[:n])
    with patch.object(engine_index, "_SLICE_SHIFT_MIN", shift):
        store = engine_index._Store({"skey": np.int64, "rid": np.int64, "key": np.int64}, 8)
        store.load({"skey": skey, "rid": np.arange(len(skey)), "key": skey >> 40}, len(skey), presorted=True)
    start, lengths = store.locate(np.concatenate([lo, hi]))
    exact_start, exact_stop = skey.searchsorted(lo), skey.searchsorted(hi)
    assert store.slices.shift == shift
    if shift == 0:
        assert start.tolist() == exact_start.tolist()
        assert (start + lengths).tolist() == exact_stop.tolist()
    else:
        assert (start <= exact_start).all() and (start + lengths >= exact_stop).all()


@SETTINGS
@given(st.lists(workers(ids=st.integers(1, 40)), max_size=40))
def test_rows_needed_is_the_delta_rows_the_upserts_take(some):
    """A caller merging ahead (``merge_ahead``) sizes its headroom with ``rows_needed``: exactly the delta
    rows the upserts then take, so none of them merges inside the caller's lock."""
    some = unique_by_id(some)
    index = WorkerIndex(delta_capacity=4096)
    for worker in some:
        index.upsert(worker)
    assert index._store.n_delta == WorkerIndex.rows_needed(some)
