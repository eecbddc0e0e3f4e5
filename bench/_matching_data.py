"""Synthetic workers and posts clustered like Liaoning's cities, for ``bench.matching``.

A few city centres (population-weighted) with a Gaussian spread, 30 occupations in 10 minor groups
(most workers hold 1-2 codes of one group), travel modes and minutes, availability and wage spread.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from lingong.matching.engine import ALL_SLOTS, TRAVEL_MODES, Post, Worker, WorkerColumns

#: (name, latitude, longitude, weight, spread in km)
CITIES = (
    ("沈阳", 41.80, 123.43, 0.30, 9.0),
    ("大连", 38.91, 121.61, 0.25, 8.0),
    ("鞍山", 41.11, 122.99, 0.10, 6.0),
    ("抚顺", 41.88, 123.96, 0.07, 5.0),
    ("锦州", 41.10, 121.13, 0.08, 5.0),
    ("丹东", 40.12, 124.38, 0.07, 5.0),
    ("营口", 40.67, 122.23, 0.07, 5.0),
    ("铁岭", 42.29, 123.84, 0.06, 4.0),
)
CODES = tuple(
    f"{major}-{group:02d}-{minor:02d}-{detail:02d}"
    for major, group, minor in (
        (4, 2, 1),
        (4, 2, 2),
        (4, 3, 1),
        (4, 4, 1),
        (4, 7, 1),
        (4, 10, 1),
        (6, 1, 1),
        (6, 28, 1),
        (6, 29, 1),
        (6, 31, 1),
    )
    for detail in (1, 2, 3)
)
KM_PER_DEGREE = 111.195


@dataclass
class Places:
    latitude: np.ndarray[Any, Any]
    longitude: np.ndarray[Any, Any]
    city: np.ndarray[Any, Any]
    district: np.ndarray[Any, Any]


def places(rng: np.random.Generator, n: int) -> Places:
    weights = np.array([c[3] for c in CITIES])
    city = rng.choice(len(CITIES), n, p=weights / weights.sum())
    lat0 = np.array([c[1] for c in CITIES])[city]
    lon0 = np.array([c[2] for c in CITIES])[city]
    spread = np.array([c[4] for c in CITIES])[city]
    dy = rng.normal(0, 1, n) * spread
    dx = rng.normal(0, 1, n) * spread
    lat = lat0 + dy / KM_PER_DEGREE
    lon = lon0 + dx / (KM_PER_DEGREE * np.cos(np.radians(lat0)))
    # Districts: a 12 km grid around each centre stands in for the city's districts (区县).
    district = (
        city * 100
        + np.clip(np.floor(dy / 12 + 2), 0, 4).astype(int) * 5
        + np.clip(np.floor(dx / 12 + 2), 0, 4)
    )
    return Places(lat, lon, city, district.astype(int))


def occupations(rng: np.random.Generator, n: int) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """(row, code index) pairs: 1 code for 55 %, 2 for 35 %, 3 for 10 %, mostly of one group."""
    count = rng.choice([1, 2, 3], n, p=[0.55, 0.35, 0.10])
    rows = np.repeat(np.arange(n), count)
    group = np.repeat(rng.integers(0, 10, n), count)
    other = rng.random(len(rows)) < 0.15  # some hold a code of another group
    group = np.where(other, rng.integers(0, 10, len(rows)), group)
    code = group * 3 + rng.integers(0, 3, len(rows))
    # Drop repeated (row, code) pairs.
    pair = np.unique(rows * 64 + code)
    return pair // 64, pair % 64


def worker_columns(rng: np.random.Generator, n: int, *, id_base: int = 1) -> tuple[WorkerColumns, Places]:
    where = places(rng, n)
    mode = rng.choice(len(TRAVEL_MODES), n, p=[0.2, 0.4, 0.25, 0.15])
    minutes = rng.choice([15.0, 30.0, 60.0], n, p=[0.7, 0.2, 0.1])
    rows, codes = occupations(rng, n)
    days = rng.integers(0, 20, n)
    days = np.where(rng.random(n) < 0.2, -1, days)
    rating = np.where(rng.random(n) < 0.4, np.nan, rng.integers(2, 11, n) / 2)
    availability = _masks(rng, n, days_per_week=(3, 7))
    columns = WorkerColumns(
        id=np.arange(id_base, id_base + n),
        latitude=where.latitude,
        longitude=where.longitude,
        travel_mode=mode,
        travel_minutes=minutes,
        min_hourly_fen=np.where(rng.random(n) < 0.3, 0, rng.integers(18, 36, n) * 100),
        availability=availability,
        completed=rng.poisson(4, n),
        no_shows=rng.poisson(0.3, n),
        rating=rating,
        days_since_last_gig=days,
        priority=rng.random(n) < 0.1,
        occupation_rows=rows,
        occupation_codes=codes,
        codes=CODES,
    )
    return columns, where


def _masks(rng: np.random.Generator, n: int, *, days_per_week: tuple[int, int]) -> np.ndarray[Any, Any]:
    mask = np.zeros(n, np.int64)
    days = rng.integers(days_per_week[0], days_per_week[1] + 1, n)
    for day in range(7):
        on = rng.random(n) < days / 7
        slots = rng.integers(1, 8, n)  # a non-empty subset of the day's three slots
        mask |= np.where(on, slots << (3 * day), 0)
    return np.where(mask == 0, ALL_SLOTS, mask)


def workers(
    columns: WorkerColumns, where: Places, *, by: str = "city", reach_km: float | None = None
) -> list[Worker]:
    """``Worker`` values from columns; ``reach_km`` gives everyone that reach by car (dispatch rounds)."""
    c: dict[str, Any] = {
        name: np.asarray(getattr(columns, name))
        for name in (
            "id",
            "latitude",
            "longitude",
            "travel_mode",
            "travel_minutes",
            "min_hourly_fen",
            "availability",
            "completed",
            "no_shows",
            "rating",
            "days_since_last_gig",
            "priority",
        )
    }
    codes: list[list[str]] = [[] for _ in range(len(c["id"]))]
    for row, code in zip(
        np.asarray(columns.occupation_rows).tolist(),
        np.asarray(columns.occupation_codes).tolist(),
        strict=True,
    ):
        codes[row].append(CODES[code])
    area = (where.city if by == "city" else where.district).tolist()
    result = []
    for i in range(len(codes)):
        rating = float(c["rating"][i])
        days = int(c["days_since_last_gig"][i])
        mode = "drive" if reach_km else TRAVEL_MODES[int(c["travel_mode"][i])]
        result.append(
            Worker(
                id=int(c["id"][i]),
                latitude=float(c["latitude"][i]),
                longitude=float(c["longitude"][i]),
                occupations=tuple(codes[i]),
                travel_mode=mode,
                travel_minutes=reach_km / 25.0 * 60.0 if reach_km else float(c["travel_minutes"][i]),
                min_hourly_fen=int(c["min_hourly_fen"][i]) or None,
                availability=int(c["availability"][i]),
                completed=int(c["completed"][i]),
                no_shows=int(c["no_shows"][i]),
                rating=None if rating != rating else rating,
                days_since_last_gig=None if days < 0 else days,
                priority_groups=frozenset({"employment_difficulty"}) if c["priority"][i] else frozenset(),
                area=str(area[i]),
            )
        )
    return result


def posts(
    rng: np.random.Generator, n: int, *, by: str = "city", places_mean: float = 1.0, id_base: int = 1
) -> list[Post]:
    """Open posts: one occupation, a schedule of one or two days, hourly pay, 1 + Poisson places."""
    where = places(rng, n)
    code = rng.integers(0, len(CODES), n)
    schedule = _masks(rng, n, days_per_week=(1, 2))
    hourly = rng.integers(20, 41, n) * 100
    piece = rng.random(n) < 0.1
    count = 1 + rng.poisson(places_mean, n) if places_mean > 0 else np.ones(n, int)
    area = (where.city if by == "city" else where.district).tolist()
    return [
        Post(
            id=id_base + i,
            latitude=float(where.latitude[i]),
            longitude=float(where.longitude[i]),
            occupation=CODES[int(code[i])],
            hourly_fen=None if piece[i] else int(hourly[i]),
            schedule=int(schedule[i]),
            places=int(count[i]),
            area=str(area[i]),
        )
        for i in range(n)
    ]
