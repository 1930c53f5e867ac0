"""The A4 page: margins (wider on the left for binding), the footer with 第 N 页 共 M 页, the build."""

from __future__ import annotations

import io
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from forms import fonts
from forms.text import clip

T = TypeVar("T")

# Binding margin on the left (装订线), the usual office-printer safe area elsewhere.
LEFT_MARGIN = 28 * mm
RIGHT_MARGIN = 18 * mm
TOP_MARGIN = 16 * mm
BOTTOM_MARGIN = 20 * mm
FOOTER_Y = 10 * mm
QR_SIZE = 21 * mm

PORTRAIT_WIDTH = A4[0] - LEFT_MARGIN - RIGHT_MARGIN
LANDSCAPE_WIDTH = A4[1] - LEFT_MARGIN - RIGHT_MARGIN


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


def build_pdf(
    story: Callable[[T], list[Flowable]], data: T, *, title: str, info: PageInfo, landscape_page: bool = False
) -> bytes:
    """Lay ``story(data)`` out on A4 and return the PDF (identical bytes for identical input).

    ``data`` is checked first: a character no embedded font draws stops the print with a
    message naming the field (:class:`forms.errors.UnprintableCharacter`), never a blank.
    """
    fonts.register()
    fonts.check_record(data)
    flowables = story(data)
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
        doc.build(flowables, canvasmaker=canvasmaker)
    return buffer.getvalue()


_build_lock = threading.Lock()


def case_url(base: str, case_no: str) -> str:
    """What the QR code holds: the town's public case address followed by the case number, or the
    case number alone when the town has published no address."""
    return f"{base}{case_no}"


def case_qr_caption(base: str) -> str:
    """What scanning the code does; no promise of a page that does not exist."""
    return "扫码查看办理进度" if base.startswith(("https://", "http://")) else "办件编号"
