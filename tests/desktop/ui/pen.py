"""Drawing on a widget as a clerk's mouse or pen does: press, moves with the left button held, release.

``QTest.mouseMove`` does not always carry the held button, so a move is sent as a ``QMouseEvent`` of its own.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget


def held_move(widget: QWidget, pos: QPoint) -> None:
    """A move to ``pos`` with the left button held."""
    event = QMouseEvent(
        QEvent.Type.MouseMove,
        QPointF(pos),
        QPointF(widget.mapToGlobal(pos)),
        Qt.MouseButton.NoButton,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(widget, event)


def stroke(widget: QWidget, points: list[QPoint]) -> None:
    """One pen stroke through ``points``."""
    QTest.mousePress(widget, Qt.MouseButton.LeftButton, pos=points[0])
    for pos in points[1:-1]:
        held_move(widget, pos)
    QTest.mouseRelease(widget, Qt.MouseButton.LeftButton, pos=points[-1])
