"""Indexes of workers and of open posts: top-k in a millisecond, kept current one record at a time.

Layout (why it is fast): one row per (record, occupation code), in numpy columns sorted by a composite
key (occupation key, reach tier, grid row, grid column). The occupation key is the code itself for
workers (the exactly fitting codes are read first, the related ones only if they can still make the
top k: a branch and bound, ``WorkerIndex._gather``) and the code's minor group for posts, so a query
first narrows by occupation (the issue author measured that 3-6x faster than narrowing by place
first), then reads, per key and tier, a few contiguous slices (the grid rows around the point, each cut
to the columns the reach circle crosses on that row), found in a table of slice starts built with the
sorted columns (``_Slices``; the posts' with one ``searchsorted``). Workers sit in reach tiers whose
grid cell is half the tier's longest reach, so a few long-reach drivers do not widen everybody's search.
The fields a query reads are packed side by side (a worker's row: ten 8-byte fields, ``layout``), and
the workers' rows are read where they lie by compiled loops (``kernels``, imported on the first query).

Changes go to a small unsorted delta (scanned in full by each query) and tombstones; when the delta is
full it is merged into the sorted columns (the delta sorted and placed among them; amortised over the
delta's capacity).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Collection, Iterable, Sequence
from dataclasses import fields
from types import ModuleType
from typing import Any, NamedTuple, cast

import numpy as np
import numpy.typing as npt

from lingong.matching.engine import layout, scoring
from lingong.matching.engine.types import (
    DEFAULT_WEIGHTS,
    KM_PER_DEGREE,
    MAX_REACH_KM,
    NO_RELATIONS,
    SPEED_KMH,
    TRAVEL_MODES,
    Fit,
    Match,
    Post,
    Relations,
    ScoreParts,
    Weights,
    Worker,
    WorkerColumns,
    code_fit,
    km_per_degree_longitude,
    minor_group,
    skill_fit,
)

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]

#: Reach tiers (km): a worker whose reach is at most ``TIERS_KM[t]`` (and above the previous) is in tier t.
#: The bounds are the reaches of the usual (mode, 15/30/60 minutes) pairs, so most workers sit on one.
TIERS_KM = (1.125, 1.5, 2.25, 3.0, 4.5, 6.25, 9.0, 12.5, 18.0, 25.0, 35.0, MAX_REACH_KM)
#: A tier's grid cell is this fraction of its reach: smaller cells read less beyond the reach circle
#: (a box of 2.5 x 2.5 reaches on average instead of 3 x 3) for a few more slices per query.
_CELL_FRACTION = 0.5
#: The posts' grid cell (km); a worker's query reads the cells within their reach.
POST_CELL_KM = 4.0
#: A cell's width in degrees of longitude is its size at 55° N, so it covers that size anywhere in China.
_COS_MAX_LAT = math.cos(math.radians(55.0))
_GRID_BITS = layout.GRID_BITS
_GRID_OFFSET = 1 << (_GRID_BITS - 1)
_TIER_BITS = 4
_TIERS = np.asarray(TIERS_KM)
_TIER_IDS = np.arange(len(TIERS_KM), dtype=np.int64)
_CELLS = _TIERS * _CELL_FRACTION
#: Bounds are widened by this factor so a worker at exactly the reach is never lost to rounding.
_MARGIN = 1.0 + 1e-9
_FIT_RULES: tuple[Fit, ...] = ("exact", "related", "learned")
#: Grid rows a query may need per tier: a span of 2 reaches is 2 / _CELL_FRACTION cells, so at most one
#: row more (and one spare).
_SPAN = int(2 / _CELL_FRACTION) + 2


class _TierGrid(NamedTuple):
    """A query's grid constants for some tiers (``kernels.circle_slices``), one element per tier: the
    reach (widened by the margin) and the grid cell in km, the grid scales as ``_cell`` computes them,
    the tier's field of the composite key plus the grid offsets of the row and column, and whether the
    tier's reach is capped (``MAX_REACH_KM``: its workers' travel time is not bounded by their reach,
    so ``_gather`` never shrinks its circle)."""

    radius: F64
    cell_km: F64
    rows_per_degree: F64
    columns_per_degree: F64
    tier_base: F64
    capped: npt.NDArray[np.bool_]


@functools.cache
def _tier_grid(tiers: tuple[int, ...]) -> _TierGrid:
    t = np.asarray(tiers, dtype=np.int64)
    cell_km = _CELLS[t]
    base = (t << (2 * _GRID_BITS)) + (_GRID_OFFSET << _GRID_BITS) + _GRID_OFFSET
    return _TierGrid(
        radius=_TIERS[t] * _MARGIN,
        cell_km=cell_km,
        rows_per_degree=KM_PER_DEGREE / cell_km,
        columns_per_degree=KM_PER_DEGREE * _COS_MAX_LAT / cell_km,
        tier_base=base.astype(np.float64),
        capped=_TIERS[t] >= MAX_REACH_KM,
    )


#: The exactly fitting codes are read first, the others after only if they can still make the top k,
#: when the first read has at least this many rows per worker asked for; with fewer, the k-th best is
#: seldom high enough to skip the others, and one pass over every code costs less than two.
_ROUNDS_MIN_ROWS = 50
_PLAN_CACHE_SIZE = 4096
#: Scores are compared with bounds computed in floating point: a bound is raised by this much (relative)
#: so that rounding never prunes a row that could tie.
_BOUND_SLACK = 1e-9


class _WorkerPlan(NamedTuple):
    """What a post's code asks of the worker index: the codes to read, grouped by fit (best first), and
    the fit and rule of every code id (0 and -1 where it does not fit)."""

    groups: tuple[tuple[I64, float], ...]
    fit: F64
    rule: npt.NDArray[np.int8]


def _cell(latitude: float | F64, longitude: float | F64, size_km: float | F64) -> tuple[Any, Any]:
    cy = np.floor(np.asarray(latitude) * (KM_PER_DEGREE / size_km)).astype(np.int64) + _GRID_OFFSET
    cx = (
        np.floor(np.asarray(longitude) * (KM_PER_DEGREE * _COS_MAX_LAT / size_km)).astype(np.int64)
        + _GRID_OFFSET
    )
    return cy, cx


def _compose(key: Any, tier: Any, cy: Any, cx: Any) -> Any:
    return ((key << _TIER_BITS | tier) << _GRID_BITS | cy) << _GRID_BITS | cx


class _Catalogue:
    """Occupation codes and their keys (minor groups) seen so far, as small integers."""

    def __init__(self) -> None:
        self.codes: list[str] = [""]  # code 0 and key 0: no occupation, never matched
        self.code_ids: dict[str, int] = {"": 0}
        self.code_key: list[int] = [0]
        self.keys: list[str] = [""]
        self.key_ids: dict[str, int] = {"": 0}
        self.codes_by_key: dict[int, list[int]] = {0: [0]}

    def code(self, code: str) -> int:
        found = self.code_ids.get(code)
        if found is not None:
            return found
        key = minor_group(code)
        key_id = self.key_ids.get(key)
        if key_id is None:
            key_id = self.key_ids[key] = len(self.keys)
            self.keys.append(key)
            self.codes_by_key[key_id] = []
        code_id = self.code_ids[code] = len(self.codes)
        self.codes.append(code)
        self.code_key.append(key_id)
        self.codes_by_key[key_id].append(code_id)
        return code_id


def _pack(columns: dict[str, Any], names: Sequence[str]) -> F64:
    """``columns[names]`` side by side in one float64 matrix; integer (and bool) columns are stored as
    int64 bit patterns, read back exactly through ``.view(np.int64)``."""
    n = len(columns[names[0]])
    packed = np.empty((n, len(names)))
    ints = packed.view(np.int64)
    for j, name in enumerate(names):
        if columns[name].dtype.kind == "f":
            packed[:, j] = columns[name]
        else:
            ints[:, j] = columns[name]
    return packed


#: The least ``_Slices.shift``: 0 (exact slices) but in the tests of coarse ones.
_SLICE_SHIFT_MIN = 0


class _Slices(NamedTuple):
    """Where each grid row's cells start in a store's sorted main columns, so ``_Store.locate`` finds a
    slice bound with one lookup in a small table instead of a binary search of the whole key column (its
    last steps were cache misses, 30-40 µs of a query at 1,000,000 workers).

    One row of ``rows`` per grid row present (composite key without the column): its first key, the
    offset of its cells in ``starts`` and its last cell there; then a sentinel row past every key.
    ``starts[offset + j]`` is the first main row of the grid row whose column is at least its first column
    plus ``j << shift``. ``shift`` is 0 (exact bounds) unless the cells between a row's first and last
    column would outnumber the main rows: then each entry stands for ``1 << shift`` columns and a slice
    may hold a few rows beyond the circle, which the distance filter drops."""

    row_keys: I64
    rows: I64
    starts: I64
    shift: int


def _slices(skey: I64) -> _Slices:
    """The ``_Slices`` of the sorted keys ``skey``."""
    n = len(skey)
    # (Temporaries of the keys' size are freed or reused as soon as they can be: this runs beside the
    # index it replaces, in a merge too.)
    row_key = skey >> _GRID_BITS
    firsts = np.flatnonzero(np.concatenate([[True], row_key[1:] != row_key[:-1]])[:n])
    first_keys = row_key[firsts]
    del row_key
    counts = np.diff(np.concatenate([firsts, [n]]))
    lasts = firsts + counts - 1
    column = skey & ((1 << _GRID_BITS) - 1)
    first_column = column[firsts]
    width = column[lasts] - first_column
    # The finest step whose table stays within the rows' count (plus a few cells per grid row).
    shift = _SLICE_SHIFT_MIN
    while shift < _GRID_BITS and int(((width >> shift) + 2).sum()) > n + 8 * len(firsts):
        shift += 1
    last_cell = (width >> shift) + 1
    offsets = np.concatenate([[0], np.cumsum(last_cell + 1)]).astype(np.int64)
    total = int(offsets[-1])
    # Main row i sits in its grid row's cell (column - first column) >> shift; the first main row at or
    # past each table entry is the slice start it stands for (a grid row's last entry: the next row's first).
    at = column
    at -= np.repeat(first_column, counts)
    at >>= shift
    at += np.repeat(offsets[:-1], counts)
    starts = np.empty(total + 1, np.int64)
    starts[:total] = np.searchsorted(at, np.arange(total, dtype=np.int64))
    starts[total] = n
    del at, column
    # The sentinel row: after every key a query can ask for, one cell holding the end of the columns.
    sentinel = 1 << 62
    rows = np.empty((len(firsts) + 1, 3), np.int64)
    rows[:-1, 0] = skey[firsts]
    rows[:-1, 1] = offsets[:-1]
    rows[:-1, 2] = last_cell
    rows[-1] = (sentinel, total, 0)
    row_keys = np.concatenate([first_keys, [sentinel >> _GRID_BITS]]).astype(np.int64)
    return _Slices(row_keys, rows, starts, shift)


class _Main(NamedTuple):
    """A store's main columns, built and ready to install."""

    main: dict[str, Any]
    packed: F64
    rid_order: I64
    rid_sorted: I64
    live: int
    slices: _Slices


class _Store:
    """Rows sorted by ``skey`` plus an unsorted delta; rows of one record share its ``rid``."""

    def __init__(self, dtypes: dict[str, Any], delta_capacity: int, packed: Sequence[str] = ()) -> None:
        self.dtypes = dtypes
        self.packed_names = tuple(packed)
        self.packed: F64 = np.empty((0, len(self.packed_names)))
        self.capacity = delta_capacity
        self.main: dict[str, Any] = {name: np.empty(0, dtype) for name, dtype in dtypes.items()}
        self.main_alive = np.empty(0, bool)
        self.rid_order: I64 = np.empty(0, np.int64)
        self.rid_sorted: I64 = np.empty(0, np.int64)
        self.delta: dict[str, Any] = {name: np.empty(delta_capacity, dtype) for name, dtype in dtypes.items()}
        self.delta_alive = np.zeros(delta_capacity, bool)
        #: The delta's ``packed_names`` fields side by side too, so a query scans the delta in place.
        self.delta_packed: F64 = np.zeros((delta_capacity, len(self.packed_names)))
        self._packed_floats = [
            (j, name) for j, name in enumerate(self.packed_names) if np.dtype(dtypes[name]).kind == "f"
        ]
        self._packed_ints = [
            (j, name) for j, name in enumerate(self.packed_names) if np.dtype(dtypes[name]).kind != "f"
        ]
        self.n_delta = 0
        self.delta_rows: dict[int, list[int]] = {}
        self.live = 0

    def load(
        self, columns: dict[str, Any], live: int, *, presorted: bool = False, packed: F64 | None = None
    ) -> None:
        """Replace the main columns; ``packed``: the ``packed_names`` columns already packed (and sorted),
        then ``columns`` holds only the others."""
        self.install(self.built(columns, live, presorted=presorted, packed=packed))

    def built(
        self, columns: dict[str, Any], live: int, *, presorted: bool = False, packed: F64 | None = None
    ) -> _Main:
        """The main columns ``load`` would install, built without changing this store (readers may go on
        reading it meanwhile)."""
        if packed is not None:
            main = {
                name: np.asarray(columns[name], dtype=dtype)
                for name, dtype in self.dtypes.items()
                if name not in self.packed_names
            }
        elif presorted:
            main = {name: np.asarray(columns[name], dtype=dtype) for name, dtype in self.dtypes.items()}
        else:
            order = np.argsort(columns["skey"], kind="stable")
            main = {
                name: np.ascontiguousarray(columns[name][order], dtype=dtype)
                for name, dtype in self.dtypes.items()
            }
        if packed is None and self.packed_names:
            packed = _pack(main, self.packed_names)
        if packed is None:
            packed = self.packed  # no packed columns: the (empty) array stays
        else:
            # These columns side by side (``_pack``): a query reads the fields of a row from one or two
            # cache lines instead of one per column, which was most of its time at 1,000,000 rows.
            # ``main`` keeps them as (strided) views of their dtype.
            ints = packed.view(np.int64)
            for j, name in enumerate(self.packed_names):
                main[name] = (packed if np.dtype(self.dtypes[name]).kind == "f" else ints)[:, j]
        rid_order = np.argsort(main["rid"], kind="stable")
        return _Main(main, packed, rid_order, main["rid"][rid_order], live, _slices(main["skey"]))

    def install(self, built: _Main) -> None:
        """Make ``built`` the main columns, with an empty delta: a few assignments, so a reader holding
        the index's lock waits microseconds, not the second a merge takes at a million rows."""
        self.main = built.main
        self.packed = built.packed
        self.main_alive = np.ones(len(self.main["skey"]), bool)
        self.main_clean = True  # no tombstone in the main columns: queries skip the alive check
        self.rid_order = built.rid_order
        self.rid_sorted = built.rid_sorted
        self.slices = built.slices
        self.delta_alive[:] = False
        self.n_delta = 0
        self.delta_rows = {}
        self.live = built.live

    def merge(self) -> None:
        self.install(self.merged())

    def merged(self) -> _Main:
        """The delta merged into the main columns, built without changing this store (see ``built``)."""
        n = self.n_delta
        keep = self.delta_alive[:n]
        if not self.packed_names:
            columns = {
                name: np.concatenate([self.main[name][self.main_alive], self.delta[name][:n][keep]])
                for name in self.dtypes
            }
            return self.built(columns, self.live)
        # The main rows are sorted already and the delta is small: place each delta row (sorted, stable)
        # after the main rows with a key <= its own, as a stable sort of (main, delta) would, and copy
        # the alive main rows around them in runs of contiguous slices, cut at each tombstone and each
        # inserted row. Every array here but the result is of the delta's or the tombstones' size: a
        # merge at 1,000,000 workers needs the new columns and little more.
        delta = {name: self.delta[name][:n][keep] for name in self.dtypes}
        order = np.argsort(delta["skey"], kind="stable")
        delta = {name: values[order] for name, values in delta.items()}
        m = len(order)
        n_main = len(self.main_alive)
        dead = np.flatnonzero(~self.main_alive)
        # Each delta row follows the main rows with a key <= its own (``after`` of them), less the
        # tombstones among those, and the delta rows before it.
        after = np.searchsorted(self.main["skey"], delta["skey"], "right")
        delta_at = after - np.searchsorted(dead, after) + np.arange(m)
        total = n_main - len(dead) + m
        packed = np.empty((total, len(self.packed_names)))
        packed[delta_at] = _pack(delta, self.packed_names)
        others = [name for name in self.dtypes if name not in self.packed_names]
        columns = {name: np.empty(total, self.dtypes[name]) for name in others}
        for name in others:
            columns[name][delta_at] = delta[name]
        # Runs of main rows: a tombstone is a run of its own (skipped), the others hold none.
        cuts = np.unique(np.concatenate([[0, n_main], dead, dead + 1, after]))
        first, size = cuts[:-1], np.diff(cuts)
        alive = self.main_alive[first]
        first, size = first[alive], size[alive]
        target = first - np.searchsorted(dead, first) + np.searchsorted(after, first, "right")
        main = [self.main[name] for name in others]
        for source, length, into_at in zip(first.tolist(), size.tolist(), target.tolist(), strict=True):
            packed[into_at : into_at + length] = self.packed[source : source + length]
            for into, values in zip(columns.values(), main, strict=True):
                into[into_at : into_at + length] = values[source : source + length]
        return self.built(columns, self.live, presorted=True, packed=packed)

    def kill(self, rid: int) -> bool:
        found = False
        lo, hi = np.searchsorted(self.rid_sorted, (rid, rid + 1))
        if hi > lo:
            rows = self.rid_order[lo:hi]
            found = bool(self.main_alive[rows].any())
            self.main_alive[rows] = False
            self.main_clean = False
        delta = self.delta_rows.pop(rid, None)
        if delta is not None:
            self.delta_alive[delta] = False
            found = True
        if found:
            self.live -= 1
        return found

    def add(self, rid: int, rows: Sequence[dict[str, Any]]) -> None:
        if self.n_delta + len(rows) > self.capacity:
            self.merge()
        positions = []
        for row in rows:
            i = self.n_delta
            for name, value in row.items():
                self.delta[name][i] = value
            if self.packed_names:
                packed = self.delta_packed[i]
                ints = packed.view(np.int64)
                for j, name in self._packed_floats:
                    packed[j] = row[name]
                for j, name in self._packed_ints:
                    ints[j] = row[name]
            self.delta_alive[i] = True
            positions.append(i)
            self.n_delta += 1
        self.delta_rows[rid] = positions
        self.live += 1

    def main_ranges(self, lo: I64, hi: I64) -> I64:
        """Rows of the main columns with ``lo <= skey <= hi`` for each pair of bounds, alive only."""
        start = np.searchsorted(self.main["skey"], lo, "left")
        stop = np.searchsorted(self.main["skey"], hi, "right")
        lengths = np.maximum(stop - start, 0)  # lo > hi marks an unused slot
        total = int(lengths.sum())
        if total == 0:
            return np.empty(0, np.int64)
        ends = np.cumsum(lengths)
        idx = np.arange(total, dtype=np.int64) + np.repeat(start - (ends - lengths), lengths)
        return idx[self.main_alive[idx]]

    def locate(self, bounds: I64) -> tuple[I64, I64]:
        """The main columns' slices ``[lo, hi)`` for each pair of ``bounds`` (all the ``lo``, then all the
        ``hi``, as composite keys): their first rows and lengths (``kernels.locate``)."""
        slices = self.slices
        found = _kernels().locate(slices.row_keys, slices.rows, slices.starts, slices.shift, bounds)
        return cast(tuple[I64, I64], found)

    def delta_in_keys(self, keys: I64) -> I64:
        n = self.n_delta
        if n == 0:
            return np.empty(0, np.int64)
        hit = self.delta_alive[:n] & np.isin(self.delta["key"][:n], keys)
        return np.flatnonzero(hit)


_WORKER_COLUMNS: dict[str, Any] = {
    "skey": np.int64,
    "rid": np.int64,
    "code": np.int64,
    "lat": np.float64,
    "lon": np.float64,
    "budget": np.float64,
    "reach": np.float64,
    "slots": np.int64,
    "minw": np.int64,
    "rel": np.float64,
    "rat": np.float64,
}


#: The worker columns a query reads, packed side by side (``_Store.packed``; ``layout``).
_PACKED = layout.PACKED


def _slots(availability: Any, priority: Any, mode: Any, days: Any) -> Any:
    """The availability mask, the priority flag (0 or 1), the travel mode (its index in
    ``TRAVEL_MODES``) and the days since the last gig (-1: never) in one int64 (``layout``)."""
    return (
        availability
        | (priority << layout.PRIORITY_SHIFT)
        | (mode << layout.MODE_SHIFT)
        | ((days + 1) << layout.DAYS_SHIFT)
    )


def _top(
    score: F64,
    minutes: F64,
    ids: I64,
    rule: npt.NDArray[np.int8],
    k: int,
    per_id: int,
    cut: float | None = None,
) -> I64:
    """Positions of the best ``k`` distinct ids: score desc, minutes asc, id asc (ids repeat at most
    ``per_id`` times, so the best ``k * per_id`` rows, ties at the cut included, hold them). ``cut``:
    that many-th best score if already known (``_kth_floor``)."""
    n = len(score)
    if k <= 0 or n == 0:
        return np.empty(0, np.int64)
    m = k * per_id
    if n > m:
        if cut is None:
            part = score.copy()
            part.partition(n - m)
            cut = float(part[n - m])
        pos = (score >= cut).nonzero()[0]
    else:
        pos = np.arange(n)
    if per_id == 1:
        return pos[np.lexsort((ids.take(pos), minutes.take(pos), -score.take(pos)))][:k]
    # The rule only orders two rows of one worker with equal scores (exact before related before learned).
    pos = pos[np.lexsort((rule.take(pos), ids.take(pos), minutes.take(pos), -score.take(pos)))]
    # Each id's first row in that order is its best: keep those, in order.
    chosen: list[int] = []
    seen: set[int] = set()
    for p, rid in zip(pos.tolist(), ids.take(pos).tolist(), strict=True):
        if rid not in seen:
            seen.add(rid)
            chosen.append(p)
            if len(chosen) == k:
                break
    return np.asarray(chosen, dtype=np.int64)


class _Merging:
    """What both indexes do the same on their ``_store``: membership by id (``remove``, ``in``, ``len``),
    and merging the delta ahead of time, in two steps, so a threaded caller can build the merged columns
    while readers keep querying and hold its lock only for the swap."""

    _store: _Store

    def remove(self, rid: int) -> bool:
        """Drop the worker or post with this id (a post closed, filled, withdrawn); ``False`` if it was
        not there."""
        return self._store.kill(rid)

    def __len__(self) -> int:
        return self._store.live

    def __contains__(self, rid: object) -> bool:
        if not isinstance(rid, int | np.integer):
            return False
        rid = int(rid)
        store = self._store
        if rid in store.delta_rows:
            return True
        lo, hi = np.searchsorted(store.rid_sorted, (rid, rid + 1))
        return bool(store.main_alive[store.rid_order[lo:hi]].any())

    def merge_ahead(self, headroom: int) -> _Main | None:
        """When fewer than ``headroom`` delta rows are left, the merged main columns, built without
        changing the index (for ``install_merge``); else None."""
        store = self._store
        if store.n_delta == 0 or store.capacity - store.n_delta >= headroom:
            return None
        return store.merged()

    def install_merge(self, merged: _Main) -> None:
        """Swap in what ``merge_ahead`` built; no update may have come in between."""
        self._store.install(merged)


class WorkerIndex(_Merging):
    """Workers by occupation key, reach tier and position: ``top_workers(post, k)`` and ``candidates``.

    ``relations`` (learned relatedness) belongs to the index: replace it with ``set_relations``.
    """

    def __init__(
        self,
        workers: Iterable[Worker] = (),
        *,
        relations: Relations = NO_RELATIONS,
        delta_capacity: int = 4096,
    ) -> None:
        self.relations = relations
        self._catalogue = _Catalogue()
        self._store = _Store(_WORKER_COLUMNS, delta_capacity, _PACKED)
        self._plans: dict[tuple[str, float, float], _WorkerPlan] = {}
        self._per_id = 1
        #: The reach tiers some worker is (or was) in, ascending.
        self._tiers: tuple[int, ...] = ()
        unique = {w.id: w for w in workers}
        rows = [row for w in unique.values() for row in self._rows(w)]
        columns = {
            name: np.array([r[name] for r in rows], dtype=dtype) for name, dtype in _WORKER_COLUMNS.items()
        }
        self._store.load(columns, len(unique))

    @classmethod
    def from_columns(
        cls, columns: WorkerColumns, *, relations: Relations = NO_RELATIONS, delta_capacity: int = 4096
    ) -> WorkerIndex:
        """The fast bulk build (1,000,000 workers in about a second); ids must be unique."""
        index = cls(relations=relations, delta_capacity=delta_capacity)
        # Each temporary goes as soon as it is used and the packed fields are gathered straight from the
        # caller's columns: a build from the database must stay within its memory budget (500 MiB).
        ids = np.asarray(columns.id, dtype=np.int64)
        n = len(ids)
        ordered = np.sort(ids)
        if n > 1 and not (ordered[1:] != ordered[:-1]).all():
            raise ValueError("worker ids are not unique")
        del ordered
        lat = np.asarray(columns.latitude, dtype=np.float64)
        lon = np.asarray(columns.longitude, dtype=np.float64)
        if not (np.isfinite(lat).all() and np.isfinite(lon).all() and (np.abs(lat) <= 55).all()):
            raise ValueError("bad positions")
        mode = np.asarray(columns.travel_mode)
        speed_of = np.array([SPEED_KMH[m] for m in TRAVEL_MODES])
        budget = np.asarray(columns.travel_minutes, dtype=np.float64)
        if not (budget > 0).all():
            raise ValueError("travel minutes must be positive")
        reach = np.minimum(budget / 60.0 * speed_of[mode], MAX_REACH_KM)
        occ_rows = np.asarray(columns.occupation_rows, dtype=np.int64)
        catalogue = index._catalogue
        code_map = np.array([catalogue.code(c) for c in columns.codes] or [0], dtype=np.int64)
        occ_codes = code_map[np.asarray(columns.occupation_codes)]
        # One row per (worker, code), as ``_rows`` keeps: a query that reads one code then sees each
        # worker at most once.
        # (np.unique hashes: seconds at 1,000,000 rows; pairs usually come sorted, checked in one pass.)
        pairs = occ_rows * (len(catalogue.codes) + 1) + occ_codes
        if len(pairs) > 1 and not (pairs[1:] > pairs[:-1]).all():
            pairs = np.sort(pairs)
            pairs = pairs[np.concatenate([[True], pairs[1:] != pairs[:-1]])]
            occ_rows, occ_codes = np.divmod(pairs, len(catalogue.codes) + 1)
        del pairs
        # Workers with no occupation keep one row under key 0, so they are known but never matched.
        has_code = np.zeros(n, bool)
        has_code[occ_rows] = True
        bare = np.flatnonzero(~has_code)
        del has_code
        rows = np.concatenate([occ_rows, bare])
        codes = np.concatenate([occ_codes, np.zeros(len(bare), np.int64)])
        del occ_rows, occ_codes, bare
        tier = np.searchsorted(np.asarray(TIERS_KM), reach, "left")
        cy = np.empty(n, np.int64)
        cx = np.empty(n, np.int64)
        for t, size in enumerate(TIERS_KM):
            sel = tier == t
            cy[sel], cx[sel] = _cell(lat[sel], lon[sel], size * _CELL_FRACTION)
        index._tiers = tuple(np.flatnonzero(np.bincount(tier, minlength=len(TIERS_KM))).tolist())
        # Rows are keyed by the code itself (not its minor group), so a query reads the exactly fitting
        # codes first and the related ones only when they could still make the top k.
        skey = _compose(codes, tier[rows], cy[rows], cx[rows])
        del tier, cy, cx
        index._per_id = max(1, int(np.bincount(rows).max(initial=1)))
        order = np.argsort(skey, kind="stable")
        skey = skey[order]
        codes = codes[order]
        picked = rows[order]
        del rows, order

        # The packed columns are written in place, one column at a time, each gathered straight from the
        # caller's column (derived ones computed on the gathered rows: the same element-wise operations as
        # on the whole columns), so the process never holds every column twice.
        own = {"rid": ids, "lat": lat, "lon": lon, "budget": budget, "reach": reach}
        theirs = {"minw": columns.min_hourly_fen}
        packed = np.empty((len(picked), len(_PACKED)))
        ints = packed.view(np.int64)
        for j, name in enumerate(_PACKED):
            if name == "code":
                values = codes
            elif name == "slots":
                values = _slots(
                    np.asarray(columns.availability)[picked].astype(np.int64),
                    np.asarray(columns.priority)[picked].astype(np.int64),
                    mode[picked].astype(np.int64),
                    np.asarray(columns.days_since_last_gig)[picked].astype(np.int64),
                )
            elif name == "rel":
                values = scoring.reliability_fit_array(
                    np.asarray(columns.completed)[picked].astype(np.int64),
                    np.asarray(columns.no_shows)[picked].astype(np.int64),
                )
            elif name == "rat":
                values = scoring.rating_fit_array(np.asarray(columns.rating, dtype=np.float64)[picked])
            elif name in own:
                values = own[name][picked]
            else:
                values = np.asarray(theirs[name])[picked]
            (packed if values.dtype.kind == "f" else ints)[:, j] = values
            del values
        del own, picked, reach, budget, codes
        out = {"skey": skey}
        index._store.load(out, n, presorted=True, packed=packed)
        return index

    # --- keeping current ---

    def set_relations(self, relations: Relations) -> None:
        self.relations = relations
        self._plans.clear()

    def _rows(self, worker: Worker) -> list[dict[str, Any]]:
        reach = worker.reach_km
        tier = int(np.searchsorted(np.asarray(TIERS_KM), reach, "left"))
        cy, cx = _cell(worker.latitude, worker.longitude, TIERS_KM[tier] * _CELL_FRACTION)
        n_before = len(self._catalogue.codes)
        codes = [self._catalogue.code(c) for c in dict.fromkeys(worker.occupations)] or [0]
        if len(self._catalogue.codes) != n_before:
            self._plans.clear()
        self._per_id = max(self._per_id, len(codes))
        if tier not in self._tiers:
            self._tiers = tuple(sorted({*self._tiers, tier}))
        common = {
            "rid": worker.id,
            "lat": worker.latitude,
            "lon": worker.longitude,
            "budget": worker.travel_minutes,
            "reach": reach,
            "slots": _slots(
                worker.availability,
                int(bool(worker.priority_groups)),
                TRAVEL_MODES.index(worker.travel_mode),
                -1 if worker.days_since_last_gig is None else worker.days_since_last_gig,
            ),
            "minw": worker.min_hourly_fen or 0,
            "rel": scoring.reliability_fit(worker.completed, worker.no_shows),
            "rat": scoring.rating_fit(worker.rating),
        }
        rows = []
        for code in codes:
            rows.append({**common, "code": code, "skey": int(_compose(code, tier, int(cy), int(cx)))})
        return rows

    @staticmethod
    def rows_needed(workers: Iterable[Worker]) -> int:
        """How many delta rows upserting ``workers`` takes (one per distinct code, one if none), for a
        caller that merges ahead (``merge_ahead``) before applying them."""
        return sum(max(1, len(set(w.occupations))) for w in workers)

    def upsert(self, worker: Worker) -> None:
        """Add the worker, or replace the one with the same id."""
        self._store.kill(worker.id)
        self._store.add(worker.id, self._rows(worker))

    # --- queries ---

    def _plan(self, post_code: str, weights: Weights) -> _WorkerPlan:
        """The codes to read for a post's code, by fit, and the fit (and rule) of every code."""
        cache_key = (post_code, weights.related_fit, weights.learned_fit)
        plan = self._plans.get(cache_key)
        if plan is not None:
            return plan
        catalogue = self._catalogue
        wanted = {minor_group(post_code)}
        wanted.update(post_code[:i] for i, ch in enumerate(post_code) if ch == "-" and i < 7)
        wanted.update(minor_group(c) for c in self.relations.worker_codes_for(post_code))
        keys = sorted(catalogue.key_ids[k] for k in wanted if k in catalogue.key_ids and k)
        fit = np.zeros(len(catalogue.codes))
        rule = np.full(len(catalogue.codes), -1, np.int8)
        by_fit: dict[float, list[int]] = {}
        for key in keys:
            for code in catalogue.codes_by_key[key]:
                value, name = code_fit(catalogue.codes[code], post_code, weights, self.relations)
                if name is not None and value > 0:
                    fit[code] = value
                    rule[code] = _FIT_RULES.index(name)
                    by_fit.setdefault(value, []).append(code)
        groups = tuple(
            (np.asarray(sorted(codes), dtype=np.int64), value)
            for value, codes in sorted(by_fit.items(), reverse=True)
        )
        plan = _WorkerPlan(groups, fit, rule)
        if len(self._plans) >= _PLAN_CACHE_SIZE:
            self._plans.clear()
        self._plans[cache_key] = plan
        return plan

    def _slices_in_reach(self, post: Post, keys: I64, scale: float = 1.0) -> tuple[I64, I64]:
        """The non-empty slices of the main columns to read (first rows and lengths): per key, tier and
        grid row within the tier's reach of the post, the grid columns within the reach circle on that
        row. ``scale`` < 1 shrinks the circles (but the capped tier's, whose workers' travel time is not
        bounded by their reach).

        A row's columns are those of the circle's half chord at the row's latitude nearest the post, so
        the slices follow the circle instead of its bounding box; each tier has ``_SPAN`` candidate grid
        rows. The margin in the reach (1e-9 of it) dwarfs the rounding. Only the tiers some worker is in
        (``_tiers``) are read: the others' slices would all be empty."""
        grid = _tier_grid(self._tiers)
        slices = self._store.slices
        return cast(
            tuple[I64, I64],
            _kernels().circle_slices(
                slices.row_keys,
                slices.rows,
                slices.starts,
                slices.shift,
                keys,
                _TIER_BITS + 2 * _GRID_BITS,
                _SPAN,
                grid.radius,
                grid.cell_km,
                grid.rows_per_degree,
                grid.columns_per_degree,
                grid.tier_base,
                grid.capped,
                scale,
                post.latitude,
                post.longitude,
                km_per_degree_longitude(post.latitude),
            ),
        )

    def _scan(
        self,
        rows: F64,
        start: I64,
        lengths: I64,
        alive: npt.NDArray[np.bool_] | None,
        post: Post,
        plan: _WorkerPlan,
        fit: float | None,
        weights: Weights,
        exclude: I64,
        codes: I64 | None = None,
    ) -> list[Any]:
        """The eligible rows among the slices ``start``, ``lengths`` of ``rows`` (``_PACKED`` fields; of
        codes that fit the post, by ``fit`` or else by ``plan.fit``; only those of ``codes`` if given), as
        the ``_FOUND`` arrays: one compiled pass (``kernels.scan``)."""
        found = _kernels().scan(
            rows,
            rows.view(np.int64),
            start,
            lengths,
            _NO_ALIVE if alive is None else alive,
            alive is not None,
            post.latitude,
            post.longitude,
            km_per_degree_longitude(post.latitude),
            post.schedule,
            -1 if post.hourly_fen is None else post.hourly_fen,
            plan.fit,
            plan.rule,
            -1.0 if fit is None else fit,
            _weight_vector(weights),
            exclude,
            _NO_IDS if codes is None else codes,
            codes is not None,
        )
        return list(found)

    def _gather(
        self, post: Post, weights: Weights, exclude: I64, k: int | None
    ) -> tuple[list[Any], int, float | None]:
        """The ``_FOUND`` arrays of the eligible rows that may make the best ``k`` (every eligible row if
        ``k`` is None), how many rows one worker may have among them, and the (k x that)-th best score
        if it was computed (for ``_top``).

        Branch and bound over the groups of codes, best fit first: a group is read only while its best
        possible score (``_score_bound``) reaches the k-th best found so far, so the related codes are
        read only for posts whose exact fits do not already give k good enough workers."""
        plan = self._plan(post.occupation, weights)
        store = self._store
        groups = plan.groups
        if post.places <= 0 or not groups:
            none = np.empty(0, np.int64)
            return self._scan(store.packed, none, none, None, post, plan, 0.0, weights, exclude), 1, None
        start, lengths = self._slices_in_reach(post, groups[0][0])
        if k is None or (len(groups) > 1 and int(lengths.sum()) < _ROUNDS_MIN_ROWS * max(k, 1)):
            # Every group in one pass: a second pass would cost more than it saves.
            codes = np.concatenate([c for c, _ in groups])
            more = self._slices_in_reach(post, codes[len(groups[0][0]) :])
            start, lengths = np.concatenate([start, more[0]]), np.concatenate([lengths, more[1]])
            found = self._read(start, lengths, codes, None, post, plan, weights, exclude)
            return found, min(self._per_id, len(codes)), None
        pieces = [self._read(start, lengths, groups[0][0], groups[0][1], post, plan, weights, exclude)]
        per_id = min(self._per_id, len(groups[0][0]))
        rest = _score_bound(weights, post.hourly_fen is not None)
        cut = None
        for codes, fit in groups[1:]:
            floor = _kth_floor(pieces, k, per_id)
            scale = 1.0
            if floor is not None:
                # A row of this group scores at most ``other`` plus its travel part, w.travel x (1 - minutes
                # / budget), and minutes / budget >= distance / its tier's reach: to reach the floor it
                # must be within ``scale`` of the reach (less a slack for rounding), or none can.
                other = rest - max(weights.travel, 0.0) + weights.skill * fit
                slack = _BOUND_SLACK * (1.0 + abs(floor) + abs(other) + abs(weights.travel))
                if floor > other + max(weights.travel, 0.0) + slack:
                    cut = floor
                    break
                if weights.travel > 0:
                    scale = min(1.0, 1.0 - (floor - other - slack) / weights.travel)
            located = self._slices_in_reach(post, codes, scale)
            pieces.append(self._read(*located, codes, fit, post, plan, weights, exclude))
            # A worker has one row per code (``_rows``, ``from_columns``).
            per_id = min(self._per_id, per_id + len(codes))
        if len(pieces) == 1:
            return pieces[0], per_id, cut
        return [np.concatenate(columns, axis=-1) for columns in zip(*pieces, strict=True)], per_id, cut

    def _read(
        self,
        start: I64,
        lengths: I64,
        codes: I64,
        fit: float | None,
        post: Post,
        plan: _WorkerPlan,
        weights: Weights,
        exclude: I64,
    ) -> list[Any]:
        """``_scan`` over the main columns' slices and the delta's rows of ``codes``."""
        store = self._store
        alive = None if store.main_clean else store.main_alive
        found = self._scan(store.packed, start, lengths, alive, post, plan, fit, weights, exclude)
        if store.n_delta:
            whole = np.array([0, store.n_delta], np.int64)
            more = self._scan(
                store.delta_packed,
                whole[:1],
                whole[1:],
                store.delta_alive,
                post,
                plan,
                fit,
                weights,
                exclude,
                codes,
            )
            found = [np.concatenate([a, b], axis=-1) for a, b in zip(found, more, strict=True)]
        return found

    def top_workers(
        self, post: Post, k: int = 20, *, weights: Weights = DEFAULT_WEIGHTS, exclude: Collection[int] = ()
    ) -> list[Match]:
        """The best ``k`` eligible workers for ``post`` (``Match.id`` is the worker id), best first."""
        found, per_id, cut = self._gather(post, weights, _sorted_ids(exclude), max(k, 0))
        return _matches(found, _top(found[1], found[2], found[0], found[4], k, per_id, cut))

    def candidates(
        self, post: Post, *, weights: Weights = DEFAULT_WEIGHTS, exclude: Collection[int] = ()
    ) -> list[Match]:
        """Every eligible worker for ``post``, best first."""
        found, per_id, _ = self._gather(post, weights, _sorted_ids(exclude), None)
        return _matches(found, _top(found[1], found[2], found[0], found[4], len(found[0]), per_id))


#: ``kernels.scan``'s ``alive`` when it is not checked.
_NO_ALIVE = np.ones(0, bool)
_NO_IDS = np.empty(0, np.int64)


@functools.cache
def _kernels() -> ModuleType:
    """The compiled loops (``kernels``), imported on the first query: importing numba costs a process about
    100 MiB, which one that only builds or updates an index (a rebuild, the task worker) does not need."""
    from lingong.matching.engine import kernels

    return kernels


@functools.lru_cache(maxsize=64)
def _weight_vector(weights: Weights) -> F64:
    return cast(F64, _kernels().weight_vector(weights))


def _sorted_ids(ids: Collection[int]) -> I64:
    """``ids`` as the sorted array ``kernels.scan`` searches."""
    if not ids:
        return _NO_IDS
    return np.unique(np.fromiter(ids, np.int64, len(ids)))


def _score_bound(w: Weights, wage_known: bool) -> float:
    """The most a worker can score for a post apart from the skill part: each part's factor lies within
    a known range (travel 0-1, wage 0.5-1 (0.5 when the post's pay is unknown), reliability 0-1, rating
    0-1, each fairness boost 0 or 1), so the bound holds for any weights, negative ones included."""
    wage = max(w.wage * 0.5, w.wage) if wage_known else w.wage * 0.5
    return (
        max(w.travel, 0.0)
        + wage
        + max(w.reliability, 0.0)
        + max(w.rating, 0.0)
        + max(w.idle, 0.0)
        + max(w.priority, 0.0)
    )


def _kth_floor(pieces: Sequence[Sequence[Any]], k: int, per_id: int) -> float | None:
    """A floor of the k-th best worker's score among ``pieces`` (rows found so far); ``None`` if fewer
    than k x per_id rows. Fewer than k x per_id rows score above the k-th best worker (at most k - 1
    workers, ``per_id`` rows each), so the (k x per_id)-th best row score is a floor of it (and the cut
    of ``_top``)."""
    if k <= 0:
        return math.inf
    score = pieces[0][1] if len(pieces) == 1 else np.concatenate([p[1] for p in pieces])
    m = k * per_id
    if len(score) < m:
        return None
    part = score.copy()
    part.partition(len(score) - m)
    return float(part[len(score) - m])


#: The score parts, in the order they are added.
_PARTS = ("travel", "skill", "wage", "reliability", "rating", "fairness")
#: What ``_scan`` returns about the eligible rows, in this order (``parts``: one row per ``_PARTS``).
_FOUND = ("id", "score", "minutes", "d", "rule", "parts")


#: The slots of ``Match`` and ``ScoreParts``, set directly (``_matches``).
_MATCH_SLOTS = tuple(Match.__dict__[f.name].__set__ for f in fields(Match))
_PARTS_SLOTS = tuple(ScoreParts.__dict__[f.name].__set__ for f in fields(ScoreParts))


def _matches(found: Sequence[Any], pos: I64) -> list[Match]:
    """``Match`` values for the rows ``pos``. Their slots are set directly: the frozen dataclasses'
    ``__init__`` (one ``object.__setattr__`` per field) took longer than the rest of a query; the values
    are the same and neither class validates anything."""
    ids, score, minutes, d, rule, parts = found
    rows = zip(
        ids.take(pos).tolist(),
        score.take(pos).tolist(),
        minutes.take(pos).tolist(),
        d.take(pos).tolist(),
        rule.take(pos).tolist(),
        parts.take(pos, axis=1).T.tolist(),
        strict=True,
    )
    new = object.__new__
    set_id, set_score, set_minutes, set_km, set_fit, set_parts = _MATCH_SLOTS
    set_travel, set_skill, set_wage, set_reliability, set_rating, set_fairness = _PARTS_SLOTS
    result = []
    for i, s, m, km, r, (travel, skill, wage, reliability, rating, fairness) in rows:
        explained = new(ScoreParts)
        set_travel(explained, travel)
        set_skill(explained, skill)
        set_wage(explained, wage)
        set_reliability(explained, reliability)
        set_rating(explained, rating)
        set_fairness(explained, fairness)
        match = new(Match)
        set_id(match, i)
        set_score(match, s)
        set_minutes(match, m)
        set_km(match, km)
        set_fit(match, _FIT_RULES[r])
        set_parts(match, explained)
        result.append(match)
    return result


_POST_COLUMNS: dict[str, Any] = {
    "skey": np.int64,
    "rid": np.int64,
    "key": np.int64,
    "code": np.int64,
    "lat": np.float64,
    "lon": np.float64,
    "kx": np.float64,
    "sched": np.int64,
    "hourly": np.int64,
    "places": np.int64,
}


class PostIndex(_Merging):
    """Open posts by occupation key and position: ``top_posts(worker, k)``."""

    def __init__(
        self, posts: Iterable[Post] = (), *, relations: Relations = NO_RELATIONS, delta_capacity: int = 4096
    ) -> None:
        self.relations = relations
        self._catalogue = _Catalogue()
        self._store = _Store(_POST_COLUMNS, delta_capacity)
        self._plans: dict[tuple[tuple[str, ...], float, float], tuple[I64, F64, npt.NDArray[np.int8]]] = {}
        unique = {p.id: p for p in posts}
        rows = [self._row(p) for p in unique.values()]
        columns = {
            name: np.array([r[name] for r in rows], dtype=dtype) for name, dtype in _POST_COLUMNS.items()
        }
        self._store.load(columns, len(unique))

    def set_relations(self, relations: Relations) -> None:
        self.relations = relations
        self._plans.clear()

    def _row(self, post: Post) -> dict[str, Any]:
        n_before = len(self._catalogue.codes)
        code = self._catalogue.code(post.occupation)
        if len(self._catalogue.codes) != n_before:
            self._plans.clear()
        key = self._catalogue.code_key[code]
        cy, cx = _cell(post.latitude, post.longitude, POST_CELL_KM)
        return {
            "skey": int(_compose(key, 0, int(cy), int(cx))),
            "rid": post.id,
            "key": key,
            "code": code,
            "lat": post.latitude,
            "lon": post.longitude,
            "kx": km_per_degree_longitude(post.latitude),
            "sched": post.schedule,
            "hourly": -1 if post.hourly_fen is None else post.hourly_fen,
            "places": post.places,
        }

    def upsert(self, post: Post) -> None:
        """Add the post, or replace the one with the same id (a post with no places left never matches)."""
        self._store.kill(post.id)
        self._store.add(post.id, [self._row(post)])

    def _plan(self, worker_codes: tuple[str, ...], weights: Weights) -> tuple[I64, F64, npt.NDArray[np.int8]]:
        cache_key = (worker_codes, weights.related_fit, weights.learned_fit)
        plan = self._plans.get(cache_key)
        if plan is not None:
            return plan
        catalogue = self._catalogue
        keys: set[int] = set()
        for code in worker_codes:
            if len(code) < 7:  # a group above the minor group: every key under it
                keys.update(
                    i for k, i in catalogue.key_ids.items() if k and (k == code or k.startswith(code + "-"))
                )
            keys.add(catalogue.key_ids.get(minor_group(code), 0))
            keys.update(catalogue.key_ids.get(minor_group(p), 0) for p in self.relations.post_codes_for(code))
        keys.discard(0)
        fit = np.zeros(len(catalogue.codes))
        rule = np.full(len(catalogue.codes), -1, np.int8)
        for key in keys:
            for code_id in catalogue.codes_by_key[key]:
                value, name = skill_fit(worker_codes, catalogue.codes[code_id], weights, self.relations)
                if name is not None and value > 0:
                    fit[code_id] = value
                    rule[code_id] = _FIT_RULES.index(name)
        plan = (np.asarray(sorted(keys), dtype=np.int64), fit, rule)
        if len(self._plans) >= _PLAN_CACHE_SIZE:
            self._plans.clear()
        self._plans[cache_key] = plan
        return plan

    def _evaluate(
        self,
        cols: dict[str, Any],
        idx: I64,
        worker: Worker,
        plan: tuple[I64, F64, npt.NDArray[np.int8]],
        weights: Weights,
        exclude: Collection[int],
    ) -> dict[str, Any]:
        _, fit_by_code, rule_by_code = plan
        dy = (worker.latitude - cols["lat"][idx]) * KM_PER_DEGREE
        dx = (worker.longitude - cols["lon"][idx]) * cols["kx"][idx]
        d = np.sqrt(dx * dx + dy * dy)
        ok = d <= worker.reach_km
        idx, d = idx[ok], d[ok]
        code = cols["code"][idx]
        fit = fit_by_code[code]
        hourly = cols["hourly"][idx]
        minw = np.int64(worker.min_hourly_fen or 0)
        ok = (
            (fit > 0)
            & ((cols["sched"][idx] & worker.availability) != 0)
            & scoring.wage_ok_array(minw, hourly)
            & (cols["places"][idx] > 0)
        )
        if exclude:
            ok &= ~np.isin(cols["rid"][idx], np.fromiter(exclude, np.int64, len(exclude)))
        idx, d, fit, hourly, code = idx[ok], d[ok], fit[ok], hourly[ok], code[ok]
        minutes = d / SPEED_KMH[worker.travel_mode] * 60.0
        w = weights
        n = len(idx)
        parts = {
            "travel": w.travel * (1.0 - minutes / worker.travel_minutes),
            "skill": w.skill * fit,
            "wage": w.wage * scoring.wage_fit_array(minw, hourly, w),
            "reliability": np.full(
                n, w.reliability * scoring.reliability_fit(worker.completed, worker.no_shows)
            ),
            "rating": np.full(n, w.rating * scoring.rating_fit(worker.rating)),
            "fairness": np.full(
                n, scoring.fairness_part(worker.days_since_last_gig, bool(worker.priority_groups), w)
            ),
        }
        score = parts["travel"] + parts["skill"] + parts["wage"] + parts["reliability"] + parts["rating"]
        score = score + parts["fairness"]
        return {
            "id": cols["rid"][idx],
            "score": score,
            "minutes": minutes,
            "d": d,
            "rule": rule_by_code[code],
            **parts,
        }

    def top_posts(
        self,
        worker: Worker,
        k: int = 20,
        *,
        weights: Weights = DEFAULT_WEIGHTS,
        exclude: Collection[int] = (),
    ) -> list[Match]:
        """The best ``k`` open posts for ``worker`` (``Match.id`` is the post id), best first."""
        plan = self._plan(tuple(dict.fromkeys(worker.occupations)), weights)
        keys = plan[0]
        store = self._store
        pieces = []
        if len(keys):
            reach = worker.reach_km
            lat_cells = math.ceil(reach / POST_CELL_KM)
            lon_cells = math.ceil(
                reach / (POST_CELL_KM * math.cos(math.radians(worker.latitude)) / _COS_MAX_LAT)
            )
            # The worker's own latitude sets the span; posts nearer the pole (narrower km) need at most
            # one cell more, since reach <= 50 km moves latitude by under half a degree.
            lon_cells += 1
            cy, cx = _cell(worker.latitude, worker.longitude, POST_CELL_KM)
            cy, cx = int(cy), int(cx)
            lo_list = []
            hi_list = []
            for row in range(cy - lat_cells, cy + lat_cells + 1):
                lo_list.append(_compose(keys, 0, row, cx - lon_cells))
                hi_list.append(_compose(keys, 0, row, cx + lon_cells))
            idx = store.main_ranges(np.concatenate(lo_list), np.concatenate(hi_list))
            pieces.append(self._evaluate(store.main, idx, worker, plan, weights, exclude))
            didx = store.delta_in_keys(keys)
            if len(didx):
                pieces.append(self._evaluate(store.delta, didx, worker, plan, weights, exclude))
        if not pieces:
            found = self._evaluate(store.main, np.empty(0, np.int64), worker, plan, weights, exclude)
        elif len(pieces) == 1:
            found = pieces[0]
        else:
            found = {name: np.concatenate([p[name] for p in pieces]) for name in pieces[0]}
        pos = _top(found["score"], found["minutes"], found["id"], found["rule"], k, 1)
        parts = np.stack([found[name] for name in _PARTS]) if len(pos) else np.empty((len(_PARTS), 0))
        return _matches(
            [found["id"], found["score"], found["minutes"], found["d"], found["rule"], parts], pos
        )
