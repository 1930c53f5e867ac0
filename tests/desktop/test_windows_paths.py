"""What a Windows station PC does differently, tested here where it can be (issue 18, item 3).

* Data folders with spaces, Chinese, ``#``, ``%`` and quotes (a Windows user name may hold all of them, and
  ``--data-dir`` anything): the database, its backups and a restore land in exactly that folder.
* SQLite read-only URIs for a Windows path (``PureWindowsPath``): drive, backslashes, escapes.
* The windowed build's missing ``sys.stdout`` / ``sys.stderr``.
* A restore that Windows refuses half-way because another program holds a file open: all put back.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import sys
from datetime import datetime
from pathlib import Path, PurePosixPath, PureWindowsPath

import pytest

from desktop import app
from desktop.services.casework.cases import list_cases, register_case
from desktop.services.context import ServiceContext
from desktop.store import backup
from desktop.store.backup import BackupError
from desktop.store.db import DB_FILENAME, read_only_uri
from sync.domain.clock import CHINA, FixedClock

from .conftest import TODAY, complete_draft, setup_station

AWKWARD = "代办 站 #1 a%41b 100% O'Neil"


def test_a_read_only_uri_for_a_windows_path_keeps_drive_and_escapes_everything() -> None:
    path = PureWindowsPath(r"C:\Users\张 三\AppData\Local\daibantong\station.sqlite3")
    assert read_only_uri(path) == (
        "file:///C:/Users/%E5%BC%A0%20%E4%B8%89/AppData/Local/daibantong/station.sqlite3?mode=ro"
    )
    assert read_only_uri(PurePosixPath("/tmp/a #1/100%.db")) == "file:///tmp/a%20%231/100%25.db?mode=ro"


def test_a_read_only_uri_opens_a_file_whose_name_sqlite_would_misread(tmp_path: Path) -> None:
    path = tmp_path / AWKWARD / "x.sqlite3"
    path.parent.mkdir()
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE t (v)")
        conn.execute("INSERT INTO t VALUES ('ok')")
    conn.close()
    reader = sqlite3.connect(read_only_uri(path), uri=True)
    try:
        assert reader.execute("SELECT v FROM t").fetchone() == ("ok",)
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            reader.execute("INSERT INTO t VALUES ('no')")
    finally:
        reader.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == [AWKWARD]  # nothing opened or made elsewhere


def test_a_station_in_an_awkward_folder_keeps_everything_there(tmp_path: Path) -> None:
    data_dir = tmp_path / AWKWARD / "daibantong"
    ctx = ServiceContext.open(data_dir, FixedClock.on(TODAY))
    try:
        setup_station(ctx, code="CS01", name="城南村代办站", village="城南村", town="城关镇", clerk="李代办")
        register_case(ctx, complete_draft(ctx))
        made = backup.make_backup(ctx.db.path, data_dir / "backups", backup.DAILY, ctx.clock.now())
        register_case(ctx, complete_draft(ctx, applicant_name="赵四"))
    finally:
        ctx.close()
    assert (data_dir / DB_FILENAME).exists() and made.path.parent == data_dir / "backups"
    assert backup.verify_backup(made.path).events >= 1
    restored = backup.restore(made.path, data_dir, now=datetime(2026, 11, 23, 9, 30, tzinfo=CHINA))
    assert restored.database == data_dir / DB_FILENAME
    reopened = ServiceContext.open(data_dir, FixedClock.on(TODAY))
    try:
        assert [c.applicant_name for c in list_cases(reopened)] == ["王秀英"]
    finally:
        reopened.close()
    assert [p.name for p in tmp_path.iterdir() if p.is_dir()] == [AWKWARD]  # no "aAb" folder: the path was not decoded


def test_a_restore_windows_refuses_half_way_puts_everything_back(
    ctx: ServiceContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On Windows a file another program holds open cannot be renamed (WinError 32): the database moved aside
    first comes back, the station's files are as they were, and the clerk reads why in Chinese."""
    register_case(ctx, complete_draft(ctx))
    made = backup.make_backup(ctx.db.path, tmp_path / "backups", backup.DAILY, ctx.clock.now())
    data_dir = ctx.db.data_dir
    ctx.close()
    live = data_dir / DB_FILENAME
    (data_dir / (DB_FILENAME + "-wal")).write_bytes(b"")  # as a crashed app leaves it: two files to move
    before = {p.name: p.read_bytes() for p in data_dir.iterdir() if p.is_file()}
    real_replace = os.replace

    def held_open(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        if str(src).endswith("-wal"):
            raise PermissionError(errno.EACCES, "另一个程序正在使用此文件，进程无法访问。", str(src))
        real_replace(src, dst)

    monkeypatch.setattr(backup.os, "replace", held_open)
    with pytest.raises(BackupError, match="恢复没有完成，本站数据库未改动（另一个程序正在使用此文件"):
        backup.restore(made.path, data_dir, now=datetime(2026, 11, 23, 9, 30, tzinfo=CHINA))
    monkeypatch.setattr(backup.os, "replace", real_replace)
    assert {p.name: p.read_bytes() for p in data_dir.iterdir() if p.is_file()} == before
    assert live.exists()


def test_the_windowed_build_without_console_streams_still_answers(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdout", None)
    monkeypatch.setattr(sys, "stderr", None)
    with pytest.raises(SystemExit) as done:
        app.main(["--no-such-option"])  # argparse writes its usage to stderr, then exits 2
    assert done.value.code == 2
    assert sys.stdout is not None and sys.stderr is not None
    sys.stderr.write("代办通 𠮷\n")  # the null device takes any character


def test_an_old_backup_windows_will_not_delete_is_left_for_the_next_rotation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    names = [f"station-2026112{d}-020000-daily.sqlite3" for d in range(1, 6)]
    for name in names:
        (folder / name).write_bytes(b"x")
    held = folder / names[0]  # the oldest: open in another program
    real_unlink = Path.unlink

    def unlink(self: Path, missing_ok: bool = False) -> None:
        if self == held:
            raise PermissionError(errno.EACCES, "另一个程序正在使用此文件，进程无法访问。", str(self))
        real_unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(Path, "unlink", unlink)
    removed = backup.rotate(folder, {backup.DAILY: 2})
    assert [p.name for p in removed] == [names[2], names[1]]  # the others went; no error for the held one
    assert sorted(p.name for p in folder.iterdir()) == [names[0], names[3], names[4]]
