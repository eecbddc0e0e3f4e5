"""API: worker profiles, the needs database (辽人社〔2022〕22号 第六条), and employers."""

# No ``from __future__ import annotations``: ninja reads the filter schema of a paginated endpoint
# from the wrapper's module, where a string annotation would not resolve.

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponseBase
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from lingong.accounts.http import acting_user
from lingong.accounts.models import User
from lingong.core.excel import xlsx_response
from lingong.market.selectors import profiles as selectors
from lingong.market.services import profiles as services

router = Router(tags=["market-profiles"])


class OccupationOut(Schema):
    code: str
    name: str


class ProfileOut(Schema):
    worker_id: int
    display_name: str
    phone: str = Field(description="脱敏后的手机号")
    region_code: str
    region_name: str
    occupations: list[OccupationOut]
    skills: str
    certificates: list[dict[str, str]]
    availability: dict[str, list[str]] = Field(description='按星期，如 {"1": ["08:00-12:00"]}，1为周一')
    available_now: bool
    expected_wage_yuan: str
    expected_wage_type: str
    expected_wage_type_label: str
    longitude: float | None
    latitude: float | None
    travel_minutes: int
    travel_mode: str
    insurance: str
    insurance_label: str
    needs: list[str]
    needs_labels: list[str]
    groups: list[str]
    groups_labels: list[str]
    updated_at: dt.datetime | None


class ProfileIn(Schema):
    """Fields left out are not changed."""

    occupations: list[str] | None = Field(None, description="职业编码，如 4-10-01-06")
    skills: str | None = None
    certificates: list[dict[str, str]] | None = None
    availability: dict[str, list[str]] | None = None
    available_now: bool | None = None
    expected_wage_yuan: str | None = Field(None, description="元，如 180 或 25.5")
    expected_wage_type: str | None = None
    longitude: float | None = None
    latitude: float | None = None
    travel_minutes: int | None = None
    travel_mode: str | None = None
    insurance: str | None = None
    needs: list[str] | None = None
    groups: list[str] | None = None


class WorkerFilters(Schema):
    region_code: str | None = None
    occupation: str | None = Field(None, description="职业编码，含其下属职业")
    group: str | None = None
    need: str | None = None
    available_now: bool | None = None
    q: str = ""

    def selector_kwargs(self) -> dict[str, Any]:
        data = self.dict()
        data["query"] = data.pop("q")
        return data


class EmployerOut(Schema):
    id: int
    display_name: str
    kind: str
    kind_label: str
    credit_code: str
    region_name: str
    phone: str
    verified_at: dt.datetime | None


def _out(profile: Any) -> dict[str, Any]:
    return selectors.profile_view(profile).__dict__


def _update(actor: User, worker_id: int, payload: ProfileIn) -> dict[str, Any]:
    profile = services.update_worker_profile(
        actor=actor, worker_id=worker_id, **payload.dict(exclude_unset=True)
    )
    profile.refresh_from_db()
    return _out(profile)


@router.get("/profile", response=ProfileOut, summary="我的档案（灵活就业人员）")
def my_profile(request: HttpRequest) -> dict[str, Any]:
    return _out(selectors.my_profile(acting_user(request)))


@router.put("/profile", response=ProfileOut, summary="修改我的档案")
def put_my_profile(request: HttpRequest, payload: ProfileIn) -> dict[str, Any]:
    actor = acting_user(request)
    return _update(actor, actor.pk, payload)


@router.get("/workers", response=list[ProfileOut], summary="灵活就业人员需求数据库（工作人员，辖区内）")
@paginate(LimitOffsetPagination)
def list_workers(request: HttpRequest, filters: Query[WorkerFilters]) -> Any:
    qs = selectors.search_worker_profiles(actor=acting_user(request), **filters.selector_kwargs())
    return PagedRows(qs, _out)


@router.get("/workers/export.xlsx", summary="导出需求数据库（Excel，手机号脱敏，记入审计日志）")
def export_workers(request: HttpRequest, filters: Query[WorkerFilters]) -> HttpResponseBase:
    rows = services.export_worker_profiles(actor=acting_user(request), **filters.selector_kwargs())
    return xlsx_response(
        "灵活就业人员需求数据库.xlsx", services.EXPORT_HEADERS, rows, sheet_title="需求数据库"
    )


@router.put(
    "/workers/{worker_id}/profile", response=ProfileOut, summary="工作人员修改辖区内人员档案（记入审计日志）"
)
def put_worker_profile(request: HttpRequest, worker_id: int, payload: ProfileIn) -> dict[str, Any]:
    return _update(acting_user(request), worker_id, payload)


@router.get("/employers", response=list[EmployerOut], summary="辖区内用工主体（工作人员）")
@paginate(LimitOffsetPagination)
def list_employers(request: HttpRequest, verified: bool | None = None) -> Any:
    qs = selectors.list_employers(actor=acting_user(request), verified=verified)
    return PagedRows(qs, lambda u: selectors.employer_view(u).__dict__)


@router.post("/employers/{employer_id}/verify", response=EmployerOut, summary="核验用工主体（记入审计日志）")
def verify_employer(request: HttpRequest, employer_id: int) -> dict[str, Any]:
    actor = acting_user(request)
    services.verify_employer(actor=actor, employer_id=employer_id)
    employer = selectors.list_employers(actor=actor).get(pk=employer_id)
    return selectors.employer_view(employer).__dict__


@router.put("/trusted-workers/{worker_id}", response={204: None}, summary="加入常用工人（用工主体）")
def add_trusted_worker(request: HttpRequest, worker_id: int) -> Status[None]:
    services.add_trusted_worker(actor=acting_user(request), worker_id=worker_id)
    return Status(204, None)


@router.delete("/trusted-workers/{worker_id}", response={204: None}, summary="移出常用工人（用工主体）")
def remove_trusted_worker(request: HttpRequest, worker_id: int) -> Status[None]:
    services.remove_trusted_worker(actor=acting_user(request), worker_id=worker_id)
    return Status(204, None)


class PagedRows:
    """Lets ninja's paginator slice the queryset first, then turns only that page into rows."""

    def __init__(self, qs: Any, row: Callable[[Any], dict[str, Any]]) -> None:
        self.qs = qs
        self.row = row

    def __len__(self) -> int:
        return int(self.qs.count())

    def __getitem__(self, index: slice) -> list[dict[str, Any]]:
        return [self.row(obj) for obj in self.qs[index]]
