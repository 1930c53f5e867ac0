"""Typing into widgets as a clerk does: Latin keys directly, Chinese through the input method.

``QTest.keyClicks`` only knows ASCII keys; Chinese text reaches a widget as a
committed ``QInputMethodEvent``, which is what a real 拼音 IME sends.
"""

from __future__ import annotations

from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot


def type_text(qtbot: QtBot, widget: QWidget, text: str) -> None:
    widget.setFocus()
    for chunk_is_ascii, chunk in _chunks(text):
        if chunk_is_ascii:
            qtbot.keyClicks(widget, chunk)
        else:
            event = QInputMethodEvent()
            event.setCommitString(chunk)
            QApplication.sendEvent(widget, event)


def _chunks(text: str) -> list[tuple[bool, str]]:
    chunks: list[tuple[bool, str]] = []
    for char in text:
        is_ascii = char.isascii()
        if chunks and chunks[-1][0] == is_ascii:
            chunks[-1] = (is_ascii, chunks[-1][1] + char)
        else:
            chunks.append((is_ascii, char))
    return chunks
