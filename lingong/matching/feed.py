"""Feeding the matching engine from the database (辽人社〔2022〕22号 第六条: the flexible workers' needs
database; 第七条: gig information; 人社部 15分钟就业服务圈).

Turns WorkerProfile rows and open GigPosts into the engine's plain ``Worker`` and ``Post`` values, in a
handful of set-wise queries (``values_list``, one GROUP BY per fact, never a query per row). The full
build's ``load_worker_columns`` reads PostgreSQL with binary ``COPY``, a chunk of the stream at a time,
straight into numpy columns (a million workers in a few seconds and under 200 MiB, ``bench.matching_db``);
other databases get the row-wise loader. Anything the engine needs but the row does not say is decided
here and documented once:

- a worker or post without a position (or with half of one) stands at the centre of its county
  (``Division`` coordinates), so "within reach" degrades to "in or near the same county" rather than to
  nothing;
- availability ``{"1": ["08:00-12:00"]}`` becomes slot bits (morning before 12:00, afternoon to 18:00,
  evening after); a worker who stated none is taken as available any time for recommendations, while
  instant hire (same-day work) asks for ``available_now`` or a stated slot today (``for_today``);
- ``available_now`` adds all of today's slots;
- wages compare as hourly equivalents (``hourly_equivalent_fen``: a day is 8 hours; piece work unknown);
- a post's schedule is the weekdays between its start and end dates in its time slots (all three
  slots when it names none);
- learned relatedness: the (worker trade, post trade) pairs of accepted, confirmed and completed
  engagements where the worker's catalogue trades do not fit the post.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db import connections, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.functions import Cast
from django.utils import timezone

from lingong.accounts.models import Role, User
from lingong.core.models import Division, Occupation
from lingong.market.models import (
    Engagement,
    EngagementStatus,
    GigPost,
    Rating,
    WageType,
    WorkerProfile,
)
from lingong.market.selectors.posts import open_gigs
from lingong.market.selectors.work import COUNTED_RATINGS
from lingong.market.services.posts import HOURS_PER_DAY, hourly_equivalent_fen
from lingong.matching.engine.types import (
    ALL_SLOTS,
    SLOTS_PER_DAY,
    SPEED_KMH,
    TRAVEL_MODES,
    Post,
    Relations,
    Worker,
    WorkerColumns,
    day_mask,
    slot_bit,
)

#: Slot boundaries in minutes after midnight: morning [0, 12:00), afternoon [12:00, 18:00), evening.
SLOT_STARTS = (0, 12 * 60, 18 * 60, 24 * 60)
_RANGE = re.compile(r"(\d{1,2})[:：](\d{2})\s*[-－~至]\s*(\d{1,2})[:：](\d{2})")
#: Groups the engine's fairness boost favours: the policies' employment-assistance targets (就业援助对象).
PRIORITY_GROUPS = frozenset(
    {"employment_difficulty", "recent_graduate", "registered_unemployed", "disabled", "poverty_relieved"}
)
#: Engagements that show the worker can do the post's trade (for learned relatedness).
ACCEPTED = (EngagementStatus.ACCEPTED, EngagementStatus.CONFIRMED, EngagementStatus.COMPLETED)
#: Engagements that count as "had a gig" for fairness.
GIG_HELD = (EngagementStatus.CONFIRMED, EngagementStatus.COMPLETED)


def area_of(region_code: str | None) -> str:
    """The dispatch area of a county: its city (``210102`` → ``210100``); rounds never cross it."""
    return f"{region_code[:4]}00" if region_code else ""


def slots_of_ranges(ranges: Iterable[str]) -> int:
    """Which of a day's three slots the ranges ("08:00-12:00") touch, as the low ``SLOTS_PER_DAY`` bits."""
    bits = 0
    for text in ranges:
        for match in _RANGE.finditer(str(text)):
            h1, m1, h2, m2 = (int(g) for g in match.groups())
            start, end = h1 * 60 + m1, h2 * 60 + m2
            for slot in range(SLOTS_PER_DAY):
                if start < SLOT_STARTS[slot + 1] and end > SLOT_STARTS[slot]:
                    bits |= 1 << slot
    return bits


def _day_bits(isoweekday: int, slots: int) -> int:
    return slots << ((isoweekday - 1) * SLOTS_PER_DAY)


def availability_mask(availability: object, available_now: bool, today: dt.date, *, for_today: bool) -> int:
    """A worker's availability as slot bits. ``for_today`` (instant hire): nothing stated means not
    available; otherwise nothing stated means any time."""
    mask = 0
    if isinstance(availability, dict):
        for day, ranges in availability.items():
            if str(day) in {"1", "2", "3", "4", "5", "6", "7"}:
                slots = slots_of_ranges(ranges if isinstance(ranges, list) else [str(ranges)])
                mask |= _day_bits(int(day), slots)
    if not mask and not for_today:
        mask = ALL_SLOTS
    if available_now:
        mask |= day_mask(today.isoweekday())
    return mask


def post_schedule(start: dt.date, end: dt.date, time_slots: str) -> int:
    """The weekdays from ``start`` to ``end`` in the post's time slots (all slots if it names none)."""
    slots = slots_of_ranges([time_slots]) or (1 << SLOTS_PER_DAY) - 1
    mask = 0
    day = start
    for _i in range(min((end - start).days + 1, 7)):
        mask |= _day_bits(day.isoweekday(), slots)
        day += dt.timedelta(days=1)
    return mask


def _centres() -> dict[str, tuple[float, float]]:
    rows = Division.objects.filter(latitude__isnull=False, longitude__isnull=False)
    return {
        code: (lat, lon)
        for code, lat, lon in rows.values_list("code", "latitude", "longitude")
        if lat is not None and lon is not None
    }


@dataclass
class WorkerFacts:
    """Per-worker counts read in bulk: completed gigs, no-shows, average stars, last gig."""

    completed: dict[int, int]
    no_shows: dict[int, int]
    rating: dict[int, float]
    last_gig: dict[int, dt.datetime]


def worker_facts(user_ids: models.QuerySet[Any] | Sequence[int] | None = None) -> WorkerFacts:
    """Three GROUP BY queries over engagements and ratings (optionally limited to ``user_ids``, a list or
    a subquery of user ids)."""
    engagements = Engagement.objects.all()
    ratings = Rating.objects.filter(status__in=COUNTED_RATINGS, ratee__role=Role.WORKER)
    if user_ids is not None:
        engagements = engagements.filter(worker_id__in=user_ids)
        ratings = ratings.filter(ratee_id__in=user_ids)
    completed: dict[int, int] = {}
    no_shows: dict[int, int] = {}
    counts = (
        engagements.filter(status__in=[EngagementStatus.COMPLETED, EngagementStatus.NO_SHOW])
        .values_list("worker_id", "status")
        .annotate(n=models.Count("id"))
    )
    for worker_id, status, n in counts:
        (completed if status == EngagementStatus.COMPLETED else no_shows)[worker_id] = n
    last_gig = dict(
        engagements.filter(status__in=GIG_HELD, confirmed_at__isnull=False)
        .values_list("worker_id")
        .annotate(last=models.Max("confirmed_at"))
        .values_list("worker_id", "last")
    )
    rating = {
        ratee_id: float(avg)
        for ratee_id, avg in ratings.values_list("ratee_id")
        .annotate(avg=models.Avg("stars"))
        .values_list("ratee_id", "avg")
        if avg is not None
    }
    return WorkerFacts(completed, no_shows, rating, last_gig)


def _occupations(profile_ids: models.QuerySet[Any] | Sequence[int] | None) -> dict[int, list[str]]:
    through = WorkerProfile.occupations.through.objects.all()
    if profile_ids is not None:
        through = through.filter(workerprofile_id__in=profile_ids)
    by_profile: dict[int, list[str]] = defaultdict(list)
    for profile_id, code in through.order_by("workerprofile_id", "occupation_id").values_list(
        "workerprofile_id", "occupation_id"
    ):
        by_profile[profile_id].append(code)
    return by_profile


_HOURLY_TYPES = {str(t): hourly_equivalent_fen(HOURS_PER_DAY, str(t)) for t in WageType}


def _hourly(wage_fen: int, wage_type: str) -> int | None:
    """``hourly_equivalent_fen`` for a wage expectation (0: none), without its enum comparisons: it
    runs once per worker of a full build."""
    if not wage_fen or wage_type not in _HOURLY_TYPES or _HOURLY_TYPES[wage_type] is None:
        return None
    return wage_fen if wage_type == WageType.HOUR.value else wage_fen // HOURS_PER_DAY


PROFILE_COLUMNS = (
    "pk",
    "user_id",
    "latitude",
    "longitude",
    "user__region_id",
    "travel_mode",
    "travel_minutes",
    "expected_wage_fen",
    "expected_wage_type",
    "availability_text",
    "available_now",
    "groups",
)


def eligible_profiles() -> models.QuerySet[WorkerProfile]:
    """Profiles the engine knows: active worker accounts."""
    return WorkerProfile.objects.filter(user__role=Role.WORKER, user__is_active=True)


class _Converter:
    """Turns profile rows into the engine's values, with caches for what repeats (availability
    texts, counties): a million rows are mostly the same few patterns."""

    def __init__(self, facts: WorkerFacts, now: dt.datetime, for_today: bool) -> None:
        self.facts = facts
        self.now = now
        self.today = timezone.localdate(now)
        self.for_today = for_today
        self.centres = _centres()
        self._masks: dict[tuple[str, bool], int] = {}

    def mask(self, text: str | None, available_now: bool) -> int:
        key = (text or "", bool(available_now))
        mask = self._masks.get(key)
        if mask is None:
            parsed = json.loads(text) if text else {}
            mask = availability_mask(parsed, available_now, self.today, for_today=self.for_today)
            self._masks[key] = mask
        return mask

    def values(self, row: tuple[Any, ...]) -> tuple[Any, ...] | None:
        """``(id, lat, lon, mode, minutes, min_hourly, availability, completed, no_shows, rating, days,
        groups, area)`` or ``None`` for a worker with no position and no county centre."""
        _pk, user_id, lat, lon, region, mode, minutes, wage, wage_type, avail, now_ok, groups = row
        if lat is None or lon is None:
            centre = self.centres.get(region or "")
            if centre is None:
                return None  # nowhere to measure from: the worker is found by search, not by distance
            lat, lon = centre
        last = self.facts.last_gig.get(user_id)
        return (
            user_id,
            lat,
            lon,
            mode if mode in SPEED_KMH else "cycle",
            float(minutes or 15),
            _hourly(wage, wage_type),
            self.mask(avail, now_ok),
            self.facts.completed.get(user_id, 0),
            self.facts.no_shows.get(user_id, 0),
            self.facts.rating.get(user_id),
            None if last is None else max(0, (self.now - last).days),
            frozenset(g for g in groups.split(",") if g in PRIORITY_GROUPS) if groups else frozenset(),
            area_of(region),
        )


def _profile_rows(qs: models.QuerySet[WorkerProfile]) -> list[tuple[Any, ...]]:
    # Availability as its stored text: decoded once per distinct value, not once per row.
    return list(
        qs.annotate(availability_text=Cast("availability", models.TextField())).values_list(*PROFILE_COLUMNS)
    )


def load_workers(
    profiles: models.QuerySet[WorkerProfile] | None = None,
    *,
    now: dt.datetime | None = None,
    for_today: bool = False,
) -> list[Worker]:
    """Engine workers for ``profiles`` (default: every eligible one), with their facts, in bulk;
    ordered by id."""
    now = now or timezone.now()
    qs = eligible_profiles() if profiles is None else profiles
    rows = _profile_rows(qs.order_by("user_id"))
    limited = profiles is not None
    # Limited loads pass subqueries, not id lists: no bound-parameter limits, one round trip each.
    occupations = _occupations(qs.values("pk") if limited else None)
    convert = _Converter(worker_facts(qs.values("user_id") if limited else None), now, for_today)
    workers: list[Worker] = []
    for row in rows:
        v = convert.values(row)
        if v is None:
            continue
        workers.append(
            Worker(
                id=v[0],
                latitude=v[1],
                longitude=v[2],
                occupations=tuple(occupations.get(row[0], ())),
                travel_mode=v[3],
                travel_minutes=v[4],
                min_hourly_fen=v[5],
                availability=v[6],
                completed=v[7],
                no_shows=v[8],
                rating=v[9],
                days_since_last_gig=v[10],
                priority_groups=v[11],
                area=v[12],
            )
        )
    return workers


def _raw_rows(qs: models.QuerySet[Any]) -> list[tuple[Any, ...]]:
    """The rows of ``qs`` straight from the database cursor: no per-value converters (a million rows)."""
    sql, params = qs.query.get_compiler(using=qs.db).as_sql()
    with connections[qs.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _spread(ids: npt.NDArray[np.int64], by_id: dict[int, Any], fill: Any, dtype: Any) -> npt.NDArray[Any]:
    """``by_id`` (a sparse fact per worker) as an array aligned with ``ids``."""
    out = np.full(len(ids), fill, dtype=dtype)
    if by_id and len(ids):
        order = np.argsort(ids)
        keys = np.fromiter(by_id.keys(), dtype=np.int64, count=len(by_id))
        values = np.array(list(by_id.values()), dtype=dtype)
        at = np.clip(np.searchsorted(ids[order], keys), 0, len(ids) - 1)
        hit = ids[order][at] == keys
        out[order[at[hit]]] = values[hit]
    return out


def load_worker_columns(*, now: dt.datetime | None = None) -> WorkerColumns:
    """Every eligible worker as columns, for the index's fast bulk build: the same values as
    ``load_workers`` (the tests hold them equal), computed in SQL and numpy rather than per worker."""
    if connections[WorkerProfile.objects.db].vendor == "postgresql":
        try:
            return _load_worker_columns_copy(now=now)
        except _HashCollision:
            pass  # two texts with one 32-bit hash (never seen yet): the row-wise loader is exact
    return _load_worker_columns_rows(now=now)


class _HashCollision(Exception):
    pass


#: PostgreSQL's binary COPY: signature, flags and header-extension length; a trailer of -1 fields.
_COPY_SIGNATURE = b"PGCOPY\n\xff\r\n\x00"
_COPY_HEADER = len(_COPY_SIGNATURE) + 8
_COPY_TRAILER = b"\xff\xff"
#: Bytes of a COPY stream parsed at a time: only one such chunk of the raw stream is ever held (all of
#: it is a hundred megabytes for a million profiles), its rows become compact native columns at once.
COPY_CHUNK_BYTES = 4 << 20
#: Rows ``_lookup`` converts at a time, so its temporaries stay small whatever the column's length.
_LOOKUP_BLOCK = 1 << 16

#: A field of a binary COPY row: its name and its big-endian numpy type (fixed width).
Field = tuple[str, str]
#: Turns one chunk's rows (a record array viewing the stream) into new native arrays, by name.
Convert = Callable[[npt.NDArray[Any]], dict[str, npt.NDArray[Any]]]


def _copy_chunks(
    sql: str, fields: Sequence[Field], params: Sequence[Any] = (), db: BaseDatabaseWrapper | None = None
) -> Iterator[npt.NDArray[Any]]:
    """``COPY (sql) TO STDOUT (FORMAT binary)`` as record arrays of consecutive rows, about
    ``COPY_CHUNK_BYTES`` at a time (the last one possibly empty); each is a view of the stream, valid
    until the next one is asked for.

    Every field is fixed-width and NOT NULL, so each row has the same length and numpy reads the stream
    in place (big-endian: a field count, then each field's length and value). The rows are read through
    libpq directly: psycopg's ``copy()`` spends a few microseconds of Python per row (its generators),
    which is seconds for a million rows."""
    from psycopg import ClientCursor, errors, pq

    dtype = np.dtype(
        [("n", ">i2")] + [f for name, kind in fields for f in ((f"{name}_len", ">i4"), (name, kind))]
    )
    db = db or connections[WorkerProfile.objects.db]
    db.ensure_connection()
    conn = db.connection
    statement = f"COPY ({sql}) TO STDOUT (FORMAT binary)"
    query = ClientCursor(conn).mogrify(statement, params) if params else statement
    pgconn = conn.pgconn
    pgconn.send_query(query.encode())
    first = pgconn.get_result()
    if first is None or first.status != pq.ExecStatus.COPY_OUT:
        while pgconn.get_result() is not None:
            pass
        message = first.error_message if first is not None else b""
        raise errors.DatabaseError(bytes(message).decode(errors="replace") or "COPY TO STDOUT failed")
    buffer = bytearray()
    start: int | None = None  # where the rows begin in ``buffer``, once the header is read
    size = 0
    failed = None
    get = pgconn.get_copy_data
    try:
        while True:
            size, data = get(0)  # blocking: one row per call
            if size < 0:
                break
            buffer += data
            if len(buffer) >= COPY_CHUNK_BYTES:
                start = _copy_header(buffer) if start is None else start
                rows = _copy_rows(buffer, start, dtype, fields, final=False)
                end = start + rows.nbytes
                yield rows
                del rows
                buffer, start = buffer[end:], 0
    finally:
        # Stopped early (a chunk that did not parse): the rest is read, so the connection stays usable.
        while size >= 0:
            size, _data = get(0)
        while (result := pgconn.get_result()) is not None:
            if result.status != pq.ExecStatus.COMMAND_OK:
                failed = bytes(result.error_message).decode(errors="replace")
    if size == -2 or failed:
        raise errors.DatabaseError(failed or pgconn.get_error_message().decode(errors="replace"))
    yield _copy_rows(buffer, _copy_header(buffer) if start is None else start, dtype, fields, final=True)


def _copy_header(buffer: bytearray) -> int:
    """Where the rows begin, after the header and its extension."""
    if bytes(buffer[: len(_COPY_SIGNATURE)]) != _COPY_SIGNATURE:
        raise ValueError("not a PostgreSQL binary COPY stream")
    return _COPY_HEADER + int.from_bytes(buffer[_COPY_HEADER - 4 : _COPY_HEADER], "big")


def _copy_rows(
    buffer: bytearray, start: int, dtype: np.dtype[Any], fields: Sequence[Field], *, final: bool
) -> npt.NDArray[Any]:
    """The whole rows of ``buffer`` from ``start`` (at the end of the stream: then only the trailer may
    follow them), checked to be rows of ``fields``."""
    tail = len(_COPY_TRAILER) if final else 0
    count = max(0, (len(buffer) - start - tail) // dtype.itemsize)
    end = start + count * dtype.itemsize
    if final and bytes(buffer[end:]) != _COPY_TRAILER:
        raise ValueError("binary COPY rows are not of one width (a NULL or a variable-width field)")
    rows = np.frombuffer(buffer, dtype=dtype, count=count, offset=start)
    if count and not (rows["n"] == len(fields)).all():
        raise ValueError("binary COPY rows have another number of fields")
    for name, kind in fields:
        if count and not (rows[f"{name}_len"] == np.dtype(kind).itemsize).all():
            raise ValueError(f"binary COPY field {name} is NULL or not {kind}")
    return rows


def _native(rows: npt.NDArray[Any]) -> dict[str, npt.NDArray[Any]]:
    """Every field of ``rows`` as a native-endian copy (``Convert``'s plain form)."""
    names = [name for name in rows.dtype.names or () if name != "n" and not name.endswith("_len")]
    return {name: rows[name].astype(rows.dtype[name].newbyteorder("=")) for name in names}


def _copy_columns(
    sql: str,
    fields: Sequence[Field],
    convert: Convert = _native,
    params: Sequence[Any] = (),
    db: BaseDatabaseWrapper | None = None,
) -> dict[str, npt.NDArray[Any]]:
    """The rows of ``sql`` as columns: each chunk of the stream goes through ``convert`` as it arrives,
    and the chunks' arrays are joined at the end one column at a time (never two copies of them all)."""
    parts: dict[str, list[npt.NDArray[Any]]] = {}
    for rows in _copy_chunks(sql, fields, params, db):
        for name, values in convert(rows).items():
            parts.setdefault(name, []).append(values)
        del rows
    columns: dict[str, npt.NDArray[Any]] = {}
    for name in list(parts):
        chunks = parts.pop(name)
        columns[name] = chunks[0] if len(chunks) == 1 else np.concatenate(chunks)
        del chunks
    return columns


def _by_hash(pairs: Iterable[tuple[Any, int]]) -> dict[int, Any]:
    """``{hash: value}`` from ``(value, hash)``; two values with one hash make the hashes useless."""
    out: dict[int, Any] = {}
    for value, h in pairs:
        if out.setdefault(h, value) != value:
            raise _HashCollision(h)
    return out


def _lookup(
    hashes: npt.NDArray[Any], table: dict[int, int], missing: int, dtype: npt.DTypeLike = np.int64
) -> npt.NDArray[Any]:
    """Each of ``hashes`` through ``table`` (hash → small int; ``missing`` if absent), as ``dtype``: a
    binary search in the few keys rather than a sort of the million hashes, a block at a time."""
    out = np.full(len(hashes), missing, dtype=dtype)
    if not table:
        return out
    keys = np.array(sorted(table), dtype=np.int64)
    values = np.array([table[k] for k in keys.tolist()], dtype=dtype)
    for lo in range(0, len(hashes), _LOOKUP_BLOCK):
        h = hashes[lo : lo + _LOOKUP_BLOCK]
        at = np.clip(np.searchsorted(keys, h), 0, len(keys) - 1)
        found = keys[at] == h
        out[lo : lo + _LOOKUP_BLOCK][found] = values[at[found]]
    return out


def _note_firsts(firsts: dict[int, int], hashes: npt.NDArray[Any], pks: npt.NDArray[np.int64]) -> None:
    """Remember a profile holding each distinct hash not seen yet (to read its text by primary key)."""
    unique, at = np.unique(hashes, return_index=True)
    for h, pk in zip(unique.tolist(), pks[at].tolist(), strict=True):
        firsts.setdefault(h, pk)


def _texts(firsts: dict[int, int], column: str, text: str, digest: str) -> dict[int, str]:
    """The value behind each hash of a profile ``column``, read from the profile ``firsts`` names for it (a
    few rows by primary key). A profile saved since the COPY may no longer hold it: then every distinct
    value of the column is read (a full scan, rare)."""
    names = {"column": column, "text": text, "digest": digest}
    with connections[WorkerProfile.objects.db].cursor() as cursor:
        cursor.execute(
            _sql("SELECT {column}{text}, {digest}({column}) FROM {profile} WHERE id = ANY(%s)", **names),
            [list(firsts.values())],
        )
        texts = _by_hash(cursor.fetchall())
        if not set(firsts) <= set(texts):
            cursor.execute(
                _sql(
                    "SELECT v{text}, {digest}(v) FROM (SELECT DISTINCT {column} AS v FROM {profile}) d",
                    **names,
                )
            )
            texts.update(_by_hash(cursor.fetchall()))
    return texts


class _SideCopies:
    """The active workers' accounts and the profiles' trades (as indexes into ``code_index``'s values),
    read while the profiles are: on a second connection in a thread when the caller is not inside a
    transaction (a second connection would not see its uncommitted rows), else on the same connection."""

    def __init__(self, code_index: dict[int, int]) -> None:
        self.alias = WorkerProfile.objects.db
        self.code_index = code_index
        self.thread: threading.Thread | None = None
        self.error: BaseException | None = None
        self.users: dict[str, npt.NDArray[Any]] | None = None
        self.pairs: dict[str, npt.NDArray[Any]] | None = None

    def start(self) -> bool:
        if connections[self.alias].in_atomic_block:
            return False
        self.thread = threading.Thread(target=self._own_connection, name="matching-feed-copy", daemon=True)
        self.thread.start()
        return True

    def _own_connection(self) -> None:
        db = connections.create_connection(self.alias)
        try:
            self.run(db)
        except BaseException as exc:  # re-raised in the caller's thread
            self.error = exc
        finally:
            db.close()

    def run(self, db: BaseDatabaseWrapper | None = None) -> None:
        self.users = _copy_columns(
            _sql("SELECT id, hashtext(COALESCE(region_id, '')) FROM {user} WHERE role = %s AND is_active"),
            [("id", ">i8"), ("region", ">i4")],
            params=[Role.WORKER.value],
            db=db,
        )

        def trades(rows: npt.NDArray[Any]) -> dict[str, npt.NDArray[Any]]:
            return {
                "pk": rows["pk"].astype(np.int64),
                "code": _lookup(rows["code"], self.code_index, -1, np.int32),
            }

        self.pairs = _copy_columns(
            _sql("SELECT workerprofile_id, hashtext(occupation_id) FROM {through}"),
            [("pk", ">i8"), ("code", ">i4")],
            trades,
            db=db,
        )

    def result(self) -> tuple[dict[str, npt.NDArray[Any]], dict[str, npt.NDArray[Any]]]:
        if self.thread is not None:
            self.thread.join()
        if self.error is not None:
            raise self.error
        assert self.users is not None and self.pairs is not None
        return self.users, self.pairs


def _sorting(values: npt.NDArray[np.int64]) -> npt.NDArray[np.intp] | None:
    """The permutation that sorts ``values``, or ``None`` when they are sorted already (a table read
    in its physical order mostly is: one pass instead of a sort of a million)."""
    if len(values) < 2 or bool((values[1:] >= values[:-1]).all()):
        return None
    return np.argsort(values, kind="stable")


def _sql(template: str, **names: str) -> str:
    """``template`` with the tables' names, which come from model meta, and ``names`` (constants here,
    never input)."""
    return template.format(
        **names,
        profile=WorkerProfile._meta.db_table,
        user=User._meta.db_table,
        through=WorkerProfile.occupations.through._meta.db_table,
        division=Division._meta.db_table,
        occupation=Occupation._meta.db_table,
    )


def _load_worker_columns_copy(*, now: dt.datetime | None = None) -> WorkerColumns:
    """``load_worker_columns`` on PostgreSQL: binary COPYs of fixed-width columns read by numpy.

    Text columns travel as 32-bit hashes (``hashtext``, ``jsonb_hash``) resolved through their few
    distinct values. Profiles and active worker accounts are read apart and matched in numpy (cheaper
    than the server's join of two million-row tables); the county centre comes from a small table.

    Memory (issue 4: at most 500 MiB resident with the engine's build): the stream is parsed a chunk at a
    time straight into the columns handed over, each in the smallest exact dtype (the engine gathers its
    packed rows from them without whole-column copies). Intermediates go as soon as they are used."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    with connections[WorkerProfile.objects.db].cursor() as cursor:
        cursor.execute(
            _sql(
                "SELECT code, hashtext(code), latitude, longitude FROM {division}"
                " UNION ALL SELECT '', hashtext(''), NULL, NULL"
            )
        )
        divisions = cursor.fetchall()
        cursor.execute("SELECT m, hashtext(m) FROM unnest(%s::text[]) m", [list(TRAVEL_MODES)])
        modes = _by_hash(cursor.fetchall())
        cursor.execute("SELECT t, hashtext(t) FROM unnest(%s::text[]) t", [[str(t) for t in WageType]])
        wage_types = _by_hash(cursor.fetchall())
        cursor.execute(_sql("SELECT code, hashtext(code) FROM {occupation} ORDER BY code"))
        occupations = _by_hash(cursor.fetchall())
    region_codes = _by_hash((code, h) for code, h, _lat, _lon in divisions)
    mode_of = {h: TRAVEL_MODES.index(m) for h, m in modes.items()}
    wage_kind_of = {h: {"hour": 1, "day": 2}.get(t, 0) for h, t in wage_types.items()}
    cycle = TRAVEL_MODES.index("cycle")
    firsts: dict[str, dict[int, int]] = {"availability": {}, "groups": {}}

    def profile_chunk(rows: npt.NDArray[Any]) -> dict[str, npt.NDArray[Any]]:
        pk = rows["pk"].astype(np.int64)
        for name, first in firsts.items():
            _note_firsts(first, rows[name], pk)
        minutes = rows["minutes"].astype(np.float64)
        minutes[~(minutes > 0)] = 15.0
        wage = rows["wage"].astype(np.int64)
        wage_kind = _lookup(rows["wage_type"], wage_kind_of, 0, np.int8)
        return {
            "pk": pk,
            "user_id": rows["user_id"].astype(np.int64),
            "lat": rows["lat"].astype(np.float64),
            "lon": rows["lon"].astype(np.float64),
            "mode": _lookup(rows["mode"], mode_of, cycle, np.int8),
            "minutes": minutes,
            "hourly": np.where(
                wage_kind == 1, wage, np.where(wage_kind == 2, wage // HOURS_PER_DAY, 0)
            ).astype(np.int32),
            "now_ok": rows["now_ok"].astype(np.bool_),
            "availability": rows["availability"].astype(np.int32),
            "groups": rows["groups"].astype(np.int32),
        }

    # Accounts and trades meanwhile on a second connection (the server works on both at once).
    side = _SideCopies({h: i for i, h in enumerate(occupations)})
    if not side.start():
        side.run()
    try:
        profiles = _copy_columns(
            _sql(
                """SELECT id, user_id, COALESCE(latitude, 'NaN'), COALESCE(longitude, 'NaN'),
                hashtext(travel_mode), travel_minutes, expected_wage_fen,
                hashtext(expected_wage_type), available_now, jsonb_hash(availability), hashtext(groups)
                FROM {profile}"""
            ),
            [
                ("pk", ">i8"),
                ("user_id", ">i8"),
                ("lat", ">f8"),
                ("lon", ">f8"),
                ("mode", ">i4"),
                ("minutes", ">i2"),
                ("wage", ">i4"),
                ("wage_type", ">i4"),
                ("now_ok", "?"),
                ("availability", ">i4"),
                ("groups", ">i4"),
            ],
            profile_chunk,
        )
    finally:
        users, pairs = side.result()

    # Eligible: the profile's account is an active worker's (``eligible_profiles``); the account's county
    # (a row of ``divisions``; the last row for none) gives the centre and the area.
    user_ids, user_regions = users.pop("id"), users.pop("region")
    by_user = _sorting(user_ids)
    if by_user is not None:
        user_ids, user_regions = user_ids[by_user], user_regions[by_user]
    del by_user
    region_row = {h: i for i, (_code, h, _lat, _lon) in enumerate(divisions)}
    user_division = _lookup(user_regions, region_row, len(divisions), np.int32)
    del user_regions
    ids = profiles["user_id"]
    if len(user_ids):
        at = np.clip(np.searchsorted(user_ids, ids), 0, len(user_ids) - 1)
        eligible = user_ids[at] == ids
        division = user_division[at]
        del at
    else:
        eligible = np.zeros(len(ids), np.bool_)
        division = np.full(len(ids), len(divisions), np.int32)
    del user_ids, user_division, ids
    # Position: the profile's own, else the county centre (both or neither, as ``load_workers``); no
    # position and no centre: nowhere to measure from.
    centre_lat = np.array([np.nan if d[2] is None else d[2] for d in divisions] + [np.nan])
    centre_lon = np.array([np.nan if d[3] is None else d[3] for d in divisions] + [np.nan])
    centred = ~(np.isnan(centre_lat) | np.isnan(centre_lon))
    lat, lon = profiles["lat"], profiles["lon"]
    missing = np.isnan(lat) | np.isnan(lon)
    keep = eligible & (~missing | centred[division])
    del eligible
    lat[missing] = centre_lat[division[missing]]
    lon[missing] = centre_lon[division[missing]]
    del lat, lon, missing
    if not keep.all():
        for name in list(profiles):
            profiles[name] = profiles[name][keep]
        division = division[keep]
    del keep
    # Areas: a county's city, per distinct county.
    area_index: dict[str, int] = {}
    per_division = [area_index.setdefault(area_of(region_codes[d[1]]), len(area_index)) for d in divisions]
    area = np.array([*per_division, area_index.setdefault("", len(area_index))], dtype=np.int32)[division]
    del division

    # Stated slots per distinct availability; "available now" adds today's (as ``availability_mask``).
    stated = {
        h: availability_mask(json.loads(text) if text else {}, False, today, for_today=False)
        for h, text in _texts(firsts["availability"], "availability", "::text", "jsonb_hash").items()
    }
    availability = _lookup(profiles.pop("availability"), stated, ALL_SLOTS, np.int32)
    np.bitwise_or(availability, day_mask(today.isoweekday()), out=availability, where=profiles.pop("now_ok"))
    groups = _texts(firsts["groups"], "groups", "", "hashtext")
    priority_of = {h: int(any(x in PRIORITY_GROUPS for x in g.split(","))) for h, g in groups.items()}
    priority = _lookup(profiles.pop("groups"), priority_of, 0, np.bool_)

    # Occupations: (profile pk, trade) pairs mapped onto rows by the profile pk.
    pks = profiles.pop("pk")
    order = _sorting(pks)
    sorted_pks = pks if order is None else pks[order]
    del pks
    pair_pks, pair_codes = pairs.pop("pk"), pairs.pop("code")
    if len(sorted_pks):
        at = np.clip(np.searchsorted(sorted_pks, pair_pks), 0, len(sorted_pks) - 1)
        known = (sorted_pks[at] == pair_pks) & (pair_codes >= 0)
        at = at[known]
        occupation_rows = at if order is None else order[at]
        occupation_codes = pair_codes[known]
        del at, known
    else:
        occupation_rows = np.zeros(0, np.int64)
        occupation_codes = np.zeros(0, np.int32)
    del sorted_pks, order, pair_pks, pair_codes

    ids = profiles.pop("user_id")
    facts = worker_facts(None)
    last = _spread(ids, {k: v.timestamp() for k, v in facts.last_gig.items()}, np.nan, np.float64)
    days = np.where(np.isnan(last), -1, np.maximum(0, (now.timestamp() - np.nan_to_num(last)) // 86400))
    del last
    return WorkerColumns(
        id=ids,
        latitude=profiles.pop("lat"),
        longitude=profiles.pop("lon"),
        travel_mode=profiles.pop("mode"),
        travel_minutes=profiles.pop("minutes"),
        min_hourly_fen=profiles.pop("hourly"),
        availability=availability,
        completed=_spread(ids, facts.completed, 0, np.int32),
        no_shows=_spread(ids, facts.no_shows, 0, np.int32),
        rating=_spread(ids, facts.rating, np.nan, np.float64),
        days_since_last_gig=days.astype(np.int32),
        priority=priority,
        occupation_rows=occupation_rows,
        occupation_codes=occupation_codes,
        codes=list(occupations.values()),
        area=area,
        areas=list(area_index) or [""],
    )


def _load_worker_columns_rows(*, now: dt.datetime | None = None) -> WorkerColumns:
    """``load_worker_columns`` from row tuples (SQLite; the baseline of ``bench.matching_db``)."""
    now = now or timezone.now()
    convert = _Converter(WorkerFacts({}, {}, {}, {}), now, for_today=False)
    cycle = TRAVEL_MODES.index("cycle")
    # The profile's position, else the county centre: both or neither, as ``load_workers``.
    own = models.Q(latitude__isnull=False, longitude__isnull=False)
    qs = eligible_profiles().annotate(
        lat=models.Case(models.When(own, then="latitude"), default="user__region__latitude"),
        lon=models.Case(models.When(own, then="longitude"), default="user__region__longitude"),
        mode=models.Case(
            *(models.When(travel_mode=m, then=models.Value(i)) for i, m in enumerate(TRAVEL_MODES)),
            default=models.Value(cycle),
            output_field=models.IntegerField(),
        ),
        hourly=models.Case(
            models.When(expected_wage_fen=0, then=models.Value(0)),
            models.When(expected_wage_type=WageType.HOUR.value, then=models.F("expected_wage_fen")),
            models.When(
                expected_wage_type=WageType.DAY.value, then=models.F("expected_wage_fen") / HOURS_PER_DAY
            ),
            default=models.Value(0),
            output_field=models.IntegerField(),
        ),
        availability_text=Cast("availability", models.TextField()),
    )
    rows = _raw_rows(
        qs.values_list(
            "pk",
            "user_id",
            "lat",
            "lon",
            "mode",
            "travel_minutes",
            "hourly",
            "available_now",
            "user__region_id",
            "availability_text",
            "groups",
        )
    )
    numbers = np.array([r[:8] for r in rows], dtype=np.float64).reshape(-1, 8)
    # No position and no county centre: nowhere to measure from (found by search, not by distance).
    keep = ~(np.isnan(numbers[:, 2]) | np.isnan(numbers[:, 3]))
    numbers = numbers[keep]
    rows = [r for r, k in zip(rows, keep.tolist(), strict=True) if k]
    ids = numbers[:, 1].astype(np.int64)
    masks = [convert.mask(r[9], bool(r[7])) for r in rows]
    priority_of: dict[str, bool] = {}
    priority = [
        priority_of.setdefault(g, any(x in PRIORITY_GROUPS for x in g.split(","))) if g else False
        for g in (r[10] for r in rows)
    ]
    area_index: dict[str, int] = {}
    area = [area_index.setdefault(area_of(r[8]), len(area_index)) for r in rows]
    facts = worker_facts(None)
    last = _spread(ids, {k: v.timestamp() for k, v in facts.last_gig.items()}, np.nan, np.float64)
    days = np.where(np.isnan(last), -1, np.maximum(0, (now.timestamp() - np.nan_to_num(last)) // 86400))
    # Occupations: (profile pk, code) pairs mapped onto rows by the profile pk.
    pairs = _raw_rows(
        WorkerProfile.occupations.through.objects.values_list("workerprofile_id", "occupation_id")
    )
    codes: dict[str, int] = {}
    pair_pks = np.fromiter((p for p, _c in pairs), dtype=np.int64, count=len(pairs))
    pair_codes = np.fromiter(
        (codes.setdefault(c, len(codes)) for _p, c in pairs), dtype=np.int64, count=len(pairs)
    )
    pks = numbers[:, 0].astype(np.int64)
    order = np.argsort(pks)
    at = np.clip(np.searchsorted(pks[order], pair_pks), 0, max(len(pks) - 1, 0))
    known = pks[order][at] == pair_pks if len(pks) else np.zeros(len(pairs), dtype=np.bool_)
    rows_of_pair = order[at] if len(pks) else np.zeros(len(pairs), dtype=np.int64)
    return WorkerColumns(
        id=ids,
        latitude=numbers[:, 2],
        longitude=numbers[:, 3],
        travel_mode=numbers[:, 4].astype(np.int64),
        travel_minutes=np.where(numbers[:, 5] > 0, numbers[:, 5], 15.0),
        min_hourly_fen=numbers[:, 6].astype(np.int64),
        availability=np.array(masks, dtype=np.int64),
        completed=_spread(ids, facts.completed, 0, np.int64),
        no_shows=_spread(ids, facts.no_shows, 0, np.int64),
        rating=_spread(ids, facts.rating, np.nan, np.float64),
        days_since_last_gig=days.astype(np.int64),
        priority=np.array(priority, dtype=np.bool_),
        occupation_rows=rows_of_pair[known],
        occupation_codes=pair_codes[known],
        codes=list(codes),
        area=np.array(area, dtype=np.int64),
        areas=list(area_index) or [""],
    )


POST_COLUMNS = (
    "pk",
    "latitude",
    "longitude",
    "region_id",
    "occupation_id",
    "wage_fen",
    "wage_type",
    "start_date",
    "end_date",
    "time_slots",
    "headcount",
    "confirmed_count",
)


def open_posts(now: dt.datetime | None = None) -> models.QuerySet[GigPost]:
    """The market's open gigs (published, not expired) with places left, without their joins."""
    return open_gigs(now).select_related(None).filter(confirmed_count__lt=models.F("headcount"))


def load_posts(
    posts: models.QuerySet[GigPost] | None = None, *, now: dt.datetime | None = None
) -> list[Post]:
    """Engine posts for ``posts`` (default: every open one); places = headcount − confirmed."""
    qs = open_posts(now) if posts is None else posts
    centres = _centres()
    result: list[Post] = []
    for (
        pk,
        lat,
        lon,
        region,
        occupation,
        wage,
        wage_type,
        start,
        end,
        slots,
        headcount,
        confirmed,
    ) in qs.order_by("pk").values_list(*POST_COLUMNS):
        if lat is None or lon is None:
            centre = centres.get(region)
            if centre is None:
                continue
            lat, lon = centre
        result.append(
            Post(
                id=pk,
                latitude=lat,
                longitude=lon,
                occupation=occupation,
                hourly_fen=hourly_equivalent_fen(wage, wage_type),
                schedule=post_schedule(start, end, slots),
                places=max(0, headcount - confirmed),
                area=area_of(region),
            )
        )
    return result


def load_relations() -> Relations:
    """Occupation pairs learned from accepted gigs (the engine skips pairs the catalogue relates)."""
    accepted = Engagement.objects.filter(status__in=ACCEPTED)
    profiles = WorkerProfile.objects.filter(user_id__in=accepted.values("worker_id"))
    occupations = _occupations(profiles.values("pk"))
    profile_of = dict(profiles.values_list("user_id", "pk"))
    pairs = [
        (tuple(occupations.get(profile_of.get(worker_id, 0), ())), post_code)
        for worker_id, post_code in accepted.values_list("worker_id", "post__occupation_id")
    ]
    return Relations.learn((codes, code) for codes, code in pairs if codes)


__all__ = [
    "area_of",
    "availability_mask",
    "load_posts",
    "load_relations",
    "load_worker_columns",
    "load_workers",
    "open_posts",
    "post_schedule",
    "slot_bit",
]
