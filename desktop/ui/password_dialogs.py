"""Passwords: 修改密码, 忘记密码 / 重设密码 with the recovery code, and the recovery code shown once.

Each is a small ``ActionDialog`` (the service call runs in the background,
a refusal is shown on the dialog with the cursor on the refused field, and
closing after typing asks first).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import QCheckBox, QDialog, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from desktop.services.casework.records import Changed, ClerkInfo
from sync.domain.errors import ValidationError

from .action_form import ActionDialog

#: What the clerk is told to do with a recovery code (at setup and whenever a new one is made).
KEEP_CODE = (
    "请把恢复码抄写在纸上，一份放在代办站的档案柜，一份装入信封密封后交镇为民服务中心保管。"
    "恢复码只显示这一次。\n\n"
    "所有代办员都忘记密码时，用恢复码可以重设密码，本站的办件、签名和同步凭证都不会丢失；"
    "没有恢复码又忘记密码，加密保存的个人信息将无法再打开。"
)


def password_edit() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


class ChangePasswordDialog(ActionDialog):
    """修改密码 of the logged-in clerk: ``change(old, new, repeated)``."""

    def __init__(
        self, change: Callable[[str, str, str], None], clerk_name: str = "", parent: QWidget | None = None
    ) -> None:
        intro = (
            f"{clerk_name}：请输入原密码和新密码（至少6位）。" if clerk_name else "请输入原密码和新密码（至少6位）。"
        )
        super().__init__("修改密码", intro, parent, ok_text="修改密码")
        self._change = change
        self.old_edit, self.new_edit, self.repeat_edit = password_edit(), password_edit(), password_edit()
        self.row("原密码", self.old_edit, "old_password")
        self.row("新密码", self.new_edit, "new_password")
        self.row("再次输入新密码", self.repeat_edit, "repeat_password")

    def operation(self) -> Callable[[], Changed]:
        old, new, repeated, change = self.old_edit.text(), self.new_edit.text(), self.repeat_edit.text(), self._change

        def run() -> Changed:
            change(old, new, repeated)
            return Changed(message="密码已修改，下次登录请使用新密码")

        return run


class ResetPasswordDialog(ActionDialog):
    """重设密码 with the station's recovery code: ``reset(username, code, new_password)``.

    From the login (忘记密码, the login name typed by the clerk) or from 代办站设置 (another clerk's account,
    ``username`` given and fixed).
    """

    def __init__(
        self,
        reset: Callable[[str, str, str], ClerkInfo],
        username: str = "",
        parent: QWidget | None = None,
    ) -> None:
        intro = (
            "输入本站的恢复码（24位数字，首次设置时抄写在纸上；镇为民服务中心保管着密封的一份），"
            "为这个账号设置新密码。本站的办件和个人信息都不会丢失。"
        )
        super().__init__("重设密码", intro, parent, ok_text="重设密码")
        self._reset = reset
        self.clerk: ClerkInfo | None = None
        self._done: list[ClerkInfo] = []
        self.username_edit = QLineEdit(username)
        self.username_edit.setReadOnly(bool(username))
        self.code_edit = QLineEdit()
        self.code_edit.setPlaceholderText("如 1234-5678-……")
        self.new_edit, self.repeat_edit = password_edit(), password_edit()
        self.row("登录名", self.username_edit, "username")
        self.row("恢复码", self.code_edit, "recovery_code")
        self.row("新密码", self.new_edit, "new_password")
        self.row("再次输入新密码", self.repeat_edit, "repeat_password")
        (self.code_edit if username else self.username_edit).setFocus()

    def operation(self) -> Callable[[], Changed]:
        if self.new_edit.text() != self.repeat_edit.text():
            raise ValidationError("repeat_password", "两次输入的新密码不一致")
        username, code, new, reset = (
            self.username_edit.text(),
            self.code_edit.text(),
            self.new_edit.text(),
            self._reset,
        )

        def run() -> Changed:
            clerk = reset(username, code, new)
            self._done.append(clerk)  # read on the GUI thread in _on_saved
            return Changed(message=f"{clerk.display_name}（{clerk.username}）的密码已重设，请用新密码登录")

        return run

    def _on_saved(self, changed: Changed) -> None:
        self.clerk = self._done[-1] if self._done else None
        super()._on_saved(changed)


class RecoveryCodeDialog(QDialog):
    """The recovery code, shown once: large digits, what to do with it, 我已抄写 before it closes."""

    def __init__(self, code: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("本站恢复码")
        self.setMinimumWidth(560)
        self.code = code
        self.code_label = QLabel(code)
        font = QFont("monospace")
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setPointSize(20)
        font.setBold(True)
        self.code_label.setFont(font)
        self.code_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.code_label.setStyleSheet("padding: 12px; border: 1px solid #999; background: #fffbe6;")
        text = QLabel(KEEP_CODE)
        text.setWordWrap(True)
        self.written_box = QCheckBox("我已抄写恢复码")
        self.copy_button = QPushButton("复制")
        self.copy_button.setAutoDefault(False)
        self.copy_button.clicked.connect(lambda: QGuiApplication.clipboard().setText(code))
        self.ok_button = QPushButton("完成")
        self.ok_button.setDefault(True)
        self.ok_button.setEnabled(False)
        self.written_box.toggled.connect(self.ok_button.setEnabled)
        self.ok_button.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.copy_button)
        buttons.addStretch(1)
        buttons.addWidget(self.ok_button)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("请抄写本站的恢复码："))
        layout.addWidget(self.code_label)
        layout.addWidget(text)
        layout.addWidget(self.written_box)
        layout.addLayout(buttons)

    def reject(self) -> None:
        """Esc does not close it before the code is written down."""
        if self.written_box.isChecked():
            super().reject()
