"""A small dialog for one case action: fields, a Chinese error line, save in the background.

A refused action (``DomainError``/``ValidationError``) is shown on the dialog,
which stays open with what the clerk typed; only a saved action closes it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.services.records import Changed
from sync.domain.errors import DomainError, ValidationError

from .errors import show_error, user_message
from .tasks import run_task

ERROR_STYLE = "color: #c62828; font-weight: bold;"


def error_label() -> QLabel:
    """The red, wrapping, initially hidden line a dialog shows its refusal in."""
    label = QLabel()
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.hide()
    return label


def ok_cancel(dialog: QDialog, ok_text: str, on_ok: Callable[[], None]) -> tuple[QDialogButtonBox, QPushButton]:
    """The dialog's button row: ``ok_text`` runs ``on_ok`` (the dialog decides when to close), 取消 rejects."""
    buttons = QDialogButtonBox()
    ok = buttons.addButton(ok_text, QDialogButtonBox.ButtonRole.AcceptRole)
    buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
    buttons.accepted.connect(on_ok)
    buttons.rejected.connect(dialog.reject)
    return buttons, ok


class ActionDialog(QDialog):
    """Subclasses add rows to ``form`` and implement ``operation()``: the service call to run."""

    saved = Signal(object)  # Changed

    def __init__(self, title: str, intro: str = "", parent: QWidget | None = None, ok_text: str = "确定") -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(520)
        self.intro_label = QLabel(intro)
        self.intro_label.setWordWrap(True)
        self.intro_label.setVisible(bool(intro))
        self.form = QFormLayout()
        self.error_label = error_label()
        self.buttons, self.ok_button = ok_cancel(self, ok_text, self.submit)
        self.main_layout = QVBoxLayout(self)
        self.main_layout.addWidget(self.intro_label)
        self.main_layout.addLayout(self.form)
        self.main_layout.addWidget(self.error_label)
        self.main_layout.addWidget(self.buttons)

    def operation(self) -> Callable[[], Changed]:
        """Read the fields (on the GUI thread) and return the call to run in the background."""
        raise NotImplementedError

    def submit(self) -> None:
        self.show_error("")
        try:
            op = self.operation()
        except DomainError as exc:
            self.show_error(user_message(exc))
            return
        self.ok_button.setEnabled(False)
        run_task(op, self._on_saved, self._on_failed)

    def show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))

    def _on_saved(self, changed: Changed) -> None:
        self.ok_button.setEnabled(True)
        self.saved.emit(changed)
        self.accept()

    def _on_failed(self, exc: BaseException) -> None:
        self.ok_button.setEnabled(True)
        if isinstance(exc, DomainError | ValidationError):
            self.show_error(user_message(exc))
        else:
            show_error(self, exc)
