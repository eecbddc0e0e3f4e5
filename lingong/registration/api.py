"""API: employment and unemployment registration (辽人社〔2022〕22号 第九条, 第十五条), with the pages'
rules: receiving, the queue, closing, ending, the certificate (facts and PDF) and its public
verification, Excel import (all or nothing) and export. Errors carry the services' codes, e.g.
``commitment_required``, ``market_entity_registered``, ``id_number_mismatch``, ``region_invalid``,
``household_region_mismatch``, ``import_failed`` (400), ``window_staff_only``, ``region_out_of_scope``,
``staff_only`` (403), ``certificate_invalid`` (404), ``employment_already_open``,
``unemployment_already_open``, ``invalid_transition`` (409)."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, File, Router, Schema, Status
from ninja.files import UploadedFile

from lingong.accounts.http import acting_user
from lingong.core.errors import DomainError, NotFound
from lingong.registration import batch, certificate, selectors, services
from lingong.registration.models import (
    COMMITMENT_TEXT,
    PLATFORM_WORK_CONSENT_TEXT,
    Channel,
    RegistrationBase,
    UnemploymentRegistration,
)

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
    household_region_code: str = Field(
        "", max_length=6, description="户籍地（县区）代码；不填则取身份证号码前6位"
    )
    platform_work_consent: bool = Field(
        False, description="是否同意通过平台即时快招就业后自动终止失业登记（内容见 GET /consent）"
    )


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
    link: str
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
    household_region_code: str | None = None
    platform_work_consent: bool | None = None
    consent_text: str | None = None
    consented_at: dt.datetime | None = None
    ended_on: dt.date | None = None
    overdue: bool = False
    due_today: bool = False
    pushes: list[PushOut] | None = None


class OfficeOut(Schema):
    region_code: str
    region_name: str
    employment: int
    unemployment: int


class CertificateOut(Schema):
    number: str
    kind_label: str
    masked_name: str
    masked_id_number: str
    region: str
    office: str
    received_on: dt.date
    registered_on: dt.date | None
    ended_on: dt.date | None
    status_label: str
    valid: bool


class CertificateLinkOut(CertificateOut):
    verify_url: str = Field(..., description="二维码中的核验地址，任何人无需登录即可打开")
    pdf_url: str


def _out(r: RegistrationBase, *, overdue: bool = False, due_today: bool = False, pushes: bool = False) -> Any:
    unemployment = r if isinstance(r, UnemploymentRegistration) else None
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
        household_region_code=unemployment.household_region_id if unemployment else None,
        platform_work_consent=unemployment.platform_work_consent if unemployment else None,
        consent_text=unemployment.consent_text if unemployment else None,
        consented_at=unemployment.consented_at if unemployment else None,
        ended_on=r.ended_on,
        overdue=overdue,
        due_today=due_today,
        pushes=[PushOut.model_validate(p) for p in selectors.pushes(r)] if pushes else None,
    )


def _channel(request: HttpRequest) -> str:
    return Channel.WINDOW if services.is_handler(acting_user(request)) else Channel.ONLINE


@router.get("/commitment", response=dict[str, str], summary="书面承诺的内容")
def commitment(request: HttpRequest) -> dict[str, str]:
    return {"text": _(COMMITMENT_TEXT)}


@router.get("/consent", response=dict[str, str], summary="平台就业后自动终止失业登记的同意内容")
def consent(request: HttpRequest) -> dict[str, str]:
    return {"text": _(PLATFORM_WORK_CONSENT_TEXT)}


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


class ImportOut(Schema):
    written: int


@router.get("/import/template", summary="批量导入模板（Excel）")
def import_template(request: HttpRequest) -> HttpResponse:
    return batch.template_response(actor=acting_user(request))


@router.post("/import", response=ImportOut, summary="批量导入登记（Excel，全部正确才导入）")
def import_registrations(request: HttpRequest, file: UploadedFile = File(...)) -> Any:  # noqa: B008
    """Errors: ``import_failed`` (400) with ``details.errors`` (row, column, message) and
    ``details.error_workbook`` (the file back with the errors marked, base64)."""
    result = batch.run_import(acting_user(request), file)
    if not result.ok:
        raise DomainError(
            "import_failed",
            result.summary(),
            errors=[{"row": e.row, "column": e.column, "message": e.message} for e in result.errors],
            error_workbook=base64.b64encode(result.error_workbook()).decode(),
        )
    return ImportOut(written=result.written)


@router.get("/export", summary="导出本辖区登记（Excel，已审计；无权限时身份证号码脱敏）")
def export(request: HttpRequest) -> HttpResponseBase:
    return batch.export_response(actor=acting_user(request))


@router.get("/verify/{token}", response=CertificateOut, auth=None, summary="核验登记证明（公开，无需登录）")
def verify(request: HttpRequest, token: str) -> Any:
    verified = selectors.verify_certificate(token)
    if verified is None:
        raise NotFound(
            "certificate_invalid", _("无法核验：该二维码或链接已被改动，或登记不存在。这不是有效的登记证明。")
        )
    return CertificateOut(**verified.__dict__)


@router.get(
    "/{kind}/{registration_id}/certificate", response=CertificateLinkOut, summary="登记证明（脱敏）与核验地址"
)
def certificate_facts(request: HttpRequest, kind: Kind, registration_id: int) -> Any:
    r = selectors.get_registration(actor=acting_user(request), kind=kind, registration_id=registration_id)
    verify_url = certificate.verify_url(request, r)
    pdf_url = request.build_absolute_uri(reverse("registration:certificate_pdf", args=[kind, r.pk]))
    return CertificateLinkOut(**selectors.certificate_for(r).__dict__, verify_url=verify_url, pdf_url=pdf_url)


@router.get("/{kind}/{registration_id}/certificate.pdf", summary="登记证明 PDF（带核验二维码）")
def certificate_pdf(request: HttpRequest, kind: Kind, registration_id: int) -> HttpResponse:
    r = selectors.get_registration(actor=acting_user(request), kind=kind, registration_id=registration_id)
    return certificate.pdf_response(request, r)


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


class ConsentIn(Schema):
    consent: bool = Field(..., description="同意或撤回：通过平台即时快招就业后自动终止失业登记")


@router.post(
    "/unemployment/{registration_id}/consent",
    response=RegistrationOut,
    summary="本人同意或撤回平台就业自动终止",
)
def consent_change(request: HttpRequest, registration_id: int, data: ConsentIn) -> Any:
    r = services.set_platform_work_consent(
        actor=acting_user(request), registration_id=registration_id, consent=data.consent
    )
    return _out(r)


@router.post("/employment/{registration_id}/end", response=RegistrationOut, summary="登记就业终止")
def end(request: HttpRequest, registration_id: int, data: EndIn) -> Any:
    r = services.end_employment(actor=acting_user(request), registration_id=registration_id, **data.dict())
    return _out(r)
