"""Exports of the evaluation: Excel with the 差评 ledger (openpyxl), and the printed 考核统计表 (forms.review)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from forms import review
from forms.data import DIMENSION_LABELS, OVERALL, ReviewReport, ReviewRow, Score
from forms.errors import FormDataError
from sync.domain.ratings import RATING_LABELS
from sync.protocol.models import ErrorCode

from ..core.staff_models import FollowupRow
from .errors import ServiceError
from .evaluation import SATISFACTION_TARGET, Evaluation, Rates

#: Rates are stored as numbers (0.985) shown as percentages, so the town can sort and sum them in Excel.
PERCENT = "0.0%"
_RATE_COLUMNS = (3, 4, 6)  # 即办件现场办结率, 承诺件按时办结率, 满意率


_Value = str | float | datetime | None


def _widen_names(sheet: WriteOnlyWorksheet) -> None:
    """Column A (the names) wide enough; a write-only sheet takes it before its first row."""
    sheet.column_dimensions["A"].width = 36  # type: ignore[attr-defined]  # openpyxl has it, its stubs miss it


def _cell(sheet: WriteOnlyWorksheet, value: _Value, number_format: str = "", bold: bool = False) -> Cell:
    cell = WriteOnlyCell(sheet, value=value)
    if number_format:
        cell.number_format = number_format
    if bold:
        cell.font = Font(bold=True, size=14)
    return cell


def _rates_sheet(sheet: WriteOnlyWorksheet, title: str, rows: Sequence[Rates]) -> None:
    sheet.append([title])
    sheet.append(["名称", "办件数", "即办件现场办结率", "承诺件按时办结率", "评价数", "满意率", "差评数"])
    for r in rows:
        line: list[_Value] = [r.label, r.cases, r.on_spot_rate, r.on_time_rate, r.rated, r.satisfaction, r.bad]
        sheet.append([_cell(sheet, v, PERCENT) if n + 1 in _RATE_COLUMNS else v for n, v in enumerate(line)])
    sheet.append([])


#: The 总体 rating and the rated dimensions of the 服务意见反馈表, as the 分项评价 columns name them.
SCORE_LABELS = {OVERALL: "总体评价", **DIMENSION_LABELS}


def _scores_sheet(sheet: WriteOnlyWorksheet, ev: Evaluation) -> None:
    """Average (1-5) and 满意率 of the overall rating and each dimension, for the town and each station (the
    county's: for the county and each town)."""
    _widen_names(sheet)
    sheet.append([_cell(sheet, f"分项评价（{ev.label}，1～5分，满意率＝基本满意及以上÷评价数）", bold=True)])
    head = ["名称"]
    for label in SCORE_LABELS.values():
        head += [f"{label}评价数", f"{label}平均分", f"{label}满意率"]
    sheet.append(head)
    for r in [ev.total, *(ev.towns or ev.stations)]:
        scores = r.scores
        line: list[object] = [r.label]
        for key in SCORE_LABELS:
            score = scores.get(key, Score())
            line += [score.rated, _cell(sheet, score.average, "0.00"), _cell(sheet, score.satisfaction, PERCENT)]
        sheet.append(line)


def _day(sheet: WriteOnlyWorksheet, text: str | None) -> object:
    return _cell(sheet, datetime.fromisoformat(text), "yyyy-mm-dd") if text else None


def evaluation_workbook(ev: Evaluation, ledger: Iterable[FollowupRow], names: dict[str, str]) -> bytes:
    """The review (rows already counted) and the 差评 ledger, written row by row (openpyxl's write-only mode keeps
    no sheet in memory), so a county's ledger may be streamed from the database as it is written."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("考核")
    _widen_names(ws)
    whole = ev.total.label.removesuffix("合计")  # 全镇, 全县, or the town the county drilled into
    heading = "镇为民服务中心考核统计" if whole == "全镇" else f"{whole}考核统计"
    ws.append([_cell(ws, f"{heading}（{ev.label}）", bold=True)])
    _rates_sheet(ws, whole, [ev.total])
    if ev.towns:
        _rates_sheet(ws, "按镇", ev.towns)
    _rates_sheet(ws, "按代办站", ev.stations)
    _rates_sheet(ws, "按代办员", ev.clerks)
    _scores_sheet(wb.create_sheet("分项评价"), ev)
    sheet = wb.create_sheet("差评台账")
    sheet.append(
        ["办件编号", "代办站", "代办员", "评价", "意见", "评价日期", "回访期限", "办结日期", "回访整改情况", "经办人"]
    )
    for f in ledger:
        sheet.append(
            [
                f.case_no,
                names.get(f.station_id, f.station_id),
                f.clerk,
                RATING_LABELS.get(f.rating, str(f.rating)),
                f.comment,
                _day(sheet, f.rated_on),
                _day(sheet, f.due_on),
                _day(sheet, f.closed_on) or "未完成",
                f.outcome,
                f.closed_by,
            ]
        )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _review_row(r: Rates, name: str | None = None) -> ReviewRow:
    return ReviewRow(
        name=name or r.label,
        cases=r.cases,
        immediate_done=r.immediate_done,
        immediate_on_spot=r.immediate_on_spot,
        promised_done=r.promised_done,
        promised_on_time=r.promised_on_time,
        rated=r.rated,
        satisfied=r.satisfied,
        bad=r.bad,
        scores=r.scores,
    )


def evaluation_report(
    ev: Evaluation, *, center_name: str, printed_by: str, printed_on: date, link: str = ""
) -> ReviewReport:
    """The evaluation as the plain record ``forms.review`` prints (same numbers as the page and the Excel)."""
    return ReviewReport(
        center_name=center_name,
        period=ev.period,
        period_label=ev.label,
        total=_review_row(ev.total),
        # The county's report compares towns; each town's stations and clerks are in that town's report.
        stations=[] if ev.towns else [_review_row(r) for r in ev.stations],
        clerks=[] if ev.towns else [_review_row(r) for r in ev.clerks],
        towns=[_review_row(r) for r in ev.towns],
        total_label=ev.total.label,
        target=SATISFACTION_TARGET,
        printed_on=printed_on,
        printed_by=printed_by,
        link=link,
    )


def evaluation_pdf(report: ReviewReport) -> bytes:
    """The 考核统计表 PDF; a name no embedded font can draw is refused in Chinese, never printed blank."""
    try:
        return review.render(report)
    except FormDataError as exc:
        raise ServiceError(ErrorCode.INVALID_REQUEST, exc.message) from None
