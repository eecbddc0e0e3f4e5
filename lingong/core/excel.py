"""Excel (xlsx) export and import shared by every app.

Export: rows are written through openpyxl's write-only mode (constant memory) into a temporary
file that is then streamed to the browser.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import quote

from django.http import FileResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font


def write_xlsx(target: Any, headers: Sequence[Any], rows: Iterable[Sequence[Any]], *, sheet_title: str = "Sheet1") -> int:
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


def xlsx_response(
    filename: str, headers: Sequence[Any], rows: Iterable[Sequence[Any]], *, sheet_title: str = "Sheet1"
) -> FileResponse:
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - closed by FileResponse when streamed
    write_xlsx(spool, headers, rows, sheet_title=sheet_title)
    spool.seek(0)
    response = FileResponse(
        spool, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
