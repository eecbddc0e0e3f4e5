"""Batch registration from Excel (all or nothing, an error workbook) and the region's export, on the
page and through the API."""

from __future__ import annotations

import base64
import io
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from lingong.accounts.models import User
from lingong.core.models import AuditEntry
from lingong.registration import batch
from lingong.registration.models import EmploymentRegistration, UnemploymentRegistration
from lingong.registration.tests.conftest import CLEANER

pytestmark = pytest.mark.django_db

HEADERS = [c.header for c in batch.COLUMNS]


def login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def workbook(*rows: dict[str, Any]) -> io.BytesIO:
    """A filled-in template: one dict per row, keyed by header."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(HEADERS)
    for row in rows:
        ws.append([row.get(h) for h in HEADERS])
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    out.name = "登记.xlsx"
    return out


def employment_row(**over: Any) -> dict[str, Any]:
    row = {
        "登记类别": "灵活就业登记",
        "姓名": "张秀兰",
        "身份证号码": "210102196803150024",
        "办理地区划代码": "210102",
        "就业形式": "非全日制就业",
        "职业编码": CLEANER,
        "开始就业日期": "2026-01-05",
        "就业地点": "和平区南京北街206号",
        "已签署书面承诺": "是",
    }
    row.update(over)
    return row


def unemployment_row(**over: Any) -> dict[str, Any]:
    row = {
        "登记类别": "失业登记",
        "姓名": "刘洋",
        "身份证号码": "210106199505200010",
        "办理地区划代码": "210102",
        "办理地依据": "参保地",
        "同意平台就业后自动终止": "是",
        "已签署书面承诺": "是",
    }
    row.update(over)
    return row


def test_a_clean_file_is_imported_whole(heping_staff: User, heping_worker: User, tiexi_worker: User) -> None:
    response = login(heping_staff).post(
        reverse("registration:import"), {"file": workbook(employment_row(), unemployment_row())}
    )
    assert response.status_code == 302
    employment = EmploymentRegistration.objects.get(person=heping_worker)
    unemployment = UnemploymentRegistration.objects.get(person=tiexi_worker)
    assert (employment.channel, employment.received_by, employment.status) == (
        "window",
        heping_staff,
        "registered",
    )
    # The insurance place is not in our data: it waits for staff like one received at the window.
    assert (unemployment.basis, unemployment.status, unemployment.platform_work_consent) == (
        "insurance",
        "received",
        True,
    )
    assert unemployment.household_region_id == "210106"  # from the ID number
    assert AuditEntry.objects.filter(action="import", note__contains="登记.xlsx").exists()


def test_one_wrong_row_imports_nothing_and_gives_the_file_back_marked(
    heping_staff: User, heping_worker: User, tiexi_worker: User
) -> None:
    bad = workbook(
        employment_row(),
        unemployment_row(姓名="刘阳", 办理地依据=None, 已签署书面承诺="否"),
        employment_row(身份证号码="210102199001011237", 姓名="无账号"),
        employment_row(办理地区划代码="210106"),  # Tiexi: outside Heping staff's region; and a duplicate
    )
    response = login(heping_staff).post(reverse("registration:import"), {"file": bad})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="import-errors"' in html and "没有导入任何数据" in html
    assert not EmploymentRegistration.objects.exists() and not UnemploymentRegistration.objects.exists()

    errors = response.context["result"].errors
    found = {(e.row, e.column) for e in errors}
    assert {
        (3, "姓名"),
        (3, "办理地依据"),
        (3, "已签署书面承诺"),
        (4, "身份证号码"),
        (5, "办理地区划代码"),
        (5, "身份证号码"),
    } <= found
    marked = openpyxl.load_workbook(io.BytesIO(base64.b64decode(response.context["error_workbook"])))
    sheet = marked.worksheets[0]
    assert sheet.cell(row=1, column=len(HEADERS) + 1).value == "错误说明"
    assert "姓名与该身份证号码的账号（刘洋）不一致" in str(sheet.cell(row=3, column=len(HEADERS) + 1).value)
    assert sheet.cell(row=2, column=len(HEADERS) + 1).value is None  # the good row carries no note


def test_the_template_and_who_may_import(heping_staff: User, heping_worker: User) -> None:
    template = login(heping_staff).get(reverse("registration:import_template"))
    sheet = openpyxl.load_workbook(io.BytesIO(template.content)).worksheets[0]
    assert [c.value for c in sheet[1]] == HEADERS
    assert login(heping_worker).get(reverse("registration:import_template")).status_code == 403
    assert (
        login(heping_worker)
        .post(reverse("registration:import"), {"file": workbook(employment_row())})
        .status_code
        == 403
    )
    assert not EmploymentRegistration.objects.exists()


def test_import_and_export_through_the_api(
    heping_staff: User, heping_clerk: User, heping_worker: User, tiexi_worker: User, tiexi_staff: User
) -> None:
    api = login(heping_staff)
    failed = api.post("/api/v1/registration/import", {"file": workbook(employment_row(已签署书面承诺="否"))})
    assert failed.status_code == 400
    body = failed.json()
    assert body["code"] == "import_failed"
    assert body["details"]["errors"] == [
        {"row": 2, "column": "已签署书面承诺", "message": "本人须签署书面承诺后才能办理登记。"}
    ]
    assert base64.b64decode(body["details"]["error_workbook"])[:2] == b"PK"

    done = api.post("/api/v1/registration/import", {"file": workbook(employment_row(), unemployment_row())})
    assert done.status_code == 200 and done.json() == {"written": 2}
    template = api.get("/api/v1/registration/import/template")
    assert template.status_code == 200 and template.content[:2] == b"PK"

    def export(user: User) -> list[tuple[Any, ...]]:
        response = login(user).get("/api/v1/registration/export")
        content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
        return list(openpyxl.load_workbook(io.BytesIO(content)).worksheets[0].iter_rows(values_only=True))

    full = export(heping_staff)  # holds accounts.export_personal_data? no: STAFF_PERMS lack it
    assert len(full) == 3 and full[0] == tuple(batch.EXPORT_HEADERS)
    assert {row[3] for row in full[1:]} == {"210102********0024", "210106********0010"}
    assert {row[14] for row in full[1:]} == {None, "参保地"}  # an empty cell reads back as None
    assert len(export(tiexi_staff)) == 1  # nothing of Heping
    assert AuditEntry.objects.filter(action="export", note="registration export (masked)").count() == 2
    assert login(heping_worker).get("/api/v1/registration/export").json()["code"] == "staff_only"
    assert AuditEntry.objects.filter(action="export").count() == 2  # a refused export is not recorded
    refused = login(heping_worker).get("/api/v1/registration/import/template")
    assert refused.status_code == 403 and refused.json()["code"] == "staff_only"


def test_export_in_full_with_the_permission(
    heping_worker: User, shenyang: dict[str, Any], employ: Any
) -> None:
    from lingong.accounts.models import Role
    from lingong.conftest import make_user

    exporter = make_user(
        role=Role.STAFF,
        region=shenyang["heping"],
        phone="13900000077",
        name="钱敏",
        perms=("accounts.export_personal_data",),
    )
    employ(heping_worker)
    response = login(exporter).get(reverse("registration:export"))
    rows = list(
        openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))  # type: ignore[attr-defined]
        .worksheets[0]
        .iter_rows(values_only=True)
    )
    assert rows[1][3] == "210102196803150024"
    entry = AuditEntry.objects.get(action="export")
    assert entry.fields == ["id_number"] and entry.actor == exporter
