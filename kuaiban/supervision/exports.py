"""Excel (.xlsx) export of the supervision tables: one sheet per table, typed cells.

Numbers stay numbers (rates as percentages, working days with one decimal, times as local
date-times), so the sheets can be sorted and summed. openpyxl's write-only mode streams rows
to the file, so memory stays flat for long lists.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from kuaiban.supervision.selectors.figures import Rate
from kuaiban.supervision.tables import Cell, Kind, Link, Table

_FORMATS = {
    Kind.RATE: "0.0%",
    Kind.DAYS: "0.0",
    Kind.INT: "#,##0",
    Kind.DATETIME: "yyyy-mm-dd hh:mm",
}
_INVALID_SHEET_CHARS = str.maketrans(dict.fromkeys("[]:*?/\\", "_"))


def _value(cell: Cell) -> str | int | float | dt.datetime | None:
    if isinstance(cell, Link):
        return cell.text
    if isinstance(cell, Rate):
        return cell.value
    if isinstance(cell, Decimal):
        return float(cell)
    if isinstance(cell, dt.datetime):
        # Excel has no time zones: Beijing wall-clock time, as shown on the pages.
        return timezone.localtime(cell).replace(tzinfo=None)
    return cell


def _sheet(workbook: Workbook, table: Table, heading: list[str]) -> None:
    sheet: WriteOnlyWorksheet = workbook.create_sheet(
        title=table.title.translate(_INVALID_SHEET_CHARS)[:31]
    )
    # Set up by Worksheet._setup, which WriteOnlyWorksheet borrows; the stubs leave it out.
    widths = sheet.column_dimensions  # type: ignore[attr-defined]
    for index, column in enumerate(table.columns, start=1):
        widths[get_column_letter(index)].width = 28 if column.kind == Kind.TEXT else 14
    # Keep the header in view: title, heading lines, a blank line, then the header row.
    sheet.freeze_panes = f"A{len(heading) + 4}"
    bold = Font(bold=True)
    title = WriteOnlyCell(sheet, value=table.title)
    title.font = Font(bold=True, size=14)
    sheet.append([title])
    for line in heading:
        sheet.append([line])
    sheet.append([])
    header = []
    for column in table.columns:
        cell = WriteOnlyCell(sheet, value=column.label)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in table.rows:
        out = []
        for value, column in zip(row, table.columns, strict=False):
            cell = WriteOnlyCell(sheet, value=_value(value))
            if column.kind in _FORMATS:
                cell.number_format = _FORMATS[column.kind]
            out.append(cell)
        sheet.append(out)
    if table.note:
        sheet.append([])
        sheet.append([table.note])


def workbook_bytes(tables: list[Table], *, heading: list[str]) -> bytes:
    """An .xlsx file with one sheet per table, each under the scope/period ``heading`` lines."""
    workbook = Workbook(write_only=True)
    for table in tables:
        _sheet(workbook, table, heading)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
