"""登录 and the first clerk's account.

A failed login says only that the name or password is wrong (the service
gives the same message for an unknown user), so the dialog never hints
whether an account exists.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from desktop.services.records import ClerkInfo
from sync.domain.errors import DomainError, ValidationError

from .action_form import ERROR_STYLE
from .errors import show_error, user_message
from .rare_char_dialog import attach_to
from .tasks import run_task


class _AccountForm(QDialog):
    def __init__(self, title: str, intro: str, ok_text: str, parent: QWidget | None) -> None:
        super().__init__(parent)
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
        run_task(op, self._on_done, self._on_failed)

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
        self, login: Callable[[str, str], ClerkInfo], station_name: str = "", parent: QWidget | None = None
    ) -> None:
        intro = f"{station_name}\n请输入您的登录名和密码。".strip()
        super().__init__("代办员登录", intro, "登录", parent)
        self._login = login
        self.username_edit = QLineEdit()
        self.password_edit = _password_edit()
        self.form.addRow("登录名", self.username_edit)
        self.form.addRow("密码", self.password_edit)
        # Opens ready to type: 登录名, Tab, 密码, Enter (the default button) logs in.
        self.setTabOrder(self.username_edit, self.password_edit)
        self.setTabOrder(self.password_edit, self.ok_button)
        self.username_edit.setFocus()

    def submit(self) -> None:
        username, password, login = self.username_edit.text(), self.password_edit.text(), self._login
        self.password_edit.clear()
        self._run(lambda: login(username, password))

    def _on_failed(self, exc: BaseException) -> None:
        super()._on_failed(exc)
        self.password_edit.setFocus()  # the name stays; the password is typed again


class FirstClerkDialog(_AccountForm):
    """首次设置 second step: the first clerk's account, then logged in."""

    def __init__(
        self,
        create: Callable[[str, str, str], ClerkInfo],
        login: Callable[[str, str], ClerkInfo],
        display_name: str = "",
        parent: QWidget | None = None,
    ) -> None:
        intro = "请为代办员设置登录名和密码。以后每次打开代办通都需要登录，每项操作都会记录经办人。"
        super().__init__("设置代办员账号", intro, "创建账号并登录", parent)
        self._create, self._login = create, login
        self.name_edit = QLineEdit(display_name)
        self.username_edit = QLineEdit("admin")
        self.password_edit = _password_edit()
        self.confirm_edit = _password_edit()
        self.form.addRow("代办员姓名", attach_to(self.name_edit))
        self.form.addRow("登录名", self.username_edit)
        self.form.addRow("密码", self.password_edit)
        self.form.addRow("再次输入密码", self.confirm_edit)

    def submit(self) -> None:
        if self.password_edit.text() != self.confirm_edit.text():
            self._on_failed(ValidationError("confirm", "两次输入的密码不一致"))
            return
        username, name, password = self.username_edit.text(), self.name_edit.text(), self.password_edit.text()
        create, login = self._create, self._login

        def create_and_login() -> ClerkInfo:
            created = create(username, name, password)
            return login(created.username, password)

        self._run(create_and_login)
