"""A station PC without a system keyring, restarted: the login's password opens the sync credential, and
every path that still finds it locked asks for the password (real town center over HTTP)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from desktop.services import accounts
from desktop.services.casework.cases import register_case
from desktop.services.context import ServiceContext
from desktop.services.safety import credential_store
from desktop.services.station import require_station, setup_station
from desktop.services.syncing import center_sync
from desktop.ui.application import open_main_window
from desktop.ui.facade import StationFacade
from desktop.ui.login_dialog import LoginDialog
from desktop.ui.main_window import MainWindow
from desktop.ui.unlock_dialog import UnlockDialog
from sync.client import credentials
from sync.domain.clock import FixedClock
from tests.desktop.conftest import TODAY, complete_draft
from tests.sync.live_server import ServerHandle, issue_enrollment_code

PASSWORD = "mima-123456"
SECOND_PASSWORD = "chen-654321"


@pytest.fixture
def no_keyring() -> Iterator[None]:
    """This PC has no keyring: every keyring call fails, as on many Linux and 信创 PCs."""
    keyring.set_keyring(fail.Keyring())
    yield


def _first_run(qtbot: QtBot, data_dir: Path, server: ServerHandle) -> str:
    """Set up the station, log in, 连接镇中心 through the window (no second password), sync one case."""
    code = f"K{uuid.uuid4().hex[:6].upper()}"
    ctx = ServiceContext.open(data_dir, FixedClock.on(TODAY))
    setup_station(
        ctx,
        code=code,
        name="城西村代办站",
        village="城西村",
        town="城关镇",
        clerk="冯代办",
        username="feng",
        password=PASSWORD,
    )
    accounts.create_clerk(ctx, "chen", "陈代办", SECOND_PASSWORD)
    window = MainWindow(StationFacade(ctx))
    qtbot.addWidget(window)
    dialog = window.connect_center()
    qtbot.keyClicks(dialog.url_edit, server.url)
    qtbot.keyClicks(dialog.code_edit, issue_enrollment_code(server.database_url, code, "城西村代办站"))
    with qtbot.waitSignal(dialog.connected, timeout=15000):
        dialog.ok_button.click()
    register_case(ctx, complete_draft(ctx))
    center_sync.sync_now(ctx)
    assert center_sync.status(ctx).pending == 0
    token = ctx.unlocked_token
    assert token and token.encode() not in credential_store.token_file(ctx).read_bytes()
    window.close()
    ctx.close()
    return token


def _when_modal(kind: type, act: Callable[[QWidget], None]) -> None:
    def poll() -> None:
        widget = QApplication.activeModalWidget()
        if isinstance(widget, kind):
            act(widget)
        else:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(0, poll)


def _type_login(qtbot: QtBot, username: str, password: str) -> Callable[[QWidget], None]:
    """The clerk types into whatever has the focus: 登录名, Tab, 密码, Enter; or, when the dialog opens with his
    登录名 already there (he logged in last) and the focus in 密码, only 密码 and Enter."""

    def act(dialog: QWidget) -> None:
        assert isinstance(dialog, LoginDialog)
        if dialog.focusWidget() is not dialog.password_edit:
            qtbot.keyClicks(dialog.focusWidget(), username)
            qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Tab)
        if dialog.username_edit.text() != username or dialog.focusWidget() is not dialog.password_edit:
            dialog.reject()  # typed into the wrong field: the test fails on the missing window, it never hangs
            return
        qtbot.keyClicks(dialog.focusWidget(), password)
        qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Return)

    return act


def test_restart_without_keyring_syncs_after_the_login(
    qtbot: QtBot, tmp_path: Path, server: ServerHandle, no_keyring: None
) -> None:
    data_dir = tmp_path / "station"
    _first_run(qtbot, data_dir, server)

    ctx = ServiceContext.open(data_dir, FixedClock.on(TODAY))  # the next morning: a new start of the app
    try:
        assert ctx.db.key_slot.key is None and ctx.unlocked_token is None
        _when_modal(LoginDialog, _type_login(qtbot, "feng", PASSWORD))
        window = open_main_window(ctx)
        assert window is not None
        qtbot.addWidget(window)
        window.sync_worker.stop()
        register_case(ctx, complete_draft(ctx))
        assert center_sync.status(ctx).pending >= 1

        window.sync_action.trigger()  # 立即同步: no password asked again
        qtbot.waitUntil(lambda: center_sync.status(ctx).pending == 0 and window.sync_action.isEnabled(), timeout=20000)
        assert window.unlock_dialog is None
        assert center_sync.status(ctx).last_error is None

        dialog = window.connect_center()  # the address is remembered
        qtbot.waitUntil(lambda: dialog.url_edit.text() == server.url, timeout=5000)
        assert dialog.remembered_label.isVisible()
        dialog.reject()
        window.close()
    finally:
        ctx.close()


def _earlier_release_file(data_dir: Path, token: str) -> None:
    """The credential as the release before this one kept it: encrypted with 冯代办's password."""
    ctx = ServiceContext.open(data_dir, FixedClock.on(TODAY))
    station_id = require_station(ctx).station_id
    path = credential_store.token_file(ctx)
    ctx.close()
    credentials.save_token_encrypted(path, station_id, token, PASSWORD)
    assert json.loads(path.read_text(encoding="utf-8"))["v"] == 1


def test_sync_while_locked_asks_the_password_and_a_wrong_one_loses_nothing(
    qtbot: QtBot, tmp_path: Path, server: ServerHandle, no_keyring: None
) -> None:
    data_dir = tmp_path / "station"
    token = _first_run(qtbot, data_dir, server)
    _earlier_release_file(data_dir, token)

    ctx = ServiceContext.open(data_dir, FixedClock.on(TODAY))
    try:
        accounts.login(ctx, "chen", SECOND_PASSWORD)  # opens the personal data; not 冯代办's credential
        assert ctx.unlocked_token is None
        register_case(ctx, complete_draft(ctx))
        window = MainWindow(StationFacade(ctx))
        qtbot.addWidget(window)
        window.show()
        locked_file = credential_store.token_file(ctx).read_bytes()
        pending = center_sync.status(ctx).pending
        assert pending > 0

        # the timer's sync asks too; cancelled, the timer stops asking, 立即同步 still asks
        window.sync_worker.sync_now()
        qtbot.waitUntil(lambda: window.unlock_dialog is not None and window.unlock_dialog.isVisible(), timeout=10000)
        assert window.unlock_dialog is not None
        window.unlock_dialog.cancel_button.click()
        assert window.unlock_declined
        window.sync_worker.sync_now()
        qtbot.waitUntil(lambda: "解锁" in window.statusBar().currentMessage(), timeout=10000)
        qtbot.waitUntil(window.sync_action.isEnabled, timeout=5000)
        assert not window.unlock_dialog.isVisible()

        window.sync_action.trigger()  # 立即同步
        qtbot.waitUntil(lambda: window.unlock_dialog is not None and window.unlock_dialog.isVisible(), timeout=10000)
        dialog = window.unlock_dialog
        assert isinstance(dialog, UnlockDialog) and dialog.focusWidget() is dialog.password_edit

        for wrong, says in (("wrong-password", "密码不正确"), (SECOND_PASSWORD, "连接镇中心的代办员的密码")):
            qtbot.keyClicks(dialog.password_edit, wrong)
            qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
            qtbot.waitUntil(lambda says=says: says in dialog.error_label.text(), timeout=10000)  # type: ignore[misc]
            assert dialog.isVisible() and dialog.ok_button.isEnabled()
            assert center_sync.status(ctx).pending == pending and ctx.unlocked_token is None
            assert credential_store.token_file(ctx).read_bytes() == locked_file
            dialog.error_label.clear()

        qtbot.keyClicks(dialog.password_edit, PASSWORD)  # the password the credential was kept with
        qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: center_sync.status(ctx).pending == 0, timeout=20000)
        assert not dialog.isVisible()
        assert json.loads(credential_store.token_file(ctx).read_text(encoding="utf-8"))["v"] == 2
        qtbot.waitUntil(window.sync_action.isEnabled, timeout=10000)
        window.close()
    finally:
        ctx.close()

    ctx = ServiceContext.open(data_dir, FixedClock.on(TODAY))  # from now on any clerk's login opens it
    try:
        accounts.login(ctx, "chen", SECOND_PASSWORD)
        assert ctx.unlocked_token == token
    finally:
        ctx.close()


def test_usb_export_while_locked_asks_the_password(
    qtbot: QtBot, tmp_path: Path, server: ServerHandle, no_keyring: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    data_dir = tmp_path / "station"
    token = _first_run(qtbot, data_dir, server)
    _earlier_release_file(data_dir, token)
    ctx = ServiceContext.open(data_dir, FixedClock.on(TODAY))
    try:
        accounts.login(ctx, "chen", SECOND_PASSWORD)
        register_case(ctx, complete_draft(ctx))
        window = MainWindow(StationFacade(ctx))
        qtbot.addWidget(window)
        out = tmp_path / "usb" / "export.dbt"
        out.parent.mkdir()
        shown: list[str] = []
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
        monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text: shown.append(text))
        window.export_action.trigger()
        dialog: list[UnlockDialog] = []
        qtbot.waitUntil(lambda: bool(dialog.extend(window.findChildren(UnlockDialog)) or dialog), timeout=10000)
        assert not out.exists()
        qtbot.keyClicks(dialog[0].password_edit, PASSWORD)
        qtbot.keyClick(dialog[0].password_edit, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: bool(shown), timeout=15000)
        assert out.exists() and "已导出" in shown[0]
        window.close()
    finally:
        ctx.close()
