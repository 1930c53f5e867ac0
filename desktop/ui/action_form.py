"""A small dialog for one case action: fields, a Chinese error line, save in the background.

A refused action (``DomainError``/``ValidationError``) is shown on the dialog,
which stays open with what the clerk typed; only a saved action closes it.
"""

from __future__ import annotations

from collections.abc import Callable

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.services.casework.records import Changed
from sync.domain.errors import DomainError, ValidationError

from .errors import show_error, user_message
from .guarded_dialog import GuardedDialog
from .ops import Hub, WriteOp

ERROR_STYLE = "color: #c62828; font-weight: bold;"


#: Lines of text the error line has room for; its height is reserved whether it shows or not.
ERROR_LINES = 2


def reserve_height(label: QLabel, lines: int = ERROR_LINES) -> QLabel:
    """Give ``label`` the fixed height of ``lines`` bold lines, kept while hidden: showing or hiding
    it moves nothing (a control that jumps under the mouse gets the wrong click)."""
    font = QFont(label.font())
    font.setBold(True)
    label.setFixedHeight(QFontMetrics(font).lineSpacing() * lines + 4)
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    policy = label.sizePolicy()
    policy.setRetainSizeWhenHidden(True)
    label.setSizePolicy(policy)
    return label


def error_label() -> QLabel:
    """The red, wrapping, initially hidden line a dialog shows its refusal in (its room always kept)."""
    label = QLabel()
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    reserve_height(label)
    label.hide()
    return label


def ok_cancel(dialog: QDialog, ok_text: str, on_ok: Callable[[], None]) -> tuple[QDialogButtonBox, QPushButton]:
    """The dialog's button row: ``ok_text`` runs ``on_ok`` (the dialog decides when to close), 取消 rejects.

    取消 is never the default button, not even while it has the focus: Enter must not throw away what
    was typed.
    """
    buttons = QDialogButtonBox()
    ok = buttons.addButton(ok_text, QDialogButtonBox.ButtonRole.AcceptRole)
    cancel = buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
    never_default(cancel)
    ok.setDefault(True)
    buttons.accepted.connect(on_ok)
    buttons.rejected.connect(dialog.reject)
    return buttons, ok


def never_default(button: QPushButton) -> None:
    button.setAutoDefault(False)
    button.setDefault(False)


def field_value(widget: QWidget) -> object:
    """What a form widget holds, comparable: has the clerk entered something?"""
    if isinstance(widget, QLineEdit):
        return widget.text()
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText()
    if isinstance(widget, QAbstractButton):
        return widget.isChecked()
    if isinstance(widget, QDateEdit):
        return widget.date().toString(Qt.DateFormat.ISODate)
    if isinstance(widget, QComboBox):
        return widget.currentIndex()
    if isinstance(widget, QListWidget):
        return tuple(widget.item(row).checkState().value for row in range(widget.count()))
    return None


class ActionDialog(GuardedDialog):
    """Subclasses add rows to ``form`` and implement ``operation()``: the service call to run.

    Closing it after something was entered asks first (``GuardedDialog``).
    """

    saved = Signal(object)  # Changed

    def __init__(
        self,
        title: str,
        intro: str = "",
        parent: QWidget | None = None,
        ok_text: str = "确定",
        *,
        hub: Hub | None = None,
    ) -> None:
        super().__init__(parent)
        self.hub = hub  # told what the saved action changed (``WriteOp``)
        self.setWindowTitle(title)
        self.setMinimumWidth(520)
        self.intro_label = QLabel(intro)
        self.intro_label.setWordWrap(True)
        self.intro_label.setVisible(bool(intro))
        self.form = QFormLayout()
        #: The input widget of each service field name (``ValidationError.field``): focused when refused.
        self.fields: dict[str, QWidget] = {}
        self._focus_before: QWidget | None = None
        self.error_label = error_label()
        self.buttons, self.ok_button = ok_cancel(self, ok_text, self.submit)
        self.main_layout = QVBoxLayout(self)
        self.main_layout.addWidget(self.intro_label)
        self.main_layout.addLayout(self.form)
        self.main_layout.addWidget(self.error_label)
        self.main_layout.addWidget(self.buttons)

    def entered(self) -> object:
        return tuple(field_value(widget) for widget in self.fields.values())

    def row(self, label: str, widget: QWidget, field: str = "") -> None:
        """Add a form row; ``field`` names the service field it fills (focused when that field is refused)."""
        self.form.addRow(label, widget)
        if field:
            self.fields[field] = widget

    def operation(self) -> Callable[[], Changed]:
        """Read the fields (on the GUI thread) and return the call to run in the background."""
        raise NotImplementedError

    def submit(self) -> None:
        self.show_error("")
        focused = self.focusWidget()
        self._focus_before = None if focused is None or isinstance(focused, QPushButton) else focused
        try:
            op = self.operation()
        except DomainError as exc:
            self._refused(exc)
            return
        self.ok_button.setEnabled(False)  # Qt moves the focus on, to 取消: _refused brings it back
        WriteOp(self, self.hub, op).success(self._on_saved).failure(self._on_failed).run_in_background()

    def _refused(self, exc: DomainError) -> None:
        """Show why, and put the cursor where the clerk must act: the refused field, else where it was."""
        self.show_error(user_message(exc))
        field = exc.field if isinstance(exc, ValidationError) else ""
        target = self.fields.get(field) or self._focus_before or next(iter(self.fields.values()), None)
        if target is not None and shiboken6.isValid(target) and target.isEnabled():
            target.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))

    def _on_saved(self, changed: Changed) -> None:
        self.ok_button.setEnabled(True)
        self.saved.emit(changed)
        self.accept()

    def _on_failed(self, exc: BaseException) -> None:
        self.ok_button.setEnabled(True)
        if isinstance(exc, DomainError):
            self._refused(exc)
        else:
            show_error(self, exc)
