"""Flowables drawn with vector graphics: QR code, signature lines, check boxes, seal area."""

from __future__ import annotations

import functools
import io
from collections.abc import Sequence
from xml.sax.saxutils import escape

from reportlab.graphics.barcode import qrencoder
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph

from forms import fonts
from forms.data import Signature
from forms.errors import FormDataError
from sync.domain.signature import BOX_WIDTH, NOMINAL_PEN_WIDTH, pen_width, segments


@functools.lru_cache(maxsize=512)
def qr_modules(data: str) -> tuple[tuple[bool, ...], ...]:
    """The QR code of ``data`` (error correction M) as rows of dark/light modules; cached."""
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(data)
    code.make()
    return tuple(tuple(bool(m) for m in row) for row in code.modules)


class QrCode(Flowable):
    """A vector QR code ``size`` points square, with the 4-module quiet zone ISO/IEC 18004 asks for;
    runs of dark modules are filled as one rectangle each, in a single path."""

    QUIET = 4

    def __init__(self, data: str, size: float) -> None:
        super().__init__()
        self.data = data
        self.size = size
        self.width = self.height = size

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        rows = qr_modules(self.data)
        cell = self.size / (len(rows) + 2 * self.QUIET)
        canv = self.canv
        canv.saveState()
        canv.setFillColor(colors.black)
        path = canv.beginPath()
        for r, row in enumerate(rows):
            y = self.size - (r + self.QUIET + 1) * cell
            c = 0
            while c < len(row):
                if not row[c]:
                    c += 1
                    continue
                start = c
                while c < len(row) and row[c]:
                    c += 1
                path.rect((start + self.QUIET) * cell, y, (c - start) * cell, cell)
        canv.drawPath(path, stroke=0, fill=1)
        canv.restoreState()


def qr_drawing(data: str, size: float) -> Flowable:
    """The QR code flowable for ``data``."""
    return QrCode(data, size)


def signature_image(png: bytes) -> ImageReader:
    """The PNG of a scanned or photographed signature, or a clear error if it is damaged."""
    try:
        image = ImageReader(io.BytesIO(png))
        image.getSize()
    except (OSError, ValueError) as exc:
        raise FormDataError("签名图片已损坏，无法打印。请重新签名或重新拍摄后再打印。") from exc
    return image


INK = colors.Color(0.05, 0.1, 0.35)
# The pad's nominal pen is 3.2 units of its 600-unit-wide box (sync.domain.signature): as a share of the box.
NOMINAL_PEN_SHARE = NOMINAL_PEN_WIDTH / BOX_WIDTH
MIN_PEN_PT, MAX_PEN_PT = 0.6, 1.8  # printable on an office laser, never a blot

XY = tuple[float, float]


def draw_signature(canv: Canvas, signature: Signature, x: float, y: float, width: float, height: float) -> None:
    """Fit ``signature`` into the box (x, y, width, height), keeping its proportions.

    Strokes become PDF curves (sharp at any printer resolution), smoothed and pressure-weighted
    the way the signature pad draws them (``sync.domain.signature.segments`` and ``pen_width``); an
    image is placed as is.
    """
    if signature.png:
        canv.drawImage(
            signature_image(signature.png), x, y, width, height, preserveAspectRatio=True, anchor="c", mask="auto"
        )
        return
    points = [p for stroke in signature.strokes for p in stroke]
    if not points:
        return
    min_x = min(p[0] for p in points)
    max_x = max(p[0] for p in points)
    min_y = min(p[1] for p in points)
    max_y = max(p[1] for p in points)
    # Crop to the ink, but never blow a tiny scribble up beyond its recorded box.
    span_x = max(max_x - min_x, signature.width * 0.05, 1e-6)
    span_y = max(max_y - min_y, signature.height * 0.05, 1e-6)
    scale = min(width / span_x, height / span_y)
    off_x = x + (width - span_x * scale) / 2
    off_y = y + (height - span_y * scale) / 2
    nominal = NOMINAL_PEN_SHARE * signature.width * scale

    def at(p: XY) -> XY:
        return off_x + (p[0] - min_x) * scale, off_y + (max_y - p[1]) * scale

    canv.saveState()
    canv.setStrokeColor(INK)
    canv.setFillColor(INK)
    canv.setLineCap(1)
    canv.setLineJoin(1)
    for stroke in signature.strokes:
        pieces = segments(stroke)
        n = 0
        while n < len(pieces):
            pen = max(MIN_PEN_PT, min(MAX_PEN_PT, pen_width(pieces[n].pressure, nominal)))
            if pieces[n].is_dot:  # a tap: a dot
                canv.circle(*at(pieces[n].start), pen / 2, stroke=0, fill=1)
                n += 1
                continue
            # Consecutive pieces of (nearly) the same width share one path.
            path = canv.beginPath()
            path.moveTo(*at(pieces[n].start))
            while n < len(pieces):
                piece = pieces[n]
                if abs(max(MIN_PEN_PT, min(MAX_PEN_PT, pen_width(piece.pressure, nominal))) - pen) > 0.05:
                    break
                sx, sy = at(piece.start)
                cx, cy = at(piece.control)
                ex, ey = at(piece.end)
                path.curveTo(
                    sx + 2 / 3 * (cx - sx),
                    sy + 2 / 3 * (cy - sy),
                    ex + 2 / 3 * (cx - ex),
                    ey + 2 / 3 * (cy - ey),
                    ex,
                    ey,
                )
                n += 1
            canv.setLineWidth(pen)
            canv.drawPath(path, stroke=1, fill=0)
    canv.restoreState()


class SignatureLine(Flowable):
    """``委托人（签字）：________  日期：2026年11月20日`` with the captured signature on the line.

    When the width is too narrow the date goes to a second line; a label too long for the
    line (a long name in it) wraps above the signature line.
    """

    def __init__(
        self,
        label: str,
        signature: Signature | None,
        date_text: str,
        *,
        date_label: str = "日期",
        sign_width: float = 42 * mm,
        sign_height: float = 12 * mm,
        font_size: float = 10.5,
        label_width: float = 0.0,
    ) -> None:
        super().__init__()
        self.label = f"{label}："
        self.label_width = label_width  # set the same on stacked lines so their underlines align
        self.signature = signature
        self.date_text = f"{date_label}：{date_text}" if date_label else date_text
        self.sign_width = sign_width
        self.sign_height = sign_height
        self.font_size = font_size
        self._label_para: Paragraph | None = None
        self._label_x = 0.0  # where the underline starts
        self._sign_w = sign_width
        self._date_inline = True

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        size = self.font_size
        label_w = max(self.label_width, fonts.string_width(self.label, fonts.SONG, size))
        date_w = fonts.string_width(self.date_text, fonts.SONG, size)
        line = size * 1.5
        min_sign = 20 * mm
        self._label_para = None
        if label_w + min_sign <= availWidth:
            self._label_x = label_w
            self._sign_w = min(self.sign_width, availWidth - label_w)
            label_h = 0.0
        else:
            style = ParagraphStyle("signature_label", fontName=fonts.SONG, fontSize=size, leading=line, wordWrap="CJK")
            self._label_para = Paragraph(escape(self.label), style)
            label_h = float(self._label_para.wrap(availWidth - size, availHeight)[1])
            self._label_x = 0.0
            self._sign_w = min(self.sign_width, availWidth)
        self._date_inline = self._label_x + self._sign_w + 8 + date_w <= availWidth
        self.width = availWidth
        self.height = label_h + self.sign_height + 4 + (0 if self._date_inline else line)
        return availWidth, self.height

    def draw(self) -> None:
        canv = self.canv
        size = self.font_size
        base = 3.0 if self._date_inline else 3.0 + size * 1.5
        canv.setFont(fonts.SONG, size)
        if self._label_para is not None:
            self._label_para.drawOn(canv, 0, base + self.sign_height + 1)
        else:
            canv.drawString(0, base, self.label)
        x = self._label_x
        canv.setLineWidth(0.6)
        canv.line(x, base - 2, x + self._sign_w, base - 2)
        if self.signature is not None and not self.signature.is_empty:
            draw_signature(canv, self.signature, x + 2, base - 1, self._sign_w - 4, self.sign_height)
        canv.setFont(fonts.SONG, size)
        if self._date_inline:
            canv.drawString(x + self._sign_w + 8, base, self.date_text)
        else:
            canv.drawString(0, 3.0, self.date_text)


class CheckOptions(Flowable):
    """A row of check boxes with labels, the chosen ones ticked: ☑满意 ☐不满意."""

    def __init__(
        self,
        options: Sequence[str],
        chosen: Sequence[str] = (),
        *,
        font_size: float = 10.5,
        spacing: float = 5 * mm,
        prefix: str = "",
    ) -> None:
        super().__init__()
        self.options = list(options)
        self.chosen = set(chosen)
        self.font_size = font_size
        self.spacing = spacing
        self.prefix = prefix
        self._lines: list[list[tuple[float, str]]] = []

    def _item_width(self, text: str) -> float:
        return self.font_size + 2 + fonts.string_width(text, fonts.SONG, self.font_size)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        lines: list[list[tuple[float, str]]] = [[]]
        x = fonts.string_width(self.prefix, fonts.SONG, self.font_size) if self.prefix else 0.0
        for option in self.options:
            w = self._item_width(option)
            if lines[-1] and x + w > availWidth:
                lines.append([])
                x = 0.0
            lines[-1].append((x, option))
            x += w + self.spacing
        self._lines = lines
        self.width = availWidth
        self.height = len(lines) * self.font_size * 1.45
        return availWidth, self.height

    def draw(self) -> None:
        canv = self.canv
        size = self.font_size
        line_h = size * 1.45
        canv.setFont(fonts.SONG, size)
        for n, line in enumerate(self._lines):
            base = self.height - (n + 1) * line_h + size * 0.35
            if n == 0 and self.prefix:
                canv.drawString(0, base, self.prefix)
            for x, option in line:
                box = size * 0.85
                canv.setLineWidth(0.7)
                canv.rect(x, base - 1, box, box, stroke=1, fill=0)
                if option in self.chosen:
                    canv.saveState()
                    canv.setLineWidth(1.3)
                    canv.setLineCap(1)
                    canv.setLineJoin(1)
                    path = canv.beginPath()
                    path.moveTo(x + box * 0.15, base - 1 + box * 0.5)
                    path.lineTo(x + box * 0.42, base - 1 + box * 0.18)
                    path.lineTo(x + box * 0.95, base - 1 + box * 1.05)
                    canv.drawPath(path, stroke=1, fill=0)
                    canv.restoreState()
                canv.drawString(x + box + 2, base, option)


class SealArea(Flowable):
    """A dashed circle marking where the station's seal goes (盖章处)."""

    def __init__(self, text: str = "盖章处", diameter: float = 36 * mm) -> None:
        super().__init__()
        self.text = text
        self.diameter = diameter

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = min(availWidth, self.diameter)
        self.height = self.diameter
        return self.width, self.height

    def draw(self) -> None:
        canv = self.canv
        r = self.diameter / 2
        canv.saveState()
        canv.setStrokeColor(colors.Color(0.55, 0.55, 0.55))
        canv.setFillColor(colors.Color(0.55, 0.55, 0.55))
        canv.setLineWidth(0.6)
        canv.setDash(3, 3)
        canv.circle(self.width / 2, r, r - 1, stroke=1, fill=0)
        canv.setFont(fonts.SONG, 9)
        canv.drawCentredString(self.width / 2, r - 3, self.text)
        canv.restoreState()


class MarkBox(Flowable):
    """A square for a fingerprint (按指印处), the label centred under it."""

    def __init__(self, label: str = "指印", side: float = 16 * mm) -> None:
        super().__init__()
        self.label = label
        self.side = side

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = min(availWidth, self.side + 4)
        self.height = self.side + 12
        return self.width, self.height

    def draw(self) -> None:
        canv = self.canv
        canv.saveState()
        canv.setStrokeColor(colors.Color(0.45, 0.45, 0.45))
        canv.setLineWidth(0.6)
        left = (self.width - self.side) / 2
        canv.rect(left, 12, self.side, self.side, stroke=1, fill=0)
        canv.setFillColor(colors.Color(0.35, 0.35, 0.35))
        canv.setFont(fonts.SONG, 8.5)
        canv.drawCentredString(self.width / 2, 2, self.label)
        canv.restoreState()
