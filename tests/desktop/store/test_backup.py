"""Backups with SQLite's online backup API: consistent while writing, verified, restored all-or-nothing."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from desktop.services.casework.cases import list_cases, register_case
from desktop.services.context import ServiceContext
from desktop.store import backup
from desktop.store.backup import BackupError
from desktop.store.db import DB_FILENAME, Database, DatabaseDamaged
from sync.domain.clock import CHINA, SYSTEM_CLOCK, FixedClock

from ..conftest import TODAY, complete_draft

PAGE = 4096


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _damage(path: Path, first_page: int = 2, pages: int = 3) -> None:
    """Overwrite whole pages in the middle of the file with garbage (as a failing disk would)."""
    size = path.stat().st_size
    assert size > (first_page + pages) * PAGE
    with open(path, "r+b") as handle:
        handle.seek(first_page * PAGE)
        handle.write(bytes((i * 37 + 11) % 251 for i in range(pages * PAGE)))


def test_backup_while_another_thread_writes_is_consistent(ctx: ServiceContext, tmp_path: Path) -> None:
    register_case(ctx, complete_draft(ctx))
    stop = threading.Event()
    written: list[int] = []
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            while not stop.is_set():
                register_case(ctx, complete_draft(ctx, applicant_name="赵四"))
                written.append(1)
        except Exception as exc:  # noqa: BLE001 - handed to the test thread, which fails on it
            errors.append(exc)

    thread = threading.Thread(target=writer)
    thread.start()
    made = []
    try:
        for _ in range(6):
            made.append(backup.make_backup(ctx.db.path, tmp_path / "backups", backup.MANUAL, ctx.clock.now()))
    finally:
        stop.set()
        thread.join()
    assert not errors
    assert len(written) > 0
    counts = []
    for b in made:
        assert not Path(str(b.path) + "-wal").exists()  # one self-contained file
        verified = backup.verify_backup(b.path)
        assert verified.events % 2 == 0  # each case is two events in one transaction: never half of one
        counts.append(verified.events)
    assert counts == sorted(counts) and counts[0] >= 2
    assert [b.path.name for b in backup.list_backups(tmp_path / "backups")] == sorted(
        (b.path.name for b in made), reverse=True
    )


def test_restore_puts_a_verified_backup_back_and_keeps_the_damaged_file(ctx: ServiceContext, tmp_path: Path) -> None:
    register_case(ctx, complete_draft(ctx))
    made = backup.make_backup(ctx.db.path, tmp_path / "backups", backup.DAILY, ctx.clock.now())
    register_case(ctx, complete_draft(ctx, applicant_name="赵四"))  # after the backup: lost by the restore
    data_dir = ctx.db.data_dir
    ctx.close()
    _damage(data_dir / DB_FILENAME)
    damaged = _digest(data_dir / DB_FILENAME)
    with pytest.raises(DatabaseDamaged) as caught:
        ServiceContext.open(data_dir)
    assert "已损坏" in caught.value.message

    restored = backup.restore(made.path, data_dir, now=datetime(2026, 11, 23, 9, 30, tzinfo=CHINA))

    assert restored.events == 2
    assert restored.kept_aside == data_dir / f"{DB_FILENAME}.before-restore-20261123-093000"
    assert _digest(restored.kept_aside) == damaged
    reopened = ServiceContext.open(data_dir, FixedClock.on(TODAY))
    try:
        assert [c.applicant_name for c in list_cases(reopened)] == ["王秀英"]
    finally:
        reopened.close()
    assert made.path.exists()  # the backup itself is untouched


@pytest.mark.parametrize("how", ["truncate", "flip"])
def test_a_corrupt_backup_is_refused_and_nothing_is_replaced(ctx: ServiceContext, tmp_path: Path, how: str) -> None:
    for name in ("王秀英", "赵四", "钱多多"):
        register_case(ctx, complete_draft(ctx, applicant_name=name))
    made = backup.make_backup(ctx.db.path, tmp_path / "backups", backup.MANUAL, ctx.clock.now())
    bad = tmp_path / "backups" / "station-20261123-080000-manual.sqlite3"
    data = bytearray(made.path.read_bytes())
    if how == "truncate":
        data = data[: len(data) // 2 + 100]
    else:
        for offset in range(2 * PAGE, 2 * PAGE + 600, 3):
            data[offset] ^= 0xFF
    bad.write_bytes(bytes(data))
    data_dir = ctx.db.data_dir
    ctx.close()
    before = sorted(os.listdir(data_dir))
    live = _digest(data_dir / DB_FILENAME)

    with pytest.raises(BackupError) as caught:
        backup.restore(bad, data_dir, SYSTEM_CLOCK.now())

    assert "不能用来恢复" in caught.value.message or "已损坏" in caught.value.message
    assert _digest(data_dir / DB_FILENAME) == live
    assert sorted(os.listdir(data_dir)) == before


def test_an_edited_event_in_a_backup_breaks_the_chain_and_is_refused(ctx: ServiceContext, tmp_path: Path) -> None:
    register_case(ctx, complete_draft(ctx))
    made = backup.make_backup(ctx.db.path, tmp_path / "b", backup.MANUAL, ctx.clock.now())
    conn = sqlite3.connect(made.path)
    with conn:
        conn.execute("UPDATE events SET actor = '张三' WHERE seq = 1")
    conn.close()
    with pytest.raises(BackupError, match="哈希链"):
        backup.verify_backup(made.path, ctx.db.key_slot.key)


def test_a_file_that_is_not_a_station_database_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "station-20261123-080000-manual.sqlite3"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.close()
    with pytest.raises(BackupError, match="不是代办通"):
        backup.verify_backup(other)
    with pytest.raises(BackupError, match="不存在"):
        backup.verify_backup(tmp_path / "missing.sqlite3")


def test_a_damaged_page_is_found_at_open(ctx: ServiceContext, tmp_path: Path) -> None:
    for name in ("王秀英", "赵四", "钱多多", "孙五"):
        register_case(ctx, complete_draft(ctx, applicant_name=name))
    data_dir = ctx.db.data_dir
    ctx.close()
    copy_dir = tmp_path / "copy"
    copy_dir.mkdir()
    (copy_dir / DB_FILENAME).write_bytes((data_dir / DB_FILENAME).read_bytes())
    assert backup.integrity_ok(copy_dir / DB_FILENAME)
    _damage(copy_dir / DB_FILENAME)
    assert not backup.integrity_ok(copy_dir / DB_FILENAME)
    db = Database(copy_dir)
    with pytest.raises(DatabaseDamaged) as caught:
        db.migrate()
    assert caught.value.path == copy_dir / DB_FILENAME
    assert "请从备份恢复" in caught.value.message


def test_a_garbage_header_is_damage_too(ctx: ServiceContext, tmp_path: Path) -> None:
    data_dir = ctx.db.data_dir
    ctx.close()
    with open(data_dir / DB_FILENAME, "r+b") as handle:
        handle.write(b"this is no database" * 5)
    with pytest.raises(DatabaseDamaged):
        Database(data_dir).migrate()


def test_rotation_keeps_the_configured_numbers(tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    start = datetime(2026, 11, 1, 18, 0, 0)
    for day in range(20):
        (folder / f"station-{start + timedelta(days=day):%Y%m%d-%H%M%S}-daily.sqlite3").write_bytes(b"x")
    for n in range(7):
        (folder / f"station-{start + timedelta(hours=n):%Y%m%d-%H%M%S}-before-migration.sqlite3").write_bytes(b"x")
    (folder / "notes.txt").write_text("not a backup")

    removed = backup.rotate(folder)

    left = backup.list_backups(folder)
    daily = [b for b in left if b.reason == backup.DAILY]
    migration = [b for b in left if b.reason == backup.BEFORE_MIGRATION]
    assert len(daily) == 14 and len(migration) == 5 and len(removed) == 8
    assert daily[0].taken_at == start + timedelta(days=19)  # the newest are kept
    assert daily[-1].taken_at == start + timedelta(days=6)
    assert (folder / "notes.txt").exists()
    backup.rotate(folder, {backup.DAILY: 3})
    assert len([b for b in backup.list_backups(folder) if b.reason == backup.DAILY]) == 3


def test_two_backups_in_the_same_second_are_both_kept(ctx: ServiceContext, tmp_path: Path) -> None:
    now = datetime(2026, 11, 23, 10, 0, 0, tzinfo=CHINA)
    first = backup.make_backup(ctx.db.path, tmp_path, backup.MANUAL, now=now)
    second = backup.make_backup(ctx.db.path, tmp_path, backup.MANUAL, now=now)
    assert first.path != second.path
    assert len(backup.list_backups(tmp_path)) == 2


def test_configured_folder_falls_back_to_the_default_when_unwritable(ctx: ServiceContext, tmp_path: Path) -> None:
    data_dir = ctx.db.data_dir
    assert backup.configured_folder(data_dir) == data_dir / "backups"
    blocker = tmp_path / "usb"
    blocker.write_text("a file where the folder should be")
    backup.set_configured_folder(data_dir, blocker / "daibantong")
    made = backup.backup_with_fallback(ctx.db.path, data_dir, backup.DAILY, ctx.clock.now())
    assert made.path.parent == data_dir / "backups"
