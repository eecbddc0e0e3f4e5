"""API: job fairs and gig-only fairs (零工专场), 青政办〔2021〕1号 13. Listing and reading are public;
staff schedule and cancel fairs of their region; employers register with their open posts; workers
sign up once."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from lingong.accounts.http import acting_user
from lingong.market.models import JobFair
from lingong.market.selectors import fairs as selectors
from lingong.market.services import fairs as services

router = Router(tags=["market-fairs"])


class FairOut(Schema):
    id: int
    kind: str
    kind_label: str
    name: str
    status: str
    status_label: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    region_code: str
    region_name: str
    place_id: int
    place_name: str
    address: str
    opening_hours: str
    description: str


class FairEmployerOut(Schema):
    name: str
    post_ids: list[int]


class FairDetailOut(FairOut):
    worker_count: int
    employers: list[FairEmployerOut]
    signed_up: bool = Field(description="当前登录的劳动者是否已报名")


class FairIn(Schema):
    kind: str = Field("gig_special", description="job_fair 招聘会 / gig_special 零工专场")
    name: str
    place_id: int = Field(description="零工市场名录中的地点编号（本辖区）")
    starts_at: dt.datetime
    ends_at: dt.datetime
    description: str = ""


class CancelIn(Schema):
    reason: str


class RegisterIn(Schema):
    post_ids: list[int] = Field(description="本单位正在招聘中的零工招聘编号")


def fair_out(fair: JobFair) -> dict[str, Any]:
    return {
        "id": fair.pk,
        "kind": fair.kind,
        "kind_label": str(fair.get_kind_display()),
        "name": fair.name,
        "status": fair.status,
        "status_label": str(fair.get_status_display()),
        "starts_at": fair.starts_at,
        "ends_at": fair.ends_at,
        "region_code": fair.region_id,
        "region_name": fair.region.name,
        "place_id": fair.place_id,
        "place_name": fair.place.name,
        "address": fair.place.address,
        "opening_hours": fair.place.opening_hours,
        "description": fair.description,
    }


def _detail(request: HttpRequest, fair_id: int) -> dict[str, Any]:
    view = selectors.get_fair(actor=request.user, fair_id=fair_id)
    return {
        **fair_out(view.fair),
        "worker_count": view.worker_count,
        "employers": [{"name": e.name, "post_ids": [p.pk for p in e.posts]} for e in view.employers],
        "signed_up": view.signed_up,
    }


@router.get("/fairs", response=list[FairOut], auth=None, summary="近期招聘会与零工专场（公开）")
def list_fairs(request: HttpRequest, district: str = "") -> list[dict[str, Any]]:
    return [fair_out(f) for f in selectors.upcoming_fairs(district=district.strip())]


@router.get("/fairs/{fair_id}", response=FairDetailOut, auth=None, summary="招聘会详情（公开）")
def get_fair(request: HttpRequest, fair_id: int) -> dict[str, Any]:
    return _detail(request, fair_id)


@router.post("/fairs", response={201: FairDetailOut}, summary="安排招聘会（本辖区工作人员）")
def create_fair(request: HttpRequest, payload: FairIn) -> Status[dict[str, Any]]:
    fair = services.schedule_fair(actor=acting_user(request), **payload.dict())
    return Status(201, _detail(request, fair.pk))


@router.post("/fairs/{fair_id}/cancel", response=FairDetailOut, summary="取消招聘会（通知已报名的人）")
def cancel_fair(request: HttpRequest, fair_id: int, payload: CancelIn) -> dict[str, Any]:
    services.cancel_fair(actor=acting_user(request), fair_id=fair_id, reason=payload.reason)
    return _detail(request, fair_id)


@router.post("/fairs/{fair_id}/employers", response=FairDetailOut, summary="用工主体报名参会")
def register_employer(request: HttpRequest, fair_id: int, payload: RegisterIn) -> dict[str, Any]:
    services.register_employer(actor=acting_user(request), fair_id=fair_id, post_ids=payload.post_ids)
    return _detail(request, fair_id)


@router.post("/fairs/{fair_id}/workers", response={201: FairDetailOut}, summary="劳动者报名（每场一次）")
def sign_up_worker(request: HttpRequest, fair_id: int) -> Status[dict[str, Any]]:
    services.sign_up_worker(actor=acting_user(request), fair_id=fair_id)
    return Status(201, _detail(request, fair_id))


@router.delete("/fairs/{fair_id}/workers/me", response=FairDetailOut, summary="劳动者取消报名")
def withdraw_worker(request: HttpRequest, fair_id: int) -> dict[str, Any]:
    services.withdraw_worker(actor=acting_user(request), fair_id=fair_id)
    return _detail(request, fair_id)


@router.delete("/fairs/{fair_id}/employers/me", response=FairDetailOut, summary="用工主体取消参会")
def withdraw_employer(request: HttpRequest, fair_id: int) -> dict[str, Any]:
    services.withdraw_employer(actor=acting_user(request), fair_id=fair_id)
    return _detail(request, fair_id)
