"""Backups of the station database with SQLite's online backup API.

A backup is one self-contained SQLite file (no ``-wal``) named
``station-<yyyymmdd>-<hhmmss>-<reason>.sqlite3`` in the backup folder. It is
taken through ``sqlite3.Connection.backup`` in a single step, so it is a
consistent snapshot even while another connection keeps writing (WAL readers
do not block writers). A backup is never opened read-write in place: it is
verified on a temporary copy. Restoring is all-or-nothing and never deletes
the current database: it is renamed aside with a timestamp.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import shutil
import sqlite3
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sync.domain.clock import beijing
from sync.domain.errors import ChainBroken, DomainError

from . import event_log
from .crypto import DataKey, DataKeyWrong, DataLocked
from .db import DB_FILENAME, Database, current_revision, head_revision, migrate, read_only_uri

log = logging.getLogger(__name__)

DAILY = "daily"
BEFORE_MIGRATION = "before-migration"
MANUAL = "manual"
REASONS: dict[str, str] = {DAILY: "每日自动备份", BEFORE_MIGRATION: "升级前备份", MANUAL: "手动备份"}
#: How many backups of each reason rotation keeps (the newest ones).
DEFAULT_KEEP: dict[str, int] = {DAILY: 14, BEFORE_MIGRATION: 5, MANUAL: 20}

_NAME = re.compile(r"^station-(\d{8})-(\d{6})(?:-(\d+))?-([a-z-]+)\.sqlite3$")
_SIDE_FILES = ("-wal", "-shm", "-journal")


class BackupError(DomainError):
    """A backup could not be made, verified or restored (message in Chinese)."""


@dataclass(frozen=True)
class BackupFile:
    path: Path
    taken_at: datetime
    reason: str

    @property
    def reason_label(self) -> str:
        return REASONS.get(self.reason, self.reason)


@dataclass(frozen=True)
class Verified:
    """Result of a successful verification."""

    events: int
    last_hash: str


#: The backup settings live in a small file next to the database, so that they can be read
#: when the database itself is damaged.
CONFIG_FILE = "backup.json"


def default_folder(data_dir: Path) -> Path:
    return data_dir / "backups"


def configured_folder(data_dir: Path) -> Path:
    """The folder the clerk chose for backups (e.g. a USB stick), else ``<data dir>/backups``."""
    try:
        config = json.loads((data_dir / CONFIG_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return default_folder(data_dir)
    folder = config.get("folder") if isinstance(config, dict) else None
    return Path(folder) if isinstance(folder, str) and folder else default_folder(data_dir)


def set_configured_folder(data_dir: Path, folder: Path | None) -> Path:
    """Record the backup folder (None: back to the default); return the folder now in use."""
    data_dir.mkdir(parents=True, exist_ok=True)
    config = {"folder": str(folder) if folder else ""}
    tmp = data_dir / (CONFIG_FILE + ".tmp")
    tmp.write_text(json.dumps(config, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, data_dir / CONFIG_FILE)
    return configured_folder(data_dir)


def backup_with_fallback(db_path: Path, data_dir: Path, reason: str, now: datetime) -> BackupFile:
    """Back up to the configured folder; if it cannot be written (USB stick not plugged in), to the default one."""
    folder = configured_folder(data_dir)
    try:
        made = make_backup(db_path, folder, reason, now)
    except BackupError:
        if folder == default_folder(data_dir):
            raise
        log.warning("backup folder %s not writable, using the default folder", folder)
        folder = default_folder(data_dir)
        made = make_backup(db_path, folder, reason, now)
    rotate(folder)
    return made


def migrate_with_backup(
    db: Database,
    backup_folder: Path | None = None,
    data_key: DataKey | None = None,
    key_record: dict[str, Any] | None = None,
) -> bool:
    """``db.migrate``, with a backup of an older schema first; True when an older schema was upgraded.

    The backup goes to ``backup_folder`` (rotated there), by default to the configured folder with the
    fallback of ``backup_with_fallback``.
    """

    def backup_first() -> None:
        if backup_folder is None:
            made = backup_with_fallback(db.path, db.data_dir, BEFORE_MIGRATION, db.clock.now())
        else:
            made = make_backup(db.path, backup_folder, BEFORE_MIGRATION, db.clock.now())
            rotate(backup_folder)
        log.info("before-migration backup %s", made.path.name)

    return db.migrate(data_key=data_key, key_record=key_record, before_upgrade=backup_first)


def wall_clock(moment: datetime) -> datetime:
    """An aware instant as the naive Beijing wall time that backup names and ``taken_at`` carry."""
    return beijing(moment).replace(tzinfo=None)


def parse_name(path: Path) -> BackupFile | None:
    """The backup described by a file name, or None if the name is not a backup's."""
    match = _NAME.match(path.name)
    if match is None:
        return None
    try:
        taken = datetime.strptime(match.group(1) + match.group(2), "%Y%m%d%H%M%S")
    except ValueError:
        return None
    return BackupFile(path=path, taken_at=taken, reason=match.group(4))


def _target(folder: Path, reason: str, now: datetime) -> Path:
    stem = f"station-{now:%Y%m%d-%H%M%S}"
    path = folder / f"{stem}-{reason}.sqlite3"
    n = 1
    while path.exists():  # two backups in the same second keep both
        path = folder / f"{stem}-{n}-{reason}.sqlite3"
        n += 1
    return path


def _fsync(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def make_backup(db_path: Path, folder: Path, reason: str, now: datetime) -> BackupFile:
    """Copy the live database at ``db_path`` into ``folder`` with the online backup API.

    ``now`` (aware, from the station's clock) names the file on Beijing's wall clock, whatever the PC's
    time zone: the daily backup of a day is the one whose name carries that day."""
    if reason not in REASONS:
        raise ValueError(f"unknown backup reason {reason!r}")
    if not db_path.exists():
        raise BackupError("没有找到本站数据库文件，无法备份")
    now = wall_clock(now)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BackupError(f"备份文件夹无法创建或写入：{folder}（{exc.strerror or exc}）") from exc
    target = _target(folder, reason, now)
    partial = target.with_name(target.name + ".part")
    source = sqlite3.connect(read_only_uri(db_path), uri=True, timeout=30)
    try:
        dest = sqlite3.connect(partial)
        try:
            source.execute("PRAGMA busy_timeout=30000")
            source.backup(dest)  # one step: a consistent snapshot
            dest.execute("PRAGMA journal_mode=DELETE")  # the backup is one self-contained file
        finally:
            dest.close()
        _fsync(partial)
        os.replace(partial, target)
    except (sqlite3.Error, OSError) as exc:
        with contextlib.suppress(OSError):  # a partial file Windows will not let go of must not hide why
            partial.unlink(missing_ok=True)
        raise BackupError(f"备份没有完成：{exc}") from exc
    finally:
        source.close()
    log.info("backup made: %s", target.name)
    return BackupFile(path=target, taken_at=now.replace(microsecond=0), reason=reason)


def list_backups(folder: Path) -> list[BackupFile]:
    """Backups in ``folder``, newest first."""
    if not folder.is_dir():
        return []
    found = [b for b in (parse_name(p) for p in folder.iterdir() if p.is_file()) if b is not None]
    return sorted(found, key=lambda b: b.path.name, reverse=True)


def rotate(folder: Path, keep: Mapping[str, int] | None = None) -> list[Path]:
    """Delete the oldest backups beyond the number kept for each reason; return what was deleted.

    A file that cannot be deleted now (on Windows: open in another program, or being scanned) is left for the
    next rotation: the backup just made is good, and an old one kept a day longer harms nothing."""
    limits = {**DEFAULT_KEEP, **(keep or {})}
    counts: dict[str, int] = {}
    removed: list[Path] = []
    for backup in list_backups(folder):
        counts[backup.reason] = counts.get(backup.reason, 0) + 1
        if backup.reason in limits and counts[backup.reason] > limits[backup.reason]:
            try:
                backup.path.unlink(missing_ok=True)
            except OSError as exc:
                log.warning("old backup %s not deleted now (%s); next rotation tries again", backup.path.name, exc)
                continue
            removed.append(backup.path)
    return removed


def integrity_ok(db_path: Path, quick: bool = False) -> bool:
    """True if SQLite's integrity check of the file answers "ok" (the file is only read)."""
    pragma = "quick_check" if quick else "integrity_check"
    try:
        conn = sqlite3.connect(read_only_uri(db_path), uri=True, timeout=30)
    except sqlite3.Error:
        return False
    try:
        rows = conn.execute(f"PRAGMA {pragma}").fetchall()
    except sqlite3.DatabaseError:
        return False
    finally:
        conn.close()
    return rows == [("ok",)]


def verify_backup(path: Path, data_key: DataKey | None = None) -> Verified:
    """Check a backup on a temporary copy: SQLite integrity, then the event log's hash chain.

    The hashes cover the plaintext events, so a full check needs the backup's
    data key; without it (no keyring, nobody logged in yet, as on the recovery
    screen) the sequence and links of the chain are checked, not the hashes.
    Raise BackupError with a Chinese message if it is not a good station database.
    """
    if not path.is_file():
        raise BackupError(f"备份文件不存在：{path.name}")
    with tempfile.TemporaryDirectory(prefix="daibantong-verify-") as tmp:
        copy = Path(tmp) / DB_FILENAME
        try:
            shutil.copyfile(path, copy)
        except OSError as exc:
            raise BackupError(f"读取备份文件失败：{path.name}（{exc.strerror or exc}）") from exc
        if not integrity_ok(copy):
            raise BackupError(f"备份文件已损坏，不能用来恢复：{path.name}")
        db = Database(Path(tmp))
        if data_key is not None:
            db.key_slot.unlock(data_key)
        try:
            if not _has_events_table(copy):
                raise BackupError(f"这不是代办通的数据库备份：{path.name}")
            if current_revision(db.engine) != head_revision():
                migrate(db.engine)  # a backup of an older schema: read it (the copy) as this app stores it
            with db.reading() as session:
                try:
                    last_hash = event_log.verify(session)
                except DataLocked:
                    last_hash = event_log.verify_links(session)
                events = event_log.count_events(session)
        except DataKeyWrong as exc:
            raise BackupError(f"备份中的个人信息无法用本机的数据密钥打开，不能用来恢复：{path.name}") from exc
        except ChainBroken as exc:
            raise BackupError(f"备份中的办件记录校验不通过（哈希链断开），不能用来恢复：{path.name}") from exc
        finally:
            db.close()
    return Verified(events=events, last_hash=last_hash)


def _has_events_table(db_path: Path) -> bool:
    conn = sqlite3.connect(read_only_uri(db_path), uri=True)
    try:
        row = conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='events'").fetchone()
    finally:
        conn.close()
    return row is not None


@dataclass(frozen=True)
class Restored:
    """What a restore did: the backup put in place and where the previous database went."""

    backup: Path
    database: Path
    kept_aside: Path | None
    events: int


def restore(backup_path: Path, data_dir: Path, now: datetime, data_key: DataKey | None = None) -> Restored:
    """Verify ``backup_path`` and make it the station database of ``data_dir``; all-or-nothing.

    The database must be closed. The current file (and its ``-wal``/``-shm``)
    is renamed to ``station.sqlite3.before-restore-<timestamp>``, never deleted.
    """
    verified = verify_backup(backup_path, data_key)
    now = wall_clock(now)
    data_dir.mkdir(parents=True, exist_ok=True)
    live = data_dir / DB_FILENAME
    incoming = data_dir / (DB_FILENAME + ".restoring")
    try:
        shutil.copyfile(backup_path, incoming)
        _fsync(incoming)
    except OSError as exc:
        incoming.unlink(missing_ok=True)
        raise BackupError(f"复制备份文件失败，本站数据库未改动（{exc.strerror or exc}）") from exc
    if not integrity_ok(incoming):  # the copy itself must be as good as what was verified
        incoming.unlink(missing_ok=True)
        raise BackupError("复制后的备份文件校验不通过，本站数据库未改动")
    aside_base = data_dir / f"{DB_FILENAME}.before-restore-{now:%Y%m%d-%H%M%S}"
    moved: list[tuple[Path, Path]] = []
    try:
        for suffix in ("", *_SIDE_FILES):
            current = Path(str(live) + suffix)
            if current.exists():
                aside = Path(str(aside_base) + suffix)
                os.replace(current, aside)
                moved.append((current, aside))
        os.replace(incoming, live)
    except OSError as exc:
        for current, aside in reversed(moved):  # put everything back as it was
            os.replace(aside, current)
        incoming.unlink(missing_ok=True)
        raise BackupError(f"恢复没有完成，本站数据库未改动（{exc.strerror or exc}）") from exc
    kept = aside_base if moved and moved[0][0] == live else None
    log.info("restored %s (previous database kept as %s)", backup_path.name, kept.name if kept else "-")
    return Restored(backup=backup_path, database=live, kept_aside=kept, events=verified.events)
