"""Writes on job fairs and gig-only fairs (零工专场): 青政办〔2021〕1号 13 (举办专场招聘会, 帮助用人单位
搭建招聘平台; 有条件的地区设立零工市场组织劳务洽谈).

Staff schedule a fair at a directory place of their region; employers register with some of their
open gig posts; workers sign up once. Every sign-up and registration locks the fair's row, so one
that races a cancellation either lands before it (and its worker is told) or sees the fair cancelled.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lingong.accounts.models import Role, User
from lingong.accounts.notify import notify
from lingong.core import audit
from lingong.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from lingong.core.models import AuditEntry
from lingong.core.scope import get_in_scope
from lingong.core.workflow import transition
from lingong.market.models import (
    DirectoryPlace,
    FairEmployer,
    FairKind,
    FairStatus,
    FairWorker,
    GigPost,
    JobFair,
    PostStatus,
)
from lingong.market.services.posts import EMPLOYER_ROLES, REVIEWER_ROLES

#: A fair lasts at most this long (a day's fair, or a weekend's).
MAX_HOURS = 72
MAX_POSTS_PER_EMPLOYER = 20


def _require_staff(actor: User) -> None:
    if actor.role not in REVIEWER_ROLES and not actor.is_superuser:
        raise PermissionDenied("staff_only", _("只有公共就业服务工作人员可以安排招聘会。"))


@transaction.atomic
def schedule_fair(
    *,
    actor: User,
    kind: str,
    name: str,
    place_id: int,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    description: str = "",
    now: dt.datetime | None = None,
) -> JobFair:
    """Schedule a fair at an active directory place of the actor's region."""
    _require_staff(actor)
    now = now or timezone.now()
    place = get_in_scope(DirectoryPlace.objects.filter(active=True), actor, pk=place_id)
    if kind not in FairKind.values:
        raise DomainError("kind_invalid", _("请选择招聘会类型。"), field="kind")
    name = name.strip()
    if not name or len(name) > 100:
        raise DomainError("name_invalid", _("请填写招聘会名称（最多100字）。"), field="name")
    if starts_at <= now:
        raise DomainError("starts_in_past", _("开始时间须晚于现在。"), field="starts_at")
    if ends_at <= starts_at:
        raise DomainError("ends_before_start", _("结束时间须晚于开始时间。"), field="ends_at")
    if ends_at - starts_at > dt.timedelta(hours=MAX_HOURS):
        raise DomainError("too_long", _("一场招聘会最长72小时。"), field="ends_at")
    fair = JobFair.objects.create(
        kind=kind,
        name=name,
        place=place,
        region_id=place.region_id,
        starts_at=starts_at,
        ends_at=ends_at,
        description=description.strip()[:2000],
        # Creation sets the first status; later changes go through ``transition``.
        status=FairStatus.SCHEDULED,
        organiser=actor,
    )
    audit.record(actor=actor, action=AuditEntry.Action.CREATE, obj=fair, note=kind)
    return fair


def _locked_in_scope(actor: User, fair_id: int) -> JobFair:
    _require_staff(actor)
    return get_in_scope(JobFair.objects.select_for_update(), actor, pk=fair_id)


@transaction.atomic
def cancel_fair(*, actor: User, fair_id: int, reason: str) -> JobFair:
    """Cancel a scheduled fair; everyone signed up or registered is told, once (a keyed notice)."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("reason_required", _("请填写取消原因，报名的人会看到。"), field="reason")
    fair = _locked_in_scope(actor, fair_id)
    transition(fair, FairStatus.CANCELLED, actor=actor, note=reason)
    audit.record(actor=actor, action=AuditEntry.Action.CHANGE, obj=fair, fields=["status"], note="cancel")
    link = reverse("market:fair", args=[fair.pk])
    title = _("招聘会取消：%(name)s") % {"name": fair.name}
    body = _("您报名的“%(name)s”（%(when)s，%(place)s）已取消。原因：%(reason)s") % {
        "name": fair.name,
        "when": timezone.localtime(fair.starts_at).strftime("%Y-%m-%d %H:%M"),
        "place": fair.place.name,
        "reason": reason,
    }
    people = [
        *FairWorker.objects.filter(fair=fair).values_list("worker_id", flat=True),
        *FairEmployer.objects.filter(fair=fair).values_list("employer_id", flat=True),
    ]
    for person_id in people:
        # notify writes after commit: a cancellation that rolls back tells nobody.
        notify(
            recipient_id=person_id,
            kind="fair_cancelled",
            title=title[:100],
            body=body,
            link=link,
            key=f"fair-cancelled-{fair.pk}",
        )
    return fair


@transaction.atomic
def finish_fair(*, actor: User, fair_id: int) -> JobFair:
    fair = _locked_in_scope(actor, fair_id)
    transition(fair, FairStatus.FINISHED, actor=actor, note=_("已结束"))
    audit.record(actor=actor, action=AuditEntry.Action.CHANGE, obj=fair, fields=["status"], note="finish")
    return fair


def _open_for_sign_up(fair_id: int, now: dt.datetime) -> JobFair:
    fair = JobFair.objects.select_for_update().filter(pk=fair_id).first()
    if fair is None:
        raise NotFound("fair_not_found", _("找不到该招聘会。"))
    if fair.status == FairStatus.CANCELLED:
        raise Conflict("fair_cancelled", _("该招聘会已取消，不能再报名。"))
    if fair.status != FairStatus.SCHEDULED or fair.ends_at <= now:
        raise Conflict("fair_over", _("该招聘会已结束，不能再报名。"))
    return fair


@transaction.atomic
def sign_up_worker(*, actor: User, fair_id: int, now: dt.datetime | None = None) -> FairWorker:
    """A worker signs up for a fair, once."""
    if actor.role != Role.WORKER:
        raise PermissionDenied("worker_only", _("请使用劳动者账号报名。"))
    fair = _open_for_sign_up(fair_id, now or timezone.now())
    try:
        with transaction.atomic():
            entry = FairWorker.objects.create(fair=fair, worker=actor)
    except IntegrityError:
        raise Conflict("already_signed_up", _("您已报名该招聘会，无需重复报名。")) from None
    return entry


@transaction.atomic
def withdraw_worker(*, actor: User, fair_id: int, now: dt.datetime | None = None) -> None:
    """A worker takes back their sign-up while the fair has not ended; they may sign up again later."""
    fair = _open_for_sign_up(fair_id, now or timezone.now())
    deleted, _rows = FairWorker.objects.filter(fair=fair, worker=actor).delete()
    if not deleted:
        raise Conflict("not_signed_up", _("您没有报名该招聘会。"))


@transaction.atomic
def withdraw_employer(*, actor: User, fair_id: int, now: dt.datetime | None = None) -> None:
    """An employer takes back their registration, and with it the posts shown at the fair."""
    fair = _open_for_sign_up(fair_id, now or timezone.now())
    deleted, _rows = FairEmployer.objects.filter(fair=fair, employer=actor).delete()
    if not deleted:
        raise Conflict("not_registered", _("您没有报名参加该招聘会。"))


@transaction.atomic
def register_employer(
    *, actor: User, fair_id: int, post_ids: Iterable[int], now: dt.datetime | None = None
) -> FairEmployer:
    """An employer registers for a fair with some of their open gig posts, once; registering again
    replaces the list of posts."""
    if actor.role not in EMPLOYER_ROLES:
        raise PermissionDenied("employer_only", _("请使用用工主体账号报名参会。"))
    now = now or timezone.now()
    fair = _open_for_sign_up(fair_id, now)
    wanted = {int(pk) for pk in post_ids}
    if not wanted:
        raise DomainError("posts_required", _("请至少选择一条招聘信息参会。"), field="post_ids")
    if len(wanted) > MAX_POSTS_PER_EMPLOYER:
        raise DomainError("too_many_posts", _("每家最多带20条招聘信息参会。"), field="post_ids")
    posts = list(
        GigPost.objects.filter(pk__in=wanted, employer=actor, status=PostStatus.PUBLISHED, expires_at__gt=now)
    )
    if len(posts) != len(wanted):
        raise DomainError("post_not_open", _("只能选择本单位正在招聘中的信息。"), field="post_ids")
    # The fair's row is locked, so no other registration of this fair runs between these two lines.
    entry, _created = FairEmployer.objects.get_or_create(fair=fair, employer=actor)
    entry.posts.set(posts)
    return entry
