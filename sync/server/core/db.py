"""Engine and sessions. SQLite gets WAL and ``BEGIN IMMEDIATE`` (the shared recipe of ``sync.sqlite``) so that
writers queue instead of failing half-way; PostgreSQL uses row locks (see ingest)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from sync.crypto import DataKey
from sync.domain.clock import SYSTEM_CLOCK, Clock
from sync.sqlite import take_over_transactions

from .config import db_kind
from .data_key import engine_data_key

CLOCK = "clock"
#: ``Session.info`` key of the data key (``core.sealing.key_of``).
DATA_KEY = "data_key"


#: Connections a PostgreSQL pool keeps open between bursts (the rest up to ``pool_connections`` come and go).
KEPT_CONNECTIONS = 10


def make_engine(url: str, *, pool_connections: int = 40, **kwargs: Any) -> Engine:
    """``pool_connections``: the most PostgreSQL connections this process holds at once
    (``Settings.db_pool_size``; the server runs up to 40 request threads, each holding one at a time:
    past the limit a request waits for a free connection)."""
    if db_kind(url) != "sqlite":
        kept = min(KEPT_CONNECTIONS, pool_connections)
        engine = create_engine(url, pool_pre_ping=True, pool_size=kept, max_overflow=pool_connections - kept, **kwargs)
        event.listen(engine, "connect", _custom_plans)
        return engine
    engine = create_engine(url, connect_args={"check_same_thread": False}, **kwargs)
    # every request's unit of work takes the write lock at its BEGIN (sync.sqlite says why)
    return take_over_transactions(engine, synchronous="NORMAL", busy_timeout_ms=30_000, begin="IMMEDIATE")


def _custom_plans(dbapi_connection: Any, _record: Any) -> None:
    """Every statement of this connection is planned for its own values (``plan_cache_mode``), never with a
    generic plan.

    psycopg prepares a statement the sixth time a connection runs it, and PostgreSQL then plans it for its values
    five times more, after which it may keep one generic plan, made without them, for good. For a search the
    values are everything: the generic plan of a 1–2 character name search cannot tell "秀英" (13,000 cases of a
    county-year) from "𠮷" (a few hundred): from a connection's eleventh such search on, the statement took 4 times
    as long (61 → 248 ms at half a county-year). Planning each time costs a fraction of a millisecond.
    """
    autocommit = dbapi_connection.autocommit
    dbapi_connection.autocommit = True  # a SET inside a transaction that is rolled back would be undone
    try:
        cursor = dbapi_connection.cursor()
        cursor.execute("SET plan_cache_mode = force_custom_plan")
        cursor.close()
    finally:
        dbapi_connection.autocommit = autocommit


def make_sessionmaker(
    engine: Engine, clock: Clock = SYSTEM_CLOCK, data_key: DataKey | None = None
) -> sessionmaker[Session]:
    """Sessions that carry the center's one clock (``Settings.clock``): services read the time from
    the unit of work they run in (``clock_of``), never from the system; and its data key, with which
    personal data is sealed at rest (``core.sealing``; None: the key file of ``engine``'s database). Writing a
    case through one keeps the review's monthly counts (``services.review_months``, whose listeners this loads)."""
    from ..services import review_months  # noqa: F401  (its listeners keep the review's monthly counts)

    if data_key is None:
        data_key = engine_data_key(engine)[0]
    return sessionmaker(engine, expire_on_commit=False, autobegin=False, info={CLOCK: clock, DATA_KEY: data_key})


def clock_of(session: Session) -> Clock:
    """The clock of the center whose session this is."""
    clock = session.info.get(CLOCK, SYSTEM_CLOCK)
    assert isinstance(clock, Clock)
    return clock


class DatabaseUnreachable(Exception):
    """The database did not answer ``SELECT 1`` (down, unreachable, refusing connections)."""


def ping(engine: Engine) -> None:
    """``SELECT 1`` on a pooled connection, outside any transaction (on SQLite no ``BEGIN IMMEDIATE``, so a
    health check never waits behind a writer); raises ``DatabaseUnreachable``."""
    failures = (SQLAlchemyError, engine.dialect.loaded_dbapi.Error)
    try:
        raw = engine.raw_connection()  # the driver's own error when it cannot connect (not wrapped)
        try:
            cursor = raw.cursor()
            cursor.execute("SELECT 1")
            cursor.fetchone()
            cursor.close()
        finally:
            raw.close()
    except failures as exc:
        raise DatabaseUnreachable((str(exc).splitlines() or [repr(exc)])[0]) from exc
