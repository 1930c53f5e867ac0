"""The one SQLite recipe of the station and the center (``sync.sqlite``): SQLite's own transactions."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.exc import OperationalError

from desktop.store.db import Database
from sync.server.core.db import make_engine as center_engine
from sync.sqlite import BEGIN_MODE, take_over_transactions


def _engine(path: Path, begin: str = "DEFERRED") -> Engine:
    engine = create_engine(f"sqlite:///{path}")
    return take_over_transactions(engine, synchronous="FULL", busy_timeout_ms=50, begin=begin)  # type: ignore[arg-type]


def test_ddl_is_inside_the_transaction_and_rolls_back(tmp_path: Path) -> None:
    """pysqlite alone runs DDL outside any transaction: a failed migration left its new table behind."""
    engine = _engine(tmp_path / "a.sqlite3")
    with pytest.raises(RuntimeError), engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
        conn.exec_driver_sql("INSERT INTO t VALUES (1)")
        raise RuntimeError("the migration fails half-way")
    with engine.connect() as conn:
        assert not inspect(conn).has_table("t")


def test_immediate_takes_the_write_lock_at_begin_and_deferred_reads_beside_it(tmp_path: Path) -> None:
    engine = _engine(tmp_path / "b.sqlite3")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
    writer = engine.connect().execution_options(**{BEGIN_MODE: "IMMEDIATE"})
    writer.begin()  # nothing read or written yet: the lock is held from BEGIN on
    try:
        with engine.connect() as reader:  # the engine's default, DEFERRED: a snapshot, no lock
            assert reader.execute(text("SELECT count(*) FROM t")).scalar() == 0
        other = engine.connect().execution_options(**{BEGIN_MODE: "IMMEDIATE"})
        with pytest.raises(OperationalError, match="locked"):
            other.begin()
        other.close()
    finally:
        writer.rollback()
        writer.close()


def test_autocommit_gets_no_begin(tmp_path: Path) -> None:
    engine = _engine(tmp_path / "c.sqlite3")
    with engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM")  # fails inside a BEGIN


def test_an_unknown_mode_is_refused(tmp_path: Path) -> None:
    engine = _engine(tmp_path / "d.sqlite3")
    with pytest.raises(ValueError, match="BEGIN mode"), engine.connect() as conn:
        conn.execution_options(**{BEGIN_MODE: "EXCLUSIVE; DROP TABLE t"}).begin()


def _begins(engine: Engine) -> list[str]:
    seen: list[str] = []

    def record(conn: object, cursor: object, statement: str, *args: object) -> None:
        if statement.startswith("BEGIN"):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    return seen


def test_the_station_reads_deferred_and_writes_immediate(tmp_path: Path) -> None:
    db = Database(tmp_path / "station")
    begins = _begins(db.engine)
    with db.reading() as session:
        session.execute(text("SELECT 1"))
    with db.transaction() as session:
        session.execute(text("SELECT 1"))
    assert begins == ["BEGIN DEFERRED", "BEGIN IMMEDIATE"]
    db.close()


def test_the_center_begins_every_unit_immediate(tmp_path: Path) -> None:
    engine = center_engine(f"sqlite:///{tmp_path / 'center.sqlite3'}")
    begins = _begins(engine)
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    assert begins == ["BEGIN IMMEDIATE"]
    engine.dispose()
