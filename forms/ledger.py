"""代办台账: one row per case over a period; PDF (landscape, header row on every page) and Excel."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from forms import layout as L
from forms import xlsx
from forms.data import Ledger, LedgerRow, Rating
from sync.domain.validation import mask_phone

TITLE = "代办台账"
HEADERS = (
    "序号",
    "办件编号",
    "申请人\n联系电话",
    "身份证号",
    "办理事项",
    "办件\n类型",
    "受理日期",
    "承诺\n办结日期",
    "办结日期",
    "用时\n（工作日）",
    "是否\n按时",
    "办理\n状态",
    "满意度",
    "代办员",
)
#: Each column just wider than its widest text at the table's 8.5 pt (编号 31.8 mm, 身份证号 28.8, dates 16.8).
#: The workbook keeps 申请人 and 联系电话 in two columns (sortable, filterable); the page stacks them.
XLSX_HEADERS = (*HEADERS[:2], "申请人", "联系电话", *HEADERS[3:])
_FIXED_MM = (8, 32.5, 19, 29.5, None, 11.5, 17.5, 17.5, 17.5, 17.5, 11.5, 12, 14.5, 15)
CENTERED = frozenset({0, 5, 6, 7, 8, 9, 10, 11})
PADDING = 2.5
_GOOD = {Rating.VERY_SATISFIED, Rating.SATISFIED, Rating.BASICALLY_SATISFIED}


def number(data: Ledger) -> str:
    return f"{data.station.code}-TZ-{data.period_start:%Y%m%d}-{data.period_end:%Y%m%d}"


def qr_data(data: Ledger) -> str:
    """The ledger's number: there is no page to open for it, so the code holds what identifies it."""
    return number(data)


def period_text(data: Ledger) -> str:
    return f"统计期间：{L.fmt_date(data.period_start)} 至 {L.fmt_date(data.period_end)}"


def iso(value: object) -> str:
    return value.isoformat() if value is not None and hasattr(value, "isoformat") else "—"


def on_time_text(row: LedgerRow) -> str:
    """是 / 否 once done; 已超期 for an open case past its date; — otherwise."""
    if row.on_time is not None:
        return "是" if row.on_time else "否"
    return "已超期" if row.overdue else "—"


def cells(n: int, row: LedgerRow) -> list[str]:
    """The printed text of one row (ID and phone masked, blanks as —)."""
    phone = mask_phone(row.phone) if row.phone else ""
    return [
        str(n),
        row.case_no,
        f"{row.applicant_name}\n{phone}" if phone else row.applicant_name,
        L.mask_id(row.applicant_id),
        row.matter,
        row.case_type or "—",
        iso(row.accepted_on),
        iso(row.due_on),
        iso(row.done_on),
        "—" if row.days_used is None else str(row.days_used),
        on_time_text(row),
        row.state or "—",
        row.rating.value if row.rating else "未评价",
        row.clerk,
    ]


def summary(data: Ledger) -> str:
    rows = list(data.rows)
    done = [r for r in rows if r.done_on is not None]
    on_time = [r for r in done if r.on_time]
    overdue = [r for r in rows if r.done_on is None and r.overdue]
    rated = [r for r in rows if r.rating is not None]
    good = [r for r in rated if r.rating in _GOOD]

    def pct(part: int, whole: int) -> str:
        return f"{part * 100 / whole:.1f}%" if whole else "—"

    return (
        f"合计：办件 {len(rows)} 件，已办结 {len(done)} 件，未办结 {len(rows) - len(done)} 件"
        f"（其中已超期 {len(overdue)} 件）；"
        f"按时办结率 {pct(len(on_time), len(done))}；已评价 {len(rated)} 件，满意率 {pct(len(good), len(rated))}。"
    )


def _widths(width: float) -> list[float]:
    fixed = sum(w for w in _FIXED_MM if w is not None) * mm
    return [w * mm if w is not None else width - fixed for w in _FIXED_MM]


def story(data: Ledger) -> list[Flowable]:
    width = L.LANDSCAPE_WIDTH
    period = period_text(data)
    out = L.header(
        TITLE,
        number(data),
        qr_data(data),
        data.station.name,
        width=width,
        subtitle=period,
        number_label="台账编号",
        qr_caption="台账编号",
    )
    lines = [cells(n, row) for n, row in enumerate(data.rows, 1)]
    closing = [
        L.gap(2),
        L.para(summary(data), L.BODY),
        L.gap(3),
        L.para(f"台账管理人：{data.keeper or '__________'}        打印日期：{L.fmt_date(data.printed_on)}", L.BODY),
    ]
    out.append(
        L.list_table(
            HEADERS, _widths(width), lines, centered=CENTERED, empty_text="本期无办件", padding=PADDING, closing=closing
        )
    )
    return out


def render(data: Ledger) -> bytes:
    """The ledger as a landscape PDF: 第 N 页 共 M 页, header row repeated on every page."""
    return L.build_pdf(
        story, data, title=TITLE, info=L.PageInfo(number(data), data.station.name, "台账编号"), landscape_page=True
    )


def to_xlsx(data: Ledger) -> bytes:
    """The same ledger as an Excel workbook (dates as real dates, ID and phone masked)."""
    rows: list[list[xlsx.CellValue]] = []
    for n, row in enumerate(data.rows, 1):
        text = cells(n, row)
        rows.append(
            [
                n,
                row.case_no,
                row.applicant_name,
                mask_phone(row.phone) if row.phone else None,
                text[3],
                row.matter,
                row.case_type or None,
                row.accepted_on,
                row.due_on,
                row.done_on,
                row.days_used,
                text[10] if text[10] != "—" else None,
                row.state or None,
                text[12],
                row.clerk,
            ]
        )
    return xlsx.workbook(
        sheet=TITLE,
        title=f"{data.station.name} {TITLE}",
        subtitle=f"{period_text(data)}    台账编号：{number(data)}",
        headers=XLSX_HEADERS,
        widths=(6, 24, 10, 14, 22, 36, 8, 12, 12, 12, 8, 8, 8, 10, 10),
        rows=rows,
        footer=(summary(data), f"台账管理人：{data.keeper}"),
        stamp=data.printed_on or data.period_end,
    )
