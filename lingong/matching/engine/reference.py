"""Brute force, obviously correct: the oracle the tests hold the indexes to, usable as is on small data.

Every function here loops over every worker or post and applies the rules of ``types`` one pair at a
time; the assignment is solved with scipy's ``linear_sum_assignment`` on the place-expanded matrix.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

import numpy as np
from scipy.optimize import linear_sum_assignment

from lingong.matching.engine import scoring
from lingong.matching.engine.types import (
    DEFAULT_WEIGHTS,
    NO_RELATIONS,
    Assignment,
    DispatchResult,
    Match,
    Post,
    Relations,
    Weights,
    Worker,
    distance_km,
    skill_fit,
)


def score(
    worker: Worker, post: Post, *, weights: Weights = DEFAULT_WEIGHTS, relations: Relations = NO_RELATIONS
) -> Match | None:
    """The pair's explained score from the worker's side of view of ``post``; ``None`` if not eligible."""
    if post.places <= 0:
        return None
    distance = distance_km(worker.latitude, worker.longitude, post.latitude, post.longitude)
    if not distance <= worker.reach_km:
        return None
    fit, rule = skill_fit(worker.occupations, post.occupation, weights, relations)
    if rule is None or not fit > 0:
        return None
    if not worker.availability & post.schedule:
        return None
    if not scoring.wage_ok(worker.min_hourly_fen, post.hourly_fen):
        return None
    minutes, parts = scoring.pair_parts(worker, post, distance=distance, fit=fit, w=weights)
    return Match(id=0, score=parts.total, travel_minutes=minutes, distance_km=distance, fit=rule, parts=parts)


def _ranked(found: list[Match], k: int) -> list[Match]:
    found.sort(key=lambda m: (-m.score, m.travel_minutes, m.id))
    return found[:k]


def top_workers(
    workers: Iterable[Worker],
    post: Post,
    k: int = 20,
    *,
    weights: Weights = DEFAULT_WEIGHTS,
    relations: Relations = NO_RELATIONS,
    exclude: Collection[int] = (),
) -> list[Match]:
    """The best ``k`` eligible workers for ``post`` (``Match.id`` is the worker's), in the set order."""
    found = []
    for worker in workers:
        if worker.id in exclude:
            continue
        match = score(worker, post, weights=weights, relations=relations)
        if match is not None:
            found.append(_with_id(match, worker.id))
    return _ranked(found, k)


def top_posts(
    posts: Iterable[Post],
    worker: Worker,
    k: int = 20,
    *,
    weights: Weights = DEFAULT_WEIGHTS,
    relations: Relations = NO_RELATIONS,
    exclude: Collection[int] = (),
) -> list[Match]:
    """The best ``k`` open posts for ``worker`` (``Match.id`` is the post's), in the documented order."""
    found = []
    for post in posts:
        if post.id in exclude:
            continue
        match = score(worker, post, weights=weights, relations=relations)
        if match is not None:
            found.append(_with_id(match, post.id))
    return _ranked(found, k)


def _with_id(match: Match, id_: int) -> Match:
    return Match(
        id=id_,
        score=match.score,
        travel_minutes=match.travel_minutes,
        distance_km=match.distance_km,
        fit=match.fit,
        parts=match.parts,
    )


def dispatch(
    workers: Sequence[Worker],
    posts: Sequence[Post],
    *,
    weights: Weights = DEFAULT_WEIGHTS,
    relations: Relations = NO_RELATIONS,
    excluded: Collection[tuple[int, int]] = (),
) -> DispatchResult:
    """The assignment of maximal total score: each post gets at most ``places`` workers, each worker at
    most one place, only eligible pairs of the same ``area``, none of the ``excluded`` (post id, worker
    id) pairs. Solved on the dense place-expanded matrix (one row per place), with 0 for "no pair"."""
    excluded = set(excluded)
    rows: list[tuple[Post, int]] = [(post, i) for post in posts for i in range(max(post.places, 0))]
    matrix = np.zeros((len(rows), len(workers)))
    matches: dict[tuple[int, int], Match] = {}
    for worker in workers:
        for post in posts:
            if post.area != worker.area or (post.id, worker.id) in excluded:
                continue
            match = score(worker, post, weights=weights, relations=relations)
            if match is not None:
                matches[(post.id, worker.id)] = _with_id(match, worker.id)
    for r, (post, _) in enumerate(rows):
        for j, worker in enumerate(workers):
            found = matches.get((post.id, worker.id))
            if found is not None:
                matrix[r, j] = found.score
    chosen = []
    if matrix.size:
        for r, j in zip(*linear_sum_assignment(matrix, maximize=True), strict=True):
            if matrix[r, j] > 0:
                post = rows[r][0]
                chosen.append(Assignment(post.id, workers[j].id, matches[(post.id, workers[j].id)]))
    chosen.sort(key=lambda a: (a.post_id, a.worker_id))
    return DispatchResult(
        assignments=tuple(chosen),
        total_score=sum(a.match.score for a in chosen),
        candidate_pairs=len(matches),
        solver="reference: linear_sum_assignment, dense place-expanded",
    )
