"""API: hiring on gig posts (辽人社〔2022〕22号 第七条). Errors carry the services' codes:
``post_full`` and ``already_applied`` (409), ``employer_only`` (403), ``not_found`` (404)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from lingong.accounts.http import acting_user
from lingong.market.api.profiles import PagedRows
from lingong.market.models import Engagement
from lingong.market.selectors import hiring as selectors
from lingong.market.services import hiring as services

router = Router(tags=["market-hiring"])


class EngagementOut(Schema):
    id: int
    post_id: int
    post_title: str
    worker_id: int
    worker_name: str
    worker_phone: str
    status: str
    status_label: str
    agreed_wage_yuan: str
    agreed_wage_type: str
    created_at: dt.datetime
    confirmed_at: dt.datetime | None
    post_places_left: int


class StepIn(Schema):
    note: str = ""
    negotiation: str = Field("", description="接受邀请时：on_site 现场协商 / online 线上协商")


class OfferIn(Schema):
    worker_id: int


def engagement_out(e: Engagement) -> dict[str, Any]:
    return {
        "id": e.pk,
        "post_id": e.post_id,
        "post_title": e.post.title,
        "worker_id": e.worker_id,
        "worker_name": e.worker.display_name,
        "worker_phone": e.worker.masked_phone,
        "status": e.status,
        "status_label": str(e.get_status_display()),
        "agreed_wage_yuan": f"{e.agreed_wage_fen / 100:.2f}".rstrip("0").rstrip("."),
        "agreed_wage_type": e.agreed_wage_type,
        "created_at": e.created_at,
        "confirmed_at": e.confirmed_at,
        "post_places_left": e.post.places_left,
    }


def _fresh(engagement_id: int) -> dict[str, Any]:
    return engagement_out(Engagement.objects.select_related("post", "worker").get(pk=engagement_id))


@router.post("/gigs/{post_id}/apply", response={201: EngagementOut}, summary="报名零工招聘（劳动者）")
def apply(request: HttpRequest, post_id: int) -> Status[dict[str, Any]]:
    engagement = services.apply(actor=acting_user(request), post_id=post_id)
    return Status(201, _fresh(engagement.pk))


@router.post("/gigs/{post_id}/offers", response={201: EngagementOut}, summary="邀请劳动者（用工主体）")
def offer(request: HttpRequest, post_id: int, payload: OfferIn) -> Status[dict[str, Any]]:
    engagement = services.invite(actor=acting_user(request), post_id=post_id, worker_id=payload.worker_id)
    return Status(201, _fresh(engagement.pk))


@router.get(
    "/gigs/{post_id}/applicants", response=list[EngagementOut], summary="某招聘的报名者（用工主体、工作人员）"
)
def applicants(request: HttpRequest, post_id: int) -> list[dict[str, Any]]:
    _post, engagements = selectors.post_applicants(actor=acting_user(request), post_id=post_id)
    return [engagement_out(e) for e in engagements]


@router.get("/engagements", response=list[EngagementOut], summary="我的用工记录（劳动者或用工主体）")
@paginate(LimitOffsetPagination)
def my_engagements(request: HttpRequest, status: str | None = None) -> Any:
    qs = selectors.my_engagements(actor=acting_user(request), status=status)
    return PagedRows(qs, engagement_out)


@router.post(
    "/engagements/{engagement_id}/{action}",
    response=EngagementOut,
    summary="确认录用 confirm、不录用 refuse、撤回 withdraw、取消 cancel、接受 accept、谢绝 decline",
)
def step(
    request: HttpRequest,
    engagement_id: int,
    action: Literal["confirm", "refuse", "withdraw", "cancel", "accept", "decline"],
    payload: StepIn | None = None,
) -> dict[str, Any]:
    note = payload.note if payload else ""
    extra = {}
    if payload and action == "accept" and payload.negotiation:
        extra["negotiation"] = payload.negotiation
    services.ACTIONS[action](actor=acting_user(request), engagement_id=engagement_id, note=note, **extra)
    return _fresh(engagement_id)
