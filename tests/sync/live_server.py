"""Start the real town-center server for tests over HTTP (reusable by end-to-end tests).

    handle = start_server(database_url)          # python -m sync.server on a free port
    code = issue_enrollment_code(database_url, "CS01", "一组代办站")
    ...  SyncClient(handle.url).enroll(code) ...
    handle.stop()

``postgres_schema_url(base)`` gives a PostgreSQL URL whose tables live in a
fresh schema (dropped on exit), so parallel test runs never collide.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TypeVar

import pytest
import requests
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from sync.domain.clock import CHINA, SYSTEM_CLOCK, FixedClock
from sync.domain.events import Event
from sync.server.core.config import FIXED_TIME_ENV
from sync.server.core.db import make_engine, make_sessionmaker
from sync.server.core.migrate import upgrade_head
from sync.server.services.center_events import record_center_event
from sync.server.services.enrollment import issue_code, revoke_station
from tests.conftest import child_pythonpath, require_postgres

T = TypeVar("T")

ROOT = Path(__file__).resolve().parents[2]
#: The test town center's clock starts at 10:00 Beijing time on the test day and runs on: every server
#: process gets it (``DAIBANTONG_FIXED_TIME``), and so do the sessions the helpers below open, so that
#: the center's "today" is the same on any day the suite runs.
CENTER_START = datetime(2026, 11, 23, 10, tzinfo=CHINA)
CENTER_TODAY = CENTER_START.date()
#: One timeline for this test process and every server it starts (see ``start_server``).
CENTER_CLOCK = FixedClock(CENTER_START)


def center_sessions(engine: sa.Engine) -> sessionmaker[Session]:
    """Sessions on the test center's clock (what a service run inside the server would get)."""
    return make_sessionmaker(engine, CENTER_CLOCK)


def center_time_env() -> str:
    """``DAIBANTONG_FIXED_TIME`` for a server on ``CENTER_CLOCK``'s timeline: where it stands, and when."""
    return f"{CENTER_CLOCK.now().isoformat()}@{SYSTEM_CLOCK.now().timestamp():.6f}"


#: Test servers are shared across tests and every test connects from 127.0.0.1: without a high threshold,
#: a few tests' deliberate wrong codes would throttle every later enrollment of the session. Tests of
#: the throttle start their own server with ``env={ENROLL_FREE_FAILURES_ENV: "3"}`` or similar.
ENROLL_FREE_FAILURES_ENV = "DAIBANTONG_ENROLL_FREE_FAILURES"
SHARED_SERVER_FREE_FAILURES = "1000000"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class ServerHandle:
    url: str
    database_url: str
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path
    env: dict[str, str] = field(default_factory=dict)
    args: list[str] = field(default_factory=list)

    def stop(self) -> None:
        """Graceful stop (SIGTERM, then SIGKILL after 10 s)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)

    def kill(self) -> None:
        """kill -9, for fault tests."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def restart(self, timeout: float = 30.0) -> None:
        """Start again on the same port and database (after stop() or kill())."""
        self.stop()
        fresh = start_server(self.database_url, port=self.port, env=self.env, timeout=timeout, args=self.args)
        self.process, self.log_path = fresh.process, fresh.log_path

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def start_server(
    database_url: str,
    *,
    port: int | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 30.0,
    args: Sequence[str] = (),
) -> ServerHandle:
    """Run ``python -m sync.server --port P`` with ``DATABASE_URL`` and wait until /api/v1/health answers."""
    port = port or free_port()
    extra = dict(env or {})
    pinned = {FIXED_TIME_ENV: center_time_env(), ENROLL_FREE_FAILURES_ENV: SHARED_SERVER_FREE_FAILURES}
    full_env = os.environ | pinned | extra | {"DATABASE_URL": database_url, "PYTHONPATH": child_pythonpath()}
    log_fd, log_name = tempfile.mkstemp(prefix="town_center_", suffix=".log")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sync.server",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
            *args,
        ],
        env=full_env,
        cwd=ROOT,
        stdout=log_fd,
        stderr=subprocess.STDOUT,
    )
    os.close(log_fd)
    handle = ServerHandle(f"http://127.0.0.1:{port}", database_url, port, process, Path(log_name), extra, list(args))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"town-center server exited with {process.returncode}:\n{handle.log()}")
        try:
            if requests.get(handle.url + "/api/v1/health", timeout=1).status_code == 200:
                return handle
        except requests.RequestException:
            pass
        time.sleep(0.1)
    handle.stop()
    raise RuntimeError(f"town-center server did not answer within {timeout} s:\n{handle.log()}")


def in_center(database_url: str, action: Callable[[Session], T], *, migrate: bool = False) -> T:
    """``action`` in one transaction of the center at ``database_url``, on the test center's clock: what a
    service run inside the server (or the CLI) does, from a test."""
    engine = make_engine(database_url)
    try:
        if migrate:
            upgrade_head(engine)
        with center_sessions(engine)() as session, session.begin():
            return action(session)
    finally:
        engine.dispose()


def center_cli(server: ServerHandle, *args: str) -> subprocess.CompletedProcess[str]:
    """``python -m sync.server ARGS`` on ``server``'s database with its settings, at the center's pinned time, as
    the county's IT person runs it on the center host."""
    env = (
        os.environ
        | server.env
        | {
            "DATABASE_URL": server.database_url,
            "PYTHONPATH": child_pythonpath(),
            FIXED_TIME_ENV: center_time_env(),
        }
    )
    return subprocess.run(
        [sys.executable, "-m", "sync.server", *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def issue_enrollment_code(database_url: str, station_code: str, name: str) -> str:
    """What the staff page / CLI does: a fresh one-time code (the database is migrated first)."""
    return in_center(database_url, lambda session: issue_code(session, station_code, name), migrate=True)


@contextmanager
def publishes_undone(database_url: str) -> Iterator[None]:
    """Delete the documents (catalog, calendar, 保存期限) published inside, at the end.

    Published documents are server-wide: every station enrolled later is sent the latest of each. Tests on a
    shared server that publish undo it, so other tests' fresh stations still start with an empty center chain.
    """
    engine = make_engine(database_url)
    try:
        upgrade_head(engine)
        with engine.connect() as connection:
            before = connection.execute(sa.text("SELECT coalesce(max(id), 0) FROM published_documents")).scalar_one()
        yield
        with engine.begin() as connection:
            connection.execute(sa.text("DELETE FROM published_documents WHERE id > :id"), {"id": before})
    finally:
        engine.dispose()


def revoke(database_url: str, station_id: str, reason: str = "") -> None:
    in_center(database_url, lambda session: revoke_station(session, station_id, reason))


@contextmanager
def postgres_schema_url(base_url: str) -> Iterator[str]:
    """A URL on ``base_url``'s database whose search_path is a new schema, dropped afterwards."""
    schema = f"t_sync_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base_url)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(base_url).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def sqlite_url(directory: Path) -> str:
    return f"sqlite:///{directory / 'town_center.db'}"


def row_counts(database_url: str, station_id: str) -> dict[str, int]:
    """Rows the server holds for a station: to prove that a refusal changed nothing."""
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            return {
                table: int(
                    conn.execute(
                        sa.text(f"SELECT count(*) FROM {table} WHERE station_id = :s"), {"s": station_id}
                    ).scalar_one()
                )
                for table in ("events", "batches", "cases", "center_events")
            }
    finally:
        engine.dispose()


def record_center(database_url: str, station_id: str, type: str, payload: dict[str, object], actor: str) -> Event:
    """What center staff code does: append a center event for a station (one transaction)."""
    return in_center(database_url, lambda session: record_center_event(session, station_id, type, payload, actor))


@contextmanager
def serving(
    backend: str,
    tmp_path_factory: pytest.TempPathFactory,
    env: dict[str, str] | None = None,
    args: Sequence[str] = (),
) -> Iterator[ServerHandle]:
    """A running server on ``backend`` ("sqlite" or "postgres"), stopped (and its schema dropped) on exit."""
    if backend == "sqlite":
        handle = start_server(sqlite_url(tmp_path_factory.mktemp("town_center")), env=env, args=args)
        try:
            yield handle
        finally:
            handle.stop()
        return
    with postgres_schema_url(require_postgres()) as url:
        handle = start_server(url, env=env, args=args)
        try:
            yield handle
        finally:
            handle.stop()
