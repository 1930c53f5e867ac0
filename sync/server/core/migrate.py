"""``alembic upgrade head`` for the town-center database, run before serving, under a database lock.

Several hosts (or ``python -m sync.server`` and a CLI command) may start at once on one database: the first
to take the lock migrates, the others wait for it, then find the schema at head and go on. All the
migrations of one upgrade run in one transaction that holds the lock:

* PostgreSQL: ``pg_advisory_xact_lock`` on a key of the schema (two centers in two schemas of one database do
  not wait for each other), released by the commit (or the rollback of a failed upgrade).
* SQLite: the engine begins every transaction with ``BEGIN IMMEDIATE`` (``core.db``), which takes the
  database's one write lock; alembic's own per-migration transactions would let a second process slip in
  between two migrations, so the upgrade runs inside one outer transaction instead. A waiter past the
  driver's busy timeout tries again until ``WAIT_SECONDS``.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import OperationalError

from sync.crypto import DataKey

from .data_key import engine_data_key
from .sealing import seal_at_rest

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
#: How long a process waits for another one's migrations before giving up.
WAIT_SECONDS = 600.0
_LOCK_KEY = "daibantong-migrate:"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade_head(engine: Engine, data_key: DataKey | None = None, key_path: Path | None = None) -> None:
    """Migrate to head, then name ``data_key`` in the database (sealing rows written before encryption, once),
    all in one transaction under the lock. Stops (``DataKeyMismatch``) when the database names another key.
    ``data_key`` None: the key file of ``engine``'s database (``core.data_key.engine_data_key``)."""
    if data_key is None:
        data_key, key_path = engine_data_key(engine)
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        with engine.connect() as connection:
            try:
                _lock(connection)
            except OperationalError as exc:
                if engine.dialect.name != "sqlite" or time.monotonic() > deadline:
                    raise
                log.info("另一进程正在升级数据库，等待中：%s", exc.orig)
                continue
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, "head")  # inside our transaction: alembic opens none of its own
            seal_at_rest(connection, data_key, key_path)
            connection.commit()
            break
    log.info("数据库已升级到最新版本")


def _lock(connection: Connection) -> None:
    """Begin the upgrade's transaction holding the migration lock (waits while another process holds it)."""
    if connection.dialect.name == "postgresql":
        key = text("SELECT pg_advisory_xact_lock(hashtext(:key || current_schema()))")
        connection.execute(key, {"key": _LOCK_KEY})
    else:
        connection.begin()  # BEGIN IMMEDIATE (core.db.make_engine)
