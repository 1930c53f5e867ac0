"""Opening the station database: SQLite in WAL mode, migrated to head.

Writes use ``synchronous=FULL`` so that a committed event survives a power
cut; every use case runs in one ``Database.transaction()``; transactions are SQLite's own
(``sync.sqlite``), so a migration is one unit too.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path, PurePath
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import URL, Engine, create_engine, inspect
from sqlalchemy.exc import DatabaseError as SQLDatabaseError
from sqlalchemy.orm import Session, sessionmaker

from sync.domain.clock import SYSTEM_CLOCK, Clock
from sync.domain.errors import DomainError
from sync.sqlite import BEGIN_MODE, take_over_transactions

from .crypto import DataKey, KeySlot

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
DB_FILENAME = "station.sqlite3"


class DatabaseDamaged(DomainError):
    """SQLite's check at start found the station database damaged; the app offers to restore a backup."""

    def __init__(self, path: Path, detail: str = "") -> None:
        super().__init__("本站数据库文件已损坏，无法安全打开。请从备份恢复，恢复后再同步一次以取回镇中心的办理结果。")
        self.path = path
        self.detail = detail


def make_engine(path: Path) -> Engine:
    """The station's file (``sync.sqlite``'s recipe): reads begin DEFERRED, ``Database.transaction`` IMMEDIATE;
    ``synchronous=FULL``, so that a committed event survives a power cut."""
    # URL.create, not f"sqlite:///{path}": a parsed URL percent-decodes the path, so a folder named "a%41b"
    # (allowed in Windows user names and in --data-dir) would open "aAb"
    url = URL.create("sqlite", database=str(path))
    engine = create_engine(url, json_serializer=lambda value: json.dumps(value, ensure_ascii=False))
    return take_over_transactions(engine, synchronous="FULL", busy_timeout_ms=10_000, begin="DEFERRED")


def read_only_uri(path: PurePath) -> str:
    """A SQLite URI that opens ``path`` read-only, whatever its name holds: spaces, Chinese, ``#``, ``%`` and, on
    Windows, the drive and backslashes (``file:///C:/Users/%E5%BC%A0%20%E4%B8%89/...?mode=ro``). A bare
    ``f"file:{path}?mode=ro"`` reads ``#`` as the start of a fragment and ``%41`` as an escape."""
    absolute = path if path.is_absolute() else Path(path).absolute()
    return absolute.as_uri() + "?mode=ro"


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def migrate(
    engine: Engine, revision: str = "head", data_key: DataKey | None = None, key_record: dict[str, Any] | None = None
) -> None:
    """Upgrade the schema to ``revision`` in one transaction.

    With ``data_key``, migration 0005 also seals the personal data of existing
    rows in that transaction (storing ``key_record`` of a new key with them);
    without it they are sealed after the first login.
    """
    cfg = alembic_config()
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        cfg.attributes["data_key"] = data_key
        cfg.attributes["data_key_record"] = key_record
        command.upgrade(cfg, revision)


def head_revision() -> str:
    """The newest migration this app ships."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


class Database:
    """The station's SQLite file with a session factory."""

    def __init__(self, data_dir: Path, clock: Clock = SYSTEM_CLOCK) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        self.data_dir = data_dir
        #: The station's one clock (``ServiceContext.clock`` is this one): it names the backups made here.
        self.clock = clock
        self.path = data_dir / DB_FILENAME
        self.engine = make_engine(self.path)
        #: The data key once unlocked (desktop.services.safety.data_key); every session carries it.
        self.key_slot = KeySlot()
        self._sessions = sessionmaker(self.engine, expire_on_commit=False, info={"key_slot": self.key_slot})

    def check(self) -> None:
        """PRAGMA quick_check of the file; raise DatabaseDamaged if SQLite finds damage."""
        if not self.path.exists():
            return
        try:
            with self.engine.connect() as connection:
                rows = connection.exec_driver_sql("PRAGMA quick_check").fetchall()
        except SQLDatabaseError as exc:
            log.error("station database cannot be read: %s", exc)
            self.engine.dispose()
            raise DatabaseDamaged(self.path, str(exc)) from exc
        if [tuple(r) for r in rows] != [("ok",)]:
            detail = "; ".join(str(r[0]) for r in rows[:5])
            log.error("station database failed quick_check: %s", detail)
            self.engine.dispose()
            raise DatabaseDamaged(self.path, detail)

    def migrate(
        self,
        data_key: DataKey | None = None,
        key_record: dict[str, Any] | None = None,
        before_upgrade: Callable[[], object] | None = None,
    ) -> bool:
        """Check the file, then upgrade it to head; ``before_upgrade`` runs first when the schema is older.

        Returns True when an older schema was upgraded (not for a new file or one at head).

        The station opens through ``backup.migrate_with_backup``, whose ``before_upgrade`` makes the
        before-migration backup: backup policy is the backup module's, not this class's. The upgrade
        itself is one transaction.
        """
        self.check()
        current = current_revision(self.engine)
        upgraded = current is not None and current != head_revision()
        if upgraded:
            if before_upgrade is not None:
                before_upgrade()
            log.info("schema %s → %s", current, head_revision())
        migrate(self.engine, data_key=data_key, key_record=key_record)
        return upgraded

    def purge_free_pages(self) -> None:
        """Rewrite the file (VACUUM) and empty the WAL, so no old plaintext stays in free pages."""
        with self.engine.connect() as connection:
            connection = connection.execution_options(isolation_level="AUTOCOMMIT")
            connection.exec_driver_sql("VACUUM")
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: committed on success, rolled back on any error.

        It takes the write lock first (``BEGIN IMMEDIATE``, waiting up to the busy timeout for another
        writer): what it reads, such as the head of the log it appends to, cannot change under it. With
        a plain deferred BEGIN, two threads (the clerk's work, the sync worker, the retention run) read
        the same head and the second append failed on its sequence number.
        """
        with self._sessions() as session, session.begin():
            session.connection(execution_options={BEGIN_MODE: "IMMEDIATE"})
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        with self._sessions() as session:
            yield session

    def close(self) -> None:
        self.engine.dispose()
