"""Quarterly 档案移交清单: closed case files handed to the town center; PDF and Excel."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from forms import layout as L
from forms import xlsx
from forms.data import ArchiveList, ArchiveRow

TITLE = "档案移交清单"
HEADERS = ("序号", "办件编号", "案卷题名", "办件类型", "办结日期", "页数", "保管期限", "备注")
_FIXED_MM = (9, 33, None, 15, 19, 10, 14, 26)
CENTERED = frozenset({0, 3, 4, 5, 6})
PADDING = 2.5


def number(data: ArchiveList) -> str:
    return f"{data.station.code}-DA-{data.year}Q{data.quarter}"


def qr_data(data: ArchiveList) -> str:
    """The list's number: there is no page to open for it, so the code holds what identifies it."""
    return number(data)


def period(data: ArchiveList) -> str:
    return f"{data.year}年第{data.quarter}季度"


def cells(n: int, row: ArchiveRow) -> list[str]:
    closed = row.closed_on.isoformat() if row.closed_on else "—"
    return [str(n), row.case_no, row.title, row.case_type, closed, str(row.pages), row.retention, row.note]


def summary(data: ArchiveList) -> str:
    pages = sum(r.pages for r in data.rows)
    return f"合计：案卷 {len(data.rows)} 件，共 {pages} 页。"


def _widths(width: float) -> list[float]:
    fixed = sum(w for w in _FIXED_MM if w is not None) * mm
    return [w * mm if w is not None else width - fixed for w in _FIXED_MM]


def story(data: ArchiveList) -> list[Flowable]:
    width = L.PORTRAIT_WIDTH
    out = L.header(
        TITLE,
        number(data),
        qr_data(data),
        data.station.name,
        subtitle=period(data),
        number_label="清单编号",
        qr_caption="清单编号",
    )
    lines = [cells(n, row) for n, row in enumerate(data.rows, 1)]
    closing: list[Flowable] = [L.gap(2), L.para(summary(data), L.BODY)]
    closing += [L.para(f"附：{item}", L.BODY) for item in data.items]
    closing += [
        L.gap(5),
        L.para(f"移交单位：{data.station.name}        接收单位：{data.receiver_unit or '__________'}", L.BODY),
        L.gap(4),
        *L.signature_lines(
            [
                (f"移交人（{data.handed_by}）签字", data.handed_by_signature, L.fmt_date(data.handed_on)),
                (f"接收人（{data.received_by}）签字", data.received_by_signature, L.fmt_date(data.handed_on)),
            ],
            sign_width=38 * mm,
            spacing_mm=6,
        ),
        L.gap(3),
        L.para("注：本清单一式两份，移交、接收双方各执一份。", L.SMALL),
    ]
    out.append(
        L.list_table(
            HEADERS,
            _widths(width),
            lines,
            centered=CENTERED,
            empty_text="本季度无移交案卷",
            padding=PADDING,
            closing=closing,
        )
    )
    return out


def render(data: ArchiveList) -> bytes:
    """The archive handover list as PDF: header row on every page, 第 N 页 共 M 页."""
    return L.build_pdf(story, data, title=TITLE, info=L.PageInfo(number(data), data.station.name, "清单编号"))


def to_xlsx(data: ArchiveList) -> bytes:
    """The same list as an Excel workbook."""
    rows: list[list[xlsx.CellValue]] = [
        [n, r.case_no, r.title, r.case_type, r.closed_on, r.pages, r.retention, r.note]
        for n, r in enumerate(data.rows, 1)
    ]
    footer = [summary(data), *(f"附：{item}" for item in data.items)]
    footer.append(f"移交人：{data.handed_by}    接收人：{data.received_by}    移交日期：{L.fmt_date(data.handed_on)}")
    return xlsx.workbook(
        sheet=TITLE,
        title=f"{data.station.name} {TITLE}（{period(data)}）",
        subtitle=f"清单编号：{number(data)}    接收单位：{data.receiver_unit}",
        headers=HEADERS,
        widths=(6, 24, 40, 10, 12, 8, 10, 24),
        rows=rows,
        footer=footer,
        stamp=data.handed_on,
        landscape=False,
    )
