"""The work itself, after a worker is confirmed (辽人社〔2022〕22号 第七条, 即时快招 "当日面试到岗"), and
wage protection (第十四条: 依法纠正拖欠劳动报酬, the complaint and early-warning platform).

Attendance proof: each post shows an on-site QR code that changes every day (``checkin_code``); a
confirmed worker scans it and checks in with the phone's position, inside ``checkin_radius_m``.
Completion: the employer approves the hours, or the system does when the employer lets
``LINGONG_HOURS_AUTO_APPROVE_HOURS`` pass, so a worker's record is never held hostage. Then the worker
confirms the wage or reports it unpaid in one tap: the claim carries the evidence the platform holds
and raises an alert for the staff of the post's region. After completion each side rates the other
once; the rated side may appeal once and staff of the region decide.

Lock order everywhere: the post row, then the engagement row (as in services.hiring), so no two
calls can deadlock.
"""

from __future__ import annotations

import base64
import datetime as dt
import secrets
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from lingong.accounts.models import Role, User
from lingong.accounts.notify import notify
from lingong.core import audit
from lingong.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from lingong.core.geo import haversine_km
from lingong.core.models import AuditEntry, Transition
from lingong.core.scope import get_in_scope
from lingong.core.services import raise_alert
from lingong.core.workflow import history, transition
from lingong.market.models import (
    Engagement,
    EngagementStatus,
    GigPost,
    Rating,
    RatingStatus,
    WageClaim,
    WageClaimStatus,
    WageType,
)
from lingong.market.selectors.hiring import get_manageable_post
from lingong.market.services.profiles import is_staff

#: Check-in days are the days of the place of work, whatever the server's clock says.
WORK_TZ = ZoneInfo("Asia/Shanghai")
AUTO_APPROVE_NOTE = "用工主体超时未确认，系统自动确认"
NO_SHOW_NOTE = "工作日期已过仍未签到，系统记为未到岗"
QUARTER_HOUR = Decimal("0.25")


def auto_approve_after() -> dt.timedelta:
    return dt.timedelta(hours=int(getattr(settings, "LINGONG_HOURS_AUTO_APPROVE_HOURS", 24)))


def work_day(at: dt.datetime) -> dt.date:
    return timezone.localtime(at, WORK_TZ).date()


def yuan(fen: int | None) -> str:
    return "" if fen is None else f"{fen / 100:.2f}".rstrip("0").rstrip(".")


# --- the daily code ---------------------------------------------------------------------------------


def checkin_code(post: GigPost, day: dt.date) -> str:
    """A short code for ``post`` on ``day``: an HMAC (keyed from SECRET_KEY) of the post id, the post's
    own secret and the date, so yesterday's photo of the poster does not work today."""
    if not post.checkin_secret:
        raise ValueError("post has no check-in secret: call ensure_checkin_secret first")
    digest = salted_hmac(
        "lingong.market.checkin", f"{post.pk}:{post.checkin_secret}:{day.isoformat()}", algorithm="sha256"
    ).digest()
    return base64.b32encode(digest).decode("ascii")[:8].lower()


def checkin_path(post: GigPost, day: dt.date) -> str:
    return reverse("market:work_checkin", args=[post.pk, checkin_code(post, day)])


def ensure_checkin_secret(post: GigPost) -> GigPost:
    """Give the post its random check-in secret once; two pages opened at once agree on one secret."""
    if not post.checkin_secret:
        GigPost.objects.filter(pk=post.pk, checkin_secret="").update(checkin_secret=secrets.token_hex(16))
        post.checkin_secret = GigPost.objects.values_list("checkin_secret", flat=True).get(pk=post.pk)
    return post


def checkin_qr(*, actor: User, post_id: int, at: dt.datetime | None = None) -> tuple[GigPost, str]:
    """The post (for its employer or staff of its region) and today's check-in path."""
    post = ensure_checkin_secret(get_manageable_post(actor, post_id))
    return post, checkin_path(post, work_day(at or timezone.now()))


def _code_matches(post: GigPost, code: str, days: set[dt.date]) -> bool:
    if not post.checkin_secret:
        return False
    given = (code or "").strip().lower()
    return any(constant_time_compare(given, checkin_code(post, day)) for day in days)


def _bad_code() -> DomainError:
    return DomainError("checkin_code_invalid", _("签到码无效或已过期：请扫描工作现场当天的签到二维码。"))


def _distance_text(metres: float) -> str:
    if metres >= 1000:
        return _("%(km).1f 公里") % {"km": metres / 1000}
    return _("%(m)d 米") % {"m": round(metres)}


def _check_position(post: GigPost, longitude: float | None, latitude: float | None) -> None:
    if longitude is None or latitude is None:
        raise DomainError("position_required", _("需要您的位置才能签到：请允许浏览器获取位置后重试。"))
    if not (-180 <= longitude <= 180 and -90 <= latitude <= 90):
        raise DomainError("position_invalid", _("位置数据不正确，请重新获取位置。"))
    if post.longitude is None or post.latitude is None:
        return  # a post without coordinates: the daily code alone proves presence
    metres = haversine_km(longitude, latitude, post.longitude, post.latitude) * 1000
    if metres > post.checkin_radius_m:
        raise DomainError(
            "outside_radius",
            _("您距离工作地点约 %(distance)s，须在 %(radius)s内签到。")
            % {"distance": _distance_text(metres), "radius": _distance_text(post.checkin_radius_m)},
            distance_m=round(metres),
            radius_m=post.checkin_radius_m,
        )


def _not_confirmed() -> PermissionDenied:
    return PermissionDenied("not_confirmed", _("您不是该零工确认录用的劳动者，不能签到或签退。"))


def _lock_post_and_worker(actor: User, post_id: int) -> tuple[GigPost, Engagement | None]:
    post = GigPost.objects.select_for_update().filter(pk=post_id).first()
    if post is None:
        raise NotFound("not_found", _("找不到该招聘。"))
    engagement = Engagement.objects.select_for_update().filter(post=post, worker_id=actor.pk).first()
    return post, engagement


def _audit(actor: User | None, engagement: Engagement, post: GigPost, note: str, fields: list[str]) -> None:
    audit.record(
        actor=actor,
        action=AuditEntry.Action.CHANGE,
        obj=engagement,
        region_code=post.region_id,
        fields=fields,
        note=note,
    )


@transaction.atomic
def check_in(
    *,
    actor: User,
    post_id: int,
    code: str,
    longitude: float | None,
    latitude: float | None,
    at: dt.datetime | None = None,
) -> Engagement:
    """The confirmed worker checks in with today's code, inside the radius, once."""
    at = at or timezone.now()
    day = work_day(at)
    post, engagement = _lock_post_and_worker(actor, post_id)
    if not _code_matches(post, code, {day}):
        raise _bad_code()
    if engagement is not None and engagement.checked_in_at is not None:
        raise Conflict(
            "already_checked_in",
            _("您已于 %(at)s 签到过了。")
            % {"at": f"{timezone.localtime(engagement.checked_in_at):%m-%d %H:%M}"},
        )
    if engagement is None or engagement.status != EngagementStatus.CONFIRMED:
        raise _not_confirmed()
    if not post.start_date <= day <= post.end_date:
        raise DomainError(
            "not_work_day",
            _("今天不在该零工的工作日期内（%(start)s 至 %(end)s）。")
            % {"start": post.start_date, "end": post.end_date},
        )
    _check_position(post, longitude, latitude)
    engagement.checked_in_at = at
    engagement.check_in_longitude, engagement.check_in_latitude = longitude, latitude
    engagement.save(update_fields=["checked_in_at", "check_in_longitude", "check_in_latitude"])
    if post.first_check_in_at is None:
        post.first_check_in_at = at
        post.save(update_fields=["first_check_in_at"])
    _audit(actor, engagement, post, "签到", ["checked_in_at", "check_in_longitude", "check_in_latitude"])
    return engagement


def quarter_hours(start: dt.datetime, end: dt.datetime) -> Decimal:
    """Time between ``start`` and ``end`` in hours, rounded to the nearest quarter hour (half up)."""
    seconds = max(0, int((end - start).total_seconds()))
    quarters = (seconds + 450) // 900
    return (Decimal(quarters) * QUARTER_HOUR).quantize(Decimal("0.01"))


@transaction.atomic
def check_out(
    *,
    actor: User,
    post_id: int,
    code: str,
    longitude: float | None,
    latitude: float | None,
    at: dt.datetime | None = None,
) -> Engagement:
    """The worker checks out like they checked in; the hours worked are computed for the employer to
    approve. The check-in day's code is accepted too, for a shift that runs past midnight."""
    at = at or timezone.now()
    post, engagement = _lock_post_and_worker(actor, post_id)
    days = {work_day(at)}
    if engagement is not None and engagement.checked_in_at is not None:
        days.add(work_day(engagement.checked_in_at))
    if not _code_matches(post, code, days):
        raise _bad_code()
    if engagement is None or engagement.status != EngagementStatus.CONFIRMED:
        if engagement is not None and engagement.checked_out_at is not None:
            raise Conflict("already_checked_out", _("您已经签退过了。"))
        raise _not_confirmed()
    if engagement.checked_in_at is None:
        raise Conflict("not_checked_in", _("您还没有签到，不能签退。"))
    if engagement.checked_out_at is not None:
        raise Conflict("already_checked_out", _("您已经签退过了。"))
    _check_position(post, longitude, latitude)
    engagement.checked_out_at = max(at, engagement.checked_in_at)
    engagement.check_out_longitude, engagement.check_out_latitude = longitude, latitude
    engagement.hours_worked = quarter_hours(engagement.checked_in_at, engagement.checked_out_at)
    engagement.save(
        update_fields=["checked_out_at", "check_out_longitude", "check_out_latitude", "hours_worked"]
    )
    _audit(actor, engagement, post, "签退", ["checked_out_at", "check_out_longitude", "check_out_latitude"])
    limit = int(auto_approve_after().total_seconds() // 3600)
    notify(
        recipient_id=post.employer_id,
        kind="hours_to_approve",
        title=_("%(name)s 已签退，请确认工时") % {"name": actor.display_name},
        body=_("记录工时 %(hours)s 小时；%(limit)d 小时内未确认的，系统将自动确认。")
        % {"hours": engagement.hours_worked, "limit": limit},
        link=reverse("market:work_attendance", args=[post.pk]),
        key=f"hours_to_approve:{engagement.pk}",
    )
    return engagement


# --- completion and wage protection -----------------------------------------------------------------


def days_worked(engagement: Engagement) -> int:
    """Days a day wage is due for: one for a shift under 24 hours (even one that runs past midnight),
    else each calendar day from check-in to check-out."""
    assert engagement.checked_in_at is not None and engagement.checked_out_at is not None
    if engagement.checked_out_at - engagement.checked_in_at < dt.timedelta(hours=24):
        return 1
    return (work_day(engagement.checked_out_at) - work_day(engagement.checked_in_at)).days + 1


def wage_due(engagement: Engagement, hours: Decimal, amount_fen: int | None) -> int:
    if engagement.agreed_wage_type == WageType.HOUR:
        return int((hours * engagement.agreed_wage_fen).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    if engagement.agreed_wage_type == WageType.DAY:
        return days_worked(engagement) * engagement.agreed_wage_fen
    # Piece work: the amount the two sides settled on (by default the agreed wage as posted).
    return engagement.agreed_wage_fen if amount_fen is None else amount_fen


def _parse_hours(value: Any) -> Decimal:
    try:
        hours = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise DomainError("invalid_hours", _("工时须是数字，如 7.5。"), field="hours") from exc
    if not hours.is_finite() or hours <= 0 or hours > 24 * 31:
        raise DomainError("invalid_hours", _("工时须大于 0。"), field="hours")
    # Hours are kept in quarters, like the measured ones.
    return ((hours / QUARTER_HOUR).quantize(Decimal("1"), rounding=ROUND_HALF_UP) * QUARTER_HOUR).quantize(
        Decimal("0.01")
    )


def _complete(
    post: GigPost,
    engagement: Engagement,
    *,
    actor: User | None,
    hours: Decimal,
    amount_fen: int | None,
    note: str,
    auto: bool,
    now: dt.datetime,
) -> None:
    engagement.hours_worked = hours
    engagement.hours_approved_at = now
    engagement.hours_auto_approved = auto
    engagement.completed_at = now
    engagement.wage_due_fen = wage_due(engagement, hours, amount_fen)
    transition(
        engagement,
        EngagementStatus.COMPLETED,
        actor=actor,
        note=note,
        at=now,
        also_save=[
            "hours_worked",
            "hours_approved_at",
            "hours_auto_approved",
            "completed_at",
            "wage_due_fen",
        ],
    )
    notify(
        recipient_id=engagement.worker_id,
        kind="hours_approved",
        title=_("工时已确认：%(title)s") % {"title": post.title},
        body=_("工时 %(hours)s 小时，应付工资 %(wage)s 元。收到工资后请确认；未收到可一键报告。")
        % {"hours": hours, "wage": yuan(engagement.wage_due_fen)},
        link=reverse("market:work_record"),
        key=f"hours_approved:{engagement.pk}",
    )
    # Work found on the platform may end the worker's unemployment registration (seed 001 九); the
    # registration app decides (instant hire, consent). Local import: registration imports the market.
    from lingong.registration.tasks import end_unemployment_by_platform_work_task

    engagement_id = engagement.pk
    transaction.on_commit(lambda: end_unemployment_by_platform_work_task(engagement_id), robust=True)


def _lock_as_manager(actor: User, engagement_id: int) -> tuple[GigPost, Engagement]:
    post_id = Engagement.objects.filter(pk=engagement_id).values_list("post_id", flat=True).first()
    if post_id is None:
        raise NotFound("not_found", _("找不到该用工记录，或它不在您的辖区内。"))
    post = get_manageable_post(actor, post_id, lock=True)
    return post, Engagement.objects.select_for_update().get(pk=engagement_id)


@transaction.atomic
def approve_hours(
    *,
    actor: User,
    engagement_id: int,
    hours: Any = None,
    note: str = "",
    amount_fen: int | None = None,
    at: dt.datetime | None = None,
) -> Engagement:
    """The employer (or staff of the region) approves the hours after check-out, correcting them with a
    note if need be; the engagement is completed with the wage due. Piece work takes the amount due."""
    post, engagement = _lock_as_manager(actor, engagement_id)
    if engagement.status != EngagementStatus.CONFIRMED or engagement.checked_out_at is None:
        if engagement.status == EngagementStatus.COMPLETED:
            raise Conflict("already_approved", _("该用工的工时已经确认过了。"))
        raise Conflict("not_checked_out", _("劳动者签到并签退后才能确认工时。"))
    assert engagement.hours_worked is not None
    measured = engagement.hours_worked
    approved = measured if hours in (None, "") else _parse_hours(hours)
    note = note.strip()
    if approved != measured:
        if not note:
            raise DomainError("note_required", _("修改工时时请写明原因。"), field="note")
        note = _("工时由 %(old)s 小时改为 %(new)s 小时：%(note)s") % {
            "old": measured,
            "new": approved,
            "note": note,
        }
    if engagement.agreed_wage_type == WageType.PIECE:
        if amount_fen is None:
            raise DomainError("amount_required", _("计件工资请填写应付金额。"), field="amount")
        if amount_fen < 0:
            raise DomainError("invalid_amount", _("应付金额不能为负数。"), field="amount")
    else:
        amount_fen = None
    _complete(
        post,
        engagement,
        actor=actor,
        hours=approved,
        amount_fen=amount_fen,
        note=note,
        auto=False,
        now=at or timezone.now(),
    )
    return engagement


def auto_approve_due_hours(*, now: dt.datetime | None = None) -> int:
    """Approve the hours the employer left unapproved past the limit (idempotent: each engagement is
    re-read under its lock, so a second run, or an employer approving meanwhile, changes nothing)."""
    now = now or timezone.now()
    due = Engagement.objects.filter(
        status=EngagementStatus.CONFIRMED,
        checked_out_at__isnull=False,
        checked_out_at__lte=now - auto_approve_after(),
        hours_approved_at__isnull=True,
    ).values_list("pk", "post_id")
    done = 0
    for engagement_id, post_id in due:
        with transaction.atomic():
            post = GigPost.objects.select_for_update().get(pk=post_id)
            engagement = Engagement.objects.select_for_update().get(pk=engagement_id)
            if engagement.status != EngagementStatus.CONFIRMED or engagement.hours_approved_at is not None:
                continue
            assert engagement.hours_worked is not None
            _complete(
                post,
                engagement,
                actor=None,
                hours=engagement.hours_worked,
                amount_fen=None,
                note=AUTO_APPROVE_NOTE,
                auto=True,
                now=now,
            )
            done += 1
    return done


def mark_no_shows(*, now: dt.datetime | None = None) -> int:
    """A confirmed place whose post's last day has passed without a check-in becomes a no-show.

    Only on posts where someone did check in: if nobody could (the employer never put up the day's
    code), the missing check-ins say nothing about the workers and must not count against them.
    """
    now = now or timezone.now()
    due = Engagement.objects.filter(
        status=EngagementStatus.CONFIRMED,
        checked_in_at__isnull=True,
        post__end_date__lt=work_day(now),
        post__first_check_in_at__isnull=False,
    ).values_list("pk", "post_id")
    done = 0
    for engagement_id, post_id in due:
        with transaction.atomic():
            post = GigPost.objects.select_for_update().get(pk=post_id)
            engagement = Engagement.objects.select_for_update().get(pk=engagement_id)
            if engagement.status != EngagementStatus.CONFIRMED or engagement.checked_in_at is not None:
                continue
            transition(engagement, EngagementStatus.NO_SHOW, actor=None, note=NO_SHOW_NOTE, at=now)
            notify(
                recipient_id=engagement.worker_id,
                kind="no_show",
                title=_("未到岗记录：%(title)s") % {"title": post.title},
                body=_(
                    "该零工的工作日期已过，系统没有您的签到记录。如有异议，请联系所在地公共就业服务机构。"
                ),
                link=reverse("market:work_record"),
                key=f"no_show:{engagement.pk}",
            )
            done += 1
    return done


def _lock_as_worker(actor: User, engagement_id: int) -> Engagement:
    engagement = (
        Engagement.objects.select_for_update(of=("self",))
        .select_related("post", "post__employer")
        .filter(pk=engagement_id, worker_id=actor.pk)
        .first()
    )
    if engagement is None:
        raise NotFound("not_found", _("找不到该用工记录。"))
    if engagement.status != EngagementStatus.COMPLETED:
        raise Conflict("not_completed", _("工时确认、完工之后才能办理。"))
    return engagement


@transaction.atomic
def confirm_wage_received(*, actor: User, engagement_id: int) -> Engagement:
    """The worker confirms the wage was paid; an open wage claim on the gig is settled as paid."""
    engagement = _lock_as_worker(actor, engagement_id)
    if engagement.wage_received_at is not None:
        raise Conflict("already_received", _("您已经确认收到工资了。"))
    engagement.wage_received_at = timezone.now()
    engagement.save(update_fields=["wage_received_at"])
    _audit(actor, engagement, engagement.post, "确认收到工资", ["wage_received_at"])
    claim = WageClaim.objects.select_for_update().filter(engagement=engagement).first()
    if claim is not None and claim.status in (WageClaimStatus.OPEN, WageClaimStatus.REFERRED):
        transition(claim, WageClaimStatus.PAID, actor=actor, note=_("劳动者确认已收到工资"))
    return engagement


def _approval(engagement: Engagement) -> dict[str, Any]:
    step = history(engagement).filter(to_status=EngagementStatus.COMPLETED).first()
    if engagement.hours_auto_approved or step is None or step.actor is None:
        by = "system"
    elif step.actor_id == engagement.post.employer_id:
        by = "employer"
    else:
        by = "staff"
    return {
        "by": by,
        "actor_id": step.actor_id if step else None,
        "at": engagement.hours_approved_at.isoformat() if engagement.hours_approved_at else None,
        "note": step.note if step else "",
        "auto": engagement.hours_auto_approved,
    }


def claim_evidence(engagement: Engagement) -> dict[str, Any]:
    """What the platform knows of the gig, frozen at the time of the report."""
    post = engagement.post

    def at(value: dt.datetime | None) -> str | None:
        return timezone.localtime(value, WORK_TZ).isoformat() if value else None

    return {
        "post": {
            "id": post.pk,
            "title": post.title,
            "address": post.address,
            "region": post.region_id,
            "employer_id": post.employer_id,
            "employer": post.employer.display_name,
            "start_date": post.start_date.isoformat(),
            "end_date": post.end_date.isoformat(),
        },
        "worker_id": engagement.worker_id,
        "agreed_wage_fen": engagement.agreed_wage_fen,
        "agreed_wage_type": engagement.agreed_wage_type,
        "wage_due_fen": engagement.wage_due_fen,
        "confirmed_at": at(engagement.confirmed_at),
        "check_in": {
            "at": at(engagement.checked_in_at),
            "longitude": engagement.check_in_longitude,
            "latitude": engagement.check_in_latitude,
        },
        "check_out": {
            "at": at(engagement.checked_out_at),
            "longitude": engagement.check_out_longitude,
            "latitude": engagement.check_out_latitude,
        },
        "hours_worked": str(engagement.hours_worked),
        "hours_approval": _approval(engagement),
        "completed_at": at(engagement.completed_at),
    }


@transaction.atomic
def report_unpaid(*, actor: User, engagement_id: int) -> WageClaim:
    """One tap: the wage of a completed gig was not paid. The claim carries the evidence, the employer
    is told and staff of the post's region are alerted (22号 第十四条)."""
    engagement = _lock_as_worker(actor, engagement_id)
    if engagement.wage_received_at is not None:
        raise Conflict("already_received", _("您已确认收到该工资，不能再报告欠薪。"))
    post = engagement.post
    assert engagement.wage_due_fen is not None
    claim = WageClaim(
        engagement=engagement,
        agreed_wage_fen=engagement.agreed_wage_fen,
        wage_due_fen=engagement.wage_due_fen,
        evidence=claim_evidence(engagement),
        region_id=post.region_id,
    )
    try:
        with transaction.atomic():  # a double tap is settled by the one-to-one constraint
            claim.save()
    except IntegrityError as exc:
        raise Conflict("already_reported", _("您已经报告过该工资未付，工作人员正在处理。")) from exc
    Transition.objects.create(
        object_type=claim._meta.label_lower,
        object_id=str(claim.pk),
        from_status="",
        to_status=claim.status,
        actor=actor,
        at=claim.reported_at,
    )
    audit.record(actor=actor, action=AuditEntry.Action.CREATE, obj=claim, note="欠薪报告")
    wage = yuan(claim.wage_due_fen)
    notify(
        recipient_id=post.employer_id,
        kind="wage_claim",
        title=_("劳动者报告未收到工资：%(title)s") % {"title": post.title},
        body=_("应付工资 %(wage)s 元。请尽快支付；辖区人社部门已收到预警。") % {"wage": wage},
        link=reverse("market:work_attendance", args=[post.pk]),
        key=f"wage_claim:{claim.pk}",
    )
    raise_alert(
        key=f"wage_claim:{claim.pk}",
        kind="wage_arrears",
        message=_("欠薪报告：%(employer)s 的“%(title)s”应付 %(wage)s 元未付")
        % {"employer": post.employer.display_name, "title": post.title, "wage": wage},
        region_code=post.region_id,
    )
    return claim


#: Staff steps on a wage claim, by the name in their URLs.
CLAIM_ACTIONS: dict[str, str] = {
    "paid": WageClaimStatus.PAID,
    "refer": WageClaimStatus.REFERRED,
    "close": WageClaimStatus.CLOSED,
}


def _staff_only(actor: User) -> None:
    if not is_staff(actor):
        raise PermissionDenied("staff_only", _("只有辖区工作人员可以办理。"))


@transaction.atomic
def move_wage_claim(*, actor: User, claim_id: int, action: str, note: str = "") -> WageClaim:
    """Staff of the claim's region mark it paid, refer it to labour inspection, or close it."""
    _staff_only(actor)
    to = CLAIM_ACTIONS.get(action)
    if to is None:
        raise NotFound("not_found", _("没有这个操作。"))
    claim = get_in_scope(WageClaim.objects.select_for_update(), actor, pk=claim_id)
    transition(claim, to, actor=actor, note=note)
    notify(
        recipient_id=Engagement.objects.values_list("worker_id", flat=True).get(pk=claim.engagement_id),
        kind="wage_claim_update",
        title=_("您的欠薪报告：%(status)s") % {"status": claim.get_status_display()},
        body=note,
        link=reverse("market:work_record"),
        key=f"wage_claim:{claim.pk}:{to}",
    )
    return claim


# --- ratings ----------------------------------------------------------------------------------------


@transaction.atomic
def rate(*, actor: User, engagement_id: int, stars: int, comment: str = "") -> Rating:
    """After completion the worker rates the employer and the employer the worker, once each."""
    engagement = Engagement.objects.select_related("post").filter(pk=engagement_id).first()
    if engagement is None or actor.pk not in (engagement.worker_id, engagement.post.employer_id):
        raise NotFound("not_found", _("找不到该用工记录。"))
    if engagement.status != EngagementStatus.COMPLETED:
        raise Conflict("not_completed", _("完工之后才能评价。"))
    if not isinstance(stars, int) or not 1 <= stars <= 5:
        raise DomainError("invalid_stars", _("请选择 1 到 5 星。"), field="stars")
    ratee_id = engagement.post.employer_id if actor.pk == engagement.worker_id else engagement.worker_id
    rating = Rating(
        engagement=engagement, rater=actor, ratee_id=ratee_id, stars=stars, comment=comment.strip()[:200]
    )
    try:
        with transaction.atomic():
            rating.save()
    except IntegrityError as exc:
        raise Conflict("already_rated", _("您已经评价过这次用工了。")) from exc
    notify(
        recipient_id=ratee_id,
        kind="rated",
        title=_("您收到一条评价：%(stars)d 星") % {"stars": stars},
        body=_("如认为评价不实，可以申诉一次。"),
        link=reverse("market:work_record"),
        key=f"rated:{rating.pk}",
    )
    return rating


@transaction.atomic
def appeal_rating(*, actor: User, rating_id: int, reason: str) -> Rating:
    """The rated side appeals a rating, once, with a reason; staff of the post's region decide."""
    rating = (
        Rating.objects.select_for_update(of=("self",))
        .select_related("engagement__post")
        .filter(pk=rating_id, ratee_id=actor.pk)
        .first()
    )
    if rating is None:
        raise NotFound("not_found", _("找不到该评价。"))
    reason = reason.strip()
    if not reason:
        raise DomainError("reason_required", _("请写明申诉理由。"), field="reason")
    if rating.status != RatingStatus.STANDING:
        raise Conflict("already_appealed", _("每条评价只能申诉一次。"))
    rating.appeal_reason = reason[:255]
    transition(rating, RatingStatus.APPEALED, actor=actor, note=reason, also_save=["appeal_reason"])
    post = rating.engagement.post
    raise_alert(
        key=f"rating_appeal:{rating.pk}",
        kind="rating_appeal",
        level="info",
        message=_("评价申诉待处理：“%(title)s”") % {"title": post.title},
        region_code=post.region_id,
    )
    return rating


#: Staff decisions on an appealed rating.
APPEAL_DECISIONS: dict[str, str] = {"upheld": RatingStatus.UPHELD, "withdrawn": RatingStatus.WITHDRAWN}


@transaction.atomic
def decide_appeal(*, actor: User, rating_id: int, decision: str, note: str = "") -> Rating:
    """Staff of the post's region keep the rating (upheld) or withdraw it; withdrawn ratings don't count."""
    _staff_only(actor)
    to = APPEAL_DECISIONS.get(decision)
    if to is None:
        raise DomainError("invalid_decision", _("请选择“维持评价”或“撤销评价”。"), field="decision")
    rating = get_in_scope(
        Rating.objects.select_for_update(of=("self",)), actor, field="engagement__post__region", pk=rating_id
    )
    rating.appeal_decision = note.strip()[:255]
    transition(rating, to, actor=actor, note=note, also_save=["appeal_decision"])
    for recipient in {rating.rater_id, rating.ratee_id}:
        notify(
            recipient_id=recipient,
            kind="appeal_decided",
            title=_("评价申诉处理结果：%(status)s") % {"status": rating.get_status_display()},
            body=rating.appeal_decision,
            link=reverse("market:work_record"),
            key=f"appeal_decided:{rating.pk}",
        )
    return rating


def worker_only(actor: User) -> None:
    if actor.role != Role.WORKER:
        raise PermissionDenied("worker_only", _("只有灵活就业人员有自己的工作记录。"))
