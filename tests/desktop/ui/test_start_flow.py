"""Start-up: first-run setup, then the first clerk's account, then the main window; later starts ask to log in."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop.services import accounts
from desktop.services.context import ServiceContext
from desktop.ui.application import open_main_window
from desktop.ui.login_dialog import FirstClerkDialog, LoginDialog
from desktop.ui.password_dialogs import RecoveryCodeDialog
from desktop.ui.setup_dialog import SetupDialog


def _when_modal(kind: type, act: object) -> None:
    """Run ``act(dialog)`` once a modal dialog of ``kind`` is up (exec() blocks the test otherwise)."""

    def poll() -> None:
        widget = QApplication.activeModalWidget()
        if isinstance(widget, kind):
            act(widget)  # type: ignore[operator]
        else:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(0, poll)


def test_first_run_then_login_next_time(qtbot: QtBot, tmp_path: Path) -> None:
    ctx = ServiceContext.open(tmp_path)

    def fill_setup(dialog: SetupDialog) -> None:
        for edit, text in (
            (dialog.code_edit, "QH01"),
            (dialog.name_edit, "青禾村政务服务代办站"),
            (dialog.village_edit, "青禾村"),
            (dialog.town_edit, "青禾镇"),
            (dialog.clerk_edit, "李代办"),
        ):
            edit.setText(text)
        dialog.submit()
        _when_modal(FirstClerkDialog, fill_account)

    def fill_account(dialog: FirstClerkDialog) -> None:
        dialog.password_edit.setText("qinghe2026")
        dialog.confirm_edit.setText("qinghe2026")
        dialog.submit()
        _when_modal(RecoveryCodeDialog, write_down)

    def write_down(dialog: RecoveryCodeDialog) -> None:
        dialog.written_box.setChecked(True)
        dialog.ok_button.click()

    _when_modal(SetupDialog, fill_setup)
    window = open_main_window(ctx)
    assert window is not None
    qtbot.addWidget(window)
    window.sync_worker.timer.stop()
    assert accounts.current_clerk(ctx) is not None
    assert "青禾村政务服务代办站" in window.windowTitle()
    window.close()

    _when_modal(LoginDialog, lambda dialog: dialog.reject())
    assert open_main_window(ctx) is None
    ctx.close()


def test_damaged_database_offers_recovery_and_quitting_exits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop.ui import application

    ctx = ServiceContext.open(tmp_path)
    ctx.close()
    db_file = tmp_path / "station.sqlite3"
    data = bytearray(db_file.read_bytes())
    data[0:16] = b"garbage garbage!"
    db_file.write_bytes(bytes(data))
    asked: list[Path] = []
    monkeypatch.setattr(application, "run_recovery", lambda d: asked.append(d) or False)
    assert application._open_context(tmp_path) is None
    assert asked == [tmp_path]


def test_the_app_has_its_icon(qtbot: QtBot) -> None:
    """Every window (and the taskbar) shows the 代办通 icon from resources/icons, also in the bundle (.ico)."""
    import resources
    from desktop.ui.application import make_application

    app = make_application()
    assert not app.windowIcon().isNull()
    assert resources.path("icons/app.ico").read_bytes()[:4] == b"\x00\x00\x01\x00"  # a Windows icon file
