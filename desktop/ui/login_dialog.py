"""登录 and the first clerk's account.

A failed login says only that the name or password is wrong (the service
gives the same message for an unknown user), so the dialog never hints
whether an account exists.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from desktop.services.casework.records import Changed, ClerkInfo
from desktop.services.station_admin import FirstClerk
from sync.domain.errors import DomainError, ValidationError
from sync.domain.validation import normalize_id_number, normalize_phone

from .action_form import ERROR_STYLE
from .entry_fields import normalise_as_typed
from .errors import show_error, user_message
from .ops import Hub, WriteOp
from .password_dialogs import RecoveryCodeDialog, ResetPasswordDialog
from .rare_char_dialog import attach_to


class _AccountForm(QDialog):
    def __init__(self, title: str, intro: str, ok_text: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        #: Told who logged in (``WriteOp``): None before the main window exists.
        self.hub: Hub | None = None
        self.setWindowTitle(title)
        self.setMinimumWidth(420)
        self.clerk: ClerkInfo | None = None
        self.form = QFormLayout()
        self.error_label = QLabel()
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.buttons = QDialogButtonBox()
        self.ok_button = self.buttons.addButton(ok_text, QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        # Enter means the form's own button wherever the focus is: it never cancels (and so never quits the app).
        self.ok_button.setDefault(True)
        self.cancel_button.setAutoDefault(False)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        intro_label = QLabel(intro)
        intro_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro_label)
        layout.addLayout(self.form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

    def submit(self) -> None:
        raise NotImplementedError

    def _run(self, op: Callable[[], ClerkInfo]) -> None:
        self.error_label.hide()
        self.ok_button.setEnabled(False)
        login = WriteOp(self, self.hub, op, changes=lambda clerk: Changed(message=f"{clerk.display_name} 已登录"))
        login.success(self._on_done).failure(self._on_failed).run_in_background()

    def _on_done(self, clerk: ClerkInfo) -> None:
        self.ok_button.setEnabled(True)
        self.clerk = clerk
        self.accept()

    def _on_failed(self, exc: BaseException) -> None:
        self.ok_button.setEnabled(True)
        if isinstance(exc, DomainError):
            self.error_label.setText(user_message(exc))
            self.error_label.show()
        else:
            show_error(self, exc)


def _password_edit() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


class LoginDialog(_AccountForm):
    """登录 / 切换用户: ``login(username, password)`` runs in the background."""

    def __init__(
        self,
        login: Callable[[str, str], ClerkInfo],
        station_name: str = "",
        parent: QWidget | None = None,
        reset: Callable[[str, str, str], ClerkInfo] | None = None,
        *,
        hub: Hub | None = None,
        username: str = "",
    ) -> None:
        """``username``: who logged in last on this PC, filled in (the cursor then waits in 密码)."""
        intro = f"{station_name}\n请输入您的登录名和密码。".strip()
        super().__init__("代办员登录", intro, "登录", parent)
        self.hub = hub
        self._login = login
        self._reset = reset
        self.reset_dialog: ResetPasswordDialog | None = None
        self.forgot_button = self.buttons.addButton("忘记密码…", QDialogButtonBox.ButtonRole.ResetRole)
        self.forgot_button.setAutoDefault(False)
        self.forgot_button.clicked.connect(self.forgot_password)
        self.forgot_button.setVisible(reset is not None)
        self.username_edit = QLineEdit()
        self.password_edit = _password_edit()
        self.form.addRow("登录名", self.username_edit)
        self.form.addRow("密码", self.password_edit)
        # Opens ready to type: 登录名, Tab, 密码, Enter (the default button) logs in.
        self.setTabOrder(self.username_edit, self.password_edit)
        self.setTabOrder(self.password_edit, self.ok_button)
        self.username_edit.setText(username)
        (self.password_edit if username else self.username_edit).setFocus()

    def submit(self) -> None:
        username, password, login = self.username_edit.text(), self.password_edit.text(), self._login
        self.password_edit.clear()
        self._run(lambda: login(username, password))

    def _on_failed(self, exc: BaseException) -> None:
        super()._on_failed(exc)
        self.password_edit.setFocus()  # the name stays; the password is typed again

    def forgot_password(self) -> ResetPasswordDialog | None:
        """忘记密码: the station's recovery code sets a new password (nothing is lost); then log in with it."""
        if self._reset is None:
            return None
        dialog = ResetPasswordDialog(self._reset, parent=self)
        typed = self.username_edit.text().strip()
        dialog.username_edit.setText(typed)
        if typed:
            dialog.code_edit.setFocus()
        dialog.saved.connect(lambda _changed: self._after_reset(dialog))
        self.reset_dialog = dialog
        dialog.open()
        return dialog

    def _after_reset(self, dialog: ResetPasswordDialog) -> None:
        if dialog.clerk is not None:
            self.username_edit.setText(dialog.clerk.username)
        self.error_label.setText("密码已重设，请输入新密码登录。")
        self.error_label.show()
        self.password_edit.clear()
        self.password_edit.setFocus()


class FirstClerkDialog(_AccountForm):
    """首次设置 second step: the first clerk's account (with the 身份证 number and phone printed as 受托人),
    logged in; then the station's recovery code, shown once, before the main window opens."""

    def __init__(
        self,
        first_clerk: Callable[[str, str, str, str, str], FirstClerk],
        display_name: str = "",
        parent: QWidget | None = None,
    ) -> None:
        intro = "请为代办员设置登录名和密码。以后每次打开代办通都需要登录，每项操作都会记录经办人。"
        super().__init__("设置代办员账号", intro, "创建账号并登录", parent)
        self._first_clerk = first_clerk
        self.recovery_code_dialog: RecoveryCodeDialog | None = None
        self.name_edit = QLineEdit(display_name)
        self.id_edit = QLineEdit()
        self.id_edit.setPlaceholderText("选填，打印在委托书“受托人”一栏")
        normalise_as_typed(self.id_edit, normalize_id_number)
        self.phone_edit = QLineEdit()
        self.phone_edit.setPlaceholderText("选填，打印在委托书“受托人”一栏")
        normalise_as_typed(self.phone_edit, normalize_phone)
        self.username_edit = QLineEdit("admin")
        self.password_edit = _password_edit()
        self.confirm_edit = _password_edit()
        self.form.addRow("代办员姓名", attach_to(self.name_edit))
        self.form.addRow("身份证号码", self.id_edit)
        self.form.addRow("联系电话", self.phone_edit)
        self.form.addRow("登录名", self.username_edit)
        self.form.addRow("密码", self.password_edit)
        self.form.addRow("再次输入密码", self.confirm_edit)
        self._codes: list[str] = []

    def submit(self) -> None:
        if self.password_edit.text() != self.confirm_edit.text():
            self._on_failed(ValidationError("confirm", "两次输入的密码不一致"))
            return
        username, name, password = self.username_edit.text(), self.name_edit.text(), self.password_edit.text()
        id_number, phone, first_clerk = self.id_edit.text(), self.phone_edit.text(), self._first_clerk
        codes: list[str] = []

        def create_and_login() -> ClerkInfo:
            made = first_clerk(username, name, password, id_number, phone)
            codes.append(made.recovery_code)
            return made.clerk

        self._codes = codes
        self._run(create_and_login)

    def _on_done(self, clerk: ClerkInfo) -> None:
        """Logged in: the recovery code is shown (once) before this dialog closes."""
        self.clerk = clerk
        self.ok_button.setEnabled(False)
        self.cancel_button.setEnabled(False)
        dialog = RecoveryCodeDialog(self._codes[-1], self)
        dialog.accepted.connect(self.accept)
        self.recovery_code_dialog = dialog
        dialog.open()
