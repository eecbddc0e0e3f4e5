"""The worker index's inner loops, compiled with numba: one pass over the rows a query reads.

Why compiled: a query reads about 2,000 rows at 1,000,000 workers. As numpy calls, each step (distance,
each filter, each score part) was a call of a microsecond or more plus a copy of every row read; the
query was those calls, not arithmetic. Here each row is read once, in place, and only the eligible ones
are scored.

The scores are the same floats as ``scoring``'s array functions (and ``reference``'s loops): the same
operations in the same order, in IEEE double precision (numba compiles without ``fastmath``, so nothing
is reordered or fused). The property tests compare every result with ``reference`` exactly.

Compiled on first use and cached on disk (``cache=True``: in ``NUMBA_CACHE_DIR``, which the Django
settings point at the data directory; else ``__pycache__`` beside this file), so only a process's first
query after an upgrade waits for the compiler. ``nogil``: threads serving queries run them side by
side. ``index`` imports this module on its first query, not before (numba costs a process 100 MiB).
"""

from __future__ import annotations

import math
from typing import Any

import numba
import numpy as np

from lingong.matching.engine.layout import (
    BUDGET,
    CODE,
    DAYS_SHIFT,
    GRID_BITS,
    LAT,
    LON,
    MINW,
    MODE_BITS,
    MODE_SHIFT,
    PRIORITY_SHIFT,
    RAT,
    REACH,
    REL,
    RID,
    SLOTS,
)
from lingong.matching.engine.types import KM_PER_DEGREE, SPEED_KMH, TRAVEL_MODES

#: The weights as ``weight_vector`` lays them out.
_TRAVEL, _SKILL, _WAGE, _WAGE_FULL, _RELIABILITY, _RATING, _IDLE, _IDLE_DAYS, _PRIORITY = range(9)
N_PARTS = 6
#: Each travel mode's speed (km/h), by its index in ``TRAVEL_MODES`` (as ``layout``'s ``slots`` holds it).
SPEEDS = np.array([SPEED_KMH[mode] for mode in TRAVEL_MODES])
MODE_MASK = (1 << MODE_BITS) - 1


def weight_vector(weights: Any) -> np.ndarray[Any, np.dtype[np.float64]]:
    """``Weights`` as the float array ``scan`` takes."""
    return np.array(
        [
            weights.travel,
            weights.skill,
            weights.wage,
            weights.wage_full_ratio,
            weights.reliability,
            weights.rating,
            weights.idle,
            weights.idle_days,
            weights.priority,
        ],
        dtype=np.float64,
    )


@numba.njit(cache=True, nogil=True)
def scan(
    packed: Any,
    ints: Any,
    start: Any,
    lengths: Any,
    alive: Any,
    check_alive: bool,
    post_lat: float,
    post_lon: float,
    km_lon: float,
    schedule: int,
    hourly: int,
    code_fit: Any,
    code_rule: Any,
    fit: float,
    w: Any,
    exclude: Any,
    codes: Any,
    check_codes: bool,
) -> Any:
    """The eligible rows among the slices ``start``, ``lengths`` of ``packed`` (``ints``: the same
    memory read as int64): their ids, scores, travel minutes, distances, fit rules and score parts
    (one row per part). ``fit`` < 0: each row's fit is ``code_fit`` of its code; else that fit.
    ``alive`` (if ``check_alive``) is indexed by row; ``exclude``: sorted ids to leave out; if
    ``check_codes``, only rows of ``codes`` are read (the delta's rows are of any code)."""
    total = 0
    for s in range(len(lengths)):
        total += max(lengths[s], 0)
    ids = np.empty(total, np.int64)
    score = np.empty(total, np.float64)
    minutes = np.empty(total, np.float64)
    dist = np.empty(total, np.float64)
    rule = np.empty(total, np.int8)
    parts = np.empty((N_PARTS, total), np.float64)
    n_exclude = len(exclude)
    idle_days = w[_IDLE_DAYS]
    wage_unknown = w[_WAGE] * 0.5
    m = 0
    for s in range(len(lengths)):
        for i in range(start[s], start[s] + lengths[s]):
            dy = (packed[i, LAT] - post_lat) * KM_PER_DEGREE
            dx = (packed[i, LON] - post_lon) * km_lon
            d = math.sqrt(dx * dx + dy * dy)
            if not d <= packed[i, REACH]:
                continue
            slots = ints[i, SLOTS]
            if slots & schedule == 0:
                continue
            minw = ints[i, MINW]
            if hourly >= 0 and minw > hourly:
                continue
            if check_alive and not alive[i]:
                continue
            code = ints[i, CODE]
            if check_codes:
                for c in codes:
                    if c == code:
                        break
                else:
                    continue
            rid = ints[i, RID]
            if n_exclude:
                at = np.searchsorted(exclude, rid)
                if at < n_exclude and exclude[at] == rid:
                    continue
            mins = d / SPEEDS[(slots >> MODE_SHIFT) & MODE_MASK] * 60.0
            travel = (1.0 - mins / packed[i, BUDGET]) * w[_TRAVEL]
            skill = w[_SKILL] * (code_fit[code] if fit < 0 else fit)
            if hourly < 0:
                wage = wage_unknown
            elif minw <= 0:
                wage = 0.5 * w[_WAGE]
            else:
                # scoring.wage_fit_array's operations in its order.
                ratio = float(hourly) / float(minw)
                ratio -= 1.0
                ratio *= 0.5
                ratio /= w[_WAGE_FULL] - 1.0
                ratio += 0.5
                # np.minimum(1.0, ratio): NaN stays NaN.
                wage = (1.0 if ratio > 1.0 else ratio) * w[_WAGE]
            reliability = w[_RELIABILITY] * packed[i, REL]
            rating = w[_RATING] * packed[i, RAT]
            days = (slots >> DAYS_SHIFT) - 1
            idle = idle_days <= 0 or days < 0 or days >= idle_days
            fairness = (w[_IDLE] if idle else 0.0) + (w[_PRIORITY] if (slots >> PRIORITY_SHIFT) & 1 else 0.0)
            ids[m] = rid
            score[m] = travel + skill + wage + reliability + rating + fairness
            minutes[m] = mins
            dist[m] = d
            rule[m] = code_rule[code]
            parts[0, m] = travel
            parts[1, m] = skill
            parts[2, m] = wage
            parts[3, m] = reliability
            parts[4, m] = rating
            parts[5, m] = fairness
            m += 1
    return ids[:m], score[:m], minutes[:m], dist[:m], rule[:m], parts[:, :m]


@numba.njit(cache=True, nogil=True)
def _row_at(row_keys: Any, key: int, lo: int) -> int:
    """The first position at or after ``lo`` whose row key is at least ``key`` (``row_keys`` ends with
    a sentinel above every key): a few steps forward from a nearby ``lo``, else a binary search."""
    n = len(row_keys)
    if lo > 0:
        for _ in range(4):
            if row_keys[lo] >= key:
                return lo
            lo += 1
    hi = n - 1  # the sentinel is above every key
    while lo < hi:
        mid = (lo + hi) >> 1
        if row_keys[mid] < key:
            lo = mid + 1
        else:
            hi = mid
    return lo


@numba.njit(cache=True, nogil=True)
def _slice_start(row_keys: Any, rows: Any, starts: Any, shift: int, bound: int, upper: bool, at: int) -> Any:
    """``_Store.locate`` for one bound: the first main row at or past it, and the position of its grid
    row in ``row_keys`` (to start the next search from)."""
    at = _row_at(row_keys, bound >> GRID_BITS, at)
    cell = bound - rows[at, 0]
    if shift:
        if upper:
            cell += (1 << shift) - 1
        cell >>= shift
    cell = min(max(cell, 0), rows[at, 2])
    return starts[rows[at, 1] + cell], at


@numba.njit(cache=True, nogil=True)
def circle_slices(
    row_keys: Any,
    rows: Any,
    starts: Any,
    shift: int,
    keys: Any,
    key_shift: int,
    span: int,
    radius: Any,
    cell_km: Any,
    rows_per_degree: Any,
    columns_per_degree: Any,
    tier_base: Any,
    capped: Any,
    scale: float,
    post_lat: float,
    post_lon: float,
    km_lon: float,
) -> Any:
    """The non-empty slices (first rows and lengths) of the sorted main columns to read for a query:
    per key, tier and grid row within the tier's reach of the post, the grid columns within the reach
    circle on that row. ``WorkerIndex._bounds`` explains the geometry; these are its operations, per
    element, in its order, so the bounds are the same numbers."""
    n_tiers = len(radius)
    # The bounds without the key, per tier and grid row: (lower, one past the upper); none where the
    # circle misses the row.
    lower = np.empty(n_tiers * span, np.int64)
    upper = np.empty(n_tiers * span, np.int64)
    b = 0
    for t in range(n_tiers):
        r = radius[t]
        if scale < 1.0 and not capped[t]:
            r = r * scale
        radius_cells = r / cell_km[t]
        radius2 = r * r
        at = post_lat * rows_per_degree[t]
        first_row = math.floor(at - radius_cells)
        factor = columns_per_degree[t] / km_lon
        middle = post_lon * columns_per_degree[t]
        for j in range(span):
            row = first_row + float(j)
            gap = max(row - at, (at - 1.0) - row)
            gap = max(gap, 0.0) * cell_km[t]
            chord2 = radius2 - gap * gap
            if chord2 < 0.0:
                continue  # the circle misses this row
            half = math.sqrt(chord2) * factor
            offset = row * float(1 << GRID_BITS) + tier_base[t]
            lower[b] = int(math.floor(middle - half) + offset)
            upper[b] = int(math.floor(middle + half) + offset + 1.0)
            b += 1
    start = np.empty(len(keys) * b, np.int64)
    length = np.empty(len(keys) * b, np.int64)
    m = 0
    for key in keys:
        base = key << key_shift
        # Row keys ascend with (key, tier, grid row), as these bounds do: each search starts from the last.
        position = 0
        for i in range(b):
            lo, position = _slice_start(row_keys, rows, starts, shift, base + lower[i], False, position)
            hi, position = _slice_start(row_keys, rows, starts, shift, base + upper[i], True, position)
            if hi > lo:
                start[m] = lo
                length[m] = hi - lo
                m += 1
    return start[:m], length[:m]


@numba.njit(cache=True, nogil=True)
def locate(row_keys: Any, rows: Any, starts: Any, shift: int, bounds: Any) -> Any:
    """``_Store.locate``: the slices ``[lo, hi)`` of each pair of ``bounds`` (all the lower bounds, then
    all the upper ones), as first rows and lengths, found in the table of slice starts (``_Slices``)."""
    m = len(bounds) // 2
    start = np.empty(m, np.int64)
    length = np.empty(m, np.int64)
    for i in range(m):
        lo, _ = _slice_start(row_keys, rows, starts, shift, bounds[i], False, 0)
        hi, _ = _slice_start(row_keys, rows, starts, shift, bounds[m + i], True, 0)
        start[i] = lo
        length[i] = hi - lo
    return start, length
