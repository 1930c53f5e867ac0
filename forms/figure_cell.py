"""A table cell of one or two short lines (a figure and its count, centred; a name, flush left), drawn as strings.

A county's 考核统计表 has some 20,000 such cells; as ``Paragraph``s (markup parsed, CJK line breaking on
every wrap, and a table wraps each cell several times) they made its PDF take 25 s. ``FigureCell`` measures
its lines once and draws them where the paragraph would; a line wider than the cell falls back to the
paragraph, which wraps it as before.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Paragraph

from forms import fonts
from forms import layout as L


@dataclass(frozen=True)
class TextLine:
    text: str
    size: float
    bold: bool = False
    color: colors.Color = colors.black

    @property
    def font(self) -> str:
        return fonts.HEI if self.bold else fonts.SONG  # <b> in a Song paragraph is the Hei face

    def markup(self) -> str:
        text = escape(self.text)
        text = f"<b>{text}</b>" if self.bold else text
        return f'<font size={self.size:g} color="{self.color.hexval().replace("0x", "#")}">{text}</font>'


class FigureCell(Flowable):
    """``lines`` centred (or flush left, as ``style`` says), one ``style.leading`` apart, the first baseline one
    font size below the top, as a paragraph of ``style`` draws them; too wide, the paragraph of ``markup`` (by
    default the lines, one to a line)."""

    def __init__(self, lines: Sequence[TextLine], style: ParagraphStyle, markup: str | None = None) -> None:
        super().__init__()
        self.lines = tuple(lines)
        self.style = style
        self.markup = markup
        self._centred = style.alignment == TA_CENTER
        self._paragraph: Paragraph | None = None
        self._widths = [fonts.string_width(line.text, line.font, line.size) for line in self.lines]

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        if self._paragraph is None and max(self._widths) > availWidth:
            markup = self.markup or "<br/>".join(line.markup() for line in self.lines)
            self._paragraph = L.markup(markup, self.style)
        if self._paragraph is not None:
            self.width, self.height = self._paragraph.wrap(availWidth, availHeight)
            return self.width, self.height
        self.width, self.height = availWidth, float(self.style.leading) * len(self.lines)
        return self.width, self.height

    def draw(self) -> None:
        if self._paragraph is not None:
            self._paragraph.drawOn(self.canv, 0, 0)
            return
        text = self.canv.beginText()  # one text object for the cell: drawString makes one per line
        y = self.height - self.lines[0].size
        color = None
        for line, width in zip(self.lines, self._widths, strict=True):
            text.setFont(line.font, line.size)
            if line.color != color:
                text.setFillColor(line.color)
                color = line.color
            text.setTextOrigin((self.width - width) / 2 if self._centred else 0.0, y)
            text.textOut(line.text)
            y -= float(self.style.leading)
        self.canv.drawText(text)
