"""收件回执（材料交接清单） and 退件清单: everything one station's clerk handed the town window in one
visit (or took back from it), printed at the town center for both to sign.

One table for the whole visit: a shaded line per case (办件编号, the villager with the 身份证 masked, the
matter), then its materials (原件/复印件, 份数) with what the window recorded (收齐, 未收到, 应为原件…).
The totals, the statement and both signatures close it and never start a page alone
(``layout.TableThenClosing``). The QR code holds the list's number, as on the station's registers.

The records live here, not in ``forms.data``: only the town center prints this list.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Table

from forms import layout as L
from forms.data import MaterialLine, Station

TITLE_IN = "收件回执"
SUBTITLE_IN = "（材料交接清单：代办员 → 镇为民服务中心窗口）"
TITLE_OUT = "退件清单"
SUBTITLE_OUT = "（办理结果及原件交还：镇为民服务中心窗口 → 代办员）"
HEADERS = ("序号", "材料名称", "原件/复印件", "份数", "页数")
_CASE_SHADE = colors.Color(0.95, 0.95, 0.95)


@dataclass(frozen=True)
class VisitCase:
    """One case of the visit: who it is for and what moved."""

    case_no: str
    applicant_name: str
    applicant_id: str  # printed masked
    matter: str
    items: Sequence[MaterialLine]  # ``note``: what the window recorded for this item
    note: str = ""  # the window's note on the case (差异说明), or the result handed back


@dataclass(frozen=True)
class VisitReceipt:
    """收件回执 (``returning`` false) or 退件清单 (true) of one station's visit on ``day``."""

    station: Station
    center_name: str
    day: date
    cases: Sequence[VisitCase]
    returning: bool = False
    clerk_name: str = ""
    staff_name: str = ""
    printed_at: datetime | None = None


def title(data: VisitReceipt) -> str:
    return TITLE_OUT if data.returning else TITLE_IN


def number(data: VisitReceipt) -> str:
    return f"{data.station.code}-{'TJ' if data.returning else 'SJ'}-{data.day:%Y%m%d}"


def _totals(data: VisitReceipt) -> str:
    lines = [line for case in data.cases for line in case.items]
    originals = sum(line.copies for line in lines if line.original)
    copies = sum(line.copies for line in lines if not line.original)
    text = f"合计：办件 {len(data.cases)} 件，材料 {len(lines)} 项，原件 {originals} 份，复印件 {copies} 份"
    if not data.returning:
        differ = sum(
            1 for case in data.cases if case.note or any(line.note and line.note != "收齐" for line in case.items)
        )
        text += f"；窗口记录有差异或备注的 {differ} 件" if differ else "；窗口清点无差异"
    return text + "。"


def _case_line(n: int, case: VisitCase, returning: bool) -> Paragraph:
    who = L.esc(case.applicant_name)
    if case.applicant_id:
        who += f"（身份证 {L.mask_id(case.applicant_id)}）"
    text = f"<b>{n}. {L.esc(case.case_no)}</b>　申请人：{who}　事项：{L.esc(case.matter)}"
    if case.note:
        text += f"<br/>{'办理结果' if returning else '窗口记录'}：{L.esc(case.note)}"
    return L.markup(text, L.CELL)


def _rows(data: VisitReceipt) -> tuple[list[list[L.Cell]], set[int]]:
    last = "备注" if data.returning else "窗口清点"
    rows: list[list[L.Cell]] = [[L.para(h, L.TH) for h in (*HEADERS, last)]]
    heads: set[int] = set()
    for n, case in enumerate(data.cases, 1):
        head = _case_line(n, case, data.returning)
        heads.add(id(head))
        rows.append([head, None, None, None, None, None])
        for i, line in enumerate(case.items, 1):
            rows.append(
                [
                    L.para(f"{n}.{i}", L.CELL_CENTER),
                    L.para(line.name),
                    L.para(L.original_label(line.original), L.CELL_CENTER),
                    L.para(str(line.copies), L.CELL_CENTER),
                    L.para("" if not line.pages else str(line.pages), L.CELL_CENTER),
                    L.para(line.note),
                ]
            )
    if not data.cases:
        rows.append([L.para("本日无交接记录", L.CELL_CENTER), None, None, None, None, None])
        heads.add(id(rows[-1][0]))
    return rows, heads


def _widths(width: float) -> list[float]:
    fixed = [13 * mm, 22 * mm, 12 * mm, 12 * mm]
    rest = width - sum(fixed)
    return [fixed[0], rest * 0.6, *fixed[1:], rest * 0.4]


def story(data: VisitReceipt) -> list[Flowable]:
    width = L.PORTRAIT_WIDTH
    out = L.header(
        title(data),
        number(data),
        number(data),
        data.station.name,
        subtitle=SUBTITLE_OUT if data.returning else SUBTITLE_IN,
        number_label="清单编号",
        qr_caption="清单编号",
    )
    giver, taker = ("窗口工作人员", "代办员") if data.returning else ("代办员", "窗口工作人员")
    out.append(
        L.kv_grid(
            [
                ("交接日期", L.fmt_date(data.day), "交接地点", f"{data.center_name}窗口"),
                ("代办员", data.clerk_name, "窗口工作人员", data.staff_name),
            ],
            label_width=30 * mm,
        )
    )
    out.append(L.gap(3))
    rows, heads = _rows(data)
    widths = _widths(width)

    def make(part: Sequence[Sequence[L.Cell]]) -> Table:
        lines = [i for i, row in enumerate(part) if id(row[0]) in heads]
        spans = [((0, i), (-1, i)) for i in lines]
        extra: list[tuple[Any, ...]] = [("BACKGROUND", (0, i), (-1, i), _CASE_SHADE) for i in lines]
        return L.grid(part, widths, header_rows=1, repeat_header=True, spans=spans, extra=extra)

    statement = (
        "以上办理结果及材料已由窗口当面交还代办员，双方清点无误。"
        if data.returning
        else "以上材料已由代办员当面交窗口，双方逐项清点；窗口清点栏所记差异以本回执为准。"
    )
    when = L.fmt_date(data.day)
    closing: list[Flowable] = [
        L.gap(1.5),
        L.para(_totals(data), L.BODY),
        L.gap(2),
        L.para(statement, L.BODY_INDENT),
        L.gap(5),
        *L.signature_lines(
            [(f"交件人（{giver}）签字", None, when), (f"接收人（{taker}）签字", None, when)],
            sign_width=38 * mm,
            spacing_mm=6,
        ),
        L.gap(3),
        L.para(
            f"注：本单一式两份，代办站与{data.center_name}各执一份；打印时间 {L.fmt_datetime(data.printed_at)}。",
            L.SMALL,
        ),
    ]
    out.append(L.TableThenClosing(rows, make, 1, closing))
    return out


def render(data: VisitReceipt) -> bytes:
    """The 收件回执 or 退件清单 as A4 PDF bytes (第 N 页 共 M 页, the list's number in the footer)."""
    return L.build_pdf(story, data, title=title(data), info=L.PageInfo(number(data), data.center_name, "清单编号"))
