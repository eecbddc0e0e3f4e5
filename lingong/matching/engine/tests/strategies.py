"""Hypothesis strategies: small random markets around one city, with codes that exercise every rule."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from lingong.matching.engine import ALL_SLOTS, TRAVEL_MODES, Post, Relations, Worker

#: Exact, same minor group, another group, a group code and a code only related by learning.
CODES = ("4-02-01-01", "4-02-01-02", "4-02-02-01", "4-02", "6-01-01-01", "6-01-01")
RELATIONS = Relations({("6-01-01-01", "4-02-01-01"): 0.8, ("4-02-02-01", "6-01-01-01"): 0.5})

# About 5 km around 41.8 N 123.4 E: most pairs are within someone's reach, some are not.
latitudes = st.floats(41.77, 41.83)
longitudes = st.floats(123.36, 123.44)
ANY_ID = st.integers(1, 10_000)
# Few values, so ties in score and in travel time happen.
masks = st.sampled_from([0, 1, 0b111, 0b111000, ALL_SLOTS, 1 << 20])


@st.composite
def workers(draw: st.DrawFn, ids: st.SearchStrategy[int] = ANY_ID, area: str = "") -> Worker:
    return Worker(
        id=draw(ids),
        latitude=draw(st.sampled_from([41.8, 41.81]) | latitudes),
        longitude=draw(st.sampled_from([123.4, 123.41]) | longitudes),
        occupations=tuple(draw(st.lists(st.sampled_from(CODES), max_size=3, unique=True))),
        travel_mode=draw(st.sampled_from(TRAVEL_MODES)),
        travel_minutes=draw(st.sampled_from([5.0, 15.0, 30.0, 200.0])),
        min_hourly_fen=draw(st.sampled_from([None, 0, 1500, 2500])),
        availability=draw(masks),
        completed=draw(st.integers(0, 5)),
        no_shows=draw(st.integers(0, 2)),
        rating=draw(st.sampled_from([None, 1.0, 3.5, 5.0])),
        days_since_last_gig=draw(st.sampled_from([None, 0, 6, 7, 30])),
        priority_groups=draw(st.sampled_from([frozenset(), frozenset({"recent_graduate"})])),
        area=draw(st.sampled_from(["", "210102"])) if area == "*" else area,
    )


@st.composite
def posts(draw: st.DrawFn, ids: st.SearchStrategy[int] = ANY_ID, area: str = "") -> Post:
    return Post(
        id=draw(ids),
        latitude=draw(st.sampled_from([41.8, 41.805]) | latitudes),
        longitude=draw(st.sampled_from([123.4, 123.405]) | longitudes),
        occupation=draw(st.sampled_from(CODES)),
        hourly_fen=draw(st.sampled_from([None, 1000, 2000, 3000])),
        schedule=draw(masks),
        places=draw(st.integers(0, 3)),
        area=draw(st.sampled_from(["", "210102"])) if area == "*" else area,
    )


def unique_by_id(items: list[Any]) -> list[Any]:
    seen: dict[int, object] = {}
    for item in items:
        seen[item.id] = item
    return list(seen.values())
