"""Backup use cases: daily once a day, the backup folder, restore through the service, the self-test."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from desktop import app, selftest
from desktop.services.casework.cases import list_cases, register_case
from desktop.services.context import ServiceContext
from desktop.services.safety import backup
from sync.domain.clock import FixedClock

from ..conftest import TODAY, complete_draft, set_clock


def test_daily_backup_is_made_once_a_day(ctx: ServiceContext) -> None:
    first = backup.daily_backup_if_due(ctx)
    assert first is not None and first.reason == "daily" and first.reason_label == "每日自动备份"
    assert backup.daily_backup_if_due(ctx) is None
    set_clock(ctx, TODAY + timedelta(days=1))
    assert backup.daily_backup_if_due(ctx) is not None
    assert [b.reason for b in backup.list_backups(ctx)] == ["daily", "daily"]


def test_backup_now_goes_to_the_chosen_folder_and_lists_newest_first(ctx: ServiceContext, tmp_path: Path) -> None:
    early = backup.backup_now(ctx)
    usb = tmp_path / "U盘" / "代办通备份"
    assert backup.set_backup_folder(ctx, usb) == usb
    assert backup.backup_folder(ctx) == usb
    later = backup.backup_now(ctx)
    assert later.path.parent == usb
    listed = backup.list_backups(ctx)
    assert [b.path for b in listed][:2] in ([later.path, early.path], [early.path, later.path])
    assert listed[0].taken_at >= listed[1].taken_at
    assert "手动备份" in listed[0].label
    assert backup.set_backup_folder(ctx, None) == ctx.db.data_dir / "backups"


def test_an_unwritable_backup_folder_is_refused(ctx: ServiceContext, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(backup.BackupError, match="不能写入"):
        backup.set_backup_folder(ctx, blocker / "sub")
    assert backup.backup_folder(ctx) == ctx.db.data_dir / "backups"


def test_restore_backup_closes_the_context_and_returns_what_was_restored(ctx: ServiceContext) -> None:
    register_case(ctx, complete_draft(ctx))
    made = backup.backup_now(ctx)
    register_case(ctx, complete_draft(ctx, applicant_name="赵四"))
    data_dir = ctx.db.data_dir

    restored = backup.restore_backup(ctx, made.path)

    assert restored.backup == made.path and restored.events == 2
    assert restored.kept_aside is not None and restored.kept_aside.exists()
    reopened = ServiceContext.open(data_dir, FixedClock.on(TODAY))
    try:
        assert [c.applicant_name for c in list_cases(reopened)] == ["王秀英"]
    finally:
        reopened.close()


def test_self_test_command_exits_0_and_writes_a_pdf(tmp_path: Path) -> None:
    import keyring

    test_keyring = keyring.get_keyring()
    out = tmp_path / "out"
    assert app.main(["--self-test", str(out)]) == 0
    pdf = (out / selftest.PDF_NAME).read_bytes()
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    # its throw-away station left no data key in the PC's keyring, and the keyring is the PC's again
    assert keyring.get_keyring() is test_keyring
    assert not [entry for entry in test_keyring.store if "data-key" in entry[1]]


def test_self_test_without_outdir_is_a_usage_error() -> None:
    assert selftest.main([]) == 2


def test_python_m_desktop_selftest_runs_in_its_own_process(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[3]
    done = subprocess.run(
        [sys.executable, "-m", "desktop.selftest", str(tmp_path)], cwd=root, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / selftest.PDF_NAME).read_bytes().startswith(b"%PDF")
    qt_free = "import sys, desktop.selftest; sys.exit(int('PySide6' in sys.modules))"
    assert subprocess.run([sys.executable, "-c", qt_free], cwd=root, timeout=120).returncode == 0
