"""A data-entry dialog that does not throw away what was typed without asking.

Esc, 取消 and the window's close button all end in ``reject()`` (Qt's
``closeEvent`` calls it too). When the clerk has entered something since the
dialog was shown, ``reject()`` asks first, in a non-blocking box whose default
(and Esc) is 继续填写; only 放弃 closes. A dialog that keeps a draft offers a
third choice, 保留草稿, that closes and keeps it. The program closes a dialog
without asking through ``discard()``.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

DISCARD_TITLE = "放弃已填写的内容？"
DISCARD_TEXT = "已填写的内容尚未保存，关闭后将不再保留。确定放弃吗？"
DRAFT_TEXT = "这次登记尚未保存。可以保留草稿，下次打开“新建代办委托”时继续；也可以放弃。"


class GuardedDialog(QDialog):
    """Subclasses say what the clerk has entered (``entered()``, any comparable value)."""

    #: True when closing may keep a draft (the box then offers 保留草稿).
    keeps_draft = False

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.discard_box: QMessageBox | None = None
        self._shown_with: Any = None
        self._shown = False
        self._leaving = False

    def entered(self) -> Any:
        """What the clerk has entered so far; a change since the dialog was shown needs a confirmation."""
        raise NotImplementedError

    def has_input(self) -> bool:
        return self._shown and self.entered() != self._shown_with

    def on_discarded(self) -> None:
        """The clerk chose 放弃 (a draft is deleted here)."""

    def showEvent(self, event: QShowEvent) -> None:
        if not self._shown:
            self._shown, self._shown_with = True, self.entered()
        super().showEvent(event)

    def reject(self) -> None:
        if self._leaving or not self.has_input():
            self._leaving = False
            super().reject()
            return
        self.ask_discard()

    def ask_discard(self) -> QMessageBox:
        """Open (not exec) the confirmation; its buttons decide."""
        if self.discard_box is not None and self.discard_box.isVisible():
            return self.discard_box
        box = QMessageBox(QMessageBox.Icon.Question, DISCARD_TITLE, DRAFT_TEXT if self.keeps_draft else DISCARD_TEXT)
        box.setParent(self, box.windowFlags())
        discard = box.addButton("放弃", QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton("保留草稿", QMessageBox.ButtonRole.AcceptRole) if self.keeps_draft else None
        stay = box.addButton("继续填写", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(stay)
        box.setEscapeButton(stay)
        discard.clicked.connect(self.discard)
        if keep is not None:
            keep.clicked.connect(self.close_keeping_draft)
        self.discard_box = box
        box.open()
        return box

    def discard(self) -> None:
        """Close and drop what was entered (no question)."""
        self.on_discarded()
        self._leave()

    def close_keeping_draft(self) -> None:
        self._leave()

    def _leave(self) -> None:
        self._leaving = True
        self.reject()
