"""Paragraph styles and text helpers: wrapping paragraphs, dates, blanks, ID masking."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import textsplit as _rl_textsplit
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph
from reportlab.platypus import paragraph as _rl_paragraph

from forms import fonts

BLANK_DATE = "_____年___月___日"
BLANK_DATETIME = "_____年___月___日___时___分"

fonts.register()

#: Marks a Chinese line must not start with (GB/T 15834 标点符号用法, 4.1: 句号、逗号、顿号、分号、冒号、问号、
#: 叹号 and closing quotes/brackets stay with the character before them). ReportLab's CJK wrapping knows the
#: Japanese list only (、。」』】）…), so a Chinese comma could begin a line: "审\n，因下列原因". With these in
#: the list it hangs at the end of the line instead (a cell re-wraps narrower, see ``CellParagraph``).
CHINESE_CANNOT_START = "，；：！？”’》〉）］｝…％"
for _module in (_rl_textsplit, _rl_paragraph):  # each keeps its own copy of the list
    _known = str(getattr(_module, "ALL_CANNOT_START", ""))
    setattr(_module, "ALL_CANNOT_START", _known + "".join(c for c in CHINESE_CANNOT_START if c not in _known))  # noqa: B010


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


#: A cell this tall (points) is most of a landscape page's frame: a narrower try that makes a cell taller than
#: this (and half again its natural height) is not worth keeping a hanging mark inside the rule.
TALL_CELL = 400.0


class CellParagraph(Paragraph):
    """A paragraph that never draws past its width.

    ReportLab's CJK wrapping keeps a closing mark (。，、） …) at the end of a full line, one
    character beyond the width; in a table cell that crosses the rule. Such a paragraph is
    wrapped again one character narrower (up to three), so the hanging mark stays inside.
    """

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        width, height = natural = super().wrap(availWidth, availHeight)
        em = float(self.style.fontSize)
        # One em narrower moves the hanging mark and the character before it down; that may make another
        # line hang (a mark that cannot start a line, or two in a row such as 。”): a few more tries.
        tried = 0
        for shrink in (1, 2, 3):
            if not self._overhangs(availWidth) or availWidth - shrink * em < em:
                break
            width, height = super().wrap(availWidth - shrink * em, availHeight)
            self.width = availWidth
            if height > natural[1] * 1.5 and height > TALL_CELL:
                # A long text with dense punctuation in a narrow column: each try hangs another mark while the
                # lines get so short that a 200-character name grew taller than a page. Keep the last try
                # that did not (the natural wrap at worst): a mark may touch the rule, the row stays printable.
                width, height = super().wrap(availWidth - tried * em, availHeight)
                self.width = availWidth
                break
            tried = shrink
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


def numbered(items: Sequence[str]) -> str:
    """``1. 第一项<br/>2. 第二项`` for a paragraph (items escaped)."""
    if len(items) == 1:
        return esc(items[0])
    return "<br/>".join(f"{i}. {esc(item)}" for i, item in enumerate(items, 1))
