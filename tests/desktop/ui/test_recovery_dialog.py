"""The recovery dialog shown when the station database is damaged at start."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop.services.casework.cases import list_cases, register_case
from desktop.services.context import ServiceContext
from desktop.services.safety import backup
from desktop.store.db import DB_FILENAME, DatabaseDamaged
from desktop.ui.recovery_dialog import RecoveryDialog
from sync.domain.clock import FixedClock

from ..conftest import TODAY, complete_draft


def _damaged_station_with_backups(ctx: ServiceContext) -> tuple[Path, Path, Path]:
    """(data dir, good older backup, corrupt newer backup) of a station whose database is damaged."""
    register_case(ctx, complete_draft(ctx))
    good = backup.backup_now(ctx, "daily").path
    register_case(ctx, complete_draft(ctx, applicant_name="赵四"))
    newer = backup.backup_now(ctx).path
    corrupt = newer.with_name("station-29991231-235959-manual.sqlite3")  # surely the newest
    shutil.move(newer, corrupt)
    with open(corrupt, "r+b") as handle:
        handle.truncate(corrupt.stat().st_size // 2)
    data_dir = ctx.db.data_dir
    ctx.close()
    with open(data_dir / DB_FILENAME, "r+b") as handle:
        handle.write(b"garbage " * 20)
    with pytest.raises(DatabaseDamaged):
        ServiceContext.open(data_dir)
    return data_dir, good, corrupt


def test_recovery_lists_backups_and_restores_the_verified_one(qtbot: QtBot, ctx: ServiceContext) -> None:
    data_dir, good, corrupt = _damaged_station_with_backups(ctx)
    dialog = RecoveryDialog(data_dir)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: not dialog.checking, timeout=10_000)

    assert dialog.backup_list.count() == 2
    assert "已损坏" in dialog.backup_list.item(0).text()  # the newest, corrupt: listed but not selectable
    assert dialog.backup_list.item(1).text().endswith("可用")
    assert dialog.selected_path() == good
    assert dialog.backup_list.item(0).data(0x0100) == str(corrupt)
    assert dialog.restore_button.isEnabled()

    dialog.restore_button.click()
    qtbot.waitUntil(lambda: dialog.restored is not None, timeout=10_000)

    assert "立即同步" in dialog.status_label.text()
    assert dialog.continue_button.isVisible() or not dialog.isVisible()
    assert dialog.restored is not None and dialog.restored.kept_aside is not None
    reopened = ServiceContext.open(data_dir, FixedClock.on(TODAY))
    try:
        assert [c.applicant_name for c in list_cases(reopened)] == ["王秀英"]
    finally:
        reopened.close()


def test_recovery_without_a_good_backup_only_offers_to_quit(qtbot: QtBot, ctx: ServiceContext) -> None:
    data_dir, good, _corrupt = _damaged_station_with_backups(ctx)
    good.unlink()
    dialog = RecoveryDialog(data_dir)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: not dialog.checking, timeout=10_000)
    assert "都没有通过校验" in dialog.status_label.text()
    assert not dialog.restore_button.isEnabled()
    assert dialog.quit_button.isEnabled()
    dialog.quit_button.click()
    assert dialog.result() == RecoveryDialog.DialogCode.Rejected and dialog.restored is None
