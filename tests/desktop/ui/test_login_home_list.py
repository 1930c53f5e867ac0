"""Login and 切换用户, the home page's groups, and the case list's filters and double-click."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from desktop.services import accounts
from desktop.services.casework.cases import register_case
from desktop.services.context import ServiceContext
from desktop.services.station import require_station
from desktop.ui.application import sign_in_dialog
from desktop.ui.login_dialog import FirstClerkDialog, LoginDialog
from desktop.ui.main_window import MainWindow
from tests.desktop.conftest import set_clock

from ..conftest import TODAY, complete_draft
from ..services.workflow_helpers import registered
from .case_page import wait_error
from .keyboard import type_text


def _login(qtbot: QtBot, dialog: LoginDialog, username: str, password: str) -> None:
    dialog.username_edit.clear()
    type_text(qtbot, dialog.username_edit, username)
    type_text(qtbot, dialog.password_edit, password)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)


def test_first_run_creates_the_first_clerk_and_logs_in(qtbot: QtBot, ctx: ServiceContext) -> None:
    dialog = sign_in_dialog(ctx)
    assert isinstance(dialog, FirstClerkDialog)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.name_edit.text() == "李代办"
    type_text(qtbot, dialog.password_edit, "qinghe2026")
    type_text(qtbot, dialog.confirm_edit, "qinghe2025")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    wait_error(qtbot, dialog, "两次输入的密码不一致")
    assert not accounts.has_accounts(ctx)
    dialog.confirm_edit.clear()
    type_text(qtbot, dialog.confirm_edit, "qinghe2026")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.recovery_code_dialog is not None, timeout=5000)
    code_dialog = dialog.recovery_code_dialog
    assert code_dialog is not None and not code_dialog.ok_button.isEnabled()  # 我已抄写 first
    box = code_dialog.written_box
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))  # on the box itself
    qtbot.mouseClick(code_dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=5000)
    clerk = accounts.current_clerk(ctx)
    assert clerk is not None and clerk.username == "admin" and clerk.display_name == "李代办"
    assert isinstance(sign_in_dialog(ctx), LoginDialog)


def test_login_failure_does_not_say_whether_the_user_exists(qtbot: QtBot, ctx: ServiceContext) -> None:
    accounts.create_clerk(ctx, "lidb", "李代办", "qinghe2026")
    dialog = LoginDialog(partial(accounts.login, ctx), "城南村代办站")
    qtbot.addWidget(dialog)
    dialog.show()
    _login(qtbot, dialog, "lidb", "wrong-password")
    wait_error(qtbot, dialog, "登录名或密码不正确")
    wrong_password = dialog.error_label.text()
    dialog.error_label.clear()
    _login(qtbot, dialog, "nobody", "wrong-password")
    wait_error(qtbot, dialog, "登录名或密码不正确")
    assert dialog.error_label.text() == wrong_password
    assert dialog.password_edit.text() == ""
    _login(qtbot, dialog, "lidb", "qinghe2026")
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=5000)
    assert dialog.clerk is not None and dialog.clerk.display_name == "李代办"


def test_switch_user_makes_the_next_clerk_the_actor(qtbot: QtBot, window: MainWindow, ctx: ServiceContext) -> None:
    accounts.create_clerk(ctx, "zhangdb", "张代办", "qinghe2026")
    dialog = window.switch_user()
    _login(qtbot, dialog, "zhangdb", "qinghe2026")
    qtbot.waitUntil(lambda: window.clerk_label.text().strip() == "经办人：张代办", timeout=5000)
    assert require_station(ctx).clerk == "张代办"
    case_id = registered(ctx)
    page = window.open_case(case_id)
    qtbot.waitUntil(lambda: page.detail is not None, timeout=5000)
    assert page.fields["经办代办员"].text() == "张代办"
    assert page.history_view.item(0, 1).text() == "张代办"


def test_home_page_counts_and_overdue_in_red(qtbot: QtBot, window: MainWindow, ctx: ServiceContext) -> None:
    registered(ctx)  # due in 10 working days
    registered(ctx, phone="13933334444", missing=[complete_draft(ctx).materials[0].name])
    window.home.refresh()
    cards = window.home.cards
    qtbot.waitUntil(lambda: cards["awaiting_materials"].count_label.text() == "1", timeout=5000)
    assert cards["overdue"].count_label.text() == "0"
    # the accepted case waits to be taken to the town; the clerk calls the villager who must bring a material
    assert cards["to_deliver"].count_label.text() == "1" and cards["to_archive"].count_label.text() == "0"
    assert "13933334444" in cards["awaiting_materials"].list.item(0).text()
    set_clock(ctx, TODAY + timedelta(days=30))  # a month later the accepted case is overdue
    window.home.refresh()
    qtbot.waitUntil(lambda: cards["overdue"].count_label.text() == "1", timeout=5000)
    item = cards["overdue"].list.item(0)
    assert "已超期" in item.text() and item.foreground().color().name() == "#c62828"
    assert "1 件需要马上处理" in window.home.greeting.text()


def test_list_filters_and_double_click_opens_the_case(qtbot: QtBot, window: MainWindow, ctx: ServiceContext) -> None:
    first = registered(ctx)
    register_case(ctx, complete_draft(ctx, applicant_name="赵四", phone="13912345678"))
    window.tabs.setCurrentIndex(1)
    window.refresh()
    qtbot.waitUntil(lambda: window.model.rowCount() == 2, timeout=5000)
    qtbot.mouseClick(window.filters.more_button, Qt.MouseButton.LeftButton)
    assert window.filters.more.isVisible()
    type_text(qtbot, window.filters.phone_edit, "13912345678")
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=5000)
    assert window.model.row_at(0).applicant_name == "赵四"
    window.filters.clear()
    qtbot.waitUntil(lambda: window.model.rowCount() == 2, timeout=5000)
    window.filters.date_from.setDate(window.filters.date_from.date().addDays(400))
    window.filters.date_to.setDate(window.filters.date_to.date().addDays(400))
    window.filters.date_box.setChecked(True)
    qtbot.waitUntil(lambda: window.model.rowCount() == 0, timeout=5000)
    window.filters.date_box.setChecked(False)
    type_text(qtbot, window.filters.name_edit, "王秀英")
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=5000)
    rect = window.table.visualRect(window.model.index(0, 1))
    qtbot.mouseClick(window.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(window.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert first in window.case_windows
    page = window.case_windows[first]
    qtbot.waitUntil(lambda: page.detail is not None, timeout=5000)
    assert page.title_label.text().startswith(window.model.row_at(0).case_no)


def test_toolbar_opens_the_ledger_dialog(qtbot: QtBot, window: MainWindow) -> None:
    from desktop.ui.ledger_dialog import LedgerDialog

    window.ledger_action.trigger()
    dialog = window.findChild(LedgerDialog)
    assert dialog is not None and dialog.isVisible()
    dialog.reject()
