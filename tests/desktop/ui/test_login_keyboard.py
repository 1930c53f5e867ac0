"""登录 from the keyboard alone: the dialog opens in 登录名; name, Tab, password, Enter logs in, never cancels."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QWidget
from pytestqt.qtbot import QtBot

from desktop.services import accounts
from desktop.services.context import ServiceContext
from desktop.ui.login_dialog import LoginDialog


def _focused(dialog: QDialog) -> QWidget:
    widget = dialog.focusWidget()
    assert widget is not None
    return widget


def _type_at_focus(qtbot: QtBot, dialog: QDialog, text: str) -> None:
    qtbot.keyClicks(_focused(dialog), text)


def test_name_tab_password_enter_logs_in(qtbot: QtBot, ctx: ServiceContext) -> None:
    accounts.create_clerk(ctx, "lidb", "李代办", "qinghe2026")
    dialog = LoginDialog(partial(accounts.login, ctx), "城南村代办站")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.focusWidget() is dialog.username_edit

    _type_at_focus(qtbot, dialog, "lidb")
    qtbot.keyClick(_focused(dialog), Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.password_edit
    _type_at_focus(qtbot, dialog, "wrong-password")
    qtbot.keyClick(_focused(dialog), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "登录名或密码不正确" in dialog.error_label.text(), timeout=5000)
    assert dialog.isVisible()  # still open: Enter did not cancel
    assert dialog.username_edit.text() == "lidb" and dialog.focusWidget() is dialog.password_edit

    _type_at_focus(qtbot, dialog, "qinghe2026")
    qtbot.keyClick(_focused(dialog), Qt.Key.Key_Enter)  # the keypad's Enter too
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=5000)
    assert dialog.clerk is not None and dialog.clerk.username == "lidb"


def test_enter_on_the_cancel_button_does_not_cancel(qtbot: QtBot, ctx: ServiceContext) -> None:
    accounts.create_clerk(ctx, "lidb", "李代办", "qinghe2026")
    dialog = LoginDialog(partial(accounts.login, ctx), "城南村代办站")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    _type_at_focus(qtbot, dialog, "lidb")
    dialog.password_edit.setFocus()
    _type_at_focus(qtbot, dialog, "qinghe2026")
    dialog.cancel_button.setFocus()
    qtbot.keyClick(dialog.cancel_button, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=5000)
