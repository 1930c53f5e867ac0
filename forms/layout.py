"""Page template, header, footer, paragraph and table styles shared by every form.

A form module builds a Platypus story (a list of flowables) from its data record with the
helpers here and hands it to :func:`build_pdf`, which lays it out on A4 with a binding
margin, draws the footer (编号, 第 N 页 共 M 页) on every page and returns the PDF bytes.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph, Spacer, Table, TableStyle

from forms import fonts
from forms.data import MaterialLine, Signature, Station
from forms.widgets import SignatureLine, qr_drawing

# Binding margin on the left (装订线), the usual office-printer safe area elsewhere.
LEFT_MARGIN = 28 * mm
RIGHT_MARGIN = 18 * mm
TOP_MARGIN = 16 * mm
BOTTOM_MARGIN = 20 * mm
FOOTER_Y = 10 * mm
QR_SIZE = 21 * mm

PORTRAIT_WIDTH = A4[0] - LEFT_MARGIN - RIGHT_MARGIN
LANDSCAPE_WIDTH = A4[1] - LEFT_MARGIN - RIGHT_MARGIN

BLANK_DATE = "_____年___月___日"
BLANK_DATETIME = "_____年___月___日___时___分"

fonts.register()


def _style(name: str, **kw: Any) -> ParagraphStyle:
    base: dict[str, Any] = {"fontName": fonts.SONG, "fontSize": 10.5, "leading": 15.5, "wordWrap": "CJK"}
    base.update(kw)
    return ParagraphStyle(name, **base)


TITLE = _style("title", fontName=fonts.HEI, fontSize=19, leading=26, alignment=TA_CENTER)
SUBTITLE = _style("subtitle", fontSize=10.5, leading=14, alignment=TA_CENTER)
HEADING = _style("heading", fontName=fonts.HEI, fontSize=11, leading=15, spaceBefore=2, spaceAfter=2)
BODY = _style("body")
BODY_INDENT = _style("body_indent", firstLineIndent=21)
CELL = _style("cell", fontSize=10, leading=14)
CELL_CENTER = _style("cell_center", fontSize=10, leading=14, alignment=TA_CENTER)
LABEL = _style("label", fontSize=10, leading=14, alignment=TA_CENTER)
TH = _style("th", fontName=fonts.HEI, fontSize=9.5, leading=13, alignment=TA_CENTER)
TH_SMALL = _style("th_small", fontName=fonts.HEI, fontSize=8.5, leading=11, alignment=TA_CENTER)
SMALL = _style("small", fontSize=8.5, leading=12)
SMALL_CENTER = _style("small_center", fontSize=8.5, leading=12, alignment=TA_CENTER)
SMALL_RIGHT = _style("small_right", fontSize=8.5, leading=12, alignment=TA_RIGHT)
META_LEFT = _style("meta_left", fontSize=10, leading=14, alignment=TA_LEFT)
META_RIGHT = _style("meta_right", fontSize=10, leading=14, alignment=TA_RIGHT)
COPY_LABEL = _style("copy_label", fontName=fonts.HEI, fontSize=10.5, leading=14, alignment=TA_LEFT)


# ---------------------------------------------------------------- text


class CellParagraph(Paragraph):
    """A paragraph that never draws past its width.

    ReportLab's CJK wrapping keeps a closing mark (。，、） …) at the end of a full line, one
    character beyond the width; in a table cell that crosses the rule. Such a paragraph is
    wrapped again one character narrower, so the hanging mark stays inside.
    """

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        width, height = super().wrap(availWidth, availHeight)
        if self._overhangs(availWidth):
            em = float(self.style.fontSize)
            width, height = super().wrap(max(availWidth - em, em), availHeight)
            self.width = availWidth
        return width, height

    def _overhangs(self, avail: float) -> bool:
        para = getattr(self, "blPara", None)
        if para is None:
            return False
        style = self.style
        room = avail - float(style.leftIndent) - float(style.rightIndent)
        for n, line in enumerate(para.lines):
            line_room = room - (float(style.firstLineIndent) if n == 0 else 0.0)
            # Lines come as tuples (extraSpace, words), FragLines with extraSpace, or ABags with width.
            extra = getattr(line, "extraSpace", None)
            if extra is None and isinstance(line, tuple):
                extra = line[0]
            used = getattr(line, "width", None)
            if (extra is not None and extra < -0.01) or (used is not None and used > line_room + 0.01):
                return True
        return False


def para(text: str, style: ParagraphStyle = CELL) -> Paragraph:
    """A paragraph of plain user text: markup escaped, line breaks kept."""
    return CellParagraph(escape(text).replace("\n", "<br/>"), style)


def clip(text: str, width: float, size: float, font: str = fonts.SONG) -> str:
    """``text`` cut to ``width`` with an ellipsis (for one-line footers, never for form content)."""
    if fonts.string_width(text, font, size) <= width:
        return text
    while text and fonts.string_width(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


def fit(text: str, width: float, style: ParagraphStyle = SMALL) -> Paragraph | str:
    """Plain text when it fits on one line of ``width`` (much faster in long tables), else a paragraph.

    A plain-string cell takes its font from the table's FONT command: keep it the same as ``style``.
    """
    if "\n" not in text and fonts.string_width(text, style.fontName, style.fontSize) <= width:
        return text
    return para(text, style)


def markup(xml: str, style: ParagraphStyle = BODY) -> Paragraph:
    """A paragraph whose text is already ReportLab markup (escape user parts with :func:`esc`)."""
    return CellParagraph(xml, style)


def esc(text: str) -> str:
    return escape(text).replace("\n", "<br/>")


def fmt_date(value: date | None, blank: str = BLANK_DATE) -> str:
    if value is None:
        return blank
    return f"{value.year}年{value.month}月{value.day}日"


def fmt_datetime(value: datetime | None, blank: str = BLANK_DATETIME) -> str:
    if value is None:
        return blank
    return f"{value.year}年{value.month}月{value.day}日{value.hour:02d}时{value.minute:02d}分"


def original_label(original: bool) -> str:
    return "原件" if original else "复印件"


def mask_id(number: str) -> str:
    """De-identify an ID number for lists and ledgers (GB/T 35273): 440308********1234."""
    n = len(number)
    if n >= 15:
        return number[:6] + "*" * (n - 10) + number[-4:]
    if n >= 5:
        return number[:2] + "*" * (n - 4) + number[-2:]
    return "*" * n


# ---------------------------------------------------------------- header and tables


def header(
    title: str,
    number: str,
    qr_data: str,
    station_name: str,
    *,
    width: float = PORTRAIT_WIDTH,
    subtitle: str | None = None,
    copy_label: str | None = None,
    number_label: str = "编号",
    qr_caption: str = "扫码查看办件",
) -> list[Flowable]:
    """Title centered in bold, QR code top right, station name left and 编号 right below it."""
    side = QR_SIZE + 4 * mm
    if copy_label:
        side = max(side, fonts.string_width(copy_label, fonts.HEI, COPY_LABEL.fontSize) + 3 * mm)
    center: list[Flowable] = [para(title, TITLE)]
    if subtitle:
        center.append(para(subtitle, SUBTITLE))
    left: list[Flowable] = [para(copy_label, COPY_LABEL)] if copy_label else []
    right: list[Flowable] = [qr_drawing(qr_data, QR_SIZE), para(qr_caption, SMALL_CENTER)]
    top = Table([[left, center, right]], colWidths=[side, width - 2 * side, side])
    top.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), fonts.SONG, 10),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("VALIGN", (0, 0), (0, 0), "TOP"),
                ("ALIGN", (2, 0), (2, 0), "RIGHT"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    meta = Table(
        [[para(f"代办站：{station_name}", META_LEFT), para(f"{number_label}：{number}", META_RIGHT)]],
        colWidths=[width * 0.58, width * 0.42],
    )
    meta.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), fonts.SONG, 10),
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return [top, meta]


Cell = Flowable | str | Sequence[Flowable] | None


def grid(
    rows: Sequence[Sequence[Cell]],
    col_widths: Sequence[float],
    *,
    spans: Sequence[tuple[tuple[int, int], tuple[int, int]]] = (),
    header_rows: int = 0,
    repeat_header: bool = False,
    extra: Sequence[tuple[Any, ...]] = (),
    padding: float = 3,
) -> Table:
    """A ruled form table. Cells should be Paragraphs (which wrap) or flowables.

    ``spans`` are ((col0, row0), (col1, row1)) pairs as in ReportLab's SPAN command.
    """
    table = Table(
        [list(r) for r in rows],
        colWidths=list(col_widths),
        repeatRows=header_rows if repeat_header else 0,
    )
    style: list[tuple[Any, ...]] = [
        # Cell font of non-paragraph cells; without it ReportLab pulls in a non-embedded Helvetica.
        ("FONT", (0, 0), (-1, -1), fonts.SONG, 10),
        ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
        ("BOX", (0, 0), (-1, -1), 1.2, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), padding),
        ("RIGHTPADDING", (0, 0), (-1, -1), padding),
        ("TOPPADDING", (0, 0), (-1, -1), padding - 0.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), padding + 0.5),
    ]
    for start, end in spans:
        style.append(("SPAN", start, end))
    if header_rows:
        style.append(("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.Color(0.92, 0.92, 0.92)))
    style.extend(extra)
    table.setStyle(TableStyle(style))
    return table


def plain_table(rows: Sequence[Sequence[Cell]], col_widths: Sequence[float], valign: str = "BOTTOM") -> Table:
    """A table without rules, for laying out signature lines side by side."""
    table = Table([list(r) for r in rows], colWidths=list(col_widths))
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), fonts.SONG, 10),
                ("VALIGN", (0, 0), (-1, -1), valign),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 6),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


def material_rows(lines: Sequence[MaterialLine], *, with_pages: bool = False) -> list[list[Cell]]:
    """Header and one row per material for a materials table."""
    head = ["序号", "材料名称", "原件/复印件", "份数"] + (["页数"] if with_pages else []) + ["备注"]
    rows: list[list[Cell]] = [[para(h, TH) for h in head]]
    for i, line in enumerate(lines, 1):
        row: list[Cell] = [
            para(str(i), CELL_CENTER),
            para(line.name),
            para(original_label(line.original), CELL_CENTER),
            para(str(line.copies), CELL_CENTER),
        ]
        if with_pages:
            row.append(para("" if line.pages is None else str(line.pages), CELL_CENTER))
        row.append(para(line.note))
        rows.append(row)
    if not lines:
        empty: list[Cell] = [para("—", CELL_CENTER), para("（无）"), None, None, None]
        rows.append(empty + ([None] if with_pages else []))
    return rows


def material_widths(width: float, *, with_pages: bool = False) -> list[float]:
    fixed = [11 * mm, 22 * mm, 13 * mm] + ([13 * mm] if with_pages else [])
    rest = width - sum(fixed)
    return [fixed[0], rest * 0.62, *fixed[1:], rest * 0.38]


def gap(height_mm: float = 3) -> Spacer:
    return Spacer(1, height_mm * mm)


# ---------------------------------------------------------------- the document


@dataclass(frozen=True)
class PageInfo:
    """What the footer prints on every page."""

    number: str
    station_name: str
    number_label: str = "编号"


class _NumberedCanvas(Canvas):
    """Holds pages back until the end so the footer can say 共 M 页."""

    def __init__(self, *args: Any, page_info: PageInfo, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._page_width = float(kwargs.get("pagesize", A4)[0])
        self._page_info = page_info
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        # ReportLab's own page reset (the documented NumberedCanvas recipe); not in the stubs.
        self._startPage()  # type: ignore[attr-defined]

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self._footer(total)
            super().showPage()
        super().save()

    def _footer(self, total: int) -> None:
        info = self._page_info
        width = self._page_width
        self.saveState()
        self.setFont(fonts.SONG, 8.5)
        page = f"第 {self.getPageNumber()} 页 共 {total} 页"
        side = (width - LEFT_MARGIN - RIGHT_MARGIN - fonts.string_width(page, fonts.SONG, 8.5)) / 2 - 6
        self.drawCentredString(width / 2, FOOTER_Y, page)
        self.drawString(LEFT_MARGIN, FOOTER_Y, clip(f"{info.number_label}：{info.number}", side, 8.5))
        self.drawRightString(width - RIGHT_MARGIN, FOOTER_Y, clip(info.station_name, side, 8.5))
        self.setLineWidth(0.4)
        self.line(LEFT_MARGIN, FOOTER_Y + 11, width - RIGHT_MARGIN, FOOTER_Y + 11)
        self.restoreState()


def build_pdf(story: list[Flowable], *, title: str, info: PageInfo, landscape_page: bool = False) -> bytes:
    """Lay ``story`` out on A4 and return the PDF (identical bytes for identical input)."""
    fonts.register()
    pagesize = landscape(A4) if landscape_page else A4
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=pagesize,
        leftMargin=LEFT_MARGIN,
        rightMargin=RIGHT_MARGIN,
        topMargin=TOP_MARGIN,
        bottomMargin=BOTTOM_MARGIN,
        title=title,
        subject=info.number,
        author=info.station_name,
        creator="代办通",
        invariant=1,
        initialFontName=fonts.SONG,
        initialFontSize=10.5,
        initialLeading=15.5,
        lang="zh-CN",
    )
    frame = Frame(
        doc.leftMargin,
        doc.bottomMargin,
        doc.width,
        doc.height,
        id="body",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    doc.addPageTemplates([PageTemplate(id="form", frames=[frame])])

    def canvasmaker(*args: Any, **kwargs: Any) -> _NumberedCanvas:
        return _NumberedCanvas(*args, page_info=info, **kwargs)

    # ReportLab keeps per-document subset state inside the shared TTFont objects: one build at a time.
    with _build_lock:
        doc.build(story, canvasmaker=canvasmaker)
    return buffer.getvalue()


_build_lock = threading.Lock()


def case_url(base: str, case_no: str) -> str:
    """What the QR code holds: the configured base URL followed by the case number."""
    return f"{base}{case_no}"


Value = Flowable | str | Sequence[Flowable]
KV = tuple[str, Value] | tuple[str, Value, str, Value]


def _value(value: Flowable | str | Sequence[Flowable]) -> Cell:
    return para(value) if isinstance(value, str) else value


def kv_grid(
    rows: Sequence[KV],
    *,
    width: float = PORTRAIT_WIDTH,
    label_width: float = 24 * mm,
    min_heights: dict[int, float] | None = None,
) -> Table:
    """The usual label | value [| label | value] form grid; two-item rows span the full width.

    ``min_heights`` maps a row index to a minimum height, e.g. room to write by hand.
    """
    value_w = (width - 2 * label_width) / 2
    cells: list[list[Cell]] = []
    spans: list[tuple[tuple[int, int], tuple[int, int]]] = []
    for n, row in enumerate(rows):
        if len(row) == 2:
            cells.append([para(row[0], LABEL), _value(row[1]), None, None])
            spans.append(((1, n), (3, n)))
        else:
            cells.append([para(row[0], LABEL), _value(row[1]), para(row[2], LABEL), _value(row[3])])
    for n, height in (min_heights or {}).items():
        cells[n][1] = AtLeast(cells[n][1], height)
    return grid(cells, [label_width, value_w, label_width, width - 2 * label_width - value_w], spans=spans)


class AtLeast(Flowable):
    """Wraps a cell's content so the row is at least ``height`` tall; content sits at the top."""

    def __init__(self, content: Cell, height: float) -> None:
        super().__init__()
        if content is None or isinstance(content, str):
            content = para(content or "")
        self.content: list[Flowable] = [content] if isinstance(content, Flowable) else list(content)
        self.min_height = height
        self._heights: list[float] = []

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self._heights = [f.wrap(availWidth, availHeight)[1] for f in self.content]
        self.width = availWidth
        self.height = max(self.min_height, sum(self._heights))
        return availWidth, self.height

    def draw(self) -> None:
        y = self.height
        for flowable, h in zip(self.content, self._heights, strict=True):
            y -= h
            flowable.drawOn(self.canv, 0, y)


def signature_lines(
    specs: Sequence[tuple[str, Signature | None, str]],
    *,
    date_label: str = "日期",
    sign_width: float = 40 * mm,
    spacing_mm: float = 4,
) -> list[Flowable]:
    """Stacked signature lines ``(label, signature, date text)`` whose underlines line up."""
    label_w = max(fonts.string_width(f"{label}：", fonts.SONG, 10.5) for label, _, _ in specs)
    out: list[Flowable] = []
    for n, (label, signature, when) in enumerate(specs):
        if n:
            out.append(gap(spacing_mm))
        out.append(
            SignatureLine(label, signature, when, date_label=date_label, sign_width=sign_width, label_width=label_w)
        )
    return out


def numbered(items: Sequence[str]) -> str:
    """``1. 第一项<br/>2. 第二项`` for a paragraph (items escaped)."""
    if len(items) == 1:
        return esc(items[0])
    return "<br/>".join(f"{i}. {esc(item)}" for i, item in enumerate(items, 1))


def material_summary(lines: Sequence[MaterialLine]) -> str:
    originals = sum(line.copies for line in lines if line.original)
    copies = sum(line.copies for line in lines if not line.original)
    return f"合计：共 {len(lines)} 项，原件 {originals} 份，复印件 {copies} 份。"


def standard_header(title: str, case_no: str, station: Station, **kw: Any) -> list[Flowable]:
    """:func:`header` for a single-case form of ``station``."""
    return header(title, case_no, case_url(station.case_url_base, case_no), station.name, **kw)


def single_case_pdf(story: list[Flowable], title: str, case_no: str, station: Station) -> bytes:
    return build_pdf(story, title=title, info=PageInfo(case_no, station.name))
