"""The matching engine's plain data: workers, posts, weights, learned relatedness and explained scores.

Seeds: 001 六 七 (精准、高效匹配: 即时快招), 003 一 (15分钟就业服务圈). The engine is a pure library: the
caller (``lingong.matching.services``) converts database rows into these values and back.

The rules every function of the engine follows (``reference.py`` spells them out as plain loops):

Eligibility (all must hold, else the pair is not a match at all):

- **reach**: the distance is at most the worker's reach, ``travel_minutes / 60 * SPEED_KMH[mode]``,
  capped at ``MAX_REACH_KM``. Distances are equirectangular at the post's latitude
  (``distance_km``): within 0.1 % of the great circle at city scale, and cheap;
- **skill**: the worker's occupations fit the post's (``skill_fit`` > 0): the same code, or a worker
  code that is a group holding the post's code (exact, fit 1); the same minor group, i.e. the first
  7 characters such as ``"4-02-01"`` (related, fit ``Weights.related_fit``); or a pair learned from
  accepted gigs (``Relations``, fit ``Weights.learned_fit`` times the learned strength);
- **time**: the worker's availability overlaps the post's schedule (bitmasks, ``slot_bit``);
- **wage**: the post pays at least the worker's expectation, both as hourly equivalents in fen
  (``None``, e.g. piece work or no expectation, always passes);
- the post still has places (``places > 0``).

Score: the sum of ``ScoreParts`` in this order: travel + skill + wage + reliability + rating + fairness
(see ``Weights`` for each). Order of results: score descending, then travel minutes ascending, then id
ascending. Scores are computed by the same expressions everywhere, so equal inputs give equal floats.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Literal

import numpy.typing as npt

#: Average speed of each way of getting to work (km/h): a worker's reach is their minutes at this speed.
SPEED_KMH: Mapping[str, float] = {"walk": 4.5, "cycle": 12.0, "transit": 18.0, "drive": 25.0}
TRAVEL_MODES: tuple[str, ...] = tuple(SPEED_KMH)
#: Nobody is offered same-day work further than this, whatever minutes they gave (it bounds the search).
MAX_REACH_KM = 50.0
#: Kilometres per degree of latitude (mean Earth radius 6371.0088 km, as ``lingong.core.geo``).
KM_PER_DEGREE = 6371.0088 * math.pi / 180.0

#: Availability and schedules are bitmasks of 21 slots: 7 ISO weekdays x (morning, afternoon, evening).
SLOTS_PER_DAY = 3
MORNING, AFTERNOON, EVENING = 0, 1, 2
ALL_SLOTS = (1 << (7 * SLOTS_PER_DAY)) - 1

Fit = Literal["exact", "related", "learned"]


def slot_bit(isoweekday: int, slot: int) -> int:
    """The bit of one slot: ``isoweekday`` 1 (Monday) to 7, ``slot`` MORNING, AFTERNOON or EVENING."""
    if not 1 <= isoweekday <= 7 or not 0 <= slot < SLOTS_PER_DAY:
        raise ValueError(f"bad slot: weekday {isoweekday}, slot {slot}")
    return 1 << ((isoweekday - 1) * SLOTS_PER_DAY + slot)


def day_mask(isoweekday: int) -> int:
    """All three slots of one ISO weekday (the caller's ``available_now`` becomes today's mask)."""
    return slot_bit(isoweekday, 0) | slot_bit(isoweekday, 1) | slot_bit(isoweekday, 2)


def reach_km(travel_mode: str, travel_minutes: float) -> float:
    """How far a worker goes in ``travel_minutes`` by ``travel_mode``, capped at ``MAX_REACH_KM``."""
    return min(travel_minutes / 60.0 * SPEED_KMH[travel_mode], MAX_REACH_KM)


def km_per_degree_longitude(latitude: float) -> float:
    """East-west kilometres per degree at ``latitude`` (computed once per post, with ``math.cos``)."""
    return KM_PER_DEGREE * math.cos(math.radians(latitude))


def distance_km(worker_lat: float, worker_lon: float, post_lat: float, post_lon: float) -> float:
    """Equirectangular distance at the post's latitude: the expression the vectorised code uses."""
    dy = (worker_lat - post_lat) * KM_PER_DEGREE
    dx = (worker_lon - post_lon) * km_per_degree_longitude(post_lat)
    return math.sqrt(dx * dx + dy * dy)


def minor_group(code: str) -> str:
    """The catalogue's minor group of an occupation code (``"4-02-01-01"`` -> ``"4-02-01"``)."""
    return code[:7]


def _check_position(what: str, latitude: float, longitude: float) -> None:
    # The grid assumes |latitude| <= 55 (all of China) so a cell's width covers any reach.
    if (
        not (math.isfinite(latitude) and math.isfinite(longitude))
        or abs(latitude) > 55
        or abs(longitude) > 180
    ):
        raise ValueError(f"{what}: bad position ({latitude}, {longitude})")


@dataclass(frozen=True, slots=True)
class Worker:
    """A worker as the engine sees them. ``id`` is the caller's (e.g. the user id).

    ``occupations``: 大典 codes (``"4-02-01-01"``, or a group such as ``"4-02-01"``).
    ``min_hourly_fen``: the wage expectation as an hourly equivalent (``None`` or 0: no expectation).
    ``availability``: slot bitmask (``slot_bit``); fold ``available_now`` into today's slots.
    ``completed``/``no_shows``: counts of gigs; ``rating``: 1-5 stars or ``None``.
    ``days_since_last_gig``: ``None`` if never. ``priority_groups``: e.g. ``{"employment_difficulty"}``.
    ``area``: the city/district code; ``dispatch`` only pairs workers and posts of the same area.
    """

    id: int
    latitude: float
    longitude: float
    occupations: tuple[str, ...]
    travel_mode: str = "cycle"
    travel_minutes: float = 15.0
    min_hourly_fen: int | None = None
    availability: int = ALL_SLOTS
    completed: int = 0
    no_shows: int = 0
    rating: float | None = None
    days_since_last_gig: int | None = None
    priority_groups: frozenset[str] = frozenset()
    area: str = ""

    def __post_init__(self) -> None:
        _check_position(f"worker {self.id}", self.latitude, self.longitude)
        if self.travel_mode not in SPEED_KMH:
            raise ValueError(f"worker {self.id}: unknown travel mode {self.travel_mode!r}")
        if not self.travel_minutes > 0:
            raise ValueError(f"worker {self.id}: travel minutes must be positive")
        if self.completed < 0 or self.no_shows < 0:
            raise ValueError(f"worker {self.id}: negative gig counts")
        if self.days_since_last_gig is not None and self.days_since_last_gig < 0:
            raise ValueError(f"worker {self.id}: negative days since the last gig")
        if self.min_hourly_fen is not None and self.min_hourly_fen < 0:
            raise ValueError(f"worker {self.id}: negative wage expectation")
        if self.rating is not None and not 1 <= self.rating <= 5:
            raise ValueError(f"worker {self.id}: rating must be 1-5 stars")
        if not 0 <= self.availability <= ALL_SLOTS:
            raise ValueError(f"worker {self.id}: availability is not a slot mask")

    @property
    def reach_km(self) -> float:
        return reach_km(self.travel_mode, self.travel_minutes)


@dataclass(frozen=True, slots=True)
class Post:
    """An open gig post. ``hourly_fen``: pay as an hourly equivalent (``None`` for piece work).

    ``schedule``: slot bitmask of when the work is; ``places``: headcount still to fill (a post with
    none left never matches); ``area``: the city/district code (see ``Worker.area``).
    """

    id: int
    latitude: float
    longitude: float
    occupation: str
    hourly_fen: int | None = None
    schedule: int = ALL_SLOTS
    places: int = 1
    area: str = ""

    def __post_init__(self) -> None:
        _check_position(f"post {self.id}", self.latitude, self.longitude)
        if not self.occupation:
            raise ValueError(f"post {self.id}: no occupation")
        if self.hourly_fen is not None and self.hourly_fen < 0:
            raise ValueError(f"post {self.id}: negative wage")
        if not 0 <= self.schedule <= ALL_SLOTS:
            raise ValueError(f"post {self.id}: schedule is not a slot mask")


@dataclass(frozen=True)
class Weights:
    """How much each part of the score counts. Data, not code: pass other weights to re-score.

    Defaults keep the spirit of the former ``rank_candidates`` (trade 40 or 20, nearness 20, wage 15,
    fairness 10), with availability now a hard filter and reliability and rating added.

    - ``travel``: points at zero travel time, falling linearly to 0 at the worker's time budget;
    - ``skill``: points times the fit: 1 exact, ``related_fit`` same minor group, ``learned_fit`` times
      the learned strength for a pair learned from accepted gigs (the best of the worker's codes);
    - ``wage``: points times 0.5 when the post pays just the expectation, rising to 1 at
      ``wage_full_ratio`` times it; 0.5 when either side is unknown;
    - ``reliability``: points times (completed + 1) / (completed + no-shows + 2) (0.5 for a newcomer);
    - ``rating``: points times (stars - 1) / 4, 0.5 with no rating;
    - ``idle``: a fairness boost for no gig in the last ``idle_days`` days (or never);
    - ``priority``: a fairness boost for a priority group (就业困难人员, 高校毕业生, ...).
    """

    travel: float = 20.0
    skill: float = 40.0
    related_fit: float = 0.5
    learned_fit: float = 0.5
    wage: float = 15.0
    wage_full_ratio: float = 1.5
    reliability: float = 10.0
    rating: float = 5.0
    idle: float = 10.0
    idle_days: int = 7
    priority: float = 5.0

    def __post_init__(self) -> None:
        if not self.wage_full_ratio > 1:
            raise ValueError("wage_full_ratio must be above 1")
        if not (0 <= self.related_fit <= 1 and 0 <= self.learned_fit <= 1):
            raise ValueError("related_fit and learned_fit must be within 0-1")
        # A worker's skill part is their best-fitting code's: the indexes take it as their best-scoring
        # row, and read the best-fitting codes first.
        if not self.skill >= 0:
            raise ValueError("skill must not be negative")


DEFAULT_WEIGHTS = Weights()


@dataclass(frozen=True)
class Relations:
    """Occupation pairs learned from accepted gigs: (worker's code, post's code) -> strength in (0, 1].

    A worker who accepted (and so showed they can do) a post outside their catalogue fit makes their
    codes related to that post's code; ``learn`` counts such gigs, and a pair seen ``n >= min_count``
    times gets strength ``n / (n + prior)``.
    """

    strength: Mapping[tuple[str, str], float] = field(default_factory=dict)
    _by_post: dict[str, dict[str, float]] = field(init=False, repr=False, compare=False)
    _by_worker: dict[str, dict[str, float]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for pair, value in self.strength.items():
            if not 0 < value <= 1:
                raise ValueError(f"relation {pair}: strength must be within (0, 1]")
        by_post: dict[str, dict[str, float]] = {}
        by_worker: dict[str, dict[str, float]] = {}
        for (worker_code, post_code), value in self.strength.items():
            by_post.setdefault(post_code, {})[worker_code] = value
            by_worker.setdefault(worker_code, {})[post_code] = value
        object.__setattr__(self, "_by_post", by_post)
        object.__setattr__(self, "_by_worker", by_worker)

    @classmethod
    def learn(
        cls, accepted: Iterable[tuple[Sequence[str], str]], *, min_count: int = 2, prior: float = 3.0
    ) -> Relations:
        """From accepted gigs as (the worker's codes, the post's code); pairs the catalogue already
        relates are skipped."""
        counts: Counter[tuple[str, str]] = Counter()
        for worker_codes, post_code in accepted:
            if catalogue_fit(worker_codes, post_code, DEFAULT_WEIGHTS)[0] > 0:
                continue
            for code in set(worker_codes):
                counts[(code, post_code)] += 1
        return cls({pair: n / (n + prior) for pair, n in counts.items() if n >= min_count})

    def worker_codes_for(self, post_code: str) -> Mapping[str, float]:
        """Worker codes learned related to ``post_code``, with strengths."""
        return self._by_post.get(post_code, {})

    def post_codes_for(self, worker_code: str) -> Mapping[str, float]:
        """Post codes learned related to ``worker_code``, with strengths."""
        return self._by_worker.get(worker_code, {})


NO_RELATIONS = Relations()


def code_fit(
    worker_code: str, post_code: str, weights: Weights, relations: Relations
) -> tuple[float, Fit | None]:
    """The fit of one worker code to a post code, and which rule gave it (exact > related > learned)."""
    if post_code == worker_code or post_code.startswith(worker_code + "-"):
        return 1.0, "exact"
    best: tuple[float, Fit | None] = (0.0, None)
    if minor_group(worker_code) == minor_group(post_code):
        best = (weights.related_fit, "related")
    learned = relations.worker_codes_for(post_code).get(worker_code)
    if learned is not None and weights.learned_fit * learned > best[0]:
        best = (weights.learned_fit * learned, "learned")
    return best


def catalogue_fit(worker_codes: Sequence[str], post_code: str, weights: Weights) -> tuple[float, Fit | None]:
    return skill_fit(worker_codes, post_code, weights, NO_RELATIONS)


def skill_fit(
    worker_codes: Sequence[str], post_code: str, weights: Weights, relations: Relations
) -> tuple[float, Fit | None]:
    """The best fit over the worker's codes (0 and ``None``: not compatible); on equal fits the rule
    exact, then related, then learned names it."""
    best: tuple[float, Fit | None] = (0.0, None)
    for code in worker_codes:
        fit = code_fit(code, post_code, weights, relations)
        if fit[1] is not None and (fit[0], -_RULE_RANK[fit[1]]) > (best[0], -_RULE_RANK[best[1]]):
            best = fit
    return best


_RULE_RANK: dict[Fit | None, int] = {"exact": 0, "related": 1, "learned": 2, None: 3}


@dataclass(frozen=True, slots=True)
class ScoreParts:
    """The explanation of a score: each part in points; ``total`` adds them in the documented order."""

    travel: float
    skill: float
    wage: float
    reliability: float
    rating: float
    fairness: float

    @property
    def total(self) -> float:
        return self.travel + self.skill + self.wage + self.reliability + self.rating + self.fairness

    def as_dict(self) -> dict[str, float]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True, slots=True)
class Match:
    """One result: ``id`` is the worker's (workers for a gig) or the post's (gigs for a worker).

    ``fit`` says which skill rule applied; ``score == parts.total`` exactly.
    """

    id: int
    score: float
    travel_minutes: float
    distance_km: float
    fit: Fit
    parts: ScoreParts


@dataclass(frozen=True, slots=True)
class Assignment:
    post_id: int
    worker_id: int
    match: Match


@dataclass(frozen=True)
class DispatchResult:
    """One batch-dispatch round: the assignments (by post, then worker), their total score, how many
    eligible (post, worker) pairs there were and how the assignment was solved."""

    assignments: tuple[Assignment, ...]
    total_score: float
    candidate_pairs: int
    solver: str


@dataclass(frozen=True)
class WorkerColumns:
    """Many workers as columns, for a fast bulk build (``WorkerIndex.from_columns``); ``Worker``'s
    fields, one array each, with these encodings: ``travel_mode`` an index into ``TRAVEL_MODES``;
    ``min_hourly_fen`` 0 for none; ``rating`` NaN for none; ``days_since_last_gig`` -1 for never;
    ``priority`` a bool (any priority group). Occupations are pairs: ``occupation_rows[i]`` (a row of
    these columns) has ``codes[occupation_codes[i]]``. ``area`` is per row too (an index into ``areas``).
    """

    id: npt.ArrayLike
    latitude: npt.ArrayLike
    longitude: npt.ArrayLike
    travel_mode: npt.ArrayLike
    travel_minutes: npt.ArrayLike
    min_hourly_fen: npt.ArrayLike
    availability: npt.ArrayLike
    completed: npt.ArrayLike
    no_shows: npt.ArrayLike
    rating: npt.ArrayLike
    days_since_last_gig: npt.ArrayLike
    priority: npt.ArrayLike
    occupation_rows: npt.ArrayLike
    occupation_codes: npt.ArrayLike
    codes: Sequence[str]
    area: npt.ArrayLike | None = None
    areas: Sequence[str] = ("",)
