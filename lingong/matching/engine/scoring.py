"""The score's parts, as one expression each, written once for a single pair and once over arrays.

Both forms evaluate the same IEEE operations in the same order, so the indexes and ``reference.py``
produce bit-identical scores, and the documented tie order (score, travel minutes, id) is the same.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from lingong.matching.engine.types import SPEED_KMH, Post, ScoreParts, Weights, Worker

F64 = npt.NDArray[np.float64]
#: An int64 array, or one int64 for every row.
Ints = npt.NDArray[np.int64] | np.int64


def travel_minutes(distance: float, speed_kmh: float) -> float:
    return distance / speed_kmh * 60.0


def travel_part(minutes: float, budget_minutes: float, w: Weights) -> float:
    return w.travel * (1.0 - minutes / budget_minutes)


def wage_fit(min_hourly_fen: int | None, hourly_fen: int | None, w: Weights) -> float:
    if not min_hourly_fen or hourly_fen is None or hourly_fen < 0:
        return 0.5
    ratio = hourly_fen / min_hourly_fen
    return min(1.0, 0.5 + 0.5 * (ratio - 1.0) / (w.wage_full_ratio - 1.0))


def wage_ok(min_hourly_fen: int | None, hourly_fen: int | None) -> bool:
    return not min_hourly_fen or hourly_fen is None or hourly_fen >= min_hourly_fen


def reliability_fit(completed: int, no_shows: int) -> float:
    return (completed + 1) / (completed + no_shows + 2)


def rating_fit(rating: float | None) -> float:
    return 0.5 if rating is None else (rating - 1.0) / 4.0


def is_idle(days_since_last_gig: int | None, idle_days: int) -> bool:
    """No gig in the last ``idle_days`` days, or never: who the fairness boost favours."""
    return days_since_last_gig is None or days_since_last_gig >= idle_days


def fairness_part(days_since_last_gig: int | None, priority: bool, w: Weights) -> float:
    idle = is_idle(days_since_last_gig, w.idle_days)
    return (w.idle if idle else 0.0) + (w.priority if priority else 0.0)


def parts(
    *,
    minutes: float,
    budget_minutes: float,
    fit: float,
    min_hourly_fen: int | None,
    hourly_fen: int | None,
    completed: int,
    no_shows: int,
    rating: float | None,
    days_since_last_gig: int | None,
    priority: bool,
    w: Weights,
) -> ScoreParts:
    return ScoreParts(
        travel=travel_part(minutes, budget_minutes, w),
        skill=w.skill * fit,
        wage=w.wage * wage_fit(min_hourly_fen, hourly_fen, w),
        reliability=w.reliability * reliability_fit(completed, no_shows),
        rating=w.rating * rating_fit(rating),
        fairness=fairness_part(days_since_last_gig, priority, w),
    )


def pair_parts(
    worker: Worker, post: Post, *, distance: float, fit: float, w: Weights
) -> tuple[float, ScoreParts]:
    """The travel minutes and the score's parts of one pair at ``distance`` with skill ``fit``, whether
    or not the pair is eligible (``reference.score`` checks that first; instant hire's last tier scores
    the others too)."""
    minutes = travel_minutes(distance, SPEED_KMH[worker.travel_mode])
    return minutes, parts(
        minutes=minutes,
        budget_minutes=worker.travel_minutes,
        fit=fit,
        min_hourly_fen=worker.min_hourly_fen,
        hourly_fen=post.hourly_fen,
        completed=worker.completed,
        no_shows=worker.no_shows,
        rating=worker.rating,
        days_since_last_gig=worker.days_since_last_gig,
        priority=bool(worker.priority_groups),
        w=w,
    )


# --- the same over arrays ----------------------------------------------------------------------------
# Encodings: unknown wage = -1, no rating = NaN, never had a gig = -1 days.


def wage_fit_array(min_hourly_fen: Ints, hourly_fen: Ints, w: Weights) -> F64:
    unknown = (min_hourly_fen <= 0) | (hourly_fen < 0)
    safe_min = np.where(unknown, 1, min_hourly_fen)
    ratio = hourly_fen / safe_min
    return np.where(unknown, 0.5, np.minimum(1.0, 0.5 + 0.5 * (ratio - 1.0) / (w.wage_full_ratio - 1.0)))


def wage_ok_array(min_hourly_fen: Ints, hourly_fen: Ints) -> npt.NDArray[np.bool_]:
    result: npt.NDArray[np.bool_] = (min_hourly_fen <= 0) | (hourly_fen < 0) | (hourly_fen >= min_hourly_fen)
    return result


def reliability_fit_array(completed: npt.NDArray[np.int64], no_shows: npt.NDArray[np.int64]) -> F64:
    return (completed + 1) / (completed + no_shows + 2)


def rating_fit_array(rating: F64) -> F64:
    return np.where(np.isnan(rating), 0.5, (rating - 1.0) / 4.0)


def fairness_part_array(days: npt.NDArray[np.int64], priority: npt.NDArray[np.bool_], w: Weights) -> F64:
    idle = (days < 0) | (days >= w.idle_days)
    return np.where(idle, w.idle, 0.0) + np.where(priority, w.priority, 0.0)
