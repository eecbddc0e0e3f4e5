"""The matching engine: a pure library (numpy/scipy, the worker index's inner loops compiled with numba;
no Django) for 精准、高效匹配 and 即时快招.

Seeds: 001 六 七 (精准、高效匹配), 003 一 (15分钟就业服务圈). Plain data in, plain data out:

- ``WorkerIndex``: workers kept current with ``upsert``/``remove`` (well under 0.1 ms each) or built in
  bulk (``WorkerIndex(workers)``, ``WorkerIndex.from_columns``); ``top_workers(post, k)`` gives the
  best ``k`` workers for a gig, ``candidates(post)`` all eligible ones.
- ``PostIndex``: open posts, the same way; ``top_posts(worker, k)`` gives the best gigs for a worker.
- ``dispatch(workers, posts, excluded=...)``: one batch-dispatch round for instant hire, the optimal
  assignment (maximal total score) within each ``area``, respecting headcounts, one place per worker
  and the excluded (post id, worker id) pairs (a worker who declined is not offered the post again).
- Every result is a ``Match`` whose ``parts`` (``ScoreParts``) explain the score and add up to it;
  ``Weights`` are data, passed per call, so yesterday's data can be re-scored with other weights.
- ``reference``: the same functions by brute force (the tests' oracle).

The rules (eligibility, score, order of results) are in ``lingong.matching.engine.types``.
"""

from lingong.matching.engine.dispatch import dispatch
from lingong.matching.engine.index import PostIndex, WorkerIndex
from lingong.matching.engine.types import (
    ALL_SLOTS,
    DEFAULT_WEIGHTS,
    MAX_REACH_KM,
    NO_RELATIONS,
    SPEED_KMH,
    TRAVEL_MODES,
    Assignment,
    DispatchResult,
    Match,
    Post,
    Relations,
    ScoreParts,
    Weights,
    Worker,
    WorkerColumns,
    day_mask,
    distance_km,
    reach_km,
    skill_fit,
    slot_bit,
)

__all__ = [
    "ALL_SLOTS",
    "DEFAULT_WEIGHTS",
    "MAX_REACH_KM",
    "NO_RELATIONS",
    "SPEED_KMH",
    "TRAVEL_MODES",
    "Assignment",
    "DispatchResult",
    "Match",
    "Post",
    "PostIndex",
    "Relations",
    "ScoreParts",
    "Weights",
    "Worker",
    "WorkerColumns",
    "WorkerIndex",
    "day_mask",
    "dispatch",
    "distance_km",
    "reach_km",
    "skill_fit",
    "slot_bit",
]
