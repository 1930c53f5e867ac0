"""解锁同步凭证: the clerk's password, asked for when a sync or a USB file needs the credential kept locked on this PC.

On a PC without a system keyring the login opens the credential; this dialog
is for when it is still locked (e.g. kept by an earlier release with the
password of the clerk who connected). A wrong password changes nothing: the
dialog stays, says so in Chinese, and the work waits.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from desktop.services.safety.credential_store import PasswordNeeded

from .errors import user_message
from .ops import WriteOp

INTRO = "本机没有系统凭据库，同步凭证用代办员密码加密保存在本机。请输入当前登录的代办员的密码解锁（本次运行期间有效）。"
#: ``unlock(password)``: raises a Chinese DomainError when the password is wrong.
Unlock = Callable[[str], None]


class UnlockDialog(QDialog):
    unlocked = Signal()

    def __init__(self, unlock: Unlock, purpose: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("解锁同步凭证")
        self.setMinimumWidth(460)
        self._unlock = unlock
        intro = QLabel(f"{purpose}\n{INTRO}".strip())
        intro.setWordWrap(True)
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText("代办员密码")
        self.error_label = QLabel()
        self.error_label.setStyleSheet("color: #c62828; font-weight: bold;")
        self.error_label.setWordWrap(True)
        self.buttons = QDialogButtonBox()
        self.ok_button = self.buttons.addButton("解锁", QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        self.ok_button.setDefault(True)
        self.cancel_button.setAutoDefault(False)  # Enter unlocks, never cancels
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.password_edit)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.password_edit.setFocus()

    def submit(self) -> None:
        password, unlock = self.password_edit.text(), self._unlock
        if not password:
            self.error_label.setText("请输入代办员密码")
            return
        self.password_edit.clear()
        self.error_label.clear()
        self.ok_button.setEnabled(False)
        unlocking = WriteOp(self, None, lambda: unlock(password))
        unlocking.success(self._on_unlocked).failure(self._on_failed).run_in_background()

    def _on_unlocked(self, _result: object) -> None:
        self.ok_button.setEnabled(True)
        self.accept()
        self.unlocked.emit()

    def _on_failed(self, exc: BaseException) -> None:
        self.ok_button.setEnabled(True)
        self.error_label.setText(user_message(exc))
        self.password_edit.setFocus()


def ask_password_then(
    parent: QWidget, exc: BaseException, unlock: Unlock | None, retry: Callable[[], None], purpose: str = ""
) -> UnlockDialog | None:
    """When ``exc`` says the credential is locked: ask the password, then ``retry`` (None: some other error)."""
    if unlock is None or not isinstance(exc, PasswordNeeded):
        return None
    dialog = UnlockDialog(unlock, purpose, parent)
    dialog.unlocked.connect(retry)
    dialog.open()
    return dialog
