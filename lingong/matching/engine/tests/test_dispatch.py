"""Batch dispatch is optimal (against an independent solver), keeps headcounts and excluded pairs."""

from __future__ import annotations

import itertools
import math
from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lingong.matching.engine import Post, Worker, dispatch, reference
from lingong.matching.engine.tests.strategies import RELATIONS, posts, unique_by_id, workers


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(workers(ids=st.integers(1, 30), area="*"), max_size=30),
    st.lists(posts(ids=st.integers(1, 12), area="*"), max_size=12),
    st.data(),
)
def test_dispatch_is_optimal_and_keeps_the_rules(some_workers, some_posts, data):
    some_workers, some_posts = unique_by_id(some_workers), unique_by_id(some_posts)
    pairs = [(p.id, w.id) for p in some_posts for w in some_workers]
    excluded = set(data.draw(st.lists(st.sampled_from(pairs), max_size=10))) if pairs else set()
    result = dispatch(some_workers, some_posts, relations=RELATIONS, excluded=excluded)
    # The optimum from linear_sum_assignment on the dense place-expanded matrix (reference.py).
    optimum = reference.dispatch(some_workers, some_posts, relations=RELATIONS, excluded=excluded)
    assert math.isclose(result.total_score, optimum.total_score, rel_tol=1e-9, abs_tol=1e-9)
    assert result.candidate_pairs == optimum.candidate_pairs

    by_id_post = {p.id: p for p in some_posts}
    by_id_worker = {w.id: w for w in some_workers}
    per_post = Counter(a.post_id for a in result.assignments)
    assert all(n <= by_id_post[post_id].places for post_id, n in per_post.items())
    assert len({a.worker_id for a in result.assignments}) == len(result.assignments)
    for a in result.assignments:
        assert (a.post_id, a.worker_id) not in excluded
        assert by_id_post[a.post_id].area == by_id_worker[a.worker_id].area
        # Each assignment carries the pair's explained score, the same as scoring the pair alone.
        alone = reference.score(by_id_worker[a.worker_id], by_id_post[a.post_id], relations=RELATIONS)
        assert alone is not None
        assert math.isclose(a.match.score, alone.score) and a.match.fit == alone.fit
    assert math.isclose(result.total_score, sum(a.match.score for a in result.assignments))


def _score(worker: Worker, post: Post) -> float:
    match = reference.score(worker, post)
    assert match is not None
    return match.score


def _exhaustive_best(some_workers, some_posts, excluded=frozenset()):
    """Every way of giving each worker a post or nothing: small enough to enumerate."""
    best = 0.0
    options = []
    for w in some_workers:
        choices = [None] + [p for p in some_posts if (p.id, w.id) not in excluded and reference.score(w, p)]
        options.append(choices)
    for combo in itertools.product(*options):
        used = Counter(p.id for p in combo if p is not None)
        if any(n > p.places for p in some_posts for pid, n in used.items() if pid == p.id):
            continue
        total = sum(_score(w, p) for w, p in zip(some_workers, combo, strict=True) if p is not None)
        best = max(best, total)
    return best


@settings(max_examples=60, deadline=None)
@given(
    st.lists(workers(ids=st.integers(1, 6)), max_size=6), st.lists(posts(ids=st.integers(1, 3)), max_size=3)
)
def test_dispatch_matches_exhaustive_search(some_workers, some_posts):
    some_workers, some_posts = unique_by_id(some_workers), unique_by_id(some_posts)
    result = dispatch(some_workers, some_posts)
    assert math.isclose(result.total_score, _exhaustive_best(some_workers, some_posts), abs_tol=1e-9)


def test_optimal_beats_greedy_where_greedy_fails():
    """The nearest worker is the only one who fits the second post: greedy gives them the first post."""
    a = Post(1, 41.8, 123.4, "4-02-01-01", places=1)
    b = Post(2, 41.8, 123.41, "6-01-01-01", places=1)
    both = Worker(1, 41.8, 123.405, ("4-02-01-01", "6-01-01-01"))
    only_a = Worker(2, 41.8, 123.395, ("4-02-01-01",), travel_minutes=15)
    result = dispatch([both, only_a], [a, b])
    assert {(x.post_id, x.worker_id) for x in result.assignments} == {(1, 2), (2, 1)}


def test_headcount_and_declined_worker():
    post = Post(1, 41.8, 123.4, "4-02-01-01", places=2)
    staff = [Worker(i, 41.8, 123.4 + i / 1000, ("4-02-01-01",)) for i in range(1, 5)]
    result = dispatch(staff, [post], excluded={(1, 1)})
    assert [x.worker_id for x in result.assignments] == [2, 3]
    assert dispatch(staff, [Post(1, 41.8, 123.4, "4-02-01-01", places=0)], excluded=()).assignments == ()
    assert dispatch([], [post]).assignments == ()
