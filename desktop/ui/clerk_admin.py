"""代办站设置 → 代办员: the station's clerk accounts; add, 身份证 and phone, 停用/启用, 重设密码.

Every call runs in the background (the list as a ``ReadOp``, writes as ``WriteOp``); it is read again
after each change. The services refuse what must not happen (the last active
clerk or oneself deactivated, a wrong recovery code) with a Chinese message,
shown under the list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.services.casework.records import Changed, ClerkInfo
from sync.domain.errors import DomainError, ValidationError
from sync.domain.validation import normalize_id_number, normalize_phone

from .action_form import ActionDialog, error_label
from .entry_fields import normalise_as_typed
from .errors import show_error, user_message
from .ops import ReadOp, WriteOp
from .password_dialogs import ResetPasswordDialog, password_edit
from .rare_char_dialog import attach_to

HEADERS = ("登录名", "姓名", "身份证号码", "联系电话", "状态")
ID_HINT = "打印在委托书“受托人”一栏"


@dataclass(frozen=True)
class ClerkServices:
    """What the page needs, each a plain call that may run on a worker thread."""

    list_clerks: Callable[[], list[ClerkInfo]]
    current_clerk: Callable[[], ClerkInfo | None]
    create_clerk: Callable[[str, str, str, str, str], ClerkInfo]
    set_identity: Callable[[str, str, str], Any]
    set_active: Callable[[str, bool], ClerkInfo]
    reset_password: Callable[[str, str, str], ClerkInfo]


def _number_edit(normalise: Callable[[str], str]) -> QLineEdit:
    edit = QLineEdit()
    edit.setPlaceholderText(f"选填，{ID_HINT}")
    normalise_as_typed(edit, normalise)
    return edit


class AddClerkDialog(ActionDialog):
    """添加代办员: login name, name, 身份证 and phone (optional), the initial password twice."""

    def __init__(self, create: Callable[[str, str, str, str, str], ClerkInfo], parent: QWidget | None = None) -> None:
        intro = "新代办员用这里设置的登录名和初始密码登录，登录后可在“代办站设置”中修改自己的密码。"
        super().__init__("添加代办员", intro, parent, ok_text="添加")
        self._create = create
        self.name_edit = QLineEdit()
        self.username_edit = QLineEdit()
        self.username_edit.setPlaceholderText("小写字母、数字，如 zhangsan")
        self.id_edit = _number_edit(normalize_id_number)
        self.phone_edit = _number_edit(normalize_phone)
        self.password_edit, self.repeat_edit = password_edit(), password_edit()
        self.row("代办员姓名", attach_to(self.name_edit), "display_name")
        self.fields["display_name"] = self.name_edit
        self.row("登录名", self.username_edit, "username")
        self.row("身份证号码", self.id_edit, "clerk_id_number")
        self.row("联系电话", self.phone_edit, "clerk_phone")
        self.row("初始密码", self.password_edit, "password")
        self.row("再次输入密码", self.repeat_edit, "repeat_password")

    def operation(self) -> Callable[[], Changed]:
        if self.password_edit.text() != self.repeat_edit.text():
            raise ValidationError("repeat_password", "两次输入的密码不一致")
        args = (
            self.username_edit.text(),
            self.name_edit.text(),
            self.password_edit.text(),
            self.id_edit.text(),
            self.phone_edit.text(),
        )
        create = self._create

        def run() -> Changed:
            clerk = create(*args)
            return Changed(message=f"已添加代办员 {clerk.display_name}（登录名 {clerk.username}）")

        return run


class ClerkIdentityDialog(ActionDialog):
    """身份证和电话 of one clerk (a correction replaces both; blank clears)."""

    def __init__(self, set_identity: Callable[[str, str, str], Any], clerk: ClerkInfo, parent: QWidget | None = None):
        now = f"现为 {clerk.id_masked or '未填写'}、{clerk.phone_masked or '未填写'}"
        intro = f"{clerk.display_name}（{clerk.username}）的身份证号码和联系电话（{now}），{ID_HINT}。请填写完整号码。"
        super().__init__("身份证号码和电话", intro, parent, ok_text="保存")
        self._set, self._username = set_identity, clerk.username
        self.id_edit = _number_edit(normalize_id_number)
        self.phone_edit = _number_edit(normalize_phone)
        self.row("身份证号码", self.id_edit, "clerk_id_number")
        self.row("联系电话", self.phone_edit, "clerk_phone")

    def operation(self) -> Callable[[], Changed]:
        username, id_number, phone, set_identity = (
            self._username,
            self.id_edit.text(),
            self.phone_edit.text(),
            self._set,
        )

        def run() -> Changed:
            set_identity(username, id_number, phone)
            return Changed(message="身份证号码和联系电话已保存")

        return run


class ClerksPage(QWidget):
    """The clerk list and its actions."""

    #: Something changed (a clerk added, deactivated, a password reset): the message for the status line.
    clerks_changed = Signal(str)

    def __init__(self, services: ClerkServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.clerks: list[ClerkInfo] = []
        self.me: ClerkInfo | None = None
        self.dialog: ActionDialog | None = None
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.add_button = QPushButton("添加代办员…")
        self.add_button.clicked.connect(self.add_clerk)
        self.identity_button = QPushButton("身份证和电话…")
        self.identity_button.clicked.connect(self.edit_identity)
        self.active_button = QPushButton("停用")
        self.active_button.clicked.connect(self.toggle_active)
        self.reset_button = QPushButton("重设密码…")
        self.reset_button.setToolTip("用本站恢复码为所选代办员设置新密码（忘记密码时）")
        self.reset_button.clicked.connect(self.reset_password)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.identity_button, self.active_button, self.reset_button):
            button.setAutoDefault(False)
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.error_label = error_label()
        note = QLabel(
            "停用的账号不能再登录，其经办记录保留。不能停用自己，也不能停用最后一个可用账号。"
            "代办员忘记密码时，用本站恢复码“重设密码”，办件数据不受影响。"
        )
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(note)
        layout.addWidget(self.error_label)
        self._update_buttons()

    # ------------------------------------------------------------------ list
    def refresh(self) -> None:
        services = self.services
        load = ReadOp(self, "clerks", lambda: (services.list_clerks(), services.current_clerk()), self._show)
        load.failure(self._on_failed).run_in_background()  # read again after each change: the newest wins

    def _show(self, result: tuple[list[ClerkInfo], ClerkInfo | None]) -> None:
        selected = self.selected()
        self.clerks, self.me = result
        self.table.setRowCount(len(self.clerks))
        for row, clerk in enumerate(self.clerks):
            me = self.me is not None and clerk.username == self.me.username
            state = "可用" if clerk.active else "已停用"
            cells = (
                clerk.username,
                clerk.display_name + ("（当前登录）" if me else ""),
                clerk.id_masked or "未填写",
                clerk.phone_masked or "未填写",
                state,
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if not clerk.active:
                    item.setForeground(QBrush(QColor("#8a8a8a")))  # a deactivated account, greyed
                self.table.setItem(row, column, item)
            if selected is not None and clerk.username == selected.username:
                self.table.selectRow(row)
        self._update_buttons()

    def selected(self) -> ClerkInfo | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.clerks):
            return None
        return self.clerks[rows[0].row()]

    def select(self, username: str) -> None:
        for row, clerk in enumerate(self.clerks):
            if clerk.username == username:
                self.table.selectRow(row)

    def _update_buttons(self) -> None:
        clerk = self.selected()
        me = clerk is not None and self.me is not None and clerk.username == self.me.username
        self.identity_button.setEnabled(clerk is not None)
        self.reset_button.setEnabled(clerk is not None and not me)
        self.active_button.setEnabled(clerk is not None and not me)
        self.active_button.setText("启用" if clerk is not None and not clerk.active else "停用")

    # ------------------------------------------------------------------ actions
    def _open(self, dialog: ActionDialog) -> ActionDialog:
        dialog.saved.connect(self._on_saved)
        self.dialog = dialog
        dialog.open()
        return dialog

    def add_clerk(self) -> ActionDialog:
        return self._open(AddClerkDialog(self.services.create_clerk, self))

    def edit_identity(self) -> ActionDialog | None:
        clerk = self.selected()
        return self._open(ClerkIdentityDialog(self.services.set_identity, clerk, self)) if clerk else None

    def reset_password(self) -> ActionDialog | None:
        clerk = self.selected()
        return self._open(ResetPasswordDialog(self.services.reset_password, clerk.username, self)) if clerk else None

    def toggle_active(self) -> None:
        clerk = self.selected()
        if clerk is None:
            return
        set_active, username, active = self.services.set_active, clerk.username, not clerk.active
        self.error_label.hide()
        verb = "启用" if active else "停用"

        def run() -> Changed:
            done = set_active(username, active)
            return Changed(message=f"已{verb}代办员 {done.display_name}（{done.username}）")

        WriteOp(self, None, run).success(self._on_saved).failure(self._on_failed).run_in_background()

    def _on_saved(self, changed: Changed) -> None:
        self.error_label.hide()
        self.clerks_changed.emit(changed.message)
        self.refresh()

    def _on_failed(self, exc: BaseException) -> None:
        if isinstance(exc, DomainError):
            self.error_label.setText(user_message(exc))
            self.error_label.show()
        else:
            show_error(self, exc)
