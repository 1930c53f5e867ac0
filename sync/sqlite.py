"""SQLite for the station and the center: one recipe, in the manner SQLAlchemy documents for pysqlite.

The pysqlite driver keeps transactions of its own, not SQLite's: it emits ``BEGIN`` only before
INSERT/UPDATE/DELETE, so a read, and DDL, run outside any transaction (a migration whose first statement is DDL
was not one unit), and it has no ``BEGIN IMMEDIATE``. Both databases therefore take the transactions over, as
https://docs.sqlalchemy.org/en/20/dialects/sqlite.html#serializable-isolation-savepoints-transactional-ddl
describes: the driver's ``isolation_level`` is ``None`` on connect, and SQLAlchemy's ``begin`` emits our own
``BEGIN``.

Which ``BEGIN``:

* ``IMMEDIATE`` takes the database's one write lock at once (waiting up to the busy timeout for another writer),
  so what a unit of work reads before it writes (the head of the event log it appends to, a sequence number)
  cannot change under it. With a deferred ``BEGIN`` two writers read the same head and the second one's append
  failed on its sequence number.
* ``DEFERRED`` takes a snapshot and no lock: a read runs beside a writer (WAL).

An engine has a default (``begin``); one connection, or one session's unit of work, chooses the other with the
execution option ``BEGIN_MODE`` (``Session.connection(execution_options={BEGIN_MODE: "IMMEDIATE"})``). The
center begins every unit IMMEDIATE: its requests read and write in one session (``sync.server.core.db``); the
station reads DEFERRED and writes IMMEDIATE (``desktop.store.db.Database.transaction``). A connection in
``AUTOCOMMIT`` (``VACUUM``) gets no ``BEGIN``.
"""

from __future__ import annotations

from typing import Any, Literal

from sqlalchemy import Connection, Engine, event

#: The execution option naming a connection's ``BEGIN``: "IMMEDIATE" or "DEFERRED".
BEGIN_MODE = "sqlite_begin"

BeginMode = Literal["IMMEDIATE", "DEFERRED"]


def take_over_transactions(
    engine: Engine,
    *,
    synchronous: Literal["FULL", "NORMAL"],
    busy_timeout_ms: int,
    begin: BeginMode,
) -> Engine:
    """Set ``engine`` (a SQLite one) up: WAL, ``synchronous``, foreign keys, the busy timeout, and our ``BEGIN``
    (``begin`` by default, see the module's text); returns it."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # the driver begins nothing; _on_begin does
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")  # first: switching to WAL may wait
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        options = connection.get_execution_options()
        if options.get("isolation_level") == "AUTOCOMMIT":
            return
        mode = options.get(BEGIN_MODE, begin)
        if mode not in ("IMMEDIATE", "DEFERRED"):
            raise ValueError(f"unknown SQLite BEGIN mode {mode!r}")
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine
