"""Backup use cases: back up now, the daily backup, list and restore backups, the backup folder.

The backup folder is kept in ``<data dir>/backup.json`` (not in the database),
so that the recovery screen finds the backups when the database is damaged.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from desktop.store import backup as store
from desktop.store.backup import BackupError, BackupFile, Restored
from desktop.store.models import CaseRow
from sync.domain.clock import SYSTEM_CLOCK, Clock

from ..context import ServiceContext
from ..syncing import catch_up
from . import data_key
from .audit import ExportRecord, record_export

log = logging.getLogger(__name__)

__all__ = [
    "BackupError",
    "BackupInfo",
    "CheckedBackup",
    "Restored",
    "backup_folder",
    "backup_now",
    "check_backup_file",
    "check_backups",
    "daily_backup_if_due",
    "default_backup_folder",
    "list_backups",
    "restore_backup",
    "set_backup_folder",
    "verify",
]


@dataclass(frozen=True)
class BackupInfo:
    """One backup as the clerk sees it."""

    path: Path
    taken_at: datetime
    reason: str
    reason_label: str
    size_bytes: int

    @property
    def label(self) -> str:
        return f"{self.taken_at:%Y-%m-%d %H:%M:%S}  {self.reason_label}  {self.size_bytes / 1_048_576:.1f} MB"


def _data_dir(ctx_or_data_dir: ServiceContext | Path) -> Path:
    return ctx_or_data_dir if isinstance(ctx_or_data_dir, Path) else ctx_or_data_dir.db.data_dir


def _info(b: BackupFile) -> BackupInfo:
    try:
        size = b.path.stat().st_size
    except OSError:
        size = 0
    return BackupInfo(path=b.path, taken_at=b.taken_at, reason=b.reason, reason_label=b.reason_label, size_bytes=size)


def default_backup_folder(ctx_or_data_dir: ServiceContext | Path) -> Path:
    """``<data dir>/backups``, where backups go unless the clerk chose another folder."""
    return store.default_folder(_data_dir(ctx_or_data_dir))


def backup_folder(ctx_or_data_dir: ServiceContext | Path) -> Path:
    return store.configured_folder(_data_dir(ctx_or_data_dir))


def set_backup_folder(ctx_or_data_dir: ServiceContext | Path, folder: Path | None) -> Path:
    """Point backups at ``folder`` (e.g. a USB stick); None goes back to ``<data dir>/backups``."""
    data_dir = _data_dir(ctx_or_data_dir)
    if folder is not None:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            probe = folder / ".daibantong-write-test"
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as exc:
            raise BackupError(f"这个文件夹不能写入，请换一个：{folder}（{exc.strerror or exc}）") from exc
    return store.set_configured_folder(data_dir, folder)


#: The actor of an audited daily backup into a folder the clerk chose.
DAILY_BACKUP_ACTOR = "系统（每日备份）"


def backup_now(ctx: ServiceContext, reason: str = store.MANUAL) -> BackupInfo:
    """Back up the station database now (to the configured folder) and rotate old backups.

    A backup outside ``<data dir>/backups`` (a folder the clerk chose, e.g. a USB stick) carries every
    case out of the app: it is recorded as an export (``audit.export``, kind ``backup``).
    """
    made = store.backup_with_fallback(ctx.db.path, ctx.db.data_dir, reason, ctx.clock.now())
    if made.path.parent.resolve() != store.default_folder(ctx.db.data_dir).resolve():
        _record_backup_export(ctx, made, reason)
    return _info(made)


def _record_backup_export(ctx: ServiceContext, made: BackupFile, reason: str) -> None:
    with ctx.db.reading() as session:
        cases = session.scalar(select(func.count()).select_from(CaseRow)) or 0
    actor = DAILY_BACKUP_ACTOR if reason == store.DAILY else None
    record_export(ctx, ExportRecord("backup", f"本站数据库备份（{made.reason_label}）", cases), made.path, actor)


def _folders(data_dir: Path) -> list[Path]:
    folders = [store.configured_folder(data_dir), store.default_folder(data_dir)]
    return list(dict.fromkeys(folders))


def list_backups(ctx_or_data_dir: ServiceContext | Path) -> list[BackupInfo]:
    """Backups in the configured folder and the default one, newest first (not verified)."""
    found: dict[Path, BackupFile] = {}
    for folder in _folders(_data_dir(ctx_or_data_dir)):
        for b in store.list_backups(folder):
            found.setdefault(b.path.resolve(), b)
    ordered = sorted(found.values(), key=lambda b: (b.taken_at, b.path.name), reverse=True)
    return [_info(b) for b in ordered]


def daily_backup_if_due(ctx: ServiceContext) -> BackupInfo | None:
    """Make today's daily backup unless one exists already; return it, or None if not due.

    Days are Beijing days, on the station's clock, as the backups' names are."""
    day = ctx.today()
    for b in list_backups(ctx):
        if b.reason == store.DAILY and b.taken_at.date() == day:
            return None
    return backup_now(ctx, store.DAILY)


def verify(path: Path) -> store.Verified:
    """Integrity check and hash chain of a backup, on a temporary copy."""
    return store.verify_backup(path, data_key.key_for_file(path))


@dataclass(frozen=True)
class CheckedBackup:
    """A backup with the result of its verification (``problem`` is Chinese, empty when it is good)."""

    info: BackupInfo
    events: int
    problem: str

    @property
    def ok(self) -> bool:
        return not self.problem


def check_backup_file(path: Path, clock: Clock = SYSTEM_CLOCK) -> CheckedBackup:
    """A backup file the clerk picked by hand (any name, e.g. on a USB stick), verified.

    Without a backup's name its time is the file's, on Beijing's wall clock like the names."""
    parsed = store.parse_name(path)
    try:
        stat = path.stat()
        size, taken = stat.st_size, store.wall_clock(datetime.fromtimestamp(stat.st_mtime, UTC))
    except OSError:
        size, taken = 0, store.wall_clock(clock.now())
    info = BackupInfo(
        path=path,
        taken_at=parsed.taken_at if parsed else taken,
        reason=parsed.reason if parsed else store.MANUAL,
        reason_label=parsed.reason_label if parsed else path.name,
        size_bytes=size,
    )
    try:
        verified = store.verify_backup(path, data_key.key_for_file(path))
    except BackupError as exc:
        return CheckedBackup(info=info, events=0, problem=exc.message)
    return CheckedBackup(info=info, events=verified.events, problem="")


def check_backups(ctx_or_data_dir: ServiceContext | Path) -> list[CheckedBackup]:
    """Every backup, newest first, each verified on a temporary copy (slow: run off the GUI thread)."""
    return [check_backup_file(info.path) for info in list_backups(ctx_or_data_dir)]


def restore_backup(ctx_or_data_dir: ServiceContext | Path, path: Path, clock: Clock = SYSTEM_CLOCK) -> Restored:
    """Verify ``path`` and put it in place of the station database; the current one is kept aside
    (named by the context's clock, else ``clock``).

    With a context its database is closed first; the caller opens a new
    context afterwards (and should sync to re-pull the center's events).
    """
    known = None
    if isinstance(ctx_or_data_dir, ServiceContext):
        known, clock = ctx_or_data_dir.db.key_slot.key, ctx_or_data_dir.clock
        ctx_or_data_dir.close()
    key = data_key.key_for_file(path, known)
    restored = store.restore(path, _data_dir(ctx_or_data_dir), clock.now(), data_key=key)
    catch_up.mark_restored(_data_dir(ctx_or_data_dir))  # the next sync brings back what the center has of ours
    log.info("backup restored: %s, %d events", path.name, restored.events)
    return restored
