"""API: employment and unemployment registration (辽人社〔2022〕22号 第九条, 第十五条), with the pages'
rules. Errors carry the services' codes, e.g. ``commitment_required``, ``market_entity_registered``,
``id_number_mismatch``, ``region_invalid`` (400), ``window_staff_only``, ``region_out_of_scope``,
``staff_only`` (403), ``employment_already_open``, ``unemployment_already_open``,
``invalid_transition`` (409)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from lingong.accounts.http import acting_user
from lingong.registration import selectors, services
from lingong.registration.models import COMMITMENT_TEXT, Channel, RegistrationBase

router = Router(tags=["registration"])

Kind = Literal["employment", "unemployment"]


class CommonIn(Schema):
    id_number: str = Field(..., max_length=18)
    region_code: str = Field(..., max_length=6, description="办理地（县区）代码")
    commitment: bool = Field(..., description="是否同意书面承诺（见 GET /commitment）")
    wants_startup: bool = False
    notify_by: Literal["inbox", "sms"] = "inbox"
    person_id: int | None = Field(None, description="窗口受理时可指定劳动者；否则按身份证号码查找")


class EmploymentIn(CommonIn):
    form: Literal["individual_business", "part_time", "platform", "freelance"]
    occupation_code: str = Field(..., max_length=16)
    start_date: dt.date
    place: str = Field(..., max_length=200)
    has_market_entity: bool = False


class UnemploymentIn(CommonIn):
    basis: Literal["household", "residence", "work", "insurance"]


class CloseIn(Schema):
    outcome: Literal["registered", "refused"]
    reason: str = Field("", max_length=255)


class EndIn(Schema):
    ended_on: dt.date | None = None
    reason: str = Field("", max_length=255)


class PushOut(Schema):
    kind: str
    target_id: str
    title: str
    sent_at: dt.datetime


class RegistrationOut(Schema):
    kind: str
    id: int
    person_id: int
    region_code: str
    channel: str
    status: str
    received_at: dt.datetime
    deadline: dt.date
    deadline_provisional: bool
    reason: str
    closed_at: dt.datetime | None
    commitment_text: str
    committed_at: dt.datetime
    form: str | None = None
    occupation_code: str | None = None
    basis: str | None = None
    overdue: bool = False
    due_today: bool = False
    pushes: list[PushOut] | None = None


class OfficeOut(Schema):
    region_code: str
    region_name: str
    employment: int
    unemployment: int


def _out(r: RegistrationBase, *, overdue: bool = False, due_today: bool = False, pushes: bool = False) -> Any:
    return RegistrationOut(
        kind=r.KIND,
        id=r.pk,
        person_id=r.person_id,
        region_code=r.region_id,
        channel=r.channel,
        status=r.status,
        received_at=r.received_at,
        deadline=r.deadline,
        deadline_provisional=r.deadline_provisional,
        reason=r.reason,
        closed_at=r.closed_at,
        commitment_text=r.commitment_text,
        committed_at=r.committed_at,
        form=getattr(r, "form", None),
        occupation_code=getattr(r, "occupation_id", None),
        basis=getattr(r, "basis", None),
        overdue=overdue,
        due_today=due_today,
        pushes=[PushOut.model_validate(p) for p in selectors.pushes(r)] if pushes else None,
    )


def _channel(request: HttpRequest) -> str:
    return Channel.WINDOW if services.is_handler(acting_user(request)) else Channel.ONLINE


@router.get("/commitment", response=dict[str, str], summary="书面承诺的内容")
def commitment(request: HttpRequest) -> dict[str, str]:
    return {"text": COMMITMENT_TEXT}


@router.post("/employment", response={201: RegistrationOut}, summary="灵活就业登记（本人网上或窗口受理）")
def register_employment(request: HttpRequest, data: EmploymentIn) -> Any:
    r = services.register_employment(actor=acting_user(request), channel=_channel(request), **data.dict())
    return Status(201, _out(r))


@router.post("/unemployment", response={201: RegistrationOut}, summary="失业登记（本人网上或窗口受理）")
def register_unemployment(request: HttpRequest, data: UnemploymentIn) -> Any:
    r = services.register_unemployment(actor=acting_user(request), channel=_channel(request), **data.dict())
    return Status(201, _out(r))


@router.get("/mine", response=list[RegistrationOut], summary="我的登记")
def mine(request: HttpRequest) -> Any:
    return [_out(r) for r in selectors.my_registrations(actor=acting_user(request))]


@router.get("/queue", response=list[RegistrationOut], summary="本辖区待办结的登记，按办结期限排序")
def queue(request: HttpRequest) -> Any:
    rows = selectors.queue(actor=acting_user(request))
    return [_out(q.registration, overdue=q.overdue, due_today=q.due_today) for q in rows]


@router.get("/overdue", response=list[OfficeOut], summary="各经办机构超期未办结数")
def overdue(request: HttpRequest) -> Any:
    return [
        OfficeOut(
            region_code=o.region.code,
            region_name=str(o.region),
            employment=o.employment,
            unemployment=o.unemployment,
        )
        for o in selectors.overdue_by_office(actor=acting_user(request))
    ]


@router.get("/{kind}/{registration_id}", response=RegistrationOut, summary="一份登记及登记后推送的服务")
def detail(request: HttpRequest, kind: Kind, registration_id: int) -> Any:
    r = selectors.get_registration(actor=acting_user(request), kind=kind, registration_id=registration_id)
    return _out(r, pushes=True)


@router.post("/{kind}/{registration_id}/close", response=RegistrationOut, summary="办结：予以登记或不予登记")
def close(request: HttpRequest, kind: Kind, registration_id: int, data: CloseIn) -> Any:
    r = services.close_registration(
        actor=acting_user(request), kind=kind, registration_id=registration_id, **data.dict()
    )
    return _out(r)


@router.post("/employment/{registration_id}/end", response=RegistrationOut, summary="登记就业终止")
def end(request: HttpRequest, registration_id: int, data: EndIn) -> Any:
    r = services.end_employment(actor=acting_user(request), registration_id=registration_id, **data.dict())
    return _out(r)
