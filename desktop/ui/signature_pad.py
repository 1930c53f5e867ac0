"""签名板: captures a signature from mouse, pen (with pressure) or touch as timed vector strokes."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QBuffer, QByteArray, QElapsedTimer, QEvent, QIODevice, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QImage,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QTabletEvent,
    QTouchEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from sync.domain.signature import (
    BASELINE_Y,
    BOX_HEIGHT,
    BOX_WIDTH,
    DEFAULT_PRESSURE,
    Placement,
    Signature,
    pen_width,
    segments,
)

RawPoint = tuple[float, float, float, float]
INK = QColor("#1b2a4a")
HINT = "请在此处签名"

_MOUSE, _TABLET, _TOUCH = "mouse", "tablet", "touch"


def box_placement(width: float, height: float) -> Placement:
    """The signature box scaled to fit ``width`` × ``height``, centered, aspect kept."""
    scale = min(width / BOX_WIDTH, height / BOX_HEIGHT)
    return Placement(scale, (width - BOX_WIDTH * scale) / 2, (height - BOX_HEIGHT * scale) / 2)


def paint_strokes(
    painter: QPainter, strokes: Sequence[Sequence[Sequence[float]]], placement: Placement, color: QColor = INK
) -> None:
    """Draw strokes as the smooth quadratic pieces of ``sync.domain.signature.segments``.

    Consecutive pieces of equal width share one path so joins stay clean; width follows pressure.
    """
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    for stroke in strokes:
        path: QPainterPath | None = None
        width = -1.0
        for seg in segments(stroke):
            seg_width = max(1.0, round(pen_width(seg.pressure) * placement.scale, 1))  # thin previews stay legible
            start, control, end = (QPointF(*placement.map(*xy)) for xy in (seg.start, seg.control, seg.end))
            if seg.is_dot:
                _stroke_path(painter, path, width, color)
                path = None
                painter.setPen(_pen(color, seg_width))
                painter.drawPoint(start)
                continue
            if path is None or seg_width != width:
                _stroke_path(painter, path, width, color)
                path = QPainterPath(start)
                width = seg_width
            path.quadTo(control, end)
        _stroke_path(painter, path, width, color)


def _pen(color: QColor, width: float) -> QPen:
    return QPen(color, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)


def _stroke_path(painter: QPainter, path: QPainterPath | None, width: float, color: QColor) -> None:
    if path is not None:
        painter.strokePath(path, _pen(color, width))


def strokes_png(strokes: Sequence[Sequence[Sequence[float]]], width: int, height: int) -> bytes:
    """PNG bytes of ``strokes`` (box units) on a transparent ``width`` × ``height`` image."""
    image = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    try:
        paint_strokes(painter, strokes, box_placement(width, height))
    finally:
        painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # stubs say bytes; PySide6 takes only str
    buffer.close()
    return bytes(data.data())


class SignaturePad(QWidget):
    """Draw with mouse, pen or finger; strokes are kept in box units with milliseconds and pressure.

    ``clock`` returns milliseconds (tests pass a fake one); by default a monotonic timer.
    """

    signature_changed = Signal()

    def __init__(self, parent: QWidget | None = None, clock: Callable[[], int] | None = None) -> None:
        super().__init__(parent)
        if clock is None:
            timer = QElapsedTimer()
            timer.start()
            clock = timer.elapsed
        self._clock = clock
        self._strokes: list[list[RawPoint]] = []
        self._current: list[RawPoint] | None = None
        self._source = ""
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_StaticContents)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setMinimumSize(BOX_WIDTH * 3 // 4, BOX_HEIGHT * 3 // 4)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName("签名板")

    def sizeHint(self) -> QSize:
        return QSize(BOX_WIDTH, BOX_HEIGHT)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return width * BOX_HEIGHT // BOX_WIDTH

    # state

    def is_empty(self) -> bool:
        return not self._strokes and not self._current

    def strokes(self) -> tuple[tuple[RawPoint, ...], ...]:
        """Finished strokes as captured (box units, ms of the pad's clock, pressure 0..1)."""
        return tuple(tuple(s) for s in self._strokes)

    def clear(self) -> None:
        had_ink = not self.is_empty()
        self._strokes.clear()
        self._current = None
        self.update()
        if had_ink:
            self.signature_changed.emit()

    def undo_stroke(self) -> None:
        if self._current is not None:
            self._current = None
        elif self._strokes:
            self._strokes.pop()
        else:
            return
        self.update()
        self.signature_changed.emit()

    def add_stroke(self, points: Sequence[Sequence[float]]) -> None:
        """Add a finished stroke given in box units ``(x, y, t_ms, pressure)`` (demos, restoring a draft)."""
        stroke = [(float(x), float(y), float(t), float(pr)) for x, y, t, pr in points]
        if stroke:
            self._strokes.append(stroke)
            self.update()
            self.signature_changed.emit()

    def signature(self, signer: str, role: str, captured_at: str) -> Signature:
        """The simplified ``Signature`` signed at ``captured_at``; raises ``ValidationError`` (请先签名…)
        when there is none to keep."""
        return Signature.from_pad(signer, role, self._strokes, captured_at=captured_at)

    def render_png(self, width: int, height: int) -> bytes:
        """The ink on a transparent background, the whole box fitted in ``width`` × ``height``."""
        return strokes_png(self._strokes, width, height)

    # capture

    def _placement(self) -> Placement:
        return box_placement(self.width(), self.height())

    def _begin(self, source: str, pos: QPointF, pressure: float) -> None:
        self._current = []
        self._source = source
        self._add(pos, pressure)

    def _add(self, pos: QPointF, pressure: float) -> None:
        if self._current is None:
            return
        p = self._placement()
        x = min(max((pos.x() - p.dx) / p.scale, 0.0), float(BOX_WIDTH))
        y = min(max((pos.y() - p.dy) / p.scale, 0.0), float(BOX_HEIGHT))
        if self._current and self._current[-1][:2] == (x, y):
            return
        self._current.append((x, y, float(self._clock()), max(0.0, min(1.0, pressure))))
        self.update()

    def _end(self, pos: QPointF | None = None, pressure: float = DEFAULT_PRESSURE) -> None:
        if self._current is None:
            return
        if pos is not None:
            self._add(pos, pressure)
        stroke, self._current, self._source = self._current, None, ""
        if stroke:
            self._strokes.append(stroke)
            self.signature_changed.emit()
        self.update()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self._current is None:
            self._begin(_MOUSE, event.position(), DEFAULT_PRESSURE)
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        # The press grabbed the mouse, so a stroke in progress ends only on release.
        if self._source == _MOUSE:
            self._add(event.position(), DEFAULT_PRESSURE)
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._source == _MOUSE and event.button() == Qt.MouseButton.LeftButton:
            self._end(event.position())
        event.accept()

    def tabletEvent(self, event: QTabletEvent) -> None:
        kind = event.type()
        pressure = event.pressure()
        if kind == QEvent.Type.TabletPress and self._current is None:
            self._begin(_TABLET, event.position(), pressure)
        elif kind == QEvent.Type.TabletMove and self._source == _TABLET:
            self._add(event.position(), pressure)
        elif kind == QEvent.Type.TabletRelease and self._source == _TABLET:
            self._end(event.position(), pressure)
        event.accept()  # no synthesized mouse events on top

    def event(self, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate, QEvent.Type.TouchEnd, QEvent.Type.TouchCancel):
            assert isinstance(event, QTouchEvent)
            self._touch(event)
            event.accept()
            return True
        return super().event(event)

    def _touch(self, event: QTouchEvent) -> None:
        kind = event.type()
        if kind == QEvent.Type.TouchCancel:
            self._current, self._source = None, ""
            self.update()
            return
        points = event.points()
        if not points:
            return
        point = points[0]  # one finger signs; a resting palm's extra points are ignored
        pressure = point.pressure()
        if pressure <= 0.0 or pressure >= 1.0:  # most touch screens report 0 or 1: no real pressure
            pressure = DEFAULT_PRESSURE
        if kind == QEvent.Type.TouchBegin and self._current is None:
            self._begin(_TOUCH, point.position(), pressure)
        elif kind == QEvent.Type.TouchUpdate and self._source == _TOUCH:
            self._add(point.position(), pressure)
        elif kind == QEvent.Type.TouchEnd and self._source == _TOUCH:
            self._end(point.position(), pressure)

    # drawing

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            # Only the box is paper; any extra room around it stays the window's own background.
            p = self._placement()
            paper = QRectF(p.dx, p.dy, BOX_WIDTH * p.scale, BOX_HEIGHT * p.scale).adjusted(0.5, 0.5, -0.5, -0.5)
            painter.setPen(QPen(QColor("#c9ced6"), 1))
            painter.setBrush(QColor("#fffefa"))
            painter.drawRoundedRect(paper, 6, 6)
            self._paint_baseline(painter, p)
            if self.is_empty():
                self._paint_hint(painter, p)
            strokes: list[list[RawPoint]] = [*self._strokes, *([self._current] if self._current else [])]
            paint_strokes(painter, strokes, p)
        finally:
            painter.end()

    def _paint_baseline(self, painter: QPainter, p: Placement) -> None:
        left = QPointF(*p.map(40, BASELINE_Y))
        right = QPointF(*p.map(BOX_WIDTH - 40, BASELINE_Y))
        painter.setPen(QPen(QColor("#9aa3af"), max(1.0, p.scale), Qt.PenStyle.DashLine))
        painter.drawLine(left, right)
        font = QFont(self.font())
        font.setPixelSize(max(10, round(22 * p.scale)))
        painter.setFont(font)
        painter.setPen(QColor("#9aa3af"))
        mark = QRectF(left.x(), left.y() - 30 * p.scale, 24 * p.scale, 28 * p.scale)
        painter.drawText(mark, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom, "×")

    def _paint_hint(self, painter: QPainter, p: Placement) -> None:
        font = QFont(self.font())
        font.setPixelSize(max(12, round(26 * p.scale)))
        painter.setFont(font)
        painter.setPen(QColor("#b8bec8"))
        x0, y0 = p.map(0, 0)
        x1, y1 = p.map(BOX_WIDTH, BASELINE_Y - 8)
        painter.drawText(QRectF(x0, y0, x1 - x0, y1 - y0), Qt.AlignmentFlag.AlignCenter, HINT)
