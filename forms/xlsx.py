"""Excel (.xlsx) export of list forms: a title, a header row repeated on printed pages, data rows."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

CellValue = str | int | float | date | None

_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def workbook(
    *,
    sheet: str,
    title: str,
    subtitle: str,
    headers: Sequence[str],
    widths: Sequence[float],
    rows: Sequence[Sequence[CellValue]],
    footer: Sequence[str] = (),
    stamp: date | None = None,
    landscape: bool = True,
) -> bytes:
    """One sheet laid out like the printed list; ``stamp`` fixes the document dates."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = sheet
    ncols = len(headers)
    last = get_column_letter(ncols)
    ws.append([title])
    ws.merge_cells(f"A1:{last}1")
    ws["A1"].font = Font(name="黑体", size=16, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 28
    ws.append([subtitle])
    ws.merge_cells(f"A2:{last}2")
    ws["A2"].alignment = Alignment(horizontal="center")
    ws.append(list(headers))
    for col in range(1, ncols + 1):
        cell = ws.cell(row=3, column=col)
        cell.font = Font(name="黑体", bold=True)
        cell.fill = PatternFill("solid", fgColor="EBEBEB")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = _BORDER
    for row in rows:
        ws.append(list(row))
        r = ws.max_row
        for col in range(1, ncols + 1):
            cell = ws.cell(row=r, column=col)
            cell.border = _BORDER
            cell.alignment = Alignment(vertical="center", wrap_text=True)
            if isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd"
    for text in footer:
        ws.append([text])
        ws.merge_cells(f"A{ws.max_row}:{last}{ws.max_row}")
    for n, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(n)].width = width
    ws.freeze_panes = "A4"
    ws.print_title_rows = "3:3"
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    if ws.sheet_properties.pageSetUpPr is not None:
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    if ws.oddFooter is not None and ws.oddFooter.center is not None:
        ws.oddFooter.center.text = "第 &P 页 共 &N 页"
    if stamp is not None:
        moment = datetime(stamp.year, stamp.month, stamp.day)
        wb.properties.created = moment
        wb.properties.modified = moment
    wb.properties.creator = "代办通"
    wb.properties.title = title
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
