"""Each part of the score, the explanation, travel modes, learned relatedness and the bulk build."""

from __future__ import annotations

import math

import numpy as np
import pytest

from lingong.matching.engine import (
    ALL_SLOTS,
    TRAVEL_MODES,
    Match,
    Post,
    Relations,
    Weights,
    Worker,
    WorkerColumns,
    WorkerIndex,
    day_mask,
    reach_km,
    reference,
    slot_bit,
)
from lingong.matching.engine.types import KM_PER_DEGREE, MAX_REACH_KM

POST = Post(1, 41.8, 123.4, "4-02-01-01", hourly_fen=3000)


def east(km: float) -> float:
    """The longitude ``km`` east of the post."""
    return 123.4 + km / (KM_PER_DEGREE * math.cos(math.radians(41.8)))


def scored(someone: Worker, post: Post, **options: object) -> Match:
    match = reference.score(someone, post, **options)  # type: ignore[arg-type]
    assert match is not None
    return match


def worker(**fields: object) -> Worker:
    base = {"id": 7, "latitude": 41.8, "longitude": 123.4, "occupations": ("4-02-01-01",)}
    return Worker(**{**base, **fields})  # type: ignore[arg-type]


def test_travel_part_falls_to_zero_at_the_time_budget():
    near = scored(worker(longitude=east(1.5)), POST)  # cycling, 15 min: 3 km reach
    assert near.distance_km == pytest.approx(1.5, abs=1e-9)
    assert near.travel_minutes == pytest.approx(7.5)
    assert near.parts.travel == pytest.approx(20 * (1 - 7.5 / 15))
    assert reference.score(worker(longitude=east(3.01)), POST) is None
    assert scored(worker(longitude=east(2.99)), POST).parts.travel == pytest.approx(20 * 0.01 / 3)


@pytest.mark.parametrize(("mode", "km"), [("walk", 1.125), ("cycle", 3.0), ("transit", 4.5), ("drive", 6.25)])
def test_travel_modes_set_the_reach(mode, km):
    assert reach_km(mode, 15) == pytest.approx(km)
    assert reference.score(worker(travel_mode=mode, longitude=east(km * 0.99)), POST) is not None
    assert reference.score(worker(travel_mode=mode, longitude=east(km * 1.01)), POST) is None
    assert reach_km(mode, 10_000) == MAX_REACH_KM
    assert set(TRAVEL_MODES) == {"walk", "cycle", "transit", "drive"}


def test_skill_fit_exact_group_related_and_unrelated():
    assert scored(worker(), POST).parts.skill == 40
    assert scored(worker(), POST).fit == "exact"
    assert scored(worker(occupations=("4-02-01",)), POST).fit == "exact"  # a group holding it
    related = scored(worker(occupations=("4-02-01-05",)), POST)
    assert (related.fit, related.parts.skill) == ("related", 20)
    assert reference.score(worker(occupations=("4-02-02-01",)), POST) is None
    assert reference.score(worker(occupations=()), POST) is None
    assert scored(worker(occupations=("4-02-02-01", "4-02-01-01")), POST).fit == "exact"


def test_learned_relatedness_from_accepted_gigs():
    accepted = [(("6-01-01-01",), "4-02-01-01")] * 3 + [(("4-02-01-02",), "4-02-01-01")] * 9
    relations = Relations.learn(accepted, min_count=2, prior=3.0)
    # Pairs the catalogue already relates are not learned; three gigs give 3 / (3 + 3).
    assert dict(relations.strength) == {("6-01-01-01", "4-02-01-01"): 0.5}
    once = Relations.learn([(("6-01-01-01",), "4-02-01-01")], min_count=2)
    assert dict(once.strength) == {}
    cook = worker(occupations=("6-01-01-01",))
    assert reference.score(cook, POST) is None
    learned = scored(cook, POST, relations=relations)
    assert (learned.fit, learned.parts.skill) == ("learned", 40 * 0.5 * 0.5)
    index = WorkerIndex([cook])
    assert index.top_workers(POST) == []
    index.set_relations(relations)
    assert [m.id for m in index.top_workers(POST)] == [7]


def test_availability_must_overlap():
    monday = day_mask(1)
    post = Post(1, 41.8, 123.4, "4-02-01-01", schedule=slot_bit(1, 2))
    assert reference.score(worker(availability=monday), post) is not None
    assert reference.score(worker(availability=day_mask(2)), post) is None
    assert day_mask(7) | day_mask(1) <= ALL_SLOTS
    with pytest.raises(ValueError):
        slot_bit(8, 0)


def test_wage_filter_and_part():
    assert reference.score(worker(min_hourly_fen=3001), POST) is None
    assert scored(worker(min_hourly_fen=3000), POST).parts.wage == 7.5  # just the expectation
    assert scored(worker(min_hourly_fen=2000), POST).parts.wage == 15  # 1.5 times it
    assert scored(worker(min_hourly_fen=2400), POST).parts.wage == pytest.approx(15 * 0.75)
    assert scored(worker(), POST).parts.wage == 7.5  # no expectation
    piece = Post(2, 41.8, 123.4, "4-02-01-01", hourly_fen=None)
    assert scored(worker(min_hourly_fen=9999), piece).parts.wage == 7.5


def test_reliability_rating_and_fairness():
    assert scored(worker(), POST).parts.reliability == 5  # a newcomer: (0 + 1) / (0 + 0 + 2)
    assert scored(worker(completed=8, no_shows=0), POST).parts.reliability == 9
    assert scored(worker(completed=3, no_shows=3), POST).parts.reliability == 5
    assert scored(worker(rating=5.0), POST).parts.rating == 5
    assert scored(worker(rating=1.0), POST).parts.rating == 0
    assert scored(worker(), POST).parts.rating == 2.5
    assert scored(worker(days_since_last_gig=6), POST).parts.fairness == 0
    assert scored(worker(days_since_last_gig=7), POST).parts.fairness == 10
    assert scored(worker(), POST).parts.fairness == 10  # never had a gig
    graduate = worker(days_since_last_gig=1, priority_groups=frozenset({"recent_graduate"}))
    assert scored(graduate, POST).parts.fairness == 5


def test_explanation_adds_up_and_weights_are_data():
    someone = worker(longitude=east(1), completed=2, no_shows=1, rating=4.0, min_hourly_fen=2500)
    match = scored(someone, POST)
    assert match.score == match.parts.total == sum(match.parts.as_dict().values())
    assert set(match.parts.as_dict()) == {"travel", "skill", "wage", "reliability", "rating", "fairness"}
    rescored = scored(someone, POST, weights=Weights(skill=0, travel=0, wage=0))
    assert rescored.score == pytest.approx(
        match.score - match.parts.skill - match.parts.travel - match.parts.wage
    )
    with pytest.raises(ValueError):
        Weights(wage_full_ratio=1.0)


def test_bad_values_are_refused():
    with pytest.raises(ValueError):
        worker(travel_mode="fly")
    with pytest.raises(ValueError):
        worker(latitude=float("nan"))
    with pytest.raises(ValueError):
        worker(rating=6.0)
    with pytest.raises(ValueError):
        Post(1, 41.8, 123.4, "")


def test_bulk_build_from_columns_equals_building_from_workers():
    rng = np.random.default_rng(3)
    n = 400
    codes = ("4-02-01-01", "4-02-01-02", "4-02-02-01", "4-02")
    occupation_rows = np.repeat(np.arange(n), rng.integers(0, 3, n))
    occupation_codes = rng.integers(0, len(codes), len(occupation_rows))
    keep = np.unique(occupation_rows * 8 + occupation_codes)
    occupation_rows, occupation_codes = keep // 8, keep % 8
    a = {
        "id": np.arange(100, 100 + n),
        "latitude": 41.8 + rng.normal(0, 0.02, n),
        "longitude": 123.4 + rng.normal(0, 0.02, n),
        "travel_mode": rng.integers(0, 4, n),
        "travel_minutes": rng.choice([15.0, 60.0], n),
        "min_hourly_fen": rng.choice([0, 2000], n),
        "availability": rng.choice([ALL_SLOTS, day_mask(1)], n),
        "completed": rng.integers(0, 5, n),
        "no_shows": rng.integers(0, 2, n),
        "rating": rng.choice([np.nan, 4.0], n),
        "days_since_last_gig": rng.choice([-1, 2, 9], n),
        "priority": rng.random(n) < 0.2,
        "occupation_rows": occupation_rows,
        "occupation_codes": occupation_codes,
    }
    columns = WorkerColumns(**a, codes=codes)  # type: ignore[arg-type]
    staff = [
        Worker(
            id=100 + i,
            latitude=float(a["latitude"][i]),
            longitude=float(a["longitude"][i]),
            occupations=tuple(
                codes[c] for r, c in zip(occupation_rows, occupation_codes, strict=True) if r == i
            ),
            travel_mode=TRAVEL_MODES[int(a["travel_mode"][i])],
            travel_minutes=float(a["travel_minutes"][i]),
            min_hourly_fen=int(a["min_hourly_fen"][i]) or None,
            availability=int(a["availability"][i]),
            completed=int(a["completed"][i]),
            no_shows=int(a["no_shows"][i]),
            rating=None if np.isnan(a["rating"][i]) else float(a["rating"][i]),
            days_since_last_gig=None if a["days_since_last_gig"][i] < 0 else int(a["days_since_last_gig"][i]),
            priority_groups=frozenset({"employment_difficulty"}) if a["priority"][i] else frozenset(),
        )
        for i in range(n)
    ]
    bulk = WorkerIndex.from_columns(columns)
    assert len(bulk) == n and 100 in bulk and 99 not in bulk
    for code in (*codes, "4-02-01-09"):
        for lat, lon in ((41.8, 123.4), (41.83, 123.37)):
            post = Post(1, lat, lon, code, hourly_fen=2500, schedule=slot_bit(1, 0))
            assert bulk.top_workers(post, 30) == reference.top_workers(staff, post, 30)
    with pytest.raises(ValueError):
        WorkerIndex.from_columns(
            WorkerColumns(**{**columns.__dict__, "id": np.zeros(n, int)})  # ids not unique
        )


def test_pair_parts_are_the_reference_score_and_also_score_an_ineligible_pair():
    from lingong.matching.engine import scoring, skill_fit

    someone = worker(longitude=east(1.5), rating=4.0, completed=3)
    match = scored(someone, POST)
    assert scoring.pair_parts(someone, POST, distance=match.distance_km, fit=1.0, w=Weights()) == (
        match.travel_minutes,
        match.parts,
    )
    # Another trade is not a match at all, but instant hire's last tier still ranks it by these parts.
    other = worker(longitude=east(1.5), rating=4.0, completed=3, occupations=("5-01-01-01",))
    assert reference.score(other, POST) is None
    fit, rule = skill_fit(other.occupations, POST.occupation, Weights(), Relations())
    assert (fit, rule) == (0.0, None)
    minutes, parts = scoring.pair_parts(other, POST, distance=match.distance_km, fit=fit, w=Weights())
    assert minutes == match.travel_minutes
    assert parts.skill == 0.0
    assert parts.total == pytest.approx(match.score - match.parts.skill)
