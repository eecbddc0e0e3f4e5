"""`lingong import people` registers a whole file or nobody; `lingong export people` masks unless allowed."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook, load_workbook
from stdnum.cn import ric

from lingong.accounts.models import Role, User
from lingong.conftest import make_user
from lingong.core.models import AuditEntry, Division

pytestmark = pytest.mark.django_db

HEADERS = ["姓名", "身份证号码", "手机号码", "居住地址", "所属区划代码"]


def rid(prefix: str) -> str:
    """A valid ID number from its first 17 digits."""
    return prefix + ric.calc_check_digit(prefix + "0")


def sheet(path: Path, *rows: list[Any]) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(HEADERS)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def good_rows() -> list[list[Any]]:
    return [
        ["王桂兰", rid("21010219660302002"), "13600000001", "辽宁省沈阳市和平区南五马路12号", "210102"],
        ["李建军", rid("21010619700815003"), "13600000002", "", "210106"],
        ["周雨涵", rid("21010220010109004"), 13600000003, "辽宁省沈阳市和平区太原街3号", 210102],
    ]


@pytest.fixture
def importer(shenyang: dict[str, Division]) -> User:
    """孙丽: Shenyang city bureau staff who registers people in batches."""
    return make_user(
        role=Role.STAFF,
        region=shenyang["shenyang"],
        phone="13900000010",
        name="孙丽",
        perms=("accounts.view_user", "accounts.add_user"),
    )


class TestImport:
    def test_registers_everyone_and_audits(self, tmp_path: Path, importer: User) -> None:
        path = sheet(tmp_path / "名单.xlsx", *good_rows())
        output = run("import", "people", str(path), "--region", "210100", "--as-staff", importer.phone)
        assert "已导入灵活就业人员 3 人" in output
        people = {u.display_name: u for u in User.objects.filter(role=Role.WORKER)}
        assert set(people) == {"王桂兰", "李建军", "周雨涵"}
        assert people["王桂兰"].region_id == "210102"
        assert people["李建军"].region_id == "210106"
        assert people["周雨涵"].phone == "13600000003"  # number cells are read as their digits
        assert people["周雨涵"].region_id == "210102"
        assert people["王桂兰"].real_name_verified and people["王桂兰"].sex == "F"
        created = AuditEntry.objects.filter(action=AuditEntry.Action.CREATE, object_type="accounts.user")
        assert created.count() == 3 and {e.actor_id for e in created} == {importer.pk}
        batch = AuditEntry.objects.get(action=AuditEntry.Action.IMPORT)
        assert batch.actor_id == importer.pk and "名单.xlsx" in batch.note and "3 人" in batch.note
        assert not (tmp_path / "名单.errors.xlsx").exists()

    def test_region_defaults_to_the_import_county(self, tmp_path: Path, importer: User) -> None:
        path = sheet(tmp_path / "名单.xlsx", ["王桂兰", rid("21010219660302002"), "13600000001", "", None])
        with pytest.raises(CommandError, match="请填写县级"):
            run("import", "people", str(path), "--region", "210100", "--as-staff", importer.phone)
        run("import", "people", str(path), "--region", "210106", "--as-staff", importer.phone)
        assert User.objects.get(role=Role.WORKER).region_id == "210106"

    def test_one_wrong_row_registers_nobody(
        self, tmp_path: Path, importer: User, heping_worker: User
    ) -> None:
        rows = good_rows()
        rows[1][1] = rows[1][1][:-1] + ("0" if rows[1][1][-1] != "0" else "1")  # wrong check digit
        rows.append(["赵刚", rid("21010219800101005"), "1360000000", "", "210102"])  # phone too short
        rows.append(["钱芳", rid("21010219800101006"), "13600000001", "", "210102"])  # same phone as row 2
        rows.append(["孙强", rid("21010219800101007"), heping_worker.phone, "", "210102"])  # registered
        rows.append(["吴敏", rid("21020219800101008"), "13600000009", "", "210202"])  # Dalian
        rows.append(["郑伟", rid("21010219800101009"), "13600000010", "", "210100"])  # a city, not a county
        rows.append(["冯军", 210102198001010115, "13600000011", "", "210102"])  # ID as a number
        path = sheet(tmp_path / "名单.xlsx", *rows)

        with pytest.raises(CommandError) as info:
            run("import", "people", str(path), "--region", "210100", "--as-staff", importer.phone)
        message = str(info.value)
        assert "没有写入任何数据" in message
        assert "第3行 身份证号码：身份证号码最后一位校验码不正确" in message
        assert "名单.errors.xlsx" in message
        assert not User.objects.filter(role=Role.WORKER).exclude(pk=heping_worker.pk).exists()
        assert not AuditEntry.objects.filter(action=AuditEntry.Action.IMPORT).exists()

        listing = load_workbook(tmp_path / "名单.errors.xlsx").worksheets[1]
        errors = {(r[0], r[1]): r[2] for r in listing.iter_rows(min_row=2, values_only=True)}
        assert set(errors) == {
            (3, "身份证号码"),
            (5, "手机号码"),
            (6, "手机号码"),
            (7, "手机号码"),
            (8, "所属区划代码"),
            (9, "所属区划代码"),
            (10, "身份证号码"),
        }
        assert errors[(6, "手机号码")] == "与第2行重复。"
        assert errors[(7, "手机号码")] == "该手机号码已注册。"
        assert "不在本次导入的区划" in errors[(8, "所属区划代码")]
        assert "县级" in errors[(9, "所属区划代码")]
        assert "文本" in errors[(10, "身份证号码")]

    def test_fixed_error_file_imports(self, tmp_path: Path, importer: User) -> None:
        rows = good_rows()
        rows[0][2] = "123"
        path = sheet(tmp_path / "名单.xlsx", *rows)
        with pytest.raises(CommandError):
            run("import", "people", str(path), "--region", "210100", "--as-staff", importer.phone)
        fixed = tmp_path / "名单.errors.xlsx"
        wb = load_workbook(fixed)
        wb.worksheets[0]["C2"] = "13600000001"
        wb.save(fixed)
        assert "已导入灵活就业人员 3 人" in run(
            "import", "people", str(fixed), "--region", "210100", "--as-staff", importer.phone
        )

    def test_staff_import_only_into_their_region(self, tmp_path: Path, heping_staff: User) -> None:
        path = sheet(tmp_path / "名单.xlsx", *good_rows())
        with pytest.raises(CommandError, match="没有这项操作的权限"):
            run("import", "people", str(path), "--region", "210102", "--as-staff", heping_staff.phone)
        clerk = make_user(
            role=Role.STAFF,
            region=heping_staff.region,
            phone="13900000011",
            name="钱进",
            perms=("accounts.add_user",),
        )
        with pytest.raises(CommandError, match="不在 钱进"):
            run("import", "people", str(path), "--region", "210106", "--as-staff", clerk.phone)
        with pytest.raises(CommandError, match="找不到手机号码"):
            run("import", "people", str(path), "--region", "210102", "--as-staff", "13999999999")
        assert not User.objects.filter(role=Role.WORKER).exists()

    def test_missing_column_and_unreadable_file(self, tmp_path: Path, importer: User) -> None:
        wb = Workbook()
        ws = wb.active
        assert ws is not None
        ws.append(["姓名", "手机号码"])
        ws.append(["王桂兰", "13600000001"])
        wb.save(tmp_path / "少列.xlsx")
        with pytest.raises(CommandError, match="缺少必填列：身份证号码"):
            run(
                "import",
                "people",
                str(tmp_path / "少列.xlsx"),
                "--region",
                "210102",
                "--as-staff",
                importer.phone,
            )
        (tmp_path / "名单.xls").write_bytes(b"\xd0\xcf\x11\xe0 an old binary workbook")
        with pytest.raises(CommandError, match="无法读取该文件"):
            run(
                "import",
                "people",
                str(tmp_path / "名单.xls"),
                "--region",
                "210102",
                "--as-staff",
                importer.phone,
            )
        with pytest.raises(CommandError, match="找不到文件"):
            run(
                "import",
                "people",
                str(tmp_path / "没有.xlsx"),
                "--region",
                "210102",
                "--as-staff",
                importer.phone,
            )
        with pytest.raises(CommandError, match="--as-staff"):
            run("import", "people", str(tmp_path / "少列.xlsx"), "--region", "210102")
        with pytest.raises(CommandError, match="找不到行政区划代码"):
            run(
                "import",
                "people",
                str(tmp_path / "少列.xlsx"),
                "--region",
                "999999",
                "--as-staff",
                importer.phone,
            )


class TestExport:
    def test_template_has_the_import_headers(self, tmp_path: Path, db: None) -> None:
        run("export", "people-template", str(tmp_path / "模板.xlsx"))
        ws = load_workbook(tmp_path / "模板.xlsx").worksheets[0]
        assert [c.value for c in ws[1]] == HEADERS
        assert ws.column_dimensions["B"].number_format == "@"  # ID numbers stay text

    def test_masked_by_default(self, tmp_path: Path, heping_worker: User, tiexi_worker: User) -> None:
        output = run("export", "people", str(tmp_path / "名单.xlsx"), "--region", "210102")
        assert "已导出 1 人（个人信息已脱敏）" in output
        rows = list(load_workbook(tmp_path / "名单.xlsx").worksheets[0].iter_rows(values_only=True))
        assert rows[0][:5] == tuple(HEADERS)
        assert rows[1][:5] == ("张秀兰", "210102********0024", "138****5678", "辽宁省沈阳市****", "210102")
        assert len(rows) == 2
        assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists()

    def test_full_needs_a_staff_member_with_the_permission(
        self, tmp_path: Path, heping_staff: User, heping_worker: User
    ) -> None:
        out = tmp_path / "完整.xlsx"
        with pytest.raises(CommandError, match="--as-staff"):
            run("export", "people", str(out), "--full")
        with pytest.raises(CommandError, match="没有这项操作的权限"):
            run("export", "people", str(out), "--full", "--as-staff", heping_staff.phone)
        assert not out.exists()
        assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists()

    def test_full_export_is_scoped_and_audited(
        self, tmp_path: Path, heping_staff: User, heping_worker: User, tiexi_worker: User
    ) -> None:
        heping_staff.user_permissions.add(Permission.objects.get(codename="export_personal_data"))
        heping_staff = User.objects.get(pk=heping_staff.pk)  # no stale permission cache
        out = tmp_path / "完整.xlsx"
        output = run("export", "people", str(out), "--full", "--as-staff", heping_staff.phone)
        assert "已导出 1 人（完整个人信息）" in output
        rows = list(load_workbook(out).worksheets[0].iter_rows(values_only=True))
        assert rows[1][:5] == ("张秀兰", "210102196803150024", "13812345678", heping_worker.address, "210102")
        assert len(rows) == 2  # 刘洋 of Tiexi is outside her district
        entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
        assert entry.actor_id == heping_staff.pk and entry.region_code == "210102"
        assert set(entry.fields) == {"phone", "id_number", "address"} and "1 人" in entry.note
        with pytest.raises(CommandError, match="不在"):
            run(
                "export", "people", str(out), "--full", "--as-staff", heping_staff.phone, "--region", "210106"
            )

    def test_round_trip_into_import(self, tmp_path: Path, importer: User) -> None:
        sheet(tmp_path / "名单.xlsx", *good_rows())
        run(
            "import",
            "people",
            str(tmp_path / "名单.xlsx"),
            "--region",
            "210100",
            "--as-staff",
            importer.phone,
        )
        run("export", "people", str(tmp_path / "导出.xlsx"), "--region", "210100")
        rows = list(
            load_workbook(tmp_path / "导出.xlsx").worksheets[0].iter_rows(min_row=2, values_only=True)
        )
        assert sorted(r[0] for r in rows) == ["周雨涵", "李建军", "王桂兰"]
