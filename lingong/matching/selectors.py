"""Reads of the matching integration (辽人社〔2022〕22号 第七条: 精准、高效匹配; 15分钟就业服务圈):
gigs recommended to a worker, workers recommended for a post, and the weights trial for staff.

Every result carries its explained score: the parts in points, with Chinese labels (通勤时间、工种匹配、
工资、可靠性、评分、公平). The in-memory index proposes; the database confirms (the post still open, the
worker still active) before anything is shown, so a change another process made is never shown stale.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lingong.accounts.models import Role, User
from lingong.core.errors import PermissionDenied
from lingong.core.identity import mask_name
from lingong.core.scope import in_scope, prefix_q, region_prefix
from lingong.market.models import Engagement, GigPost, PostStatus
from lingong.market.selectors.hiring import get_manageable_post
from lingong.market.services.profiles import is_staff
from lingong.matching import feed
from lingong.matching.engine import Match, Post, Weights, Worker, dispatch, scoring
from lingong.matching.index import get_index
from lingong.matching.models import DispatchRound, WeightSet
from lingong.matching.services import current_weights

#: The score's parts in the order they add up, with the labels people read.
PART_LABELS = {
    "travel": gettext_lazy("通勤时间"),
    "skill": gettext_lazy("工种匹配"),
    "wage": gettext_lazy("工资"),
    "reliability": gettext_lazy("可靠性"),
    "rating": gettext_lazy("评分"),
    "fairness": gettext_lazy("公平"),
}
FIT_LABELS = {
    "exact": gettext_lazy("工种对口"),
    "related": gettext_lazy("工种相近"),
    "learned": gettext_lazy("做过相近的活"),
}
#: Results asked of the index beyond ``limit``, for those the database then turns down.
SPARE = 10


@dataclass(frozen=True)
class Part:
    name: str
    label: str
    points: float


@dataclass(frozen=True)
class Explained:
    """A score and why: the parts (adding up to ``score``), travel time and the skill rule."""

    score: float
    travel_minutes: float
    distance_km: float
    fit: str
    fit_label: str
    parts: tuple[Part, ...]


def explain(match: Match) -> Explained:
    values = match.parts.as_dict()
    return Explained(
        score=round(match.score, 1),
        travel_minutes=round(match.travel_minutes, 1),
        distance_km=round(match.distance_km, 2),
        fit=match.fit,
        fit_label=str(FIT_LABELS.get(match.fit, "")),
        parts=tuple(Part(name, str(label), round(values[name], 1)) for name, label in PART_LABELS.items()),
    )


@dataclass(frozen=True)
class GigForWorker:
    post: GigPost
    why: Explained


@dataclass(frozen=True)
class WorkerForGig:
    worker_id: int
    name: str  # masked: the employer sees who, not the full name, until the worker answers
    region_name: str
    completed: int
    rating: float | None
    why: Explained


def _worker_row(user: User, now: dt.datetime) -> Worker | None:
    rows = feed.load_workers(feed.eligible_profiles().filter(user=user), now=now)
    return rows[0] if rows else None


def gigs_for_worker(actor: User, *, limit: int = 20, now: dt.datetime | None = None) -> list[GigForWorker]:
    """The logged-in worker's best open gig posts, best first (empty without a profile or a place)."""
    if actor.role != Role.WORKER:
        raise PermissionDenied("worker_only", _("只有灵活就业人员有为我推荐的零工。"))
    now = now or timezone.now()
    limit = max(1, min(int(limit), 100))
    worker = _worker_row(actor, now)
    if worker is None:
        return []
    engaged = set(Engagement.objects.filter(worker=actor).values_list("post_id", flat=True))
    index = get_index(now=now)
    weights = current_weights(now=now)
    with index.lock:  # a sync in another thread may be merging the index's arrays
        matches = index.posts.top_posts(worker, limit + SPARE, weights=weights, exclude=engaged)
    posts = feed.open_posts(now).filter(pk__in=[m.id for m in matches]).select_related("region", "occupation")
    by_id = {p.pk: p for p in posts}
    return [GigForWorker(by_id[m.id], explain(m)) for m in matches if m.id in by_id][:limit]


def _engine_post(post: GigPost, now: dt.datetime) -> Post | None:
    rows = feed.load_posts(GigPost.objects.filter(pk=post.pk), now=now)
    return rows[0] if rows else None


def workers_for_gig(
    actor: User, *, post_id: int, limit: int = 20, now: dt.datetime | None = None
) -> tuple[GigPost, list[WorkerForGig]]:
    """The best available workers for a post: for its employer, or staff of its region."""
    post = get_manageable_post(actor, post_id)
    now = now or timezone.now()
    limit = max(1, min(int(limit), 100))
    engine_post = _engine_post(post, now)
    if engine_post is None or not post.is_open(now) or engine_post.places <= 0:
        return post, []
    engaged = set(Engagement.objects.filter(post=post).values_list("worker_id", flat=True))
    index = get_index(now=now)
    weights = current_weights(now=now)
    with index.lock:  # a sync in another thread may be merging the index's arrays
        matches = index.workers.top_workers(engine_post, limit + SPARE, weights=weights, exclude=engaged)
    users = User.objects.filter(
        pk__in=[m.id for m in matches], role=Role.WORKER, is_active=True
    ).select_related("region")
    by_id = {u.pk: u for u in users}
    facts = feed.worker_facts(list(by_id))
    found = [
        WorkerForGig(
            worker_id=m.id,
            name=mask_name(by_id[m.id].display_name),
            region_name=getattr(by_id[m.id].region, "name", ""),
            completed=facts.completed.get(m.id, 0),
            rating=round(facts.rating[m.id], 1) if m.id in facts.rating else None,
            why=explain(m),
        )
        for m in matches
        if m.id in by_id
    ]
    return post, found[:limit]


# --- the weights trial ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What one set of weights gives on a day's dispatch rounds."""

    offers: int
    average_minutes: float | None
    priority_share: float | None  # of offers, to workers of a priority group
    idle_share: float | None  # of offers, to workers with no gig for ``idle_days`` or more


@dataclass(frozen=True)
class Trial:
    day: dt.date
    posts: int
    top5_changed: int
    rounds: int
    before: Outcome
    after: Outcome


def weights_trial_allowed(actor: User) -> None:
    """Staff (of any region: the trial reads their region's posts and rounds) and administrators."""
    if not (is_staff(actor, write=False) or actor.is_superuser):
        raise PermissionDenied("staff_only", _("只有工作人员可以试算匹配权重。"))


def weights_history(*, limit: int = 20) -> list[WeightSet]:
    """The latest versions of the weights, newest first, with who set them (platform-wide data)."""
    return list(WeightSet.objects.select_related("created_by")[:limit])


def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return start, start + dt.timedelta(days=1)


def _outcome(
    workers: dict[int, Worker], pairs: Sequence[tuple[int, Match]], idle_days: int
) -> tuple[int, float, int, int]:
    minutes = sum(m.travel_minutes for _w, m in pairs)
    priority = sum(1 for w, _m in pairs if workers[w].priority_groups)
    idle = sum(1 for w, _m in pairs if scoring.is_idle(workers[w].days_since_last_gig, idle_days))
    return len(pairs), minutes, priority, idle


def _summary(totals: list[tuple[int, float, int, int]]) -> Outcome:
    n = sum(t[0] for t in totals)
    if not n:
        return Outcome(0, None, None, None)
    return Outcome(
        offers=n,
        average_minutes=round(sum(t[1] for t in totals) / n, 1),
        priority_share=round(sum(t[2] for t in totals) / n * 100, 1),
        idle_share=round(sum(t[3] for t in totals) / n * 100, 1),
    )


MAX_TRIAL_POSTS = 300


def weights_trial(actor: User, *, weights: Weights, day: dt.date | None = None) -> Trial:
    """What ``weights`` would have changed on ``day`` (default yesterday) in the actor's region:
    the top-5 workers of the posts open that day, and that day's dispatch rounds replayed (today's
    profiles stand in for that day's: the index keeps no history), against the weights then in force."""
    weights_trial_allowed(actor)
    day = day or timezone.localdate() - dt.timedelta(days=1)
    start, end = _day_bounds(day)
    before_weights = current_weights(now=end)
    # Top-5 lists of the posts open that day.
    open_then = in_scope(
        GigPost.objects.filter(created_at__lt=end, expires_at__gt=start).exclude(
            status__in=[PostStatus.IN_REVIEW, PostStatus.REJECTED]
        ),
        actor,
    )
    ids = list(open_then.order_by("pk").values_list("pk", flat=True)[:MAX_TRIAL_POSTS])
    index = get_index()
    changed = 0
    engine_posts = feed.load_posts(GigPost.objects.filter(pk__in=ids), now=start)
    for p in engine_posts:
        p = dataclasses.replace(p, places=max(p.places, 1))  # filled since: still compare who'd be top
        with index.lock:
            old = [m.id for m in index.workers.top_workers(p, 5, weights=before_weights)]
            new = [m.id for m in index.workers.top_workers(p, 5, weights=weights)]
        changed += old != new
    # The day's dispatch rounds, replayed with the weights of the round and with the new ones.
    rounds = rounds_of_day(actor, day=day)
    before: list[tuple[int, float, int, int]] = []
    after: list[tuple[int, float, int, int]] = []
    count = 0
    for r in rounds.order_by("started_at", "pk")[:200]:
        count += 1
        room = {int(post_id): int(n) for post_id, n in r.posts}
        posts = [
            dataclasses.replace(p, places=room.get(p.id, 0))
            for p in feed.load_posts(GigPost.objects.filter(pk__in=list(room)), now=r.started_at)
        ]
        rows = feed.load_workers(
            feed.eligible_profiles().filter(user_id__in=r.worker_ids), now=r.started_at, for_today=True
        )
        workers = {w.id: w for w in rows}
        excluded = set(
            Engagement.objects.filter(post_id__in=list(room), created_at__lt=r.started_at).values_list(
                "post_id", "worker_id"
            )
        )
        for weights_used, sink in ((_round_weights(r, before_weights), before), (weights, after)):
            result = dispatch(rows, posts, weights=weights_used, relations=index.relations, excluded=excluded)
            pairs = [(a.worker_id, a.match) for a in result.assignments]
            sink.append(_outcome(workers, pairs, weights.idle_days))
    return Trial(
        day=day,
        posts=len(engine_posts),
        top5_changed=changed,
        rounds=count,
        before=_summary(before),
        after=_summary(after),
    )


def _round_weights(r: DispatchRound, fallback: Weights) -> Weights:
    from lingong.matching.services import parse_weights

    try:
        return parse_weights(r.weights or {}, base=fallback)
    except Exception:  # a round recorded under an older engine's field names: the day's weights
        return fallback


def rounds_of_day(actor: User, *, day: dt.date) -> models.QuerySet[DispatchRound]:
    """The day's dispatch rounds in the actor's city (staff and administrators)."""
    weights_trial_allowed(actor)
    start, end = _day_bounds(day)
    qs = DispatchRound.objects.filter(started_at__gte=start, started_at__lt=end)
    prefix = region_prefix(actor)
    # Rounds are per city (``feed.area_of``): a county's staff see their city's.
    return qs if prefix is None else qs.filter(prefix_q("area", prefix[:4]))
