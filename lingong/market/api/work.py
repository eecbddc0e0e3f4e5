"""API: the work done on a gig (辽人社〔2022〕22号 第七条, 第十四条): check-in and check-out with the day's
code and the phone's position, hours approval, wage received or reported unpaid, ratings and appeals,
the worker's record, and wage claims for staff. Errors carry the services' codes, e.g.
``checkin_code_invalid``, ``outside_radius`` (400), ``not_confirmed`` (403), ``already_checked_in``,
``already_rated``, ``already_appealed`` (409)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from lingong.accounts.http import acting_user
from lingong.accounts.models import User
from lingong.core.errors import NotFound
from lingong.market.models import Engagement, Rating, WageClaim
from lingong.market.selectors import work as selectors
from lingong.market.services import work as services

router = Router(tags=["market-work"])


class PositionIn(Schema):
    code: str = Field(..., max_length=16)
    longitude: float | None = None
    latitude: float | None = None


class ApproveIn(Schema):
    hours: Decimal | None = Field(None, description="更正后的工时；不填则按签到签退计算的工时")
    note: str = Field("", max_length=200, description="修改工时时必填")
    amount_yuan: Decimal | None = Field(None, description="计件工资的应付金额（元）")


class RatingIn(Schema):
    stars: int
    comment: str = Field("", max_length=200)


class AppealIn(Schema):
    reason: str = Field(..., max_length=255)


class DecideIn(Schema):
    decision: Literal["upheld", "withdrawn"]
    note: str = Field("", max_length=255)


class NoteIn(Schema):
    note: str = Field("", max_length=255)


class WorkOut(Schema):
    id: int
    post_id: int
    status: str
    status_label: str
    checked_in_at: dt.datetime | None
    checked_out_at: dt.datetime | None
    hours_worked: str | None
    hours_approved_at: dt.datetime | None
    hours_auto_approved: bool
    wage_due_yuan: str | None
    wage_received_at: dt.datetime | None


class RatingOut(Schema):
    id: int
    engagement_id: int
    rater_id: int
    ratee_id: int
    stars: int
    comment: str
    status: str
    appeal_reason: str
    appeal_decision: str


class WageClaimOut(Schema):
    id: int
    engagement_id: int
    status: str
    status_label: str
    reported_at: dt.datetime
    region: str
    agreed_wage_yuan: str
    wage_due_yuan: str
    evidence: dict[str, Any]


class RecordRowOut(Schema):
    engagement_id: int
    post_title: str
    employer: str
    start: dt.date | None
    end: dt.date | None
    hours: str | None
    wage_due_yuan: str
    wage_received_at: dt.datetime | None
    stars: int | None


class ReliabilityOut(Schema):
    completed: int
    no_shows: int
    late_cancellations: int
    score: float
    average_stars: float | None
    ratings: int


class RecordOut(Schema):
    rows: list[RecordRowOut]
    reliability: ReliabilityOut


def work_out(e: Engagement) -> dict[str, Any]:
    return {
        "id": e.pk,
        "post_id": e.post_id,
        "status": e.status,
        "status_label": str(e.get_status_display()),
        "checked_in_at": e.checked_in_at,
        "checked_out_at": e.checked_out_at,
        "hours_worked": None if e.hours_worked is None else str(e.hours_worked),
        "hours_approved_at": e.hours_approved_at,
        "hours_auto_approved": e.hours_auto_approved,
        "wage_due_yuan": None if e.wage_due_fen is None else services.yuan(e.wage_due_fen),
        "wage_received_at": e.wage_received_at,
    }


def rating_out(r: Rating) -> dict[str, Any]:
    fields = ("engagement_id", "rater_id", "ratee_id", "stars", "comment", "status")
    return {"id": r.pk, **{f: getattr(r, f) for f in fields}} | {
        "appeal_reason": r.appeal_reason,
        "appeal_decision": r.appeal_decision,
    }


def claim_out(c: WageClaim) -> dict[str, Any]:
    return {
        "id": c.pk,
        "engagement_id": c.engagement_id,
        "status": c.status,
        "status_label": str(c.get_status_display()),
        "reported_at": c.reported_at,
        "region": c.region_id,
        "agreed_wage_yuan": services.yuan(c.agreed_wage_fen),
        "wage_due_yuan": services.yuan(c.wage_due_fen),
        "evidence": c.evidence,
    }


def _own_post_id(actor: User, engagement_id: int) -> int:
    post_id = (
        Engagement.objects.filter(pk=engagement_id, worker_id=actor.pk)
        .values_list("post_id", flat=True)
        .first()
    )
    if post_id is None:
        raise NotFound("not_found", _("找不到该用工记录。"))
    return post_id


class CheckinCodeOut(Schema):
    day: dt.date
    code: str
    url: str = Field(description="现场二维码所指的地址（劳动者扫码签到）")


@router.get("/gigs/{post_id}/checkin-code", response=CheckinCodeOut, summary="今天的现场签到码（用工主体）")
def checkin_code_today(request: HttpRequest, post_id: int) -> dict[str, Any]:
    post, path = services.checkin_qr(actor=acting_user(request), post_id=post_id)
    day = services.work_day(timezone.now())
    return {"day": day, "code": services.checkin_code(post, day), "url": request.build_absolute_uri(path)}


@router.post("/engagements/{engagement_id}/check-in", response=WorkOut, summary="扫码签到（劳动者）")
def check_in(request: HttpRequest, engagement_id: int, payload: PositionIn) -> dict[str, Any]:
    actor = acting_user(request)
    return work_out(
        services.check_in(actor=actor, post_id=_own_post_id(actor, engagement_id), **payload.dict())
    )


@router.post("/engagements/{engagement_id}/check-out", response=WorkOut, summary="扫码签退（劳动者）")
def check_out(request: HttpRequest, engagement_id: int, payload: PositionIn) -> dict[str, Any]:
    actor = acting_user(request)
    return work_out(
        services.check_out(actor=actor, post_id=_own_post_id(actor, engagement_id), **payload.dict())
    )


@router.post(
    "/engagements/{engagement_id}/approve-hours",
    response=WorkOut,
    summary="确认工时并完工（用工主体、工作人员）",
)
def approve_hours(request: HttpRequest, engagement_id: int, payload: ApproveIn) -> dict[str, Any]:
    amount = None if payload.amount_yuan is None else int((payload.amount_yuan * 100).to_integral_value())
    engagement = services.approve_hours(
        actor=acting_user(request),
        engagement_id=engagement_id,
        hours=payload.hours,
        note=payload.note,
        amount_fen=amount,
    )
    return work_out(engagement)


@router.post("/engagements/{engagement_id}/wage-received", response=WorkOut, summary="确认收到工资（劳动者）")
def wage_received(request: HttpRequest, engagement_id: int) -> dict[str, Any]:
    return work_out(services.confirm_wage_received(actor=acting_user(request), engagement_id=engagement_id))


@router.post(
    "/engagements/{engagement_id}/report-unpaid",
    response={201: WageClaimOut},
    summary="一键报告欠薪（劳动者）",
)
def report_unpaid(request: HttpRequest, engagement_id: int) -> Status[dict[str, Any]]:
    claim = services.report_unpaid(actor=acting_user(request), engagement_id=engagement_id)
    return Status(201, claim_out(claim))


@router.post(
    "/engagements/{engagement_id}/rating", response={201: RatingOut}, summary="评价对方（完工后各一次）"
)
def rate(request: HttpRequest, engagement_id: int, payload: RatingIn) -> Status[dict[str, Any]]:
    rating = services.rate(
        actor=acting_user(request), engagement_id=engagement_id, stars=payload.stars, comment=payload.comment
    )
    return Status(201, rating_out(rating))


@router.post("/ratings/{rating_id}/appeal", response=RatingOut, summary="申诉收到的评价（一次）")
def appeal(request: HttpRequest, rating_id: int, payload: AppealIn) -> dict[str, Any]:
    return rating_out(
        services.appeal_rating(actor=acting_user(request), rating_id=rating_id, reason=payload.reason)
    )


@router.post("/ratings/{rating_id}/decide", response=RatingOut, summary="处理评价申诉（工作人员）")
def decide(request: HttpRequest, rating_id: int, payload: DecideIn) -> dict[str, Any]:
    rating = services.decide_appeal(
        actor=acting_user(request), rating_id=rating_id, decision=payload.decision, note=payload.note
    )
    return rating_out(rating)


@router.get("/work/record", response=RecordOut, summary="我的工作记录（劳动者）")
def work_record(request: HttpRequest) -> dict[str, Any]:
    actor = acting_user(request)
    rows = selectors.work_record(actor=actor)
    return {
        "rows": [
            {
                "engagement_id": r.engagement_id,
                "post_title": r.post_title,
                "employer": r.employer,
                "start": r.start,
                "end": r.end,
                "hours": None if r.hours is None else str(r.hours),
                "wage_due_yuan": r.wage_due_yuan,
                "wage_received_at": r.wage_received_at,
                "stars": r.stars,
            }
            for r in rows
        ],
        "reliability": selectors.reliability(actor).__dict__,
    }


@router.get("/wage-claims", response=list[WageClaimOut], summary="辖区欠薪报告（工作人员）")
def wage_claims(request: HttpRequest, status: str | None = None) -> list[dict[str, Any]]:
    return [claim_out(c) for c in selectors.wage_claims(actor=acting_user(request), status=status)]


@router.post(
    "/wage-claims/{claim_id}/{action}",
    response=WageClaimOut,
    summary="欠薪报告：已支付 paid、转劳动保障监察 refer、结案 close（工作人员）",
)
def move_claim(
    request: HttpRequest,
    claim_id: int,
    action: Literal["paid", "refer", "close"],
    payload: NoteIn | None = None,
) -> dict[str, Any]:
    claim = services.move_wage_claim(
        actor=acting_user(request), claim_id=claim_id, action=action, note=payload.note if payload else ""
    )
    return claim_out(claim)
