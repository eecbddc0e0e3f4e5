"""API: gig and seeking posts (辽人社〔2022〕22号 第七条). Searching is public and free; publishing needs
an account; review is for staff of the post's region."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from lingong.accounts.http import acting_user
from lingong.accounts.models import User
from lingong.core.errors import DomainError, PermissionDenied
from lingong.core.scope import get_in_scope
from lingong.market.selectors import posts as selectors
from lingong.market.services import posts as services

router = Router(tags=["market-posts"])


class GigOut(Schema):
    id: int
    title: str
    status: str
    status_label: str
    review_reason: str
    occupation_code: str
    occupation_name: str
    region_code: str
    region_name: str
    address: str
    longitude: float | None
    latitude: float | None
    start_date: dt.date
    end_date: dt.date
    time_slots: str
    wage_yuan: str
    wage_type: str
    wage_label: str
    settlement: str
    settlement_label: str
    headcount: int
    places_left: int
    instant: bool
    employer_name: str
    employer_verified: bool = Field(description="用工主体是否已核验；未核验的页面显示“未核验”")
    created_at: dt.datetime
    expires_at: dt.datetime
    is_open: bool
    distance_km: float | None = Field(None, description="与查询位置的距离（公里），仅“附近”查询时有")


class GigDetailOut(GigOut):
    description: str
    requirements: str
    contact_name: str
    contact_phone: str = Field(description="发布人本人和有权限的辖区工作人员看到完整号码，其他人看到脱敏号码")
    contact_masked: bool


class GigPageOut(Schema):
    count: int
    page: int
    pages: int
    items: list[GigOut]


class GigFilterIn(Schema):
    q: str = Field("", description="关键词，如“保洁 和平区”")
    occupation: str = Field("", description="职业编码，含其下级职业")
    district: str = Field("", description="县区代码，或市、省代码（含其下全部县区）")
    min_day_wage: str = Field("", description="日工资不低于（元），按小时计的乘以8")
    date: dt.date | None = Field(None, description="在这一天有活")
    settlement: str = ""
    instant: bool = False
    lon: float | None = Field(None, description="附近：经度")
    lat: float | None = Field(None, description="附近：纬度")
    radius_km: float = Field(5.0, description="附近：半径（公里，最多50）")
    sort: str = Field("newest", description="newest 最新 / wage 工资最高 / distance 距离最近（附近查询默认）")
    page: int = 1


class GigIn(Schema):
    occupation_code: str
    region_code: str = Field(description="工作地点所在县区代码")
    address: str
    start_date: dt.date
    end_date: dt.date
    headcount: int = 1
    wage: str = Field(description="工资（元），如 180")
    wage_type: str = Field("day", description="hour 按小时 / day 按天 / piece 计件")
    settlement: str = "same_day"
    title: str = ""
    description: str = ""
    requirements: str = ""
    time_slots: str = ""
    longitude: float | None = None
    latitude: float | None = None
    contact_name: str = ""
    contact_phone: str = Field("", description="留空则用账号手机号")
    instant: bool = False
    employer_id: int | None = Field(None, description="工作人员代为登记时：用工主体的用户编号")


class RejectIn(Schema):
    reason: str


class SeekingOut(Schema):
    id: int
    title: str
    status: str
    status_label: str
    review_reason: str
    occupation_code: str
    occupation_name: str
    region_code: str
    region_name: str
    address: str
    start_date: dt.date
    end_date: dt.date
    time_slots: str
    wage_label: str
    worker_name: str
    created_at: dt.datetime


class SeekingPageOut(Schema):
    count: int
    page: int
    pages: int
    items: list[SeekingOut]


class SeekingIn(Schema):
    occupation_code: str
    region_code: str
    address: str
    start_date: dt.date
    end_date: dt.date
    wage: str
    wage_type: str = "day"
    title: str = ""
    description: str = ""
    time_slots: str = ""
    longitude: float | None = None
    latitude: float | None = None


def filters_from(data: GigFilterIn) -> selectors.GigFilters:
    if data.sort not in selectors.SORTS:
        raise DomainError("sort_invalid", _("排序方式只能是 newest、wage 或 distance。"), field="sort")
    return selectors.GigFilters(
        query=data.q,
        occupation=data.occupation.strip(),
        district=data.district.strip(),
        min_day_wage_fen=services.yuan_to_fen(data.min_day_wage, field="min_day_wage")
        if data.min_day_wage
        else 0,
        open_on=data.date,
        settlement=data.settlement,
        instant_only=data.instant,
        longitude=data.lon,
        latitude=data.lat,
        radius_km=data.radius_km,
        sort=data.sort,
    )


@router.get("/gigs", response=GigPageOut, auth=None, summary="查找零工招聘（公开，免费）")
def list_gigs(request: HttpRequest, filters: Query[GigFilterIn]) -> dict[str, Any]:
    page = selectors.search_gigs(filters_from(filters), page=filters.page)
    return {"count": page.count, "page": page.number, "pages": page.num_pages, "items": page.rows}


@router.get("/gigs/mine", response=list[GigOut], summary="我发布的零工招聘（全部状态）")
def my_gigs(request: HttpRequest) -> list[selectors.GigRow]:
    return selectors.my_gigs(actor=acting_user(request))


@router.get("/gigs/{post_id}", response=GigDetailOut, auth=None, summary="零工招聘详情")
def get_gig(request: HttpRequest, post_id: int) -> selectors.GigRow:
    return selectors.get_gig(actor=request.user, post_id=post_id)


@router.post("/gigs", response={201: GigDetailOut}, summary="发布零工招聘（免费，即时发布或转人工审核）")
def create_gig(request: HttpRequest, payload: GigIn) -> Status[selectors.GigRow]:
    actor = acting_user(request)
    data = payload.dict()
    employer_id = data.pop("employer_id")
    employer = actor
    if employer_id is not None and employer_id != actor.pk:
        if actor.role not in services.REVIEWER_ROLES:
            raise PermissionDenied("post_for_others_forbidden", _("只能以本人名义发布。"))
        employer = get_in_scope(User.objects.all(), actor, pk=employer_id)
    wage_fen = services.yuan_to_fen(data.pop("wage"))
    post = services.publish_gig_post(actor=actor, employer=employer, wage_fen=wage_fen, **data)
    return Status(201, selectors.get_gig(actor=actor, post_id=post.pk))


@router.post("/gigs/{post_id}/close", response=GigDetailOut, summary="关闭零工招聘")
def close_gig(request: HttpRequest, post_id: int) -> selectors.GigRow:
    actor = acting_user(request)
    services.close_post(actor=actor, post_id=post_id)
    return selectors.get_gig(actor=actor, post_id=post_id)


@router.get("/review", response=list[GigOut], summary="待审核的零工招聘（本辖区）")
def review_queue(request: HttpRequest) -> list[selectors.GigRow]:
    return selectors.review_gigs(actor=acting_user(request))


@router.post("/review/{post_id}/approve", response=GigDetailOut, summary="审核通过")
def approve(request: HttpRequest, post_id: int) -> selectors.GigRow:
    actor = acting_user(request)
    services.approve_post(actor=actor, post_id=post_id)
    return selectors.get_gig(actor=actor, post_id=post_id)


@router.post("/review/{post_id}/reject", response=GigDetailOut, summary="审核不通过（须写明原因）")
def reject(request: HttpRequest, post_id: int, payload: RejectIn) -> selectors.GigRow:
    actor = acting_user(request)
    services.reject_post(actor=actor, post_id=post_id, reason=payload.reason)
    return selectors.get_gig(actor=actor, post_id=post_id)


@router.get("/seeking", response=SeekingPageOut, auth=None, summary="查找零工求职（公开）")
def list_seeking(
    request: HttpRequest, q: str = "", occupation: str = "", district: str = "", page: int = 1
) -> dict[str, Any]:
    rows, count, number, pages = selectors.search_seeking(
        query=q, occupation=occupation, district=district, page=page
    )
    return {"count": count, "page": number, "pages": pages, "items": rows}


@router.post("/seeking", response={201: SeekingOut}, summary="发布零工求职（本人）")
def create_seeking(request: HttpRequest, payload: SeekingIn) -> Status[selectors.SeekingRow]:
    actor = acting_user(request)
    data = payload.dict()
    wage_fen = services.yuan_to_fen(data.pop("wage"))
    post = services.publish_seeking_post(actor=actor, worker=actor, wage_fen=wage_fen, **data)
    post = type(post).objects.select_related("occupation", "region", "worker").get(pk=post.pk)
    return Status(201, selectors.seeking_row(post))


class SeekingDetailOut(SeekingOut):
    description: str
    phone: str = Field(
        description="求职人的手机号：本人和有权限的辖区工作人员看到完整号码，其他人看到脱敏号码"
    )
    masked: bool


@router.get("/seeking/mine", response=list[SeekingOut], summary="我的求职（本人，含已关闭的）")
def my_seeking(request: HttpRequest) -> list[selectors.SeekingRow]:
    return selectors.my_seeking(actor=acting_user(request))


@router.get("/seeking/{post_id}", response=SeekingDetailOut, auth=None, summary="零工求职详情")
def get_seeking(request: HttpRequest, post_id: int) -> dict[str, Any]:
    detail = selectors.seeking_detail_for(actor=request.user, post_id=post_id)
    return {
        **dataclasses.asdict(detail.row),
        "worker_name": detail.worker_name,
        "description": detail.description,
        "phone": detail.phone,
        "masked": detail.masked,
    }


@router.post("/seeking/{post_id}/close", response=SeekingOut, summary="关闭零工求职（本人或辖区工作人员）")
def close_seeking(request: HttpRequest, post_id: int) -> selectors.SeekingRow:
    actor = acting_user(request)
    services.close_post(actor=actor, post_id=post_id, kind="seeking")
    return selectors.seeking_detail_for(actor=actor, post_id=post_id).row
