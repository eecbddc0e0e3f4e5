"""Reference data endpoints: divisions, occupations, working days. Public: they hold no personal data."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from lingong.core import reference
from lingong.core.calendar import add_working_days
from lingong.core.errors import DomainError
from lingong.core.models import Division, Occupation
from lingong.core.occupations import search_occupations

router = Router(tags=["reference"])

MAX_DEADLINE_DAYS = 366
MAX_OCCUPATIONS = 50


class DivisionOut(Schema):
    code: str
    name: str
    level: str
    parent_code: str | None
    full_name: str
    longitude: float | None
    latitude: float | None

    @staticmethod
    def resolve_parent_code(obj: Division) -> str | None:
        return obj.parent_id


class OccupationOut(Schema):
    code: str
    name: str
    parent_code: str | None
    aliases: list[str] = Field(description="常用名，如“保姆”“外卖骑手”")
    is_new: bool = Field(description="2019-2022年人社部发布的新职业")
    announced: str = Field(description="发布批次，如 2020-02")
    common_in_flexible_work: bool

    @staticmethod
    def resolve_parent_code(obj: Occupation) -> str | None:
        return obj.parent_id

    @staticmethod
    def resolve_aliases(obj: Occupation) -> list[str]:
        return obj.aliases.split()


class DeadlineOut(Schema):
    start: dt.date
    days: int
    date: dt.date = Field(description="期限届满日（含）")
    provisional: bool = Field(description="为真时，该年节假日安排尚未公布，期限为按周末推算的暂定日期")


@router.get("/divisions", response=list[DivisionOut], auth=None, summary="行政区划列表")
@paginate(LimitOffsetPagination)
def list_divisions(
    request: HttpRequest, parent: str | None = None, q: str = "", level: str | None = None
) -> QuerySet[Division]:
    return reference.find_divisions(parent=parent, query=q, level=level)


@router.get("/divisions/{code}", response=DivisionOut, auth=None, summary="行政区划详情")
def get_division(request: HttpRequest, code: str) -> Division:
    return reference.get_division(code)


@router.get("/occupations", response=list[OccupationOut], auth=None, summary="按名称、常用名或拼音查找职业")
def list_occupations(request: HttpRequest, q: str = "", limit: int = 20) -> list[Occupation]:
    if not 1 <= limit <= MAX_OCCUPATIONS:
        message = _("每次最多返回%(max)d条，请调整 limit。") % {"max": MAX_OCCUPATIONS}
        raise DomainError("limit_invalid", message, field="limit")
    if not q.strip():  # nothing typed yet: offer the occupations most gigs are about
        common = Occupation.objects.filter(common_in_flexible_work=True).order_by("code")
        return [o for o in common if o.code.count("-") == 3][:limit]
    return search_occupations(q, limit=limit)


@router.get(
    "/working-days/deadline", response=DeadlineOut, auth=None, summary="从某日起算若干个工作日后的期限"
)
def working_days_deadline(request: HttpRequest, start: dt.date, days: int = 7) -> dict[str, Any]:
    if not 0 <= days <= MAX_DEADLINE_DAYS:
        raise DomainError(
            "days_invalid",
            _("工作日天数应在0到%(max)d之间。") % {"max": MAX_DEADLINE_DAYS},
            field="days",
        )
    deadline = add_working_days(start, days)
    return {"start": start, "days": days, "date": deadline.date, "provisional": deadline.provisional}
