"""首次设置 asks the clerk's 身份证 and phone and shows the recovery code; 忘记密码 at the login keeps the data."""

from __future__ import annotations

from pathlib import Path

import keyring
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from desktop.services import accounts, clerk_identity
from desktop.services.context import ServiceContext
from desktop.services.safety import credential_store
from desktop.services.safety.audit import reveal_id_number
from desktop.services.station import current_station, setup_station
from desktop.ui.application import sign_in_dialog
from desktop.ui.login_dialog import FirstClerkDialog, LoginDialog
from desktop.ui.password_dialogs import RecoveryCodeDialog
from sync.domain.clock import FixedClock

from ..conftest import TODAY
from ..services.test_clerk_identity import CLERK_PHONE, clerk_id
from ..services.test_personal_data import ID, NoKeyring
from ..services.workflow_helpers import registered
from .case_page import wait_error
from .keyboard import type_text

CLICK = Qt.MouseButton.LeftButton


def tick(qtbot: QtBot, dialog: RecoveryCodeDialog) -> None:
    box = dialog.written_box
    qtbot.mouseClick(box, CLICK, pos=QPoint(8, box.height() // 2))  # on the box itself


def first_run(qtbot: QtBot, ctx: ServiceContext, password: str) -> str:
    """The first clerk's account typed into the real dialog, 身份证 (with a space, in 全角) and phone included;
    returns the recovery code the dialog showed."""
    dialog = sign_in_dialog(ctx)
    assert isinstance(dialog, FirstClerkDialog)
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(qtbot, dialog.id_edit, clerk_id()[:6] + " " + clerk_id()[6:])
    type_text(qtbot, dialog.phone_edit, "１３９１２３４５６７８")
    assert dialog.phone_edit.text() == CLERK_PHONE  # 全角 digits normalised as typed
    type_text(qtbot, dialog.password_edit, password)
    type_text(qtbot, dialog.confirm_edit, password)
    qtbot.mouseClick(dialog.ok_button, CLICK)
    qtbot.waitUntil(lambda: dialog.recovery_code_dialog is not None, timeout=5000)
    code_dialog = dialog.recovery_code_dialog
    assert code_dialog is not None
    code_dialog.reject()  # Esc does not close it before the code is written down
    assert code_dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    tick(qtbot, code_dialog)
    qtbot.mouseClick(code_dialog.ok_button, CLICK)
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=5000)
    return code_dialog.code


def test_first_run_records_the_clerks_id_and_phone(qtbot: QtBot, ctx: ServiceContext) -> None:
    first_run(qtbot, ctx, "qinghe2026")
    assert clerk_identity.identity_of(ctx, "admin") == clerk_identity.ClerkIdentity(clerk_id(), CLERK_PHONE)


def test_a_bad_phone_at_first_run_is_shown_and_no_account_is_made(qtbot: QtBot, ctx: ServiceContext) -> None:
    dialog = sign_in_dialog(ctx)
    assert isinstance(dialog, FirstClerkDialog)
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(qtbot, dialog.phone_edit, "12345")
    type_text(qtbot, dialog.password_edit, "qinghe2026")
    type_text(qtbot, dialog.confirm_edit, "qinghe2026")
    qtbot.mouseClick(dialog.ok_button, CLICK)
    wait_error(qtbot, dialog, "联系电话格式不正确")
    assert not accounts.has_accounts(ctx)


def test_forgotten_password_at_the_login_keeps_cases_and_sync_credential(qtbot: QtBot, tmp_path: Path) -> None:
    """No keyring: only a password (or the recovery code) opens the data key."""
    keyring.set_keyring(NoKeyring())
    data_dir = tmp_path / "data"
    ctx = ServiceContext.open(data_dir, FixedClock.on(TODAY))
    setup_station(ctx, code="CS01", name="城南村代办站", village="城南村", town="城关镇", clerk="李代办")
    code = first_run(qtbot, ctx, "qinghe2026")
    station_id = current_station(ctx).station_id  # type: ignore[union-attr]
    case_id = registered(ctx)
    credential_store.store_token(ctx, station_id, "station-token-456")
    ctx.close()

    ctx = ServiceContext.open(data_dir, FixedClock.on(TODAY))  # next morning: the password is forgotten
    try:
        login = sign_in_dialog(ctx)
        assert isinstance(login, LoginDialog)
        qtbot.addWidget(login)
        login.show()
        assert login.forgot_button.isVisible()
        assert login.username_edit.text() == "admin"  # who logged in last on this PC, filled in
        assert login.focusWidget() is login.password_edit
        qtbot.mouseClick(login.forgot_button, CLICK)
        reset = login.reset_dialog
        assert reset is not None and reset.username_edit.text() == "admin"
        type_text(qtbot, reset.code_edit, "1234 5678")
        type_text(qtbot, reset.new_edit, "xinmima-2027")
        type_text(qtbot, reset.repeat_edit, "xinmima-2027")
        qtbot.mouseClick(reset.ok_button, CLICK)
        wait_error(qtbot, reset, "恢复码应为24位数字")
        assert reset.focusWidget() is reset.code_edit
        reset.code_edit.clear()
        type_text(qtbot, reset.code_edit, code.replace("-", " "))
        qtbot.mouseClick(reset.ok_button, CLICK)
        qtbot.waitUntil(lambda: reset.result() == QDialog.DialogCode.Accepted, timeout=5000)
        assert "密码已重设" in login.error_label.text()
        type_text(qtbot, login.password_edit, "xinmima-2027")
        qtbot.mouseClick(login.ok_button, CLICK)
        qtbot.waitUntil(lambda: login.result() == QDialog.DialogCode.Accepted, timeout=5000)
        assert reveal_id_number(ctx, case_id, "核对委托书") == ID
        assert credential_store.load_token(ctx, station_id) == "station-token-456"
    finally:
        ctx.close()
