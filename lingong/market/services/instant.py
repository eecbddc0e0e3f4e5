"""即时快招, instant hire (辽人社〔2022〕22号 第七条: "建立零工'即时快招'服务模式，为零工人员与用工主体提供
快速发布信息、现场对接洽谈、即时确认结果、当日面试到岗等服务").

Quick posting: an employer publishes today's gig from a saved template, or from six fields, in under a
minute (``quick_post``). Dispatch: the published post is then offered in tiers, each with a reply time
of ``LINGONG_INSTANT_TIER_MINUTES``:

1. the employer's trusted workers (常用工人);
2. the workers the matching engine ranks best (``rank_candidates``), and from then on the engine's batch
   dispatch rounds (``lingong.matching.services``, every few seconds) top the post up with the optimal
   assignment of the area's waiting workers over all its open instant posts, as offers lapse or are declined;
3. everyone else within reach.

A post never has more than ``MATCHING_OFFERS_PER_PLACE`` unanswered offers per place left (docs/matching.md).

A tier with nobody to offer is skipped at once, and a tier whose offers were all answered no gives way
to the next without waiting. Offers go through ``hiring.offer``: the unique constraint on (post, worker)
means a worker is never offered the same post twice, whatever they answered. Accepting (with the way the
details will be settled: on site or online) and confirming go through ``hiring.accept`` and
``hiring.confirm_worker``, which keeps the headcount.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from dataclasses import dataclass, replace
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lingong.accounts.models import Role, User
from lingong.accounts.notify import notify
from lingong.core.errors import DomainError, NotFound, PermissionDenied
from lingong.core.workflow import transition
from lingong.market.models import (
    EmployerProfile,
    Engagement,
    EngagementStatus,
    GigPost,
    PostStatus,
    PostTemplate,
    WorkerProfile,
)
from lingong.market.services import hiring
from lingong.market.services.posts import EMPLOYER_ROLES, publish_gig_post
from lingong.matching.engine.types import MAX_REACH_KM, Fit

logger = logging.getLogger(__name__)

LAST_TIER = 3

#: What a template keeps: ``publish_gig_post``'s arguments, less the dates (always today) and ``instant``.
TEMPLATE_FIELDS = (
    "occupation_code",
    "region_code",
    "address",
    "headcount",
    "wage_fen",
    "wage_type",
    "settlement",
    "title",
    "description",
    "requirements",
    "time_slots",
    "longitude",
    "latitude",
    "contact_name",
    "contact_phone",
)
_INT_FIELDS = ("headcount", "wage_fen")
_FLOAT_FIELDS = ("longitude", "latitude")


def tier_size() -> int:
    return int(getattr(settings, "LINGONG_INSTANT_TIER_SIZE", 10))


def tier_minutes() -> int:
    return int(getattr(settings, "LINGONG_INSTANT_TIER_MINUTES", 10))


# --- templates and quick posting ---------------------------------------------------------------------


def _check_employer(actor: User, employer: User) -> None:
    if employer.role not in EMPLOYER_ROLES:
        raise PermissionDenied("employer_only", _("请使用用工主体账号。"))
    # Staff posting for someone at the window go through publish_gig_post's own region check.
    if actor.pk != employer.pk and actor.role not in (Role.STAFF, Role.ADMIN) and not actor.is_superuser:
        raise PermissionDenied("post_for_others_forbidden", _("只能以本人名义发布。"))


def clean_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """Template or override fields as ``publish_gig_post`` takes them; empty values are dropped (a blank
    in the quick form means "as in the template"), unknown names and wrong types are errors."""
    unknown = sorted(set(fields) - set(TEMPLATE_FIELDS))
    if unknown:
        raise DomainError(
            "template_field_unknown", _("不认识的内容：%(names)s。") % {"names": "、".join(unknown)}
        )
    cleaned: dict[str, Any] = {}
    for name, value in fields.items():
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        try:
            if name in _INT_FIELDS:
                if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
                    raise ValueError(value)
                cleaned[name] = int(str(value).strip()) if isinstance(value, str) else int(value)
            elif name in _FLOAT_FIELDS:
                cleaned[name] = float(value)
            else:
                cleaned[name] = str(value).strip()
        except (TypeError, ValueError):
            raise DomainError("field_invalid", _("请填写正确的数字。"), field=name) from None
    return cleaned


@transaction.atomic
def save_template(*, actor: User, name: str, fields: dict[str, Any]) -> PostTemplate:
    """Save (or overwrite, by name) one of the actor's templates: "保存为模板"."""
    _check_employer(actor, actor)
    name = (name or "").strip()
    if not name or len(name) > 40:
        raise DomainError("template_name_invalid", _("请填写模板名称（最多40个字）。"), field="name")
    cleaned = clean_fields(fields)
    template, _created = PostTemplate.objects.update_or_create(
        employer=actor, name=name, defaults={"fields": cleaned}
    )
    return template


def list_templates(*, actor: User) -> models.QuerySet[PostTemplate]:
    """The actor's own templates (a template is private to its employer)."""
    return PostTemplate.objects.filter(employer=actor).order_by("name", "pk")


@transaction.atomic
def delete_template(*, actor: User, template_id: int) -> None:
    deleted, _rows = PostTemplate.objects.filter(pk=template_id, employer=actor).delete()
    if not deleted:
        raise NotFound("not_found", _("找不到该模板。"))


@transaction.atomic
def quick_post(
    *,
    actor: User,
    employer: User,
    template_id: int | None = None,
    now: dt.datetime | None = None,
    **overrides: Any,
) -> GigPost:
    """Publish an instant gig for today (start and end today) from a template and/or fields; once
    it is committed, the first tier of offers goes out (``start_dispatch``)."""
    _check_employer(actor, employer)
    fields: dict[str, Any] = {"headcount": 1, "wage_type": "day", "settlement": "same_day"}
    if employer.region_id:
        fields["region_code"] = employer.region_id
    if template_id is not None:
        template = PostTemplate.objects.filter(pk=template_id, employer=employer).first()
        if template is None:
            raise NotFound("not_found", _("找不到该模板。"))
        fields.update(clean_fields(template.fields))
    fields.update(clean_fields(overrides))
    for name, message in (
        ("occupation_code", _("请选择工种。")),
        ("address", _("请填写工作地点。")),
        ("wage_fen", _("请填写工资。")),
    ):
        if name not in fields:
            raise DomainError("field_required", message, field=name)
    today = timezone.localdate(now)
    post = publish_gig_post(
        actor=actor, employer=employer, start_date=today, end_date=today, instant=True, now=now, **fields
    )
    if post.status == PostStatus.PUBLISHED:
        # A post sent to review is dispatched by the periodic task once staff approve it.
        post_id = post.pk
        transaction.on_commit(lambda: start_dispatch(post_id), robust=True)
    return post


# --- ranking -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """A worker who could be offered a post, with the score and the reasons behind it."""

    worker_id: int
    score: float
    distance_km: float | None
    reach_km: float
    suitable: bool  # the trade fits and they can work today: material for tier 2
    reasons: tuple[str, ...]


def _within_reach_queryset(post: GigPost, now: dt.datetime) -> models.QuerySet[WorkerProfile]:
    """Candidate profiles: a box of ``MAX_REACH_KM`` around the post (each worker's own reach is
    checked exactly by the engine), less those already engaged with it."""
    engaged = Engagement.objects.filter(post=post).values("worker_id")
    qs = WorkerProfile.objects.filter(user__role=Role.WORKER, user__is_active=True).exclude(
        user_id__in=engaged
    )
    if post.latitude is not None and post.longitude is not None:
        # A box around the post in SQL; the exact distance and each worker's own reach in Python.
        dlat = MAX_REACH_KM / 111.0
        dlon = MAX_REACH_KM / (111.32 * max(math.cos(math.radians(post.latitude)), 0.01))
        qs = qs.filter(
            latitude__range=(post.latitude - dlat, post.latitude + dlat),
            longitude__range=(post.longitude - dlon, post.longitude + dlon),
        )
    else:
        # Without the post's position, "within reach" falls back to living in the post's county.
        qs = qs.filter(user__region_id=post.region_id)
    return qs


def rank_candidates(
    post: GigPost, limit: int | None, *, suitable_only: bool = True, now: dt.datetime | None = None
) -> list[Candidate]:
    """Workers within reach of ``post`` not yet engaged with it, best first (at most ``limit``), ranked by
    the matching engine (``lingong.matching``, docs/matching.md).

    Suitable workers are those the engine matches: within reach, the trade fits (exact, the same group,
    or learned from accepted gigs), available today, and the post pays their expectation; their score
    is the engine's (travel time, trade, wage, reliability, rating, fairness, with the weights in force).
    With ``suitable_only=False`` (tier 3, everyone else within reach) the others follow, after every
    suitable one, scored by the same parts with the failed condition counting nothing. Ties go to the
    shorter travel time, then the lower id (the engine's order).
    """
    from lingong.matching import feed
    from lingong.matching.engine import WorkerIndex, distance_km, skill_fit
    from lingong.matching.engine import scoring as engine_scoring
    from lingong.matching.index import get_relations
    from lingong.matching.services import current_weights

    now = now or timezone.now()
    weights = current_weights(now=now)
    relations = get_relations()
    engine_posts = feed.load_posts(GigPost.objects.filter(pk=post.pk), now=now)
    if not engine_posts:
        return []
    # A full post is still ranked (the caller decides whether to offer); the engine skips full posts.
    target = replace(engine_posts[0], places=max(engine_posts[0].places, 1))
    workers = feed.load_workers(_within_reach_queryset(post, now), now=now, for_today=True)
    matched = {m.id: m for m in WorkerIndex(workers, relations=relations).candidates(target, weights=weights)}
    found: list[tuple[float, Candidate]] = []
    for worker in workers:
        distance = distance_km(worker.latitude, worker.longitude, target.latitude, target.longitude)
        if distance > worker.reach_km:
            continue
        match = matched.get(worker.id)
        if match is None and suitable_only:
            continue
        rule: Fit | None
        if match is not None:
            rule, minutes, parts = match.fit, match.travel_minutes, match.parts
        else:  # the same parts, the failed condition counting nothing
            fit, rule = skill_fit(worker.occupations, target.occupation, weights, relations)
            minutes, parts = engine_scoring.pair_parts(worker, target, distance=distance, fit=fit, w=weights)
        reasons = [_("距离%(d).1f公里（可达%(r).1f公里）") % {"d": distance, "r": worker.reach_km}]
        fit_reasons = {"exact": _("工种对口"), "related": _("工种相近"), "learned": _("做过相近的活")}
        if rule:
            reasons.append(fit_reasons[rule])
        if engine_scoring.wage_ok(worker.min_hourly_fen, target.hourly_fen):
            reasons.append(_("工资符合期望"))
        if worker.availability & target.schedule:
            reasons.append(_("今天可上工"))
        if engine_scoring.is_idle(worker.days_since_last_gig, weights.idle_days):
            reasons.append(_("近%(n)d天未接到零工") % {"n": weights.idle_days})
        if worker.priority_groups:
            reasons.append(_("重点帮扶群体"))
        candidate = Candidate(
            worker_id=worker.id,
            score=round(parts.total, 2),
            distance_km=round(distance, 2),
            reach_km=round(worker.reach_km, 2),
            suitable=match is not None,
            reasons=tuple(reasons),
        )
        found.append((round(minutes, 9), candidate))
    found.sort(key=lambda f: (not f[1].suitable, -f[1].score, f[0], f[1].worker_id))
    ranked = [c for _minutes, c in found]
    return ranked if limit is None else ranked[:limit]


def _trusted_workers(post: GigPost, limit: int) -> list[int]:
    profile = EmployerProfile.objects.filter(user_id=post.employer_id).first()
    if profile is None:
        return []
    engaged = Engagement.objects.filter(post=post).values("worker_id")
    qs = profile.trusted_workers.filter(role=Role.WORKER, is_active=True).exclude(pk__in=engaged)
    return list(qs.order_by("pk").values_list("pk", flat=True)[:limit])


def tier_workers(post: GigPost, tier: int, limit: int, *, now: dt.datetime | None = None) -> list[int]:
    """The workers tier ``tier`` of ``post`` goes to (never one already offered or applied)."""
    if limit <= 0:
        return []
    if tier == 1:
        return _trusted_workers(post, limit)
    ranked = rank_candidates(post, limit, suitable_only=tier == 2, now=now)
    return [c.worker_id for c in ranked]


# --- dispatch ------------------------------------------------------------------------------------------


def start_dispatch(post_id: int) -> None:
    """Send the first tier of a just-published instant post, on the task queue (in-process when no
    worker runs). Called after commit, so the task sees the post."""
    from lingong.market.tasks_instant import dispatch_instant_post

    dispatch_instant_post(post_id)


def due_posts(now: dt.datetime) -> models.QuerySet[GigPost]:
    """Open instant posts whose next tier should go out: never dispatched yet, past the tier's reply
    time, or with every offer of the tier already answered no."""
    waiting = Engagement.objects.filter(
        post=models.OuterRef("pk"), status__in=[EngagementStatus.OFFERED, EngagementStatus.ACCEPTED]
    )
    pending = models.Q(next_tier_at__isnull=False) & (
        models.Q(next_tier_at__lte=now) | ~models.Exists(waiting)
    )
    return GigPost.objects.filter(instant=True, status=PostStatus.PUBLISHED, expires_at__gt=now).filter(
        models.Q(current_tier=0) | pending
    )


def _offer(post: GigPost, worker_id: int, tier: int, expires_at: dt.datetime) -> bool:
    """One offer, on the employer's behalf, and its notification; ``False`` if it could not be made."""
    try:
        engagement = hiring.offer(
            actor=post.employer, post_id=post.pk, worker_id=worker_id, tier=tier, expires_at=expires_at
        )
    except DomainError as exc:
        # A worker who applied meanwhile (the unique constraint), or an employer account hiring can't act for.
        logger.info("instant offer of post %s to worker %s skipped: %s", post.pk, worker_id, exc.code)
        return False
    local = timezone.localtime(expires_at)
    notify(
        recipient_id=worker_id,
        kind="instant_offer",
        title=_("即时快招邀请：%(title)s") % {"title": post.title},
        body=_("%(address)s，今天上岗，工资%(wage)s元。请在%(time)s前回复。")
        % {"address": post.address, "wage": post.wage_yuan, "time": f"{local:%H:%M}"},
        link=reverse("market:instant_offers"),
        key=f"instant-offer-{engagement.pk}",
    )
    return True


def _offer_room(post: GigPost, now: dt.datetime) -> int:
    """How many more offers ``post`` may have out: a few per place left, less those unanswered."""
    from lingong.matching.services import offers_per_place, outstanding_offers

    return post.places_left * offers_per_place() - outstanding_offers(post_id=post.pk, now=now)


def advance_dispatch(post_id: int, *, now: dt.datetime | None = None) -> int:
    """Send the next tier of ``post_id`` if it is due; return how many offers went out.

    Holds the post's row lock throughout, so two runs at once (a retry, two queue workers) cannot both
    send the same tier; the second finds it not due any more. Idempotent.
    """
    now = now or timezone.now()
    with transaction.atomic():
        post = GigPost.objects.select_for_update().select_related("employer").filter(pk=post_id).first()
        if post is None or not due_posts(now).filter(pk=post_id).exists():
            return 0
        if post.places_left == 0:
            return 0
        limit = min(tier_size() - post.confirmed_count, _offer_room(post, now))
        expires_at = now + dt.timedelta(minutes=tier_minutes())
        tier, offered = post.current_tier, 0
        while offered == 0 and tier < LAST_TIER:
            tier += 1  # an empty tier is skipped at once: nobody waits ten minutes for nothing
            for worker_id in tier_workers(post, tier, limit, now=now):
                offered += _offer(post, worker_id, tier, expires_at)
        post.current_tier = tier
        # After the last tier there is no next one; its offers still expire on their own.
        post.next_tier_at = expires_at if offered and tier < LAST_TIER else None
        post.save(update_fields=["current_tier", "next_tier_at"])
        return offered


def expire_offers(*, now: dt.datetime | None = None) -> int:
    """Cancel offers past their reply time (offered → cancelled, "超时未回复"). Each in its own
    transaction with the engagement locked: a reply at the same moment either wins or sees this."""
    now = now or timezone.now()
    due = Engagement.objects.filter(status=EngagementStatus.OFFERED, offer_expires_at__lte=now)
    moved = 0
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            engagement = (
                Engagement.objects.select_for_update().filter(pk=pk, status=EngagementStatus.OFFERED).first()
            )
            if engagement is not None:
                transition(engagement, EngagementStatus.CANCELLED, actor=None, note=_("超时未回复"), at=now)
                moved += 1
    return moved


def run_dispatch(*, now: dt.datetime | None = None) -> dict[str, int]:
    """The periodic step: expire unanswered offers, then send the next tier of every due post."""
    now = now or timezone.now()
    expired = expire_offers(now=now)
    offered = 0
    posts = list(due_posts(now).values_list("pk", flat=True))
    for post_id in posts:
        offered += advance_dispatch(post_id, now=now)
    return {"expired": expired, "posts": len(posts), "offered": offered}
