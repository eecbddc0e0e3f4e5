"""API: 即时快招, instant hire (辽人社〔2022〕22号 第七条): quick posting from templates, and the outcome
figures for staff. Offers are answered through hiring's ``POST /engagements/{id}/accept`` and
``/decline``; confirming through ``/engagements/{id}/confirm``."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from lingong.accounts.http import acting_user
from lingong.accounts.models import User
from lingong.core.errors import PermissionDenied
from lingong.core.scope import get_in_scope
from lingong.market.models import GigPost, PostTemplate
from lingong.market.selectors import outcomes as outcome_selectors
from lingong.market.services import instant as services
from lingong.market.services.posts import REVIEWER_ROLES, yuan_to_fen

router = Router(tags=["market-instant"])


class QuickPostIn(Schema):
    template_id: int | None = Field(None, description="用哪个模板；其余各项填了就覆盖模板")
    occupation_code: str = ""
    region_code: str = Field("", description="不填则用模板的，或账号所在县区")
    address: str = ""
    headcount: int | None = None
    wage: str = Field("", description="工资（元），如 180")
    wage_type: str = ""
    settlement: str = ""
    title: str = ""
    description: str = ""
    requirements: str = ""
    time_slots: str = ""
    longitude: float | None = None
    latitude: float | None = None
    contact_name: str = ""
    contact_phone: str = ""
    employer_id: int | None = Field(None, description="工作人员代为登记时：用工主体的用户编号")


class InstantPostOut(Schema):
    id: int
    title: str
    status: str
    review_reason: str
    instant: bool
    start_date: dt.date
    headcount: int
    places_left: int
    current_tier: int = Field(description="已推送到第几批：1 常用工人，2 推荐人选，3 附近其他人")
    next_tier_at: dt.datetime | None


class TemplateIn(Schema):
    name: str
    fields: dict[str, Any] = Field(
        description="发布内容：occupation_code, region_code, address, headcount, wage（元）, wage_type, "
        "settlement, title, time_slots 等"
    )


class TemplateOut(Schema):
    id: int
    name: str
    fields: dict[str, Any] = Field(description="工资存为 wage_fen（分）")
    created_at: dt.datetime


class OutcomeFilterIn(Schema):
    by: Literal["district", "occupation", "post"] = "district"
    date_from: dt.date | None = Field(None, alias="from", description="发布日期自，默认30天前")
    date_to: dt.date | None = Field(None, alias="to", description="发布日期至，默认今天")
    instant: bool | None = Field(None, description="true 只看即时快招，false 只看普通招聘，不填为全部")


class OutcomeRowOut(Schema):
    key: str
    label: str
    posts: int
    places: int
    filled: int
    fill_rate: float | None = Field(description="招满率，0到1")
    median_fill_minutes: float | None
    mean_fill_minutes: float | None
    median_start_minutes: float | None = Field(description="发布到首次签到；无人签到的不计")
    mean_start_minutes: float | None


class OutcomesOut(Schema):
    by: str
    date_from: dt.date
    date_to: dt.date
    rows: list[OutcomeRowOut]
    total: OutcomeRowOut


def _post_out(post: GigPost) -> dict[str, Any]:
    return {
        "id": post.pk,
        "title": post.title,
        "status": post.status,
        "review_reason": post.review_reason,
        "instant": post.instant,
        "start_date": post.start_date,
        "headcount": post.headcount,
        "places_left": post.places_left,
        "current_tier": post.current_tier,
        "next_tier_at": post.next_tier_at,
    }


def _with_fen(fields: dict[str, Any]) -> dict[str, Any]:
    """The API speaks yuan (``wage``), the services fen (``wage_fen``)."""
    fields = dict(fields)
    wage = fields.pop("wage", None)
    if wage not in (None, ""):
        fields["wage_fen"] = yuan_to_fen(wage)
    return fields


def _template_out(t: PostTemplate) -> dict[str, Any]:
    return {"id": t.pk, "name": t.name, "fields": t.fields, "created_at": t.created_at}


@router.post("/instant", response={201: InstantPostOut}, summary="即时快招：一键发布今天上岗的零工")
def quick_post(request: HttpRequest, payload: QuickPostIn) -> Status[dict[str, Any]]:
    actor = acting_user(request)
    data = payload.dict()
    employer_id = data.pop("employer_id")
    template_id = data.pop("template_id")
    employer = actor
    if employer_id is not None and employer_id != actor.pk:
        if actor.role not in REVIEWER_ROLES:
            raise PermissionDenied("post_for_others_forbidden", _("只能以本人名义发布。"))
        employer = get_in_scope(User.objects.all(), actor, pk=employer_id)
    post = services.quick_post(actor=actor, employer=employer, template_id=template_id, **_with_fen(data))
    return Status(201, _post_out(GigPost.objects.get(pk=post.pk)))


@router.get("/templates", response=list[TemplateOut], summary="我的发布模板")
def list_templates(request: HttpRequest) -> list[dict[str, Any]]:
    return [_template_out(t) for t in services.list_templates(actor=acting_user(request))]


@router.post("/templates", response={201: TemplateOut}, summary="保存为模板（同名则覆盖）")
def save_template(request: HttpRequest, payload: TemplateIn) -> Status[dict[str, Any]]:
    template = services.save_template(
        actor=acting_user(request), name=payload.name, fields=_with_fen(payload.fields)
    )
    return Status(201, _template_out(template))


@router.delete("/templates/{template_id}", response={204: None}, summary="删除模板")
def delete_template(request: HttpRequest, template_id: int) -> Status[None]:
    services.delete_template(actor=acting_user(request), template_id=template_id)
    return Status(204, None)


@router.get("/outcomes", response=OutcomesOut, summary="招聘成效：招满率、招满用时、到岗用时（本辖区）")
def outcomes(request: HttpRequest, filters: Query[OutcomeFilterIn]) -> outcome_selectors.Outcomes:
    today = timezone.localdate()
    return outcome_selectors.outcomes(
        actor=acting_user(request),
        by=filters.by,
        date_from=filters.date_from or today - dt.timedelta(days=30),
        date_to=filters.date_to or today,
        instant=filters.instant,
    )
