"""The per-process matching index, kept current without a rebuild per request (DESIGN.md: "the matching
index in memory"; 辽人社〔2022〕22号 第七条: 精准、高效匹配).

Each web or worker process holds one ``MatchingIndex``: the engine's ``WorkerIndex`` of every eligible
worker and ``PostIndex`` of every open gig post, built from the database on first use. It then stays
current two ways, so several gunicorn processes each converge on the database without talking to
each other:

- **sync**: at most every ``MATCHING_SYNC_SECONDS``, a request that uses the index first reads what
  changed since the last sync: profiles by ``updated_at``; posts and engagements by the workflow log
  (``core.Transition``: every status change of a post or an engagement is logged there, so a post
  published, closed, filled or freed, and a worker's completed gig or no-show, all show up); new posts
  by id; new ratings by id. Ids are re-read with an overlap window (a transaction that took an id
  early but committed late is still seen) and de-duplicated, so nothing is applied twice.
- **refresh**: a write in this process (market services: profile saved, post published or closed,
  worker confirmed) calls ``refresh_after_commit``, which updates those rows once the transaction
  commits, so the writer sees its own change at once.

A new day rebuilds the index (``available_now`` means today; days since the last gig move on), and
``python manage.py rebuild_matching_index`` rebuilds it on demand. The index proposes; selectors
confirm against the database (a post still open, a worker still active) before showing anything.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from lingong.core.models import Transition
from lingong.market.models import Engagement, GigPost, Rating, WorkerProfile
from lingong.matching import feed
from lingong.matching.engine import PostIndex, Relations, WorkerIndex

logger = logging.getLogger(__name__)

#: Ids re-read behind the last one seen: a transaction that took an id early may commit late.
ID_OVERLAP = 500
#: The same for profile ``updated_at`` (set at save, visible at commit).
TIME_OVERLAP = dt.timedelta(seconds=60)
SYNCED_TYPES = ("market.engagement", "market.gigpost")


def sync_seconds() -> float:
    return float(getattr(settings, "MATCHING_SYNC_SECONDS", 5))


@dataclass
class _Cursor:
    """The newest id seen of one table, and the ids seen within the overlap window behind it."""

    last: int = 0
    seen: set[int] = field(default_factory=set)

    def since(self) -> int:
        return max(0, self.last - ID_OVERLAP)

    def take(self, ids: Iterable[int]) -> list[int]:
        fresh = [i for i in ids if i not in self.seen]
        self.seen.update(fresh)
        if fresh:
            self.last = max(self.last, *fresh)
        floor = self.since()
        self.seen = {i for i in self.seen if i > floor}
        return fresh


@dataclass
class SyncReport:
    workers: int = 0
    posts: int = 0


class MatchingIndex:
    """Workers and open posts of the whole platform, for top-k both ways."""

    def __init__(self) -> None:
        # Two locks: ``lock`` is held by readers and for the short swaps that change what they read;
        # ``write_lock`` serialises the writers (sync, refresh, rebuild), whose database reads and
        # index merges then run without keeping readers waiting.
        self.lock = threading.RLock()
        self.write_lock = threading.RLock()
        self.workers = WorkerIndex()
        self.posts = PostIndex()
        self.relations = Relations()
        self.built_on: dt.date | None = None
        self.synced_at = 0.0  # time.monotonic() of the last sync
        self._transitions = _Cursor()
        self._ratings = _Cursor()
        self._posts = _Cursor()
        self._profiles_since: dt.datetime | None = None
        self._profiles_seen: set[tuple[int, dt.datetime]] = set()

    # --- building -------------------------------------------------------------------------------------

    def rebuild(self, *, now: dt.datetime | None = None) -> tuple[int, int]:
        """Load everything afresh; return (workers, posts).

        The load (seconds at province scale) runs outside the lock, so queries keep being answered from
        the old index meanwhile; only the swap holds it."""
        with self.write_lock:
            return self._rebuild(now=now)

    def _rebuild(self, *, now: dt.datetime | None = None) -> tuple[int, int]:
        now = now or timezone.now()
        # The cursors first: whatever changes while we load is re-read by the next sync.
        transitions = _Cursor(Transition.objects.aggregate(m=Max("id"))["m"] or 0)
        ratings = _Cursor(Rating.objects.aggregate(m=Max("id"))["m"] or 0)
        posts_cursor = _Cursor(GigPost.objects.aggregate(m=Max("id"))["m"] or 0)
        relations = feed.load_relations()
        workers = WorkerIndex.from_columns(feed.load_worker_columns(now=now), relations=relations)
        posts = feed.load_posts(now=now)
        post_index = PostIndex(posts, relations=relations)
        with self.lock:
            self._transitions, self._ratings, self._posts = transitions, ratings, posts_cursor
            self._profiles_since = now
            self._profiles_seen = set()
            self.relations = relations
            self.workers = workers
            self.posts = post_index
            self.built_on = timezone.localdate(now)
            self.synced_at = time.monotonic()
        logger.info("matching index built: %d workers, %d posts", len(workers), len(posts))
        return len(workers), len(posts)

    # --- keeping current --------------------------------------------------------------------------------

    def refresh(self, *, worker_ids: Iterable[int] = (), post_ids: Iterable[int] = ()) -> SyncReport:
        """Re-read these workers and posts from the database: upsert the eligible, drop the rest."""
        worker_ids, post_ids = sorted(set(worker_ids)), sorted(set(post_ids))
        report = SyncReport(len(worker_ids), len(post_ids))
        if not (worker_ids or post_ids) or self.built_on is None:
            return report
        with self.write_lock:
            # Read the database and merge the deltas (up to a second at a million workers) while readers go
            # on querying; hold their lock only to swap the merged columns in and apply the updates.
            eligible = feed.eligible_profiles().filter(user_id__in=worker_ids)
            loaded = feed.load_workers(eligible) if worker_ids else []
            loaded_posts = feed.load_posts(feed.open_posts().filter(pk__in=post_ids)) if post_ids else []
            workers_merged = self.workers.merge_ahead(headroom=WorkerIndex.rows_needed(loaded))
            posts_merged = self.posts.merge_ahead(headroom=len(post_ids) + 1)
            with self.lock:
                if workers_merged is not None:
                    self.workers.install_merge(workers_merged)
                if posts_merged is not None:
                    self.posts.install_merge(posts_merged)
                for worker in loaded:
                    self.workers.upsert(worker)
                for gone in set(worker_ids) - {w.id for w in loaded}:
                    self.workers.remove(gone)
                for post in loaded_posts:
                    self.posts.upsert(post)
                for gone in set(post_ids) - {p.id for p in loaded_posts}:
                    self.posts.remove(gone)
        return report

    def sync(self, *, now: dt.datetime | None = None) -> SyncReport:
        """Apply every change committed since the last sync (see the module docstring)."""
        now = now or timezone.now()
        with self.write_lock:
            if self.built_on is None or self.built_on != timezone.localdate(now):
                self._rebuild(now=now)
                return SyncReport()
            worker_ids: set[int] = set()
            post_ids: set[int] = set()
            # Profiles saved since the last sync (less the overlap), each (id, updated_at) once.
            since = (self._profiles_since or now) - TIME_OVERLAP
            changed = list(
                WorkerProfile.objects.filter(updated_at__gte=since).values_list("user_id", "updated_at")
            )
            fresh = [pair for pair in changed if pair not in self._profiles_seen]
            worker_ids.update(user_id for user_id, _at in fresh)
            self._profiles_seen = {pair for pair in self._profiles_seen | set(fresh) if pair[1] >= since}
            self._profiles_since = now
            # Status changes of posts and engagements, from the workflow log.
            rows = list(
                Transition.objects.filter(id__gt=self._transitions.since(), object_type__in=SYNCED_TYPES)
                .order_by("id")
                .values_list("id", "object_type", "object_id")
            )
            fresh_ids = set(self._transitions.take(r[0] for r in rows))
            engagement_ids = [int(r[2]) for r in rows if r[0] in fresh_ids and r[1] == "market.engagement"]
            post_ids.update(int(r[2]) for r in rows if r[0] in fresh_ids and r[1] == "market.gigpost")
            if engagement_ids:
                for worker_id, post_id in Engagement.objects.filter(pk__in=engagement_ids).values_list(
                    "worker_id", "post_id"
                ):
                    worker_ids.add(worker_id)
                    post_ids.add(post_id)
            # New posts (created published or in review: no transition yet) and new ratings.
            post_ids.update(
                self._posts.take(
                    GigPost.objects.filter(id__gt=self._posts.since()).values_list("id", flat=True)
                )
            )
            rating_rows = dict(
                Rating.objects.filter(id__gt=self._ratings.since()).values_list("id", "ratee_id")
            )
            worker_ids.update(rating_rows[i] for i in self._ratings.take(rating_rows))
            self.synced_at = time.monotonic()
            return self.refresh(worker_ids=worker_ids, post_ids=post_ids)


_holder: MatchingIndex | None = None
_holder_lock = threading.Lock()


def get_index(*, now: dt.datetime | None = None, sync: bool = True) -> MatchingIndex:
    """This process's index: built on first use, synced when older than ``MATCHING_SYNC_SECONDS``.

    Only the first use waits for a build. When a sync is due and another thread is already writing (a
    sync, or the new day's rebuild: seconds at a province's scale), this request is answered from the
    index as it stands rather than queued behind that writer; the writer's changes show a moment later."""
    global _holder
    with _holder_lock:
        if _holder is None:
            _holder = MatchingIndex()
    index = _holder
    if index.built_on is None:
        with index.write_lock:  # once, when several threads find it unbuilt at the same time
            if index.built_on is None:
                index.rebuild(now=now)
    elif (
        sync
        and time.monotonic() - index.synced_at >= sync_seconds()
        and index.write_lock.acquire(blocking=False)
    ):
        try:
            if time.monotonic() - index.synced_at >= sync_seconds():
                index.sync(now=now)
        finally:
            index.write_lock.release()
    return index


_relations: tuple[float, Relations] | None = None
RELATIONS_SECONDS = 600.0


def get_relations() -> Relations:
    """Learned relatedness for callers that score outside the index (instant hire's ranking and rounds):
    the index's when this process has one, else read at most every ``RELATIONS_SECONDS`` (never a
    full index build inside someone else's transaction)."""
    global _relations
    if _holder is not None and _holder.built_on is not None:
        return _holder.relations
    if _relations is None or time.monotonic() - _relations[0] > RELATIONS_SECONDS:
        _relations = (time.monotonic(), feed.load_relations())
    return _relations[1]


def reset_index() -> None:
    """Forget this process's index and cached relations (tests; the next use rebuilds them)."""
    global _holder, _relations
    with _holder_lock:
        _holder = None
        _relations = None


def refresh_after_commit(*, worker_ids: Iterable[int] = (), post_ids: Iterable[int] = ()) -> None:
    """After the current transaction commits, re-read these rows into this process's index (if it has
    one yet: a process that never matched has nothing to keep current). Other processes catch up by
    their own sync."""
    workers, posts = list(worker_ids), list(post_ids)

    def apply() -> None:
        if _holder is not None and _holder.built_on is not None:
            _holder.refresh(worker_ids=workers, post_ids=posts)

    transaction.on_commit(apply, robust=True)
