"""数据 → 数据备份与恢复: the verified list, 立即备份, the backup folder (a USB stick), restoring and reopening."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

from desktop.services.casework.cases import list_cases, register_case
from desktop.services.context import ServiceContext
from desktop.services.safety import backup
from desktop.services.safety.audit import audit_log
from desktop.store.db import DB_FILENAME
from desktop.ui import application
from desktop.ui.application import schedule_retention
from desktop.ui.backup_dialog import BackupDialog
from desktop.ui.facade import BackupServices
from desktop.ui.main_window import MainWindow
from sync.domain.clock import FixedClock

from ..conftest import TODAY, complete_draft


def _dialog(qtbot: QtBot, ctx: ServiceContext) -> BackupDialog:
    dialog = BackupDialog(BackupServices(ctx))
    qtbot.addWidget(dialog)
    dialog.show()
    _idle(qtbot, dialog)
    return dialog


def _idle(qtbot: QtBot, dialog: BackupDialog) -> None:
    qtbot.waitUntil(lambda: not dialog.busy, timeout=15_000)


def _corrupt_copy(good: Path) -> Path:
    corrupt = good.with_name("station-29991231-235959-manual.sqlite3")  # surely the newest
    shutil.copyfile(good, corrupt)
    with open(corrupt, "r+b") as handle:
        handle.truncate(corrupt.stat().st_size // 2)
    return corrupt


def _answer_confirmation(monkeypatch: pytest.MonkeyPatch, button_text: str) -> list[str]:
    """The restore confirmation answers with the button called ``button_text``; its texts are collected."""
    asked: list[str] = []

    def exec_(box: QMessageBox) -> int:
        asked.append(box.text())
        (button,) = [b for b in box.buttons() if b.text() == button_text]
        button.click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    return asked


def _collect(monkeypatch: pytest.MonkeyPatch, name: str) -> list[str]:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, name, staticmethod(lambda parent, title, text, *a: shown.append(text)))
    return shown


def test_the_backups_are_listed_newest_first_with_their_verification(qtbot: QtBot, ctx: ServiceContext) -> None:
    register_case(ctx, complete_draft(ctx))
    good = backup.backup_now(ctx, "daily").path
    corrupt = _corrupt_copy(good)

    dialog = _dialog(qtbot, ctx)

    assert dialog.backup_list.count() == 2
    newest, older = dialog.backup_list.item(0), dialog.backup_list.item(1)
    assert newest.toolTip() == str(corrupt) and "损坏：" in newest.text() and "已损坏" in newest.text()
    assert not newest.flags() & Qt.ItemFlag.ItemIsEnabled  # listed, but cannot be chosen
    assert older.text().endswith("可用") and "每日自动备份" in older.text() and "MB" in older.text()
    assert dialog.backup_list.currentItem() is older and dialog.restore_button.isEnabled()
    assert dialog.status_label.text() == "共 2 份备份，1 份可用，1 份已损坏。"
    assert dialog.folder_label.text() == f"{ctx.db.data_dir / 'backups'}（默认位置）"
    assert not dialog.default_button.isEnabled()


def test_back_up_now_adds_a_backup_and_disables_the_buttons_meanwhile(qtbot: QtBot, ctx: ServiceContext) -> None:
    dialog = _dialog(qtbot, ctx)
    assert dialog.backup_list.count() == 0 and "还没有备份" in dialog.status_label.text()
    assert not dialog.restore_button.isEnabled()

    dialog.backup_button.click()
    assert dialog.busy and dialog.progress.isVisible()
    assert not any(b.isEnabled() for b in (dialog.backup_button, dialog.file_button, dialog.change_button))
    _idle(qtbot, dialog)

    assert dialog.backup_list.count() == 1 and dialog.backup_list.item(0).text().endswith("可用")
    assert "手动备份" in dialog.backup_list.item(0).text()
    assert dialog.status_label.text().startswith(f"已备份到 {ctx.db.data_dir / 'backups'}")
    assert not dialog.progress.isVisible() and dialog.backup_button.isEnabled()
    assert len(backup.list_backups(ctx)) == 1


def test_a_usb_folder_gets_the_next_backup_which_is_audited_as_an_export(
    qtbot: QtBot, ctx: ServiceContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    usb = tmp_path / "U盘"
    usb.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a: str(usb)))
    audited_before = len(audit_log(ctx))
    dialog = _dialog(qtbot, ctx)

    dialog.change_button.click()
    _idle(qtbot, dialog)
    assert backup.backup_folder(ctx) == usb
    assert dialog.folder_label.text() == str(usb) and dialog.default_button.isEnabled()
    assert f"备份位置已改为 {usb}" in dialog.status_label.text()

    dialog.backup_button.click()
    _idle(qtbot, dialog)
    (on_usb,) = usb.glob("station-*-manual.sqlite3")
    assert dialog.backup_list.item(0).toolTip() == str(on_usb)
    entries = audit_log(ctx)
    assert len(entries) == audited_before + 1 and "备份" in entries[0].detail

    dialog.default_button.click()
    _idle(qtbot, dialog)
    assert backup.backup_folder(ctx) == ctx.db.data_dir / "backups" and not dialog.default_button.isEnabled()
    dialog.backup_button.click()
    _idle(qtbot, dialog)
    assert len(list((ctx.db.data_dir / "backups").glob("*.sqlite3"))) == 1
    assert len(audit_log(ctx)) == audited_before + 1  # a backup in the default folder is no export


def test_a_folder_that_cannot_be_written_is_refused_in_chinese_and_nothing_changes(
    qtbot: QtBot, ctx: ServiceContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_bytes(b"a file where the folder would be")
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a: str(blocker / "备份")))
    shown = _collect(monkeypatch, "warning")
    dialog = _dialog(qtbot, ctx)
    before = dialog.folder_label.text()

    dialog.change_button.click()
    _idle(qtbot, dialog)

    assert len(shown) == 1 and shown[0].startswith("这个文件夹不能写入，请换一个") and "Traceback" not in shown[0]
    assert backup.backup_folder(ctx) == ctx.db.data_dir / "backups"
    assert dialog.folder_label.text() == before and dialog.change_button.isEnabled()


def test_restoring_a_chosen_backup_brings_its_data_back_and_asks_to_reopen(
    qtbot: QtBot, ctx: ServiceContext, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    register_case(ctx, complete_draft(ctx))
    taken = backup.backup_now(ctx).path
    register_case(ctx, complete_draft(ctx, applicant_name="赵四"))  # recorded after the backup
    retention_timer = schedule_retention(window)
    asked = _answer_confirmation(monkeypatch, "恢复这份备份")
    told = _collect(monkeypatch, "information")

    assert [a.text() for a in window.menuBar().actions()] == ["数据", "帮助"]
    window.backup_action.trigger()
    dialog = window.backup_dialog
    assert dialog is not None
    _idle(qtbot, dialog)
    assert dialog.backup_list.currentItem().toolTip() == str(taken)
    with qtbot.waitSignal(window.closed_for_reopen, timeout=15_000):
        dialog.restore_button.click()

    assert "现在的数据不会删除" in asked[0] and "补登" in asked[0] and "办理结果" in asked[0] and "重新登录" in asked[0]
    assert dialog.restored is not None and dialog.restored.backup == taken
    assert "重新登录" in told[0] and "另存为" in told[0]
    assert window.reopen_requested and not window.isVisible() and not dialog.isVisible()
    assert window.sync_worker.paused and not retention_timer.isActive()
    assert not any(t.isActive() for t in window.findChildren(QTimer))
    data_dir = ctx.db.data_dir
    assert dialog.restored.kept_aside is not None and dialog.restored.kept_aside.exists()
    reopened = ServiceContext.open(data_dir, FixedClock.on(TODAY))
    try:
        assert [c.applicant_name for c in list_cases(reopened)] == ["王秀英"]
    finally:
        reopened.close()


def test_cancelling_the_confirmation_changes_nothing(
    qtbot: QtBot, ctx: ServiceContext, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    register_case(ctx, complete_draft(ctx))
    backup.backup_now(ctx)
    register_case(ctx, complete_draft(ctx, applicant_name="赵四"))
    asked = _answer_confirmation(monkeypatch, "取消")
    told = _collect(monkeypatch, "information")
    database = (ctx.db.data_dir / DB_FILENAME).read_bytes()
    dialog = window.open_backups()
    _idle(qtbot, dialog)

    dialog.restore_button.click()
    qtbot.wait(200)

    assert len(asked) == 1 and not told and "没有恢复" in dialog.status_label.text()
    assert dialog.restored is None and not window.reopen_requested and window.isVisible()
    assert not window.sync_worker.paused and window.toolbar.isEnabled() and dialog.restore_button.isEnabled()
    assert sorted(c.applicant_name for c in list_cases(ctx)) == ["王秀英", "赵四"]
    assert not list(ctx.db.data_dir.glob(f"{DB_FILENAME}.before-restore-*"))
    assert len((ctx.db.data_dir / DB_FILENAME).read_bytes()) == len(database)


def test_a_damaged_file_picked_by_hand_is_refused_and_the_app_carries_on(
    qtbot: QtBot, ctx: ServiceContext, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    register_case(ctx, complete_draft(ctx))
    picked = tmp_path / "从U盘拿来的.sqlite3"
    shutil.copyfile(backup.backup_now(ctx).path, picked)
    with open(picked, "r+b") as handle:
        handle.truncate(picked.stat().st_size // 2)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a: (str(picked), "")))
    asked = _answer_confirmation(monkeypatch, "恢复这份备份")
    shown = _collect(monkeypatch, "warning")
    dialog = window.open_backups()
    _idle(qtbot, dialog)

    dialog.file_button.click()
    _idle(qtbot, dialog)

    assert shown and "已损坏" in shown[0] and not asked
    assert dialog.restored is None and not window.reopen_requested and not window.sync_worker.paused
    assert [c.applicant_name for c in list_cases(ctx)] == ["王秀英"]


class _FakeWindow(QObject):
    closed_for_reopen = Signal()

    def __init__(self, reopen: bool) -> None:
        super().__init__()
        self.reopen_requested = reopen


class _FakeApp:
    def __init__(self) -> None:
        self.runs = 0

    def exec(self) -> int:
        self.runs += 1
        return 0

    def quit(self) -> None:
        pass


def test_run_opens_the_database_again_after_a_restore_and_only_then(monkeypatch: pytest.MonkeyPatch) -> None:
    """application.run loops while the closed window asks to reopen: a fresh context and a new login each time."""

    class Ctx:
        def __init__(self) -> None:
            self.closed = False

        def close(self) -> None:
            self.closed = True

    app = _FakeApp()
    opened: list[Ctx] = []
    windows = [_FakeWindow(reopen=True), _FakeWindow(reopen=False)]
    shown: list[Ctx] = []

    def open_context(data_dir: Path) -> Ctx:
        opened.append(Ctx())
        return opened[-1]

    def open_window(ctx: Ctx) -> _FakeWindow:
        assert not ctx.closed and all(c.closed for c in opened[:-1])  # nothing keeps the old context open
        shown.append(ctx)
        return windows.pop(0)

    first, second = windows
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(application, "make_application", lambda: app)
    monkeypatch.setattr(application, "_open_context", open_context)
    monkeypatch.setattr(application, "open_main_window", open_window)
    monkeypatch.setattr(application, "install_requested_update", lambda ctx: (False, ""))  # no 新版本 pending

    assert application.run(Path("unused")) == 0

    assert len(opened) == 2 and all(c.closed for c in opened) and app.runs == 2
    assert shown == opened
    assert not shiboken6.isValid(first) and not shiboken6.isValid(second)  # each old window deleted


def test_run_exits_when_the_window_closes_without_asking_to_reopen(monkeypatch: pytest.MonkeyPatch) -> None:
    app = _FakeApp()
    contexts: list[Any] = []

    class Ctx:
        def close(self) -> None:
            contexts.append(self)

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(application, "make_application", lambda: app)
    monkeypatch.setattr(application, "_open_context", lambda data_dir: Ctx())
    monkeypatch.setattr(application, "open_main_window", lambda ctx: _FakeWindow(reopen=False))
    monkeypatch.setattr(application, "install_requested_update", lambda ctx: (False, ""))  # no 新版本 pending

    assert application.run(Path("unused")) == 0
    assert app.runs == 1 and len(contexts) == 1
