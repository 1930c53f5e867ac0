"""Header, form tables and signature blocks shared by every form.

A form module builds a Platypus story (a list of flowables) from its data record with the
helpers here (and the text helpers of ``forms.text``, re-exported) and hands it to
:func:`build_pdf` (``forms.page``), which lays it out on A4 with a binding margin, draws the
footer (编号, 第 N 页 共 M 页) on every page and returns the PDF bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, TypeVar

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

from forms import fonts
from forms.data import CaseForm, MaterialLine, Signature, Station
from forms.page import (
    BOTTOM_MARGIN,
    FOOTER_Y,
    LANDSCAPE_WIDTH,
    LEFT_MARGIN,
    PORTRAIT_WIDTH,
    QR_SIZE,
    RIGHT_MARGIN,
    TOP_MARGIN,
    PageInfo,
    build_pdf,
    case_qr_caption,
    case_url,
)
from forms.text import (
    BLANK_DATE,
    BLANK_DATETIME,
    BODY,
    BODY_INDENT,
    CELL,
    CELL_CENTER,
    COPY_LABEL,
    HEADING,
    LABEL,
    META_LEFT,
    META_RIGHT,
    SMALL,
    SMALL_CENTER,
    SMALL_RIGHT,
    SUBTITLE,
    TH,
    TH_SMALL,
    TITLE,
    CellParagraph,
    clip,
    esc,
    fit,
    fmt_date,
    fmt_datetime,
    markup,
    mask_id,
    numbered,
    original_label,
    para,
)
from forms.widgets import SignatureLine, qr_drawing

__all__ = [
    "BLANK_DATE",
    "BLANK_DATETIME",
    "BODY",
    "BODY_INDENT",
    "BOTTOM_MARGIN",
    "CELL",
    "CELL_CENTER",
    "COPY_LABEL",
    "FOOTER_Y",
    "HEADING",
    "LABEL",
    "LANDSCAPE_WIDTH",
    "LEFT_MARGIN",
    "META_LEFT",
    "META_RIGHT",
    "PORTRAIT_WIDTH",
    "QR_SIZE",
    "RIGHT_MARGIN",
    "SMALL",
    "SMALL_CENTER",
    "SMALL_RIGHT",
    "SUBTITLE",
    "TH",
    "TH_SMALL",
    "TITLE",
    "TOP_MARGIN",
    "AtLeast",
    "Cell",
    "CellParagraph",
    "PageInfo",
    "build_pdf",
    "case_url",
    "clip",
    "esc",
    "fit",
    "fmt_date",
    "fmt_datetime",
    "gap",
    "grid",
    "header",
    "kv_grid",
    "markup",
    "mask_id",
    "material_rows",
    "material_summary",
    "material_widths",
    "numbered",
    "original_label",
    "para",
    "plain_table",
    "qr_drawing",
    "returned_then_signed",
    "signature_lines",
    "single_case_pdf",
    "standard_header",
    "table_then_closing",
]


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
    qr_caption: str = "办件编号",
    unit_label: str = "代办站",
) -> list[Flowable]:
    """Title centered in bold, QR code top right, station (``unit_label``) left and 编号 right below it."""
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
        [[para(f"{unit_label}：{station_name}", META_LEFT), para(f"{number_label}：{number}", META_RIGHT)]],
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
    row_heights: Sequence[float | None] | None = None,
) -> Table:
    """A ruled form table. Cells should be Paragraphs (which wrap) or flowables.

    ``spans`` are ((col0, row0), (col1, row1)) pairs as in ReportLab's SPAN command; ``row_heights``
    fixes the height of some rows (None: as high as the content), e.g. room to write by hand.
    """
    table = Table(
        [list(r) for r in rows],
        colWidths=list(col_widths),
        rowHeights=list(row_heights) if row_heights is not None else None,
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


def list_table(
    headers: Sequence[str],
    widths: Sequence[float],
    rows: Sequence[Sequence[str]],
    *,
    centered: frozenset[int],
    empty_text: str,
    padding: float,
    closing: Sequence[Flowable] = (),
) -> Flowable:
    """A multi-page register (台账, 移交清单): header repeated on every page, one line per record.

    Each cell is shrunk to fit its column (``fit``) so long matters never overflow; an empty
    register prints ``empty_text`` across the table. ``closing`` (a summary, the signatures)
    follows the table and never starts a page without its last rows (:class:`TableThenClosing`).
    """
    table_rows: list[list[Cell]] = [[para(h, TH_SMALL) for h in headers]]
    room = [w - 2 * padding for w in widths]
    for cells in rows:
        table_rows.append([fit(t, room[i], SMALL_CENTER if i in centered else SMALL) for i, t in enumerate(cells)])
    if not rows:
        table_rows.append([para(empty_text, SMALL_CENTER)] + [None] * (len(headers) - 1))

    def make(part: Sequence[Sequence[Cell]]) -> Table:
        spans = [((0, 1), (-1, 1))] if not rows else []
        extra: list[tuple[Any, ...]] = [("FONT", (0, 1), (-1, -1), fonts.SONG, SMALL.fontSize, SMALL.leading)]
        extra += [("ALIGN", (i, 1), (i, -1), "CENTER") for i in centered]
        return grid(part, widths, header_rows=1, repeat_header=True, padding=padding, spans=spans, extra=extra)

    if not closing:
        return make(table_rows)
    return TableThenClosing(table_rows, make, 1, closing)


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


def material_summary(lines: Sequence[MaterialLine]) -> str:
    originals = sum(line.copies for line in lines if line.original)
    copies = sum(line.copies for line in lines if not line.original)
    return f"合计：共 {len(lines)} 项，原件 {originals} 份，复印件 {copies} 份。"


def standard_header(title: str, data: CaseForm, **kw: Any) -> list[Flowable]:
    """:func:`header` for a single-case form: its 办件编号, its QR code and its station."""
    station = data.station
    kw.setdefault("qr_caption", case_qr_caption(station.case_url_base))
    return header(title, data.case_no, case_url(station.case_url_base, data.case_no), station.name, **kw)


#: A single-case form's record.
F = TypeVar("F", bound=CaseForm)


def single_case_pdf(story: Callable[[F], list[Flowable]], data: F, title: str) -> bytes:
    return build_pdf(story, data, title=title, info=PageInfo(data.case_no, data.station.name))


# ---------------------------------------------------------------- a table and what closes it


class TableThenClosing(Flowable):
    """A ruled table followed by the block that closes it (a statement and the signature lines).

    When both do not fit on what is left of the page, the table is split so that at least its last
    row goes over with the closing block (under a repeated header): a signature never starts a page
    alone, cut off from what it signs. ``make`` builds the table of some of the rows (the header
    rows always first). Built by ``table_then_closing`` and ``list_table``.
    """

    def __init__(
        self,
        rows: Sequence[Sequence[Cell]],
        make: Callable[[Sequence[Sequence[Cell]]], Table],
        header_rows: int,
        closing: Sequence[Flowable],
        heights: Sequence[float] | None = None,
    ) -> None:
        super().__init__()
        self.rows = [list(r) for r in rows]
        self.make = make
        self.header_rows = header_rows
        self.closing = list(closing)
        # Each row's height, measured once on the whole table: a row is as high in any part of it
        # (same columns), so a 1,000-row ledger is measured once, not once per page.
        self.heights = list(heights) if heights is not None else None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        # Never drawn itself: claiming more than the page makes the frame ask ``split`` for flowables.
        self.width = availWidth
        return availWidth, availHeight + 1

    def _row_heights(self, availWidth: float, availHeight: float) -> list[float]:
        if self.heights is None:
            table = self.make(self.rows)
            table.wrap(availWidth, availHeight)
            self.heights = [float(h) for h in table._rowHeights]  # type: ignore[attr-defined]
        return self.heights

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        heights = self._row_heights(availWidth, availHeight)
        if sum(heights) + _height(self.closing, availWidth, availHeight) <= availHeight:
            return [self.make(self.rows), *self.closing]
        head, body = self.rows[: self.header_rows], self.rows[self.header_rows :]
        used = sum(heights[: self.header_rows])
        keep = 0
        for height in heights[self.header_rows : self.header_rows + len(body) - 1]:
            if used + height > availHeight:
                break
            used += height
            keep += 1
        while keep > 0:
            first = self.make(head + body[:keep])
            if first.wrap(availWidth, availHeight)[1] <= availHeight:
                rest_heights = heights[: self.header_rows] + heights[self.header_rows + keep :]
                rest = TableThenClosing(head + body[keep:], self.make, self.header_rows, self.closing, rest_heights)
                return [first, rest]
            keep -= 1
        frame = getattr(self, "_frame", None)
        if frame is None or getattr(frame, "_atTop", False):
            # A page from its top cannot hold even one row with the closing block: let them run on.
            return [self.make(self.rows), KeepTogether(self.closing)]
        return []  # to the next page, where there is room for more


def _height(flowables: Sequence[Flowable], width: float, height: float) -> float:
    """What ``flowables`` take one under the other, with the space around each."""
    return sum(f.wrap(width, height)[1] + f.getSpaceBefore() + f.getSpaceAfter() for f in flowables)


def table_then_closing(
    rows: Sequence[Sequence[Cell]], col_widths: Sequence[float], closing: Sequence[Flowable], *, header_rows: int = 1
) -> Flowable:
    """``grid(rows, ..., repeat_header=True)`` then ``closing``, never split between the two."""

    def make(part: Sequence[Sequence[Cell]]) -> Table:
        return grid(part, col_widths, header_rows=header_rows, repeat_header=True)

    return TableThenClosing(rows, make, header_rows, closing)


def returned_then_signed(
    returned: Sequence[MaterialLine],
    confirmation: str,
    *,
    applicant_signature: Signature | None,
    clerk_name: str,
    clerk_signature: Signature | None,
    handed_at: datetime | None,
    station: Station,
    note: str,
) -> Flowable:
    """The materials handed back to the villager, his confirmation, both signatures, the station's seal
    line and ``note``, kept with the last rows: the closing of the 办结（终止）单 and the 撤回确认书."""
    closing: list[Flowable] = [
        gap(1.5),
        para(material_summary(returned), BODY),
        gap(2),
        para(confirmation, BODY_INDENT),
        gap(4),
        *signature_lines(
            [
                ("申请人（签字）", applicant_signature, fmt_datetime(handed_at)),
                (f"代办员（{clerk_name}）签字", clerk_signature, fmt_datetime(handed_at)),
            ],
            date_label="时间",
            sign_width=38 * mm,
            spacing_mm=5,
        ),
        gap(2),
        para(f"{station.name}（盖章）", BODY),
        gap(2),
        para(note, SMALL),
    ]
    return table_then_closing(
        material_rows(returned, with_pages=True), material_widths(PORTRAIT_WIDTH, with_pages=True), closing
    )
