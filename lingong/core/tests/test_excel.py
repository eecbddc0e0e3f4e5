"""Excel import is all or nothing and tells staff exactly which cell to fix; export streams."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from lingong.core.errors import DomainError
from lingong.core.excel import (
    ERROR_COLUMN,
    ROW,
    Column,
    import_xlsx,
    read_xlsx,
    write_template,
    xlsx_response,
)
from lingong.core.models import Division


def xlsx(*rows: Sequence[Any], title: str = "名单") -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = title
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def code(value: Any) -> str:
    text = str(value).strip()
    if not (len(text) == 6 and text.isdigit()):
        raise DomainError("code_format", "代码应为6位数字。")
    return text


COLUMNS = [
    Column("代码", "code", parse=code),
    Column("名称", "name"),
    Column("备注", "note", required=False),
]

HEADER = ("代码", "名称", "备注")


def good_rows(n: int) -> list[tuple[str, str, str]]:
    return [(f"{990001 + i}", f"测试区{i}", "") for i in range(n)]


def save_divisions(rows: list[dict[str, Any]]) -> int:
    for row in rows:
        Division.objects.create(code=row["code"], name=row["name"], level=Division.Level.COUNTY)
    return len(rows)


@pytest.mark.django_db
class TestImport:
    def test_good_file_is_saved(self) -> None:
        result = import_xlsx(xlsx(HEADER, *good_rows(50)), COLUMNS, save_divisions)
        assert result.ok, result.errors
        assert result.written == 50
        assert Division.objects.filter(code__startswith="99").count() == 50
        assert result.rows[0] == {ROW: 2, "code": "990001", "name": "测试区0", "note": None}

    def test_one_bad_row_among_fifty_writes_nothing(self) -> None:
        rows = good_rows(50)
        rows[36] = ("99x", "坏行", "")
        saved: list[int] = []

        def save(rows: list[dict[str, Any]]) -> int:
            saved.append(len(rows))
            return save_divisions(rows)

        result = import_xlsx(xlsx(HEADER, *rows), COLUMNS, save)
        assert not result.ok
        assert saved == []
        assert Division.objects.filter(code__startswith="99").count() == 0
        assert [(e.row, e.column, e.message) for e in result.errors] == [(38, "代码", "代码应为6位数字。")]
        assert result.written == 0

    def test_every_row_is_checked_and_required_cells_reported(self) -> None:
        rows = [("99x", "甲", ""), ("990002", "", "备注可空"), ("990003", "丙", "")]
        result = read_xlsx(xlsx(HEADER, *rows), COLUMNS)
        assert [(e.row, e.column) for e in result.errors] == [(2, "代码"), (3, "名称")]
        assert "必须填写" in result.errors[1].message
        assert [r[ROW] for r in result.rows] == [4]

    def test_save_time_error_rolls_everything_back(self) -> None:
        def save(rows: list[dict[str, Any]]) -> int:
            for row in rows:
                if row["code"] == "990030":
                    raise DomainError("duplicate", "该代码已被占用。", field="code", row=row[ROW])
                save_divisions([row])
            return len(rows)

        result = import_xlsx(xlsx(HEADER, *good_rows(50)), COLUMNS, save)
        assert not result.ok
        assert Division.objects.filter(code__startswith="99").count() == 0
        assert [(e.row, e.column, e.message) for e in result.errors] == [(31, "代码", "该代码已被占用。")]

    def test_a_unique_constraint_at_save_time_rolls_back_too(self) -> None:
        Division.objects.create(code="990040", name="已有", level=Division.Level.COUNTY)
        result = import_xlsx(xlsx(HEADER, *good_rows(50)), COLUMNS, save_divisions)
        assert not result.ok
        assert "冲突" in result.errors[0].message
        assert Division.objects.filter(code__startswith="99").count() == 1

    def test_check_errors_are_listed_with_cell_errors(self) -> None:
        rows = [("99x", "甲", ""), ("990002", "乙", ""), ("990002", "乙", "")]

        def check(rows: list[dict[str, Any]]) -> list[Any]:
            from lingong.core.excel import RowError

            return [RowError(rows[-1][ROW], "代码", "与上一行重复。")]

        result = import_xlsx(xlsx(HEADER, *rows), COLUMNS, save_divisions, check=check)
        assert [(e.row, e.column) for e in result.errors] == [(2, "代码"), (4, "代码")]


class TestReading:
    def test_missing_headers_are_named(self) -> None:
        result = read_xlsx(xlsx(("代码", "备注"), ("990001", "")), [*COLUMNS, Column("负责人", "boss")])
        assert not result.ok
        assert len(result.errors) == 1
        assert "缺少必填列：名称、负责人" in result.errors[0].message
        assert result.rows == []

    def test_title_row_blank_rows_and_extra_columns(self) -> None:
        sheet = xlsx(
            ("2026年第一批",),
            ("序号", "名称 ", "代码*", "其他"),
            (1, "甲", 990001, "x"),
            (None, None, None, None),
            (2, "乙", "990002", "y"),
        )
        result = read_xlsx(sheet, COLUMNS)
        assert result.ok, result.errors
        assert [(r[ROW], r["code"], r["name"]) for r in result.rows] == [
            (3, "990001", "甲"),
            (5, "990002", "乙"),
        ]

    def test_duplicate_header_is_an_error(self) -> None:
        result = read_xlsx(xlsx(("代码", "名称", "代码"), ("990001", "甲", "990002")), COLUMNS)
        assert [(e.row, e.column) for e in result.errors] == [(1, "代码")]

    def test_empty_sheet_has_nothing_to_import(self) -> None:
        result = read_xlsx(xlsx(HEADER), COLUMNS)
        assert not result.ok
        assert "没有可导入的数据行" in result.errors[0].message

    @pytest.mark.parametrize(
        "content",
        [
            b"",
            b"not a spreadsheet",
            "代码,名称\n990001,甲\n".encode(),
            xlsx(HEADER, ("990001", "甲", ""))[:500],
        ],
        ids=["empty", "text", "csv", "truncated"],
    )
    def test_unreadable_file(self, content: bytes) -> None:
        with pytest.raises(DomainError) as info:
            read_xlsx(content, COLUMNS)
        assert info.value.code == "excel_unreadable"
        assert ".xlsx" in info.value.message

    def test_too_many_rows(self, settings: Any) -> None:
        settings.LINGONG_IMPORT_MAX_ROWS = 20
        with pytest.raises(DomainError) as info:
            read_xlsx(xlsx(HEADER, *good_rows(21)), COLUMNS)
        assert info.value.code == "excel_too_many_rows"
        assert "20" in info.value.message
        assert read_xlsx(xlsx(HEADER, *good_rows(20)), COLUMNS).ok


class TestErrorWorkbook:
    def test_original_rows_with_errors_marked(self) -> None:
        rows = [("990001", "甲", "保留"), ("99x", "", ""), ("990003", "丙", "")]
        result = read_xlsx(xlsx(HEADER, *rows), COLUMNS)
        wb = load_workbook(io.BytesIO(result.error_workbook()))
        data, listing = wb.worksheets
        assert data.title == "名单"
        values = [list(r) for r in data.iter_rows(values_only=True)]
        assert values[0] == [*HEADER, ERROR_COLUMN]
        assert values[1] == ["990001", "甲", "保留", None]
        assert values[2][:3] == ["99x", None, None]
        assert "代码：代码应为6位数字。" in values[2][3]
        assert "名称：此项必须填写。" in values[2][3]
        assert values[3] == ["990003", "丙", None, None]

        def red(cell: Any) -> bool:
            return cell.fill.fgColor.rgb.endswith("FFC7CE")

        assert red(data["A3"]) and red(data["B3"]) and red(data["D3"])
        assert not red(data["C3"]) and not red(data["A2"])
        assert [list(r) for r in listing.iter_rows(values_only=True)] == [
            ["行号", "列", "错误说明"],
            [3, "代码", "代码应为6位数字。"],
            [3, "名称", "此项必须填写。"],
        ]

    def test_error_workbook_can_be_fixed_and_uploaded_again(self) -> None:
        result = read_xlsx(xlsx(HEADER, ("99x", "甲", "")), COLUMNS)
        wb = load_workbook(io.BytesIO(result.error_workbook()))
        wb.worksheets[0]["A2"] = "990001"
        fixed = io.BytesIO()
        wb.save(fixed)
        again = read_xlsx(fixed.getvalue(), COLUMNS)
        assert again.ok, again.errors
        assert again.rows[0]["code"] == "990001"

    def test_missing_header_workbook_lists_the_error(self) -> None:
        result = read_xlsx(xlsx(("别的",), ("x",)), COLUMNS)
        listing = load_workbook(io.BytesIO(result.error_workbook())).worksheets[1]
        assert "缺少必填列" in str(listing["C2"].value)


class TestExport:
    def test_large_export_streams_and_reads_back(self) -> None:
        rows = ((i, f"名称{i}", f"21010219900101{i:04d}") for i in range(5000))
        response = xlsx_response("人员名单.xlsx", ["序号", "名称", "身份证号码"], rows, sheet_title="名单")
        assert response.streaming
        assert "filename*=UTF-8''%E4%BA%BA" in response["Content-Disposition"]
        content = b"".join(response.streaming_content)  # type: ignore[arg-type]
        ws = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
        values = list(ws.iter_rows(values_only=True))
        assert len(values) == 5001
        assert values[0] == ("序号", "名称", "身份证号码")
        assert values[4999 + 1] == (4999, "名称4999", "210102199001014999")

    def test_template_keeps_number_columns_as_text(self, tmp_path: Any) -> None:
        columns = [Column("姓名", "name", note="与身份证一致"), Column("身份证号码", "id", text=True)]
        write_template(tmp_path / "t.xlsx", columns)
        wb = load_workbook(tmp_path / "t.xlsx")
        ws, notes = wb.worksheets
        assert [c.value for c in ws[1]] == ["姓名", "身份证号码"]
        assert ws.column_dimensions["B"].number_format == "@"
        assert [c.value for c in notes[2]] == ["姓名", "必填", "与身份证一致"]
