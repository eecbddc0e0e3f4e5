"""Excel (xlsx) export and import shared by every app.

Export: rows are written through openpyxl's write-only mode (constant memory) into a temporary
file that is then streamed to the browser.

Import is all or nothing, the way staff expect of a batch (001 十五: batch registration at the
service window): every row is checked first, and if any cell is wrong nothing is written and staff
get the file back with the wrong cells marked in red and an "错误说明" column, to fix and upload
again. ``save`` then runs in one transaction, so an error it finds (a duplicate registered
meanwhile) also leaves nothing half-imported.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import IO, Any
from urllib.parse import quote

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import FileResponse, HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from lingong.core.errors import DomainError
from lingong.core.identity import validate_resident_id

logger = logging.getLogger(__name__)


def write_xlsx(
    target: Any, headers: Sequence[Any], rows: Iterable[Sequence[Any]], *, sheet_title: str = "Sheet1"
) -> int:
    """Write one sheet with a bold header row; return the number of data rows written."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=sheet_title[:31])
    bold = Font(bold=True)
    header_cells = []
    for h in headers:
        cell = WriteOnlyCell(ws, value=str(h))
        cell.font = bold
        header_cells.append(cell)
    ws.append(header_cells)
    count = 0
    for row in rows:
        ws.append(list(row))
        count += 1
    wb.save(target)
    return count


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(
    filename: str, headers: Sequence[Any], rows: Iterable[Sequence[Any]], *, sheet_title: str = "Sheet1"
) -> FileResponse:
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - closed by FileResponse when streamed
    write_xlsx(spool, headers, rows, sheet_title=sheet_title)
    spool.seek(0)
    response = FileResponse(spool, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def xlsx_download(content: bytes, filename: str) -> HttpResponse:
    """A workbook already in memory (an import template) as a download."""
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


# --- import ---------------------------------------------------------------------------------------

#: Key of each parsed row that holds its row number as Excel shows it (the header is usually row 1).
ROW = "_row"

#: Rows above the header that are searched for it: templates often carry a title row or two.
HEADER_SEARCH_ROWS = 10

ERROR_COLUMN = "错误说明"
_ERROR_FILL = PatternFill("solid", fgColor="FFC7CE")  # Excel's own "light red fill"

FileInput = str | os.PathLike[str] | bytes | IO[bytes]


@dataclass(frozen=True)
class Column:
    """One column of an import: matched by ``header``, stored in each row dict under ``key``.

    ``parse`` turns a non-empty cell into the value to store, or raises ``DomainError`` (or
    ``ValueError``) with a Chinese message. ``text`` marks digits that must stay text (ID and
    phone numbers): the template formats the column as text so Excel does not round them.
    """

    header: str
    key: str
    required: bool = True
    parse: Callable[[Any], Any] | None = None
    text: bool = False
    note: str = ""


@dataclass(frozen=True)
class RowError:
    row: int  # as Excel shows it; 0 when the error is about no row in particular
    column: str  # the header, or "" for the whole row or file
    message: str


@dataclass
class ImportResult:
    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    written: int = 0
    # The sheet as read (from row 1, values only) to give it back with the errors marked.
    sheet: list[tuple[Any, ...]] = field(default_factory=list, repr=False)
    sheet_title: str = "Sheet1"
    header_row: int = 1

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self, limit: int = 10) -> str:
        """A few lines in Chinese for a message or a terminal."""
        lines = [
            _("共 %(rows)d 行数据，发现 %(errors)d 处错误，没有写入任何数据。")
            % {"rows": self.data_rows, "errors": len(self.errors)}
        ]
        for error in self.errors[:limit]:
            lines.append("  " + describe(error))
        if len(self.errors) > limit:
            lines.append("  " + _("……其余 %(n)d 处见错误说明表格。") % {"n": len(self.errors) - limit})
        return "\n".join(lines)

    @property
    def data_rows(self) -> int:
        return sum(1 for row in self.sheet[self.header_row :] if not _is_empty(row))

    def error_workbook(self) -> bytes:
        """The sheet as uploaded, wrong cells filled light red, an "错误说明" column, and a second
        sheet listing every error: for staff to correct and upload again."""
        by_row: dict[int, list[RowError]] = {}
        for error in self.errors:
            by_row.setdefault(error.row, []).append(error)
        header = self.sheet[self.header_row - 1] if self.sheet else ()
        positions = {_header_text(v): i for i, v in enumerate(header) if _header_text(v)}
        width = max((len(_trim(row)) for row in self.sheet), default=0)

        wb = Workbook(write_only=True)
        ws = wb.create_sheet(title=self.sheet_title[:31] or "Sheet1")
        bold = Font(bold=True)
        for number, raw in enumerate(self.sheet, start=1):
            values = list(_trim(raw)) + [None] * (width - len(_trim(raw)))
            cells = [WriteOnlyCell(ws, value=v) for v in values]
            for error in by_row.get(number, ()):
                where = positions.get(error.column)
                for i in [where] if where is not None else range(len(cells)):
                    cells[i].fill = _ERROR_FILL
            if number == self.header_row:  # header errors (a missing column) are on the second sheet
                cells.append(WriteOnlyCell(ws, value=ERROR_COLUMN))
                for cell in cells:
                    cell.font = bold
            elif number in by_row:
                note = WriteOnlyCell(ws, value="；".join(_message(e) for e in by_row[number]))
                note.fill = _ERROR_FILL
                cells.append(note)
            ws.append(cells)
        if self.header_row - 1 >= len(self.sheet):  # nothing usable was read: still show the errors
            ws.append([WriteOnlyCell(ws, value=ERROR_COLUMN)])

        listing = wb.create_sheet(title="错误清单")
        for letter, size in (("A", 8), ("B", 16), ("C", 60)):
            listing.column_dimensions[letter].width = size
        head = [WriteOnlyCell(listing, value=v) for v in ("行号", "列", "错误说明")]
        for cell in head:
            cell.font = bold
        listing.append(head)
        for error in self.errors:
            listing.append([error.row or None, error.column or None, error.message])
        out = io.BytesIO()
        wb.save(out)
        return out.getvalue()


def describe(error: RowError) -> str:
    """``第3行 身份证号码：…`` (the row and column as Excel shows them)."""
    where = _("第%(row)d行") % {"row": error.row} if error.row else ""
    if error.column:
        where = f"{where} {error.column}".strip()
    return f"{where}：{error.message}" if where else error.message


def _message(error: RowError) -> str:
    return f"{error.column}：{error.message}" if error.column else error.message


def id_number_cell(value: Any) -> str:
    """A resident ID number cell (``Column.parse``), normalised; refused if Excel stored it as a number."""
    if isinstance(value, int | float):
        # Excel keeps 15 significant digits: an ID typed into a "General" cell is already damaged.
        raise ValueError(
            _("身份证号码被Excel保存成了数字，末尾几位可能已经丢失：请把这一列设为“文本”格式后重新填写。")
        )
    return validate_resident_id(cell_text(value)).number


def region_code_cell(value: Any) -> str:
    """A six-digit division code cell (``Column.parse``); whether the division exists is the caller's."""
    code = cell_text(value)
    if not (len(code) == 6 and code.isdigit()):
        raise ValueError(_("区划代码应为6位数字，如 210102。"))
    return code


def cell_text(value: Any) -> str:
    """A cell as text: numbers without a spurious ".0", dates as ``2026-01-31``, stripped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _header_text(value: Any) -> str:
    # A trailing asterisk is how many templates mark a required column: "姓名*" is "姓名".
    return cell_text(value).rstrip("*＊").strip()


def _is_empty(row: Sequence[Any]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in row)


def _trim(row: Sequence[Any]) -> tuple[Any, ...]:
    end = len(row)
    while end and (row[end - 1] is None or (isinstance(row[end - 1], str) and not row[end - 1].strip())):
        end -= 1
    return tuple(row[:end])


def max_import_rows() -> int:
    return int(getattr(settings, "LINGONG_IMPORT_MAX_ROWS", 100_000))


def _load_sheet(file: FileInput, max_rows: int) -> tuple[str, list[tuple[Any, ...]]]:
    """The first sheet's values, trailing empty rows dropped. Raises ``DomainError`` for a file
    that is not a readable xlsx or has more than ``max_rows`` non-empty rows."""
    source: Any = io.BytesIO(file) if isinstance(file, bytes) else file
    rows: list[tuple[Any, ...]] = []
    filled = 0
    try:
        wb = load_workbook(source, read_only=True, data_only=True)
        try:
            ws = wb.worksheets[0]
            title = ws.title
            # Files written by other programs often carry a wrong <dimension>; read what is there.
            ws.reset_dimensions()
            for row in ws.iter_rows(values_only=True):
                rows.append(tuple(row))
                if not _is_empty(row):
                    filled += 1
                    if filled > max_rows + 1:  # the header row is not a data row
                        raise DomainError(
                            "excel_too_many_rows",
                            _("表格超过 %(max)d 行，请拆分成多个文件分批导入。") % {"max": max_rows},
                        )
        finally:
            wb.close()
    except (DomainError, FileNotFoundError):
        raise
    except Exception as exc:  # openpyxl raises many kinds on a damaged or foreign file
        logger.info("unreadable xlsx upload: %r", exc)
        raise DomainError(
            "excel_unreadable",
            _(
                "无法读取该文件：请上传 Excel 的 .xlsx 文件（.xls 或 WPS 格式请先另存为 .xlsx），"
                "并确认文件没有损坏。"
            ),
        ) from exc
    while rows and _is_empty(rows[-1]):
        rows.pop()
    return title, rows


def read_xlsx(file: FileInput, columns: Sequence[Column], *, max_rows: int | None = None) -> ImportResult:
    """Read and check the first sheet; nothing is written. Every row is checked, so the result
    carries all errors at once; ``rows`` holds the rows that parsed cleanly, each with ``ROW``."""
    title, sheet = _load_sheet(file, max_import_rows() if max_rows is None else max_rows)
    result = ImportResult(sheet=sheet, sheet_title=title)
    wanted = {c.header for c in columns}
    header_index = next(
        (i for i, row in enumerate(sheet[:HEADER_SEARCH_ROWS]) if wanted & {_header_text(v) for v in row}),
        next((i for i, row in enumerate(sheet) if not _is_empty(row)), 0),
    )
    result.header_row = header_index + 1
    header = [_header_text(v) for v in sheet[header_index]] if sheet else []

    positions: dict[str, int] = {}
    for i, text in enumerate(header):
        if text in wanted:
            if text in positions:
                result.errors.append(RowError(result.header_row, text, _("这一列出现了两次，请只保留一列。")))
            positions.setdefault(text, i)
    missing = [c.header for c in columns if c.required and c.header not in positions]
    if missing:
        result.errors.append(
            RowError(
                result.header_row,
                "",
                _("缺少必填列：%(cols)s。请使用导入模板，不要修改表头。") % {"cols": "、".join(missing)},
            )
        )
    if result.errors:
        return result

    for offset, raw in enumerate(sheet[header_index + 1 :], start=header_index + 2):
        if _is_empty(raw):
            continue
        row: dict[str, Any] = {ROW: offset}
        row_errors: list[RowError] = []
        for column in columns:
            where = positions.get(column.header)
            value = raw[where] if where is not None and where < len(raw) else None
            if isinstance(value, str):
                value = value.strip()
            if value is None or value == "":
                if column.required:
                    row_errors.append(RowError(offset, column.header, _("此项必须填写。")))
                row[column.key] = None
                continue
            try:
                row[column.key] = column.parse(value) if column.parse else value
            except DomainError as exc:
                row_errors.append(RowError(offset, column.header, exc.message))
            except (ValueError, TypeError) as exc:
                row_errors.append(RowError(offset, column.header, str(exc) or _("格式不正确。")))
        if row_errors:
            result.errors.extend(row_errors)
        else:
            result.rows.append(row)
    if not result.rows and not result.errors:
        result.errors.append(RowError(0, "", _("表格中没有可导入的数据行。")))
    return result


def import_xlsx(
    file: FileInput,
    columns: Sequence[Column],
    save: Callable[[list[dict[str, Any]]], int],
    *,
    check: Callable[[list[dict[str, Any]]], Iterable[RowError]] | None = None,
    max_rows: int | None = None,
) -> ImportResult:
    """Read, check, and only if every row is right, ``save(rows)`` in one transaction.

    ``check`` looks across rows (duplicates within the file, clashes with data already stored)
    so staff see those errors together with the cell errors. ``save`` returns how many records it
    wrote; to reject a row it raises ``DomainError`` with the details ``row=row[ROW]`` and
    optionally ``column=<header>`` (else its ``field`` is matched to a column key): everything is
    rolled back and the error is reported on that row.
    """
    result = read_xlsx(file, columns, max_rows=max_rows)
    if check is not None and result.rows:
        result.errors.extend(check(result.rows))
    if result.errors:
        result.errors.sort(key=lambda e: (e.row, _column_order(columns, e.column)))
        return result
    try:
        with transaction.atomic():
            result.written = save(result.rows)
    except DomainError as exc:
        result.written = 0
        header = exc.details.get("column") or next((c.header for c in columns if c.key == exc.field), "")
        result.errors.append(RowError(int(exc.details.get("row") or 0), header, exc.message))
    except IntegrityError:
        # Settled by a unique constraint: someone registered the same record while we were saving.
        result.written = 0
        result.errors.append(
            RowError(
                0,
                "",
                _("保存时与已有数据冲突（可能有人同时录入了相同的记录），没有写入任何数据，请重新导入。"),
            )
        )
    return result


def _column_order(columns: Sequence[Column], header: str) -> int:
    return next((i for i, c in enumerate(columns) if c.header == header), -1)


def write_template(target: Any, columns: Sequence[Column], *, sheet_title: str = "导入模板") -> None:
    """An empty import template: bold headers, text-formatted columns for numbers that must stay
    text (an 18-digit ID typed into a General cell loses its last digits), and a sheet of notes."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = sheet_title[:31]
    ws.append([c.header for c in columns])
    for i, column in enumerate(columns, start=1):
        ws.cell(row=1, column=i).font = Font(bold=True)
        dimension = ws.column_dimensions[get_column_letter(i)]
        dimension.width = 24 if column.text else 16
        if column.text:
            dimension.number_format = "@"
    ws.freeze_panes = "A2"
    notes = wb.create_sheet("填写说明")
    notes.append(["列名", "是否必填", "说明"])
    for cell in notes[1]:
        cell.font = Font(bold=True)
    for column in columns:
        notes.append([column.header, "必填" if column.required else "选填", column.note])
    notes.column_dimensions["A"].width = 16
    notes.column_dimensions["C"].width = 70
    wb.save(target)
