"""考核统计表: the town center's rates per 代办站 (village) and per clerk over a period, with a bar chart.

Portrait A4: the town's total, a horizontal bar chart of 满意率 per station (target line at
``ReviewReport.target``, stations below it in red and marked 未达标), then one table per station
and one per clerk (header repeated on every page), then the 分项评价: the average and 满意率 of the
overall rating and of each rated dimension (服务效率, 服务水平, 服务态度) per station. The numbers
are those of the center's 考核 page and its Excel export.

The county's report (``ReviewReport.towns``) compares its towns the same way: the chart, the table and the
分项评价 are per town, and a town's stations and clerks are in that town's own report (the county's drill-down).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether

from forms import fonts
from forms import layout as L
from forms.data import DIMENSION_LABELS, OVERALL, ReviewReport, ReviewRow, Score
from forms.figure_cell import FigureCell, TextLine

TITLE = "考核统计表"
RED = colors.Color(0.75, 0.22, 0.17)
BLUE = colors.Color(0.23, 0.47, 0.72)
GRID_GREY = colors.Color(0.82, 0.84, 0.86)
TEXT_GREY = colors.Color(0.35, 0.38, 0.42)
TARGET_GREEN = colors.Color(0.18, 0.49, 0.2)

HEADERS = ("序号", "名称", "办件数", "即办件\n现场办结率", "承诺件\n按时办结率", "评价数", "满意率", "差评")
_FIXED_MM = (9, None, 13, 24, 24, 13, 22, 11)
PADDING = 2.5
#: Stations per chart block: a drawing cannot split across pages.
CHART_ROWS = 16
_LABEL_SIZE = 8.5
#: The table's figures: L.SMALL_CENTER's size; red as the markup's #bf382b.
_SIZE = float(L.SMALL_CENTER.fontSize)
RED_TEXT = colors.HexColor("#bf382b")


def number(data: ReviewReport) -> str:
    return f"KH-{data.period}"


def qr_data(data: ReviewReport) -> str:
    """The center's review page for the period (staff log in to see it), else the report's number."""
    return data.link or number(data)


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def below_target(row: ReviewRow, target: float) -> bool:
    return row.satisfaction is not None and row.satisfaction < target


#: 即办件当场办结率 and 承诺件期限内办结率 must both be 100 % (the 代办 rules, seed 002).
RATE_TARGET = 1.0


def short(value: float | None) -> bool:
    """A 办结 rate below its 100 % target."""
    return value is not None and value < RATE_TARGET


def _verdict(value: float | None, ok: bool) -> str:
    return "" if value is None else ("，达标" if ok else "，未达标")


def summary(data: ReviewReport) -> str:
    t = data.total
    verdict = "" if t.satisfaction is None else ("，未达标" if below_target(t, data.target) else "，达标")
    return (
        f"{data.total_label}：办件 {t.cases} 件；即办件现场办结率 {pct(t.on_spot_rate)}"
        f"（{t.immediate_on_spot}/{t.immediate_done}，目标100%{_verdict(t.on_spot_rate, not short(t.on_spot_rate))}）；"
        f"承诺件按时办结率 {pct(t.on_time_rate)}"
        f"（{t.promised_on_time}/{t.promised_done}，目标100%{_verdict(t.on_time_rate, not short(t.on_time_rate))}）；"
        f"满意率 {pct(t.satisfaction)}"
        f"（{t.satisfied}/{t.rated}，目标≥{data.target * 100:.0f}%{verdict}）；差评 {t.bad} 件。"
    )


def tiles(data: ReviewReport, width: float) -> Flowable:
    """The town's total as five boxes: figure on top, what it is below (cf. the web page's tiles)."""
    t = data.total
    big = L.TITLE.clone("tile_figure", fontSize=15, leading=19)
    warn = big.clone("tile_warn", textColor=RED)

    def tile(figure: str, label: str, detail: str, style: object = big) -> list[Flowable]:
        return [L.para(figure, style), L.para(label, L.SMALL_CENTER), L.para(detail, L.SMALL_CENTER)]  # type: ignore[arg-type]

    verdict = "" if t.satisfaction is None else ("未达标" if below_target(t, data.target) else "达标")
    cells = [
        tile(str(t.cases), "办件数（件）", "按受理登记日期"),
        tile(
            pct(t.on_spot_rate),
            "即办件现场办结率",
            f"（{t.immediate_on_spot}/{t.immediate_done}）目标100%" + ("，未达标" if short(t.on_spot_rate) else ""),
            warn if short(t.on_spot_rate) else big,
        ),
        tile(
            pct(t.on_time_rate),
            "承诺件按时办结率",
            f"（{t.promised_on_time}/{t.promised_done}）目标100%" + ("，未达标" if short(t.on_time_rate) else ""),
            warn if short(t.on_time_rate) else big,
        ),
        tile(
            pct(t.satisfaction),
            f"满意率（目标≥{data.target * 100:.0f}%）",
            f"（{t.satisfied}/{t.rated}）{verdict}",
            warn if verdict == "未达标" else big,
        ),
        tile(str(t.bad), "差评（件）", "不满意、非常不满意", warn if t.bad else big),
    ]
    return L.grid([cells], [width / 5] * 5, padding=3)


# ---------------------------------------------------------------- chart


def _wrap_label(text: str, width: float, lines: int = 2) -> list[str]:
    """``text`` broken into at most ``lines`` lines of ``width``, preferably before "（" or after "、";
    the last line clipped with … when it still does not fit."""
    out: list[str] = []
    rest = text.replace(" · ", "·")
    while rest and len(out) < lines:
        if len(out) == lines - 1 or fonts.string_width(rest, fonts.SONG, _LABEL_SIZE) <= width:
            out.append(L.clip(rest, width, _LABEL_SIZE))
            break
        cut = len(rest)
        while cut > 1 and fonts.string_width(rest[:cut], fonts.SONG, _LABEL_SIZE) > width:
            cut -= 1
        nice = max(rest.rfind("（", 1, cut + 1), rest.rfind("、", 0, cut) + 1, rest.rfind("·", 0, cut) + 1)
        if nice > cut // 2:
            cut = nice
        out.append(rest[:cut])
        rest = rest[cut:]
    return out or [""]


def _scale_floor(values: Sequence[float]) -> float:
    """The left end of the axis: 80 %, widened in steps of 10 % when a station is lower."""
    return min(0.8, max(0.0, math.floor(min(values, default=1.0) * 10) / 10 - 0.1))


def satisfaction_chart(rows: Sequence[ReviewRow], target: float, width: float, lo: float | None = None) -> Drawing:
    """Horizontal bars of 满意率 per station with the target as a dashed line (one drawing, no page break)."""
    fonts.register()
    label_w, value_w = 48 * mm, 22 * mm
    left, bar_w = label_w, width - label_w - value_w
    if lo is None:
        lo = _scale_floor([r.satisfaction for r in rows if r.satisfaction is not None])
    labels = [_wrap_label(r.name, label_w - 3 * mm) for r in rows]
    heights = [max(12.0, 10.5 * len(lines)) + 6 for lines in labels]
    top, bottom = 14.0, 14.0
    height = top + sum(heights) + bottom
    d = Drawing(width, height)
    # else the renderer starts with a non-embedded Helvetica (an attribute types-reportlab does not declare)
    d.initialFontName = fonts.SONG  # type: ignore[attr-defined]

    def x(value: float) -> float:
        return left + max(0.0, (value - lo) / (1 - lo)) * bar_w

    step = 0.05 if lo >= 0.8 else 0.1
    for i in range(round((1 - lo) / step) + 1):
        tick = lo + i * step
        d.add(Line(x(tick), bottom - 2, x(tick), height - top + 2, strokeColor=GRID_GREY, strokeWidth=0.5))
        d.add(String(x(tick), height - 9, f"{tick * 100:.0f}%", fontName=fonts.SONG, fontSize=7.5,
                     fillColor=TEXT_GREY, textAnchor="middle"))  # fmt: skip
    d.add(Line(x(target), bottom - 4, x(target), height - top + 2, strokeColor=TARGET_GREEN, strokeWidth=1.2,
               strokeDashArray=[4, 2]))  # fmt: skip
    d.add(String(x(target), 2, f"目标 {target * 100:.0f}%", fontName=fonts.HEI, fontSize=7.5,
                 fillColor=TARGET_GREEN, textAnchor="middle"))  # fmt: skip
    y = height - top
    for row, lines, row_h in zip(rows, labels, heights, strict=True):
        y -= row_h
        middle = y + row_h / 2
        first = middle + (len(lines) - 1) * 10.5 / 2 - 3
        for n, line in enumerate(lines):
            d.add(String(label_w - 3 * mm, first - n * 10.5, line, fontName=fonts.SONG, fontSize=_LABEL_SIZE,
                         textAnchor="end"))  # fmt: skip
        value = row.satisfaction
        if value is None:
            d.add(String(left + 4, middle - 3, "暂无评价", fontName=fonts.SONG, fontSize=8, fillColor=TEXT_GREY))
            continue
        bad = value < target
        bar_h = 11.0
        # types-reportlab types Rect's **kw as the TypedDict itself rather than Unpack[...]: its kwargs never match
        d.add(Rect(left, middle - bar_h / 2, max(1.5, x(value) - left), bar_h, fillColor=RED if bad else BLUE,  # type: ignore[arg-type]
                   strokeColor=None))  # type: ignore[arg-type]  # fmt: skip
        text = f"{value * 100:.1f}%" + ("  未达标" if bad else "")
        font = fonts.HEI if bad else fonts.SONG
        text_w = fonts.string_width(text, font, 8)
        d.add(Rect(x(value) + 2, middle - 5, text_w + 4, 11, fillColor=colors.white, strokeColor=None))  # type: ignore[arg-type]
        d.add(String(x(value) + 4, middle - 3, text, fontName=font, fontSize=8,
                     fillColor=RED if bad else colors.black))  # fmt: skip
    d.add(Line(left, bottom - 2, left, height - top + 2, strokeColor=colors.black, strokeWidth=0.8))
    return d


def compared(data: ReviewReport) -> Sequence[ReviewRow]:
    """The lines the chart and the 分项评价 compare: the county's towns, else the town's stations."""
    return data.towns or data.stations


def chart_blocks(data: ReviewReport, width: float) -> list[Flowable]:
    rows = list(compared(data))
    if not rows:
        return [L.para("本期没有办件。", L.BODY)]
    lo = _scale_floor([r.satisfaction for r in rows if r.satisfaction is not None])
    return [
        satisfaction_chart(rows[i : i + CHART_ROWS], data.target, width, lo) for i in range(0, len(rows), CHART_ROWS)
    ]


# ---------------------------------------------------------------- tables


def _figure(text: str, style: ParagraphStyle = L.SMALL_CENTER) -> Flowable:
    return FigureCell([TextLine(text, float(style.fontSize))], style)


def _two_lines(value: str, detail: str, low: bool) -> Flowable:
    """The figure over its count (size 7), or in red bold over 未达标 when ``low``."""
    if low:
        lines = [TextLine(value, _SIZE, True, RED_TEXT), TextLine("未达标", _SIZE, False, RED_TEXT)]
        return FigureCell(lines, L.SMALL_CENTER)
    return FigureCell([TextLine(value, _SIZE), TextLine(detail, 7)], L.SMALL_CENTER)


def _rate_cell(value: float | None, part: int, whole: int) -> Flowable:
    if value is None:
        return _figure("—", L.CELL_CENTER)
    return _two_lines(pct(value), f"（{part}/{whole}）", short(value))


def _satisfaction_cell(row: ReviewRow, target: float) -> Flowable:
    if row.satisfaction is None:
        return _figure("—", L.CELL_CENTER)
    return _two_lines(pct(row.satisfaction), f"（{row.satisfied}/{row.rated}）", below_target(row, target))


def _name_cell(name: str, width: float) -> Flowable:
    """ "陈晓燕 · 石桥村代办站（QX0312）": the clerk in bold on the first line; a station's code
    "（QX0312）" kept whole on a line of its own when the name needs more than one line."""
    clerk, _, station = name.rpartition(" · ")
    head = f"<b>{L.esc(clerk)}</b><br/>" if clerk else ""
    lines = [TextLine(clerk, _SIZE, True)] if clerk else []
    room = width - 2 * PADDING
    if fonts.string_width(station, fonts.SONG, L.SMALL.fontSize) > room and "（" in station[1:]:
        at = station.rindex("（")
        lines += [TextLine(station[:at], _SIZE), TextLine(station[at:], _SIZE)]
        return FigureCell(lines, L.SMALL, f"{head}{L.esc(station[:at])}<br/>{L.esc(station[at:])}")
    return FigureCell([*lines, TextLine(station, _SIZE)], L.SMALL, head + L.esc(station))


def _cells(n: str, row: ReviewRow, target: float, name_width: float) -> list[L.Cell]:
    return [
        _figure(n),
        _name_cell(row.name, name_width),
        _figure(str(row.cases)),
        _rate_cell(row.on_spot_rate, row.immediate_on_spot, row.immediate_done),
        _rate_cell(row.on_time_rate, row.promised_on_time, row.promised_done),
        _figure(str(row.rated)),
        _satisfaction_cell(row, target),
        _figure(str(row.bad)),
    ]


def _widths(width: float) -> list[float]:
    fixed = sum(w for w in _FIXED_MM if w is not None) * mm
    return [w * mm if w is not None else width - fixed for w in _FIXED_MM]


def rates_table(rows: Sequence[ReviewRow], data: ReviewReport, width: float, *, total: bool) -> Flowable:
    """One line per station or clerk; the town's total at the end (``total``); header on every page."""
    table_rows: list[list[L.Cell]] = [[L.para(h, L.TH_SMALL) for h in HEADERS]]
    widths = _widths(width)
    table_rows += [_cells(str(n), r, data.target, widths[1]) for n, r in enumerate(rows, 1)]
    extra: list[tuple[object, ...]] = []
    if not rows:
        table_rows.append([L.para("本期没有办件", L.SMALL_CENTER)] + [None] * (len(HEADERS) - 1))
        extra.append(("SPAN", (0, 1), (-1, 1)))
    if total:
        table_rows.append(_cells("", data.total, data.target, widths[1]))
        table_rows[-1][1] = L.markup(f"<b>{L.esc(data.total_label)}</b>", L.SMALL)
        extra.append(("BACKGROUND", (0, -1), (-1, -1), colors.Color(0.95, 0.95, 0.95)))
    pink = colors.Color(0.99, 0.92, 0.91)
    for n, row in enumerate(rows, 1):
        if short(row.on_spot_rate):
            extra.append(("BACKGROUND", (3, n), (3, n), pink))
        if short(row.on_time_rate):
            extra.append(("BACKGROUND", (4, n), (4, n), pink))
        if below_target(row, data.target):
            extra.append(("BACKGROUND", (6, n), (6, n), pink))
    return L.grid(table_rows, widths, header_rows=1, repeat_header=True, padding=PADDING, extra=extra)


# ---------------------------------------------------------------- 分项评价

#: The overall rating and the 服务意见反馈表's rated dimensions, as the 分项评价 table's columns.
SCORE_LABELS = {OVERALL: "总体评价", **DIMENSION_LABELS}


def _score_cell(score: Score | None, target: float) -> Flowable:
    """Average (1-5) over 满意率 (satisfied/rated); red when the 满意率 is below the target."""
    if score is None or score.average is None:
        return _figure("—", L.CELL_CENTER)
    low = score.satisfaction is not None and score.satisfaction < target
    rate = f"{pct(score.satisfaction)}（{score.satisfied}/{score.rated}）"
    detail = TextLine(rate, 7, True, RED_TEXT) if low else TextLine(rate, 7)
    return FigureCell([TextLine(f"{score.average:.2f}分", _SIZE), detail], L.SMALL_CENTER)


def scores_table(data: ReviewReport, width: float) -> Flowable:
    """Per station (the county's: per town) and the total: each dimension's average and 满意率 (header on every
    page)."""
    rest = (width - 9 * mm) * 0.64 / len(SCORE_LABELS)
    widths = [9 * mm, width - 9 * mm - rest * len(SCORE_LABELS)] + [rest] * len(SCORE_LABELS)
    head = ["序号", "名称", *SCORE_LABELS.values()]
    rows: list[list[L.Cell]] = [[L.para(h, L.TH_SMALL) for h in head]]
    lines = [(str(n), r) for n, r in enumerate(compared(data), 1)] + [("", data.total)]
    for n, row in lines:
        rows.append(
            [
                _figure(n),
                _name_cell(row.name, widths[1]) if n else L.markup(f"<b>{L.esc(data.total_label)}</b>", L.SMALL),
                *(_score_cell(row.scores.get(key), data.target) for key in SCORE_LABELS),
            ]
        )
    extra: list[tuple[object, ...]] = [("BACKGROUND", (0, -1), (-1, -1), colors.Color(0.95, 0.95, 0.95))]
    return L.grid(rows, widths, header_rows=1, repeat_header=True, padding=PADDING, extra=extra)


# ---------------------------------------------------------------- the document


def story(data: ReviewReport) -> list[Flowable]:
    width = L.PORTRAIT_WIDTH
    out = L.header(
        TITLE,
        number(data),
        qr_data(data),
        data.center_name,
        subtitle=f"统计周期：{data.period_label}（按受理登记日期）",
        number_label="编号",
        qr_caption="扫码查看考核页面" if data.link else "统计表编号",
        unit_label="统计单位",
    )
    out.append(L.gap(1))
    out.append(tiles(data, width))
    out.append(L.gap(2))
    charts = chart_blocks(data, width)
    out.append(KeepTogether([L.para("各镇满意率" if data.towns else "各代办站满意率", L.HEADING), charts[0]]))
    out.extend(charts[1:])
    out.append(L.gap(2))
    out.append(CondPageBreak(40 * mm))
    if data.towns:
        out.append(L.para("按镇统计（各镇的代办站和代办员见该镇的考核统计表）", L.HEADING))
        out.append(rates_table(data.towns, data, width, total=True))
    else:
        out.append(L.para("按代办站（村）统计", L.HEADING))
        out.append(rates_table(data.stations, data, width, total=True))
        out.append(L.gap(2))
        out.append(CondPageBreak(40 * mm))
        out.append(L.para("按代办员统计", L.HEADING))
        out.append(rates_table(data.clerks, data, width, total=False))
    out.append(L.gap(2))
    out.append(CondPageBreak(40 * mm))
    out.append(L.para(f"分项评价（{'按镇' if data.towns else '按代办站'}，服务意见反馈表）", L.HEADING))
    out.append(scores_table(data, width))
    out.append(L.gap(2))
    out.append(
        L.para(
            f"说明：满意率＝（非常满意＋满意＋基本满意）÷评价数，目标≥{data.target * 100:.0f}%，未达标者标红；"
            "即办件现场办结率＝受理当日办结÷已办结即办件；承诺件按时办结率＝承诺期限内办结÷已办结承诺件，"
            "两项目标均为100%，未达标者标红；分项评价为平均分（1～5分）和满意率，分项可不评，评价数各自计算；"
            "“—”表示本期没有此类办件或评价。",
            L.SMALL,
        )
    )
    out.append(L.gap(3))
    out.append(
        L.para(f"制表人：{data.printed_by or '__________'}        打印日期：{L.fmt_date(data.printed_on)}", L.BODY)
    )
    return out


def render(data: ReviewReport) -> bytes:
    """The 考核统计表 as a portrait A4 PDF (第 N 页 共 M 页; identical bytes for identical input)."""
    return L.build_pdf(
        story, data, title=f"{TITLE}（{data.period_label}）", info=L.PageInfo(number(data), data.center_name)
    )
