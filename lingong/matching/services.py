"""Writes of the matching integration (辽人社〔2022〕22号 第七条: 精准、高效匹配, 即时快招).

Two things: the score weights (dated rows, staff-changed, audited), and the instant-hire **batch
dispatch round**.

Dispatch, as a whole (docs/matching.md): tier 1 of an instant post still goes to the employer's
trusted workers (``market.services.instant``); from tier 2 on, the engine takes over. When a post
enters tier 2 its best-ranked candidates are offered at once (``rank_candidates``, now the engine),
and from then on every ``MATCHING_DISPATCH_SECONDS`` a round looks at each area (a city) as a whole:
the open instant posts past tier 1 with places not yet covered by outstanding offers, and the workers
waiting there (available now, no offer or gig in hand), and sends the offers of the engine's optimal
assignment (the most total score, each worker one offer, each post at most ``places left ×
MATCHING_OFFERS_PER_PLACE`` outstanding). A (post, worker) pair that ever had an engagement (declined,
lapsed, withdrawn …) is excluded, so nobody is offered the same post twice.

Each offer is its own transaction: the post row is locked first and its outstanding offers counted
under the lock, then the worker's profile row is locked and their outstanding offers counted, then the
market's own ``_offer`` (``hiring.offer`` + the notification). Two rounds running at once therefore
never put more offers on a post than it may have, nor two open offers in one worker's hands; the
(post, worker) unique constraint backs it up.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import time
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import close_old_connections, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lingong.accounts.models import Role, User
from lingong.core import audit
from lingong.core.errors import DomainError, PermissionDenied
from lingong.core.models import AuditEntry
from lingong.core.scope import prefix_q
from lingong.market.models import Engagement, EngagementStatus, GigPost, WorkerProfile
from lingong.matching import feed
from lingong.matching.engine import DEFAULT_WEIGHTS, Weights, dispatch
from lingong.matching.models import DispatchRound, WeightSet

logger = logging.getLogger(__name__)

# --- weights ------------------------------------------------------------------------------------------

#: The weights staff may change, with their Chinese labels (the rest keep the engine's defaults).
WEIGHT_LABELS = {
    "travel": gettext_lazy("通勤时间"),
    "skill": gettext_lazy("工种匹配"),
    "related_fit": gettext_lazy("相近工种折算"),
    "learned_fit": gettext_lazy("经验工种折算"),
    "wage": gettext_lazy("工资"),
    "wage_full_ratio": gettext_lazy("工资满分倍数"),
    "reliability": gettext_lazy("可靠性"),
    "rating": gettext_lazy("评分"),
    "idle": gettext_lazy("公平：久未接单"),
    "idle_days": gettext_lazy("久未接单天数"),
    "priority": gettext_lazy("公平：重点群体"),
}
WEIGHT_FIELDS = tuple(f.name for f in dataclasses.fields(Weights))


def parse_weights(values: Mapping[str, Any], *, base: Weights = DEFAULT_WEIGHTS) -> Weights:
    """``values`` (numbers or numeric strings by field name) over ``base``; a Chinese error otherwise."""
    changes: dict[str, Any] = {}
    for name, raw in values.items():
        if name not in WEIGHT_FIELDS:
            raise DomainError("weight_unknown", _("不认识的权重：%(name)s。") % {"name": name}, field=name)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            continue
        try:
            number = float(str(raw).strip()) if isinstance(raw, str) else float(raw)
        except (TypeError, ValueError):
            raise DomainError("weight_invalid", _("权重须为数字。"), field=name) from None
        if not 0 <= number <= 1000:
            raise DomainError("weight_invalid", _("权重须在0到1000之间。"), field=name)
        changes[name] = int(number) if name == "idle_days" else number
    try:
        return dataclasses.replace(base, **changes)
    except (TypeError, ValueError) as exc:
        raise DomainError(
            "weight_invalid", _("权重组合不合理：折算须在0到1之间，工资满分倍数须大于1。"), details=str(exc)
        ) from None


def configured_weights() -> Weights:
    """The defaults of this installation: the engine's, overridden by ``settings.MATCHING_WEIGHTS``."""
    return parse_weights(getattr(settings, "MATCHING_WEIGHTS", {}) or {})


def current_weights(*, now: dt.datetime | None = None) -> Weights:
    """The weights in force at ``now``: the latest staff row in effect, over the configured defaults."""
    row = WeightSet.objects.filter(effective_from__lte=now or timezone.now()).order_by(
        "-effective_from", "-id"
    )
    values = row.values_list("values", flat=True).first() or {}
    # A version saved under an older engine may name a weight since dropped: keep the rest.
    return parse_weights({k: v for k, v in values.items() if k in WEIGHT_FIELDS}, base=configured_weights())


def may_change_weights(actor: User) -> bool:
    """Weights are platform-wide: administrators, or staff granted ``matching.add_weightset``."""
    if actor.is_superuser or actor.role == Role.ADMIN:
        return True
    return actor.role == Role.STAFF and actor.has_perm("matching.add_weightset")


@transaction.atomic
def set_weights(
    *, actor: User, values: Mapping[str, Any], note: str, effective_from: dt.datetime | None = None
) -> WeightSet:
    """A new dated version of the weights (never an edit of the old one), audited."""
    if not may_change_weights(actor):
        raise PermissionDenied("weights_forbidden", _("只有获得授权的工作人员可以调整匹配权重。"))
    note = (note or "").strip()
    if not note:
        raise DomainError("note_required", _("请写明调整原因。"), field="note")
    weights = parse_weights(values, base=current_weights())
    row = WeightSet.objects.create(
        effective_from=effective_from or timezone.now(),
        values=dataclasses.asdict(weights),
        note=note[:200],
        created_by=actor,
    )
    audit.record(actor=actor, action=AuditEntry.Action.CREATE, obj=row, fields=list(values), note=note[:200])
    return row


# --- inviting a recommended worker ---------------------------------------------------------------------


@transaction.atomic
def invite(*, actor: User, post_id: int, worker_id: int) -> Engagement:
    """The employer (or staff of the post's region) invites a recommended worker: the market's
    invitation (the offer and the inbox message)."""
    from lingong.market.services import hiring

    return hiring.invite(actor=actor, post_id=post_id, worker_id=worker_id)


# --- batch dispatch -----------------------------------------------------------------------------------

#: Offers that hold a place: not yet answered, or accepted and waiting for the employer's confirmation.
OUTSTANDING = (EngagementStatus.OFFERED, EngagementStatus.ACCEPTED)


def offers_per_place() -> int:
    return max(1, int(getattr(settings, "MATCHING_OFFERS_PER_PLACE", 2)))


def dispatch_seconds() -> int:
    return max(1, int(getattr(settings, "MATCHING_DISPATCH_SECONDS", 10)))


def _outstanding(now: dt.datetime, prefix: str = "") -> models.Q:
    """Engagements holding a place at ``now`` (``prefix`` to reach them through a relation)."""
    status, expires = f"{prefix}status", f"{prefix}offer_expires_at"
    return (
        models.Q(**{status: EngagementStatus.ACCEPTED})
        | models.Q(**{status: EngagementStatus.OFFERED, f"{expires}__gt": now})
        | models.Q(**{status: EngagementStatus.OFFERED, f"{expires}__isnull": True})
    )


def outstanding_offers(*, post_id: int, now: dt.datetime) -> int:
    return Engagement.objects.filter(_outstanding(now), post_id=post_id).count()


def dispatch_posts(now: dt.datetime) -> models.QuerySet[GigPost]:
    """Open instant posts past their trusted-workers tier, with what they may still be offered."""
    held = models.Count("engagements", filter=_outstanding(now, "engagements__"))
    return (
        feed.open_posts(now)
        .filter(instant=True, current_tier__gte=2)
        .annotate(outstanding=held)
        .annotate(
            room=(models.F("headcount") - models.F("confirmed_count")) * offers_per_place()
            - models.F("outstanding")
        )
        .filter(room__gt=0)
    )


def waiting_workers(area: str, now: dt.datetime) -> models.QuerySet[WorkerProfile]:
    """Workers of ``area`` available now with no offer in hand and no gig confirmed for today."""
    today = timezone.localdate(now)
    busy = Engagement.objects.filter(_outstanding(now)).values("worker_id")
    working = Engagement.objects.filter(
        status=EngagementStatus.CONFIRMED, post__start_date__lte=today, post__end_date__gte=today
    ).values("worker_id")
    return (
        feed.eligible_profiles()
        .filter(prefix_q("user__region__pk", area[:4]), available_now=True)
        .exclude(user_id__in=busy)
        .exclude(user_id__in=working)
    )


def _offer_one(post_id: int, worker_id: int, expires_at: dt.datetime, now: dt.datetime) -> bool:
    """One offer of a round, in its own transaction: post locked, then worker; rechecked under the locks."""
    from lingong.market.services.instant import _offer

    with transaction.atomic():
        post = GigPost.objects.select_for_update().select_related("employer").filter(pk=post_id).first()
        if post is None or not post.is_open(now) or post.places_left == 0:
            return False
        held = outstanding_offers(post_id=post_id, now=now)
        if held >= post.places_left * offers_per_place():
            return False
        if not WorkerProfile.objects.select_for_update().filter(user_id=worker_id).exists():
            return False
        if Engagement.objects.filter(_outstanding(now), worker_id=worker_id).exists():
            return False
        return _offer(post, worker_id, post.current_tier, expires_at)


def run_dispatch_round(*, area: str, now: dt.datetime | None = None) -> DispatchRound:
    """One round in one area (a city code): the engine's optimal assignment, then the offers."""
    from lingong.market.services.instant import tier_minutes

    now = now or timezone.now()
    weights = current_weights(now=now)
    posts_qs = dispatch_posts(now).filter(prefix_q("region__pk", area[:4]))
    room = dict(posts_qs.values_list("pk", "room"))  # type: ignore[misc]  # annotated by dispatch_posts
    posts = [
        dataclasses.replace(p, places=int(room.get(p.id, 0))) for p in feed.load_posts(posts_qs, now=now)
    ]
    profiles = waiting_workers(area, now)
    workers = feed.load_workers(profiles, now=now, for_today=True) if posts else []
    excluded = set(Engagement.objects.filter(post_id__in=list(room)).values_list("post_id", "worker_id"))
    from lingong.matching.index import get_relations

    relations = get_relations()
    result = dispatch(workers, posts, weights=weights, relations=relations, excluded=excluded)
    expires_at = now + dt.timedelta(minutes=tier_minutes())
    offered: list[list[Any]] = []
    # Best pairs first, so if the round is cut short the most valuable offers are out.
    for a in sorted(result.assignments, key=lambda a: (-a.match.score, a.post_id, a.worker_id)):
        if _offer_one(a.post_id, a.worker_id, expires_at, now):
            offered.append([a.post_id, a.worker_id, round(a.match.score, 2)])
    return DispatchRound.objects.create(
        area=area,
        started_at=now,
        posts=sorted([post_id, int(n)] for post_id, n in room.items()),
        worker_ids=sorted(w.id for w in workers),
        assignments=[[a.post_id, a.worker_id, round(a.match.score, 2)] for a in result.assignments],
        offers=len(offered),
        total_score=round(result.total_score, 2),
        weights=dataclasses.asdict(weights),
    )


def run_dispatch_rounds(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Expire lapsed offers, then one round in every area with an instant post waiting for offers."""
    from lingong.market.services.instant import expire_offers

    now = now or timezone.now()
    expired = expire_offers(now=now)
    areas = sorted({feed.area_of(code) for code in dispatch_posts(now).values_list("region_id", flat=True)})
    offers = 0
    for area in areas:
        offers += run_dispatch_round(area=area, now=now).offers
    return {"expired": expired, "areas": len(areas), "offered": offers}


def dispatch_loop(*, seconds: float, every: int | None = None, rounds: int | None = None) -> int:
    """Run rounds every ``every`` seconds for ``seconds`` (or ``rounds`` times); return the rounds run.
    Used by ``lingong dispatch`` (forever) and by the per-minute periodic task (for a minute)."""
    every = every or dispatch_seconds()
    started, done = time.monotonic(), 0
    while True:
        close_old_connections()  # a long-lived loop: drop a connection the database closed meanwhile
        try:
            run_dispatch_rounds()
        except Exception:  # one bad round must not stop the loop; the next one retries
            logger.exception("dispatch round failed")
        done += 1
        if rounds is not None and done >= rounds:
            return done
        left = started + done * every - time.monotonic()
        if time.monotonic() - started + max(left, 0) >= seconds:
            return done
        if left > 0:
            time.sleep(left)


__all__ = [
    "current_weights",
    "dispatch_loop",
    "invite",
    "parse_weights",
    "run_dispatch_round",
    "run_dispatch_rounds",
    "set_weights",
]
