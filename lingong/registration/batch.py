"""Registrations in and out of Excel (辽人社〔2022〕22号 第九条, 第十五条: 窗口批量办理): staff import the
applications collected at a window or from a community, and export their region's registrations.

The import is all or nothing (``lingong.core.excel``): every row is checked first (cells, then across
rows: the person's account, the name, the region, an open registration already there), and only if all
are right is each row received through the same service as at the window, in one transaction, with one
more audit entry naming the file. The commitment is the person's signature on the paper form, so a row
must say it was signed. The export is audited and masked unless the staff member may export personal
data in full.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from typing import Any

from django.http import FileResponse, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from lingong.accounts.models import Role, User
from lingong.core import audit
from lingong.core.errors import DomainError, PermissionDenied
from lingong.core.excel import (
    ROW,
    Column,
    ImportResult,
    RowError,
    cell_text,
    id_number_cell,
    import_xlsx,
    region_code_cell,
    write_template,
    xlsx_download,
    xlsx_response,
)
from lingong.core.fields import lookup_value
from lingong.core.identity import mask_id_number
from lingong.core.models import AuditEntry, Division
from lingong.core.scope import in_scope, region_prefix
from lingong.registration import services
from lingong.registration.models import (
    OPEN_STATUSES,
    Channel,
    EmploymentForm,
    EmploymentRegistration,
    RegistrationBase,
    UnemploymentBasis,
    UnemploymentRegistration,
)

_KINDS = {
    "灵活就业登记": EmploymentRegistration.KIND,
    "就业登记": EmploymentRegistration.KIND,
    "失业登记": UnemploymentRegistration.KIND,
}
_YES = {"是", "y", "yes", "1", "true", "√", "✓"}
_NO = {"否", "n", "no", "0", "false", ""}


def _choice(choices: list[tuple[str, Any]], what: str) -> Any:
    by_text = {str(label): value for value, label in choices} | {value: value for value, _label in choices}

    def parse(value: Any) -> str:
        text = cell_text(value)
        if text not in by_text:
            labels = "、".join(str(label) for _value, label in choices)
            raise ValueError(_("请填写%(what)s之一：%(labels)s。") % {"what": what, "labels": labels})
        return str(by_text[text])

    return parse


def _kind(value: Any) -> str:
    text = cell_text(value)
    if text not in _KINDS:
        raise ValueError(_("请填写“灵活就业登记”或“失业登记”。"))
    return _KINDS[text]


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(cell_text(value).replace("/", "-").replace(".", "-"))
    except ValueError:
        raise ValueError(_("日期格式应为 2026-01-31。")) from None


def _yes_no(value: Any) -> bool:
    text = cell_text(value).lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ValueError(_("请填写“是”或“否”。"))


def _text(limit: int) -> Any:
    def parse(value: Any) -> str:
        text = cell_text(value)
        if len(text) > limit:
            raise ValueError(_("最多%(n)d个字。") % {"n": limit})
        return text

    return parse


COLUMNS: tuple[Column, ...] = (
    Column("登记类别", "kind", parse=_kind, note="灵活就业登记 或 失业登记"),
    Column("姓名", "display_name", parse=_text(50), note="与身份证、平台账号一致"),
    Column("身份证号码", "id_number", parse=id_number_cell, text=True, note="18位；本人须已在平台注册账号"),
    Column(
        "办理地区划代码",
        "region_code",
        parse=region_code_cell,
        text=True,
        note="办理登记的县（区）6位代码，须在本辖区内；灵活就业登记为就业地",
    ),
    Column(
        "就业形式",
        "form",
        required=False,
        parse=_choice(EmploymentForm.choices, "就业形式"),
        note="灵活就业登记必填：个体经营（未雇工）、非全日制就业、新就业形态（平台就业）、自由职业",
    ),
    Column(
        "职业编码", "occupation_code", required=False, parse=_text(16), note="灵活就业登记必填，如 4-09-08-01"
    ),
    Column("开始就业日期", "start_date", required=False, parse=_date, note="灵活就业登记必填，如 2026-01-05"),
    Column("就业地点", "place", required=False, parse=_text(200), note="灵活就业登记必填"),
    Column(
        "办理地依据",
        "basis",
        required=False,
        parse=_choice(UnemploymentBasis.choices, "办理地依据"),
        note="失业登记必填：户籍地、常住地、就业地、参保地",
    ),
    Column(
        "户籍地区划代码",
        "household_region_code",
        required=False,
        parse=region_code_cell,
        text=True,
        note="失业登记选填；不填则取身份证号码前6位",
    ),
    Column("有创业意愿", "wants_startup", required=False, parse=_yes_no, note="是 或 否，不填为否"),
    Column(
        "同意平台就业后自动终止",
        "platform_work_consent",
        required=False,
        parse=_yes_no,
        note="失业登记选填：本人书面同意的填“是”",
    ),
    Column("已签署书面承诺", "commitment", parse=_yes_no, note="本人已在纸质登记表上签署书面承诺的填“是”"),
)

_REQUIRED_BY_KIND = {
    EmploymentRegistration.KIND: ("form", "occupation_code", "start_date", "place"),
    UnemploymentRegistration.KIND: ("basis",),
}
_HEADER = {c.key: c.header for c in COLUMNS}


def require_importer(actor: User) -> None:
    if not services.is_handler(actor):
        raise PermissionDenied("staff_only", _("只有公共就业服务工作人员可以批量导入登记。"))


def check_rows(rows: list[dict[str, Any]], *, actor: User) -> list[RowError]:
    """Errors across columns and rows; sets each row's ``person_id``."""
    errors: list[RowError] = []
    seen: dict[tuple[str, str], int] = {}
    for row in rows:
        for key in _REQUIRED_BY_KIND[row["kind"]]:
            if row[key] in (None, ""):
                errors.append(RowError(row[ROW], _HEADER[key], _("此项必须填写。")))
        if row["commitment"] is not True:
            errors.append(RowError(row[ROW], _HEADER["commitment"], _("本人须签署书面承诺后才能办理登记。")))
        earlier = seen.setdefault((row["kind"], row["id_number"]), row[ROW])
        if earlier != row[ROW]:
            errors.append(
                RowError(row[ROW], _HEADER["id_number"], _("与第%(row)d行重复。") % {"row": earlier})
            )

    by_index = {lookup_value(User, "id_number", r["id_number"]): r["id_number"] for r in rows}
    people = {
        by_index[p.id_number_index]: p
        for p in User.objects.filter(id_number_index__in=list(by_index), role=Role.WORKER)
    }
    divisions = Division.objects.in_bulk({r["region_code"] for r in rows})
    prefix = region_prefix(actor)
    open_ids = {
        kind: set(
            model._default_manager.filter(
                person__in=list(people.values()), status__in=OPEN_STATUSES
            ).values_list("person_id", flat=True)
        )
        for kind, model in services.MODELS.items()
    }
    for row in rows:
        person = people.get(row["id_number"])
        if person is None:
            errors.append(
                RowError(row[ROW], _HEADER["id_number"], _("没有该身份证号码的劳动者账号，请先为其注册。"))
            )
        else:
            row["person_id"] = person.pk
            if person.display_name != row["display_name"]:
                errors.append(
                    RowError(
                        row[ROW],
                        _HEADER["display_name"],
                        _("姓名与该身份证号码的账号（%(name)s）不一致。") % {"name": person.display_name},
                    )
                )
            if person.pk in open_ids[row["kind"]]:
                errors.append(RowError(row[ROW], _HEADER["kind"], _("此人已有一份受理中或有效的同类登记。")))
        division = divisions.get(row["region_code"])
        if division is None or division.level != Division.Level.COUNTY:
            errors.append(RowError(row[ROW], _HEADER["region_code"], _("请填写现行县（区）的区划代码。")))
        elif prefix is not None and not division.code.startswith(prefix):
            errors.append(
                RowError(
                    row[ROW], _HEADER["region_code"], _("%(name)s 不在您的辖区内。") % {"name": division}
                )
            )
    return errors


def save_rows(rows: list[dict[str, Any]], *, actor: User, source: str) -> int:
    """Receive every row at the window, as ``register_*`` does one by one; inside the import's
    transaction, so an error on any row leaves nothing written."""
    for row in rows:
        common: dict[str, Any] = {
            "actor": actor,
            "channel": Channel.WINDOW,
            "id_number": row["id_number"],
            "person_id": row["person_id"],
            "region_code": row["region_code"],
            "commitment": True,
            "wants_startup": bool(row["wants_startup"]),
        }
        try:
            if row["kind"] == EmploymentRegistration.KIND:
                services.register_employment(
                    form=row["form"],
                    occupation_code=row["occupation_code"],
                    start_date=row["start_date"],
                    place=row["place"],
                    **common,
                )
            else:
                services.register_unemployment(
                    basis=row["basis"],
                    household_region_code=row["household_region_code"] or "",
                    platform_work_consent=bool(row["platform_work_consent"]),
                    **common,
                )
        except DomainError as exc:
            raise DomainError(exc.code, exc.message, field=exc.field, row=row[ROW]) from exc
    audit.record(
        actor=actor,
        action=AuditEntry.Action.IMPORT,
        object_type="registration.employmentregistration",
        region_code=actor.region_id or "",
        fields=["id_number"],
        note=f"批量导入就业失业登记 {len(rows)} 条：{source}"[:255],
    )
    return len(rows)


def run_import(actor: User, upload: Any) -> ImportResult:
    """Import an uploaded workbook as ``actor``: all rows or none (the page and the API both call it)."""
    require_importer(actor)
    if upload is None:
        raise DomainError("file_required", _("请选择要导入的Excel文件（.xlsx）。"), field="file")
    name = str(getattr(upload, "name", "") or "upload.xlsx")
    return import_xlsx(
        upload,
        COLUMNS,
        lambda rows: save_rows(rows, actor=actor, source=name),
        check=lambda rows: check_rows(rows, actor=actor),
    )


def template_bytes() -> bytes:
    out = io.BytesIO()
    write_template(out, COLUMNS, sheet_title="就业失业登记")
    return out.getvalue()


def template_response(*, actor: User) -> HttpResponse:
    """The empty import template as an Excel download, for staff who may import (the page and the API)."""
    require_importer(actor)
    return xlsx_download(template_bytes(), "就业失业登记导入模板.xlsx")


# --- export ----------------------------------------------------------------------------------------

EXPORT_HEADERS = [
    "类别",
    "编号",
    "姓名",
    "身份证号码",
    "办理地",
    "受理渠道",
    "受理时间",
    "办结期限",
    "期限暂定",
    "状态",
    "办结时间",
    "说明",
    "就业形式",
    "职业",
    "办理地依据",
    "户籍地",
    "终止日期",
]


def _kind_columns(r: RegistrationBase) -> list[str]:
    """就业形式, 职业 of an employment registration; 办理地依据, 户籍地 of an unemployment one."""
    if isinstance(r, EmploymentRegistration):
        return [r.get_form_display(), str(r.occupation), "", ""]
    if isinstance(r, UnemploymentRegistration):
        household = str(r.household_region) if r.household_region else ""
        return ["", "", r.get_basis_display(), household]
    return ["", "", "", ""]


def export_rows(*, actor: User) -> Iterator[list[Any]]:
    """The region's registrations for Excel; full ID numbers only for those allowed to export them.
    Checked and recorded in the audit log when called, so a refusal comes before any response starts."""
    if not services.is_handler(actor):
        raise PermissionDenied("staff_only", _("只有公共就业服务工作人员可以导出登记。"))
    full = actor.has_perm("accounts.export_personal_data")
    audit.record(
        actor=actor,
        action=AuditEntry.Action.EXPORT,
        object_type="registration.employmentregistration",
        region_code=actor.region_id or "",
        fields=["id_number"] if full else [],
        note="registration export (full)" if full else "registration export (masked)",
    )
    return _export_rows(actor, full=full)


def _export_rows(actor: User, *, full: bool) -> Iterator[list[Any]]:
    for model in services.MODELS.values():
        related = ["person", "region"] + (
            ["occupation"] if model is EmploymentRegistration else ["household_region"]
        )
        qs = in_scope(model._default_manager.select_related(*related), actor).order_by("received_at", "pk")
        for r in qs.iterator(chunk_size=500):
            number = r.id_number or r.person.id_number or ""
            yield [
                str(model._meta.verbose_name),
                r.pk,
                r.person.display_name,
                number if full else mask_id_number(number),
                str(r.region),
                r.get_channel_display(),
                timezone.localtime(r.received_at).strftime("%Y-%m-%d %H:%M"),
                r.deadline.isoformat(),
                "是" if r.deadline_provisional else "",
                r.get_status_display(),
                timezone.localtime(r.closed_at).strftime("%Y-%m-%d %H:%M") if r.closed_at else "",
                r.reason,
                *_kind_columns(r),
                r.ended_on.isoformat() if r.ended_on else "",
            ]


def export_response(*, actor: User) -> FileResponse:
    """The region's registrations as an Excel download (the page and the API)."""
    rows = export_rows(actor=actor)
    name = f"就业失业登记-{timezone.localdate():%Y%m%d}.xlsx"
    return xlsx_response(name, EXPORT_HEADERS, rows, sheet_title="登记")
