"""Writes on gig and seeking posts (辽人社〔2022〕22号 第七条: free registration and publication of gig
information, quick posting for 即时快招).

A post is published at once and free. Two things send it to staff review instead: a wage under the local
hourly minimum wage, or a word of the forbidden-terms list (fees charged to workers, discrimination,
illegal work). Review, closing and expiry change the status only through ``core.workflow.transition``.
"""

from __future__ import annotations

import csv
import datetime as dt
import secrets
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lingong.accounts.models import Role, User
from lingong.core import audit
from lingong.core.errors import DomainError, PermissionDenied
from lingong.core.geo import check_position
from lingong.core.identity import validate_phone
from lingong.core.models import AuditEntry, Division, Occupation
from lingong.core.scope import get_in_scope, in_scope, region_prefix
from lingong.core.workflow import transition
from lingong.market import search
from lingong.market.models import (
    ForbiddenTerm,
    GigPost,
    MinimumWage,
    PostBase,
    PostStatus,
    SeekingPost,
    Settlement,
    WageType,
)

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
#: A post stays up at most this long, whatever its end date (then it is posted again, still current).
MAX_DAYS_OPEN = 30
#: A day's wage is compared with the hourly minimum as this many hours of work.
HOURS_PER_DAY = 8
EMPLOYER_ROLES = (Role.EMPLOYER, Role.AGENCY)
REVIEWER_ROLES = (Role.STAFF, Role.ADMIN)
POST_MODELS: dict[str, type[GigPost] | type[SeekingPost]] = {"gig": GigPost, "seeking": SeekingPost}


# --- parsing shared by the API and the pages -------------------------------------------------------


def yuan_to_fen(value: Any, *, field: str = "wage") -> int:
    """``"180"``, ``"19.5"`` or ``Decimal("19.50")`` yuan → fen; a Chinese error for anything else."""
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise DomainError("wage_invalid", _("请填写工资金额（元），如 180 或 19.5。"), field=field) from None
    if not amount.is_finite() or amount <= 0:
        raise DomainError("wage_invalid", _("工资须大于0元。"), field=field)
    fen = amount * 100
    if fen != fen.to_integral_value():
        raise DomainError("wage_invalid", _("工资最多精确到分（两位小数）。"), field=field)
    if fen > 100_000_000:
        raise DomainError("wage_invalid", _("工资金额过大，请检查。"), field=field)
    return int(fen)


def parse_date(value: Any, *, field: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise DomainError("date_invalid", _("请填写正确的日期，如 2026-05-01。"), field=field) from None


# --- the rules a post is checked against -----------------------------------------------------------


def minimum_wage_for(region: Division, on: dt.date) -> MinimumWage | None:
    """The minimum wage in force in ``region`` on day ``on``: the county's own if it has one, else the
    city's, else the province's; of those, the one with the latest date not after ``on``."""
    chain = [region.code, region.code[:4] + "00", region.code[:2] + "0000"]
    rows = list(
        MinimumWage.objects.filter(region_id__in=chain, effective_from__lte=on)
        .select_related("region")
        .order_by("-effective_from")
    )
    for code in chain:
        for row in rows:
            if row.region_id == code:
                return row
    return None


def hourly_equivalent_fen(wage_fen: int, wage_type: str) -> int | None:
    """What a wage pays per hour, for comparison with the hourly minimum; ``None`` for piece work."""
    if wage_type == WageType.HOUR:
        return wage_fen
    if wage_type == WageType.DAY:
        return wage_fen // HOURS_PER_DAY
    return None


def _wage_reason(region: Division, start: dt.date, wage_fen: int, wage_type: str) -> str:
    hourly = hourly_equivalent_fen(wage_fen, wage_type)
    if hourly is None:
        return ""
    minimum = minimum_wage_for(region, start)
    if minimum is None or hourly >= minimum.hourly_fen:
        return ""
    return _("工资低于当地小时最低工资标准（%(region)s %(amount).2f 元/小时）") % {
        "region": minimum.region.name,
        "amount": minimum.hourly_fen / 100,
    }


def _term_reason(*texts: str) -> str:
    text = " ".join(texts).casefold()
    for term, reason in ForbiddenTerm.objects.filter(active=True).values_list("term", "reason"):
        if term.casefold() in text:
            return _("内容含有违规词“%(term)s”：%(reason)s") % {"term": term, "reason": reason}
    return ""


# --- publishing -------------------------------------------------------------------------------------


def _occupation(code: str) -> Occupation:
    occupation = Occupation.objects.filter(pk=code).first() if code else None
    if occupation is None:
        raise DomainError("occupation_unknown", _("请选择职业（工种）。"), field="occupation")
    return occupation


def _county(code: str) -> Division:
    region = Division.objects.filter(pk=code).first() if code else None
    if region is None or region.level != Division.Level.COUNTY:
        raise DomainError("region_invalid", _("请选择工作地点所在的县（市、区）。"), field="region")
    return region


def _check_place_and_dates(
    *,
    address: str,
    longitude: float | None,
    latitude: float | None,
    start_date: dt.date,
    end_date: dt.date,
    today: dt.date,
) -> None:
    if not address.strip():
        raise DomainError("address_required", _("请填写工作地点。"), field="address")
    check_position(longitude, latitude)
    if start_date < today:
        raise DomainError("start_date_past", _("开始日期不能早于今天。"), field="start_date")
    if end_date < start_date:
        raise DomainError("end_before_start", _("结束日期不能早于开始日期。"), field="end_date")


def _check_text(title: str, description: str, requirements: str = "") -> None:
    if len(title) > 60:
        raise DomainError("title_too_long", _("标题最多60个字。"), field="title")
    if len(description) > 2000 or len(requirements) > 2000:
        raise DomainError("text_too_long", _("内容和要求各最多2000字。"), field="description")


def _check_may_post_for(actor: User, owner: User, roles: tuple[str, ...], region: Division) -> None:
    """People post for themselves; staff register posts for people at the window (22号 第七条:
    办理招聘登记), only in their region."""
    if owner.role not in roles:
        raise PermissionDenied("role_cannot_post", _("该账号不能发布此类信息。"))
    if actor.pk == owner.pk:
        return
    if actor.role not in REVIEWER_ROLES and not actor.is_superuser:
        raise PermissionDenied("post_for_others_forbidden", _("只能以本人名义发布。"))
    prefix = region_prefix(actor)
    if prefix is not None and not region.code.startswith(prefix):
        raise PermissionDenied("region_out_of_scope", _("只能为本辖区内的单位和人员登记。"))


def _expires_at(end_date: dt.date, now: dt.datetime) -> dt.datetime:
    end_of_day = timezone.make_aware(dt.datetime.combine(end_date + dt.timedelta(days=1), dt.time.min))
    return min(end_of_day, now + dt.timedelta(days=MAX_DAYS_OPEN))


def _index(post: PostBase, occupation: Occupation, region: Division) -> str:
    return search.index_text(
        [
            post.title,
            post.description,
            occupation.name,
            occupation.aliases,
            post.address,
            region.full_name or region.name,
        ]
    )


@transaction.atomic
def publish_gig_post(
    *,
    actor: User,
    employer: User,
    occupation_code: str,
    region_code: str,
    address: str,
    start_date: dt.date,
    end_date: dt.date,
    headcount: int,
    wage_fen: int,
    wage_type: str,
    settlement: str,
    title: str = "",
    description: str = "",
    requirements: str = "",
    time_slots: str = "",
    longitude: float | None = None,
    latitude: float | None = None,
    contact_name: str = "",
    contact_phone: str = "",
    instant: bool = False,
    now: dt.datetime | None = None,
) -> GigPost:
    """Publish an employer's gig post, free and at once, or send it to review with the reason why."""
    now = now or timezone.now()
    occupation = _occupation(occupation_code)
    region = _county(region_code)
    _check_may_post_for(actor, employer, EMPLOYER_ROLES, region)
    _check_place_and_dates(
        address=address,
        longitude=longitude,
        latitude=latitude,
        start_date=start_date,
        end_date=end_date,
        today=timezone.localdate(now),
    )
    if not 1 <= headcount <= 999:
        raise DomainError("headcount_invalid", _("招聘人数须在1到999人之间。"), field="headcount")
    if wage_fen <= 0:
        raise DomainError("wage_invalid", _("工资须大于0元。"), field="wage")
    if wage_type not in WageType.values:
        raise DomainError("wage_type_invalid", _("请选择工资方式。"), field="wage_type")
    if settlement not in Settlement.values:
        raise DomainError("settlement_invalid", _("请选择结算方式。"), field="settlement")
    title = title.strip() or _("招%(occupation)s%(n)d人") % {"occupation": occupation.name, "n": headcount}
    _check_text(title, description, requirements)
    phone = validate_phone(contact_phone or employer.phone)
    reason = _wage_reason(region, start_date, wage_fen, wage_type) or _term_reason(
        title, description, requirements
    )
    post = GigPost(
        employer=employer,
        checkin_secret=secrets.token_hex(16),  # the daily on-site QR code derives from it
        occupation=occupation,
        title=title,
        description=description.strip(),
        requirements=requirements.strip(),
        region=region,
        address=address.strip(),
        longitude=longitude,
        latitude=latitude,
        start_date=start_date,
        end_date=end_date,
        time_slots=time_slots.strip(),
        headcount=headcount,
        wage_fen=wage_fen,
        wage_type=wage_type,
        settlement=settlement,
        contact_name=contact_name.strip() or employer.display_name[:30],
        contact_phone=phone,
        instant=instant,
        # Creation sets the first status; every later change goes through ``transition``.
        status=PostStatus.IN_REVIEW if reason else PostStatus.PUBLISHED,
        review_reason=reason,
        created_at=now,
        expires_at=_expires_at(end_date, now),
    )
    post.search_text = _index(post, occupation, region)
    post.save()
    audit.record(
        actor=actor, action=AuditEntry.Action.CREATE, obj=post, fields=["contact_phone"], note=post.status
    )
    # This process's matching index sees the change at once; others catch up by their own sync.
    from lingong.matching.index import refresh_after_commit

    refresh_after_commit(post_ids=[post.pk])
    return post


@transaction.atomic
def publish_seeking_post(
    *,
    actor: User,
    worker: User,
    occupation_code: str,
    region_code: str,
    address: str,
    start_date: dt.date,
    end_date: dt.date,
    wage_fen: int,
    wage_type: str,
    title: str = "",
    description: str = "",
    time_slots: str = "",
    longitude: float | None = None,
    latitude: float | None = None,
    now: dt.datetime | None = None,
) -> SeekingPost:
    """Publish a worker's offer of labour. The minimum wage binds employers, so only the words are
    checked here."""
    now = now or timezone.now()
    occupation = _occupation(occupation_code)
    region = _county(region_code)
    _check_may_post_for(actor, worker, (Role.WORKER,), region)
    _check_place_and_dates(
        address=address,
        longitude=longitude,
        latitude=latitude,
        start_date=start_date,
        end_date=end_date,
        today=timezone.localdate(now),
    )
    if wage_fen <= 0:
        raise DomainError("wage_invalid", _("期望工资须大于0元。"), field="wage")
    if wage_type not in WageType.values:
        raise DomainError("wage_type_invalid", _("请选择工资方式。"), field="wage_type")
    title = title.strip() or _("求%(occupation)s工作") % {"occupation": occupation.name}
    _check_text(title, description)
    reason = _term_reason(title, description)
    post = SeekingPost(
        worker=worker,
        occupation=occupation,
        title=title,
        description=description.strip(),
        region=region,
        address=address.strip(),
        longitude=longitude,
        latitude=latitude,
        start_date=start_date,
        end_date=end_date,
        time_slots=time_slots.strip(),
        wage_fen=wage_fen,
        wage_type=wage_type,
        status=PostStatus.IN_REVIEW if reason else PostStatus.PUBLISHED,
        review_reason=reason,
        created_at=now,
        expires_at=_expires_at(end_date, now),
    )
    post.search_text = _index(post, occupation, region)
    post.save()
    audit.record(actor=actor, action=AuditEntry.Action.CREATE, obj=post, note=post.status)
    return post


# --- review, closing, expiry --------------------------------------------------------------------------


def _model(kind: str) -> type[GigPost] | type[SeekingPost]:
    try:
        return POST_MODELS[kind]
    except KeyError:
        raise DomainError("kind_invalid", _("未知的信息类型。"), field="kind") from None


def review_queryset(actor: User, kind: str = "gig") -> models.QuerySet[Any]:
    """Posts the actor may review: staff of the post's region (and administrators)."""
    if actor.role not in REVIEWER_ROLES and not actor.is_superuser:
        raise PermissionDenied("staff_only", _("只有公共就业服务工作人员可以审核。"))
    return in_scope(_model(kind).objects.all(), actor)


def _locked_for_review(actor: User, kind: str, post_id: int) -> Any:
    return get_in_scope(review_queryset(actor, kind).select_for_update(), actor, pk=post_id)


@transaction.atomic
def approve_post(*, actor: User, post_id: int, kind: str = "gig", note: str = "") -> PostBase:
    post = _locked_for_review(actor, kind, post_id)
    if post.status != PostStatus.IN_REVIEW:
        raise DomainError("not_in_review", _("该信息不在待审核状态。"))
    transition(post, PostStatus.PUBLISHED, actor=actor, note=note or _("审核通过"))
    audit.record(actor=actor, action=AuditEntry.Action.CHANGE, obj=post, fields=["status"], note="approve")
    if isinstance(post, GigPost):
        # This process's matching index sees the change at once; others catch up by their own sync.
        from lingong.matching.index import refresh_after_commit

        refresh_after_commit(post_ids=[post.pk])
    return post


@transaction.atomic
def reject_post(*, actor: User, post_id: int, reason: str, kind: str = "gig") -> PostBase:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("reason_required", _("请填写不通过的原因，发布人会看到。"), field="reason")
    post = _locked_for_review(actor, kind, post_id)
    if post.status != PostStatus.IN_REVIEW:
        raise DomainError("not_in_review", _("该信息不在待审核状态。"))
    post.review_reason = reason[:255]
    transition(post, PostStatus.REJECTED, actor=actor, note=reason, also_save=["review_reason"])
    audit.record(
        actor=actor,
        action=AuditEntry.Action.CHANGE,
        obj=post,
        fields=["status", "review_reason"],
        note="reject",
    )
    return post


def owner_id(post: PostBase) -> int:
    return int(post.employer_id if isinstance(post, GigPost) else post.worker_id)  # type: ignore[attr-defined]


@transaction.atomic
def close_post(*, actor: User, post_id: int, kind: str = "gig") -> PostBase:
    """The owner closes their post (found enough people, changed plans); staff of its region may too."""
    model = _model(kind)
    owner_field = "employer" if model is GigPost else "worker"
    post: Any = model.objects.select_for_update().filter(pk=post_id, **{owner_field: actor}).first()
    if post is None:
        post = _locked_for_review(actor, kind, post_id) if actor.role in REVIEWER_ROLES else None
    if post is None:
        raise PermissionDenied("close_forbidden", _("只有发布人或辖区工作人员可以关闭该信息。"))
    transition(post, PostStatus.CLOSED, actor=actor, note=_("关闭"))
    audit.record(actor=actor, action=AuditEntry.Action.CHANGE, obj=post, fields=["status"], note="close")
    if isinstance(post, GigPost):
        # This process's matching index sees the change at once; others catch up by their own sync.
        from lingong.matching.index import refresh_after_commit

        refresh_after_commit(post_ids=[post.pk])
    return post


def expire_due_posts(*, now: dt.datetime | None = None) -> int:
    """Move published and in-review posts past their expiry to expired; each in its own transaction
    with the row locked, so a concurrent approval or closing either wins or sees the expiry."""
    now = now or timezone.now()
    due = [PostStatus.PUBLISHED, PostStatus.IN_REVIEW]
    moved = 0
    for model in POST_MODELS.values():
        for pk in model.objects.filter(status__in=due, expires_at__lte=now).values_list("pk", flat=True):
            with transaction.atomic():
                post = model.objects.select_for_update().filter(pk=pk, status__in=due).first()
                if post is not None:
                    transition(post, PostStatus.EXPIRED, actor=None, note=_("到期自动下架"), at=now)
                    moved += 1
    return moved


# --- reference data: minimum wages and forbidden terms ------------------------------------------------


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8-sig", newline="") as f:
        return [
            {k: (v or "").strip() for k, v in row.items() if k}
            for row in csv.DictReader(f)
            if not next(iter(row.values()), "").lstrip().startswith("#")
        ]


def load_market_reference(
    minimum_wage_model: Any = MinimumWage,
    forbidden_term_model: Any = ForbiddenTerm,
    *,
    using: str = "default",
) -> tuple[int, int]:
    """Upsert ``market/data/minimum_wages.csv`` and ``forbidden_terms.csv``; never deletes, and keeps
    a term staff switched off switched off. Takes the models so the data migration can pass its own."""
    wages = [
        minimum_wage_model(
            region_id=r["region"],
            effective_from=dt.date.fromisoformat(r["effective_from"]),
            monthly_fen=yuan_to_fen(r["monthly_yuan"]),
            hourly_fen=yuan_to_fen(r["hourly_yuan"]),
            source=r["source"][:200],
        )
        for r in _rows("minimum_wages.csv")
    ]
    minimum_wage_model.objects.using(using).bulk_create(
        wages,
        update_conflicts=True,
        unique_fields=["region", "effective_from"],
        update_fields=["monthly_fen", "hourly_fen", "source"],
    )
    terms = [
        forbidden_term_model(term=r["term"], reason=r["reason"][:100]) for r in _rows("forbidden_terms.csv")
    ]
    forbidden_term_model.objects.using(using).bulk_create(
        terms, update_conflicts=True, unique_fields=["term"], update_fields=["reason"]
    )
    return len(wages), len(terms)
