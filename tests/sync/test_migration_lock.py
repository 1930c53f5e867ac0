"""Two town-center processes started at the same moment on an empty database: one migrates, both serve."""

from __future__ import annotations

import re
import threading

import requests
import sqlalchemy as sa
from alembic.script import ScriptDirectory

from sync.server.core.migrate import alembic_config

from .live_server import ServerHandle, start_server


def _start_together(database_url: str, count: int) -> list[ServerHandle]:
    """``count`` servers whose processes are launched at one barrier (alembic's INFO lines in their logs)."""
    barrier = threading.Barrier(count)
    handles: list[ServerHandle | BaseException] = [RuntimeError("not started")] * count

    def start(i: int) -> None:
        barrier.wait()
        try:
            handles[i] = start_server(database_url, args=["--log-level", "info"], timeout=120)
        except BaseException as exc:  # noqa: BLE001 - reported below, after the other server stopped
            handles[i] = exc

    threads = [threading.Thread(target=start, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    started = [h for h in handles if isinstance(h, ServerHandle)]
    failures = [h for h in handles if not isinstance(h, ServerHandle)]
    if failures:
        for handle in started:
            handle.stop()
        raise AssertionError(f"a server did not start: {failures[0]}")
    return started


def test_two_servers_on_an_empty_database_migrate_once_and_both_serve(empty_database: str) -> None:
    servers = _start_together(empty_database, 2)
    try:
        for server in servers:
            assert requests.get(server.url + "/api/v1/health", timeout=10).status_code == 200
            assert requests.get(server.url + "/center/login", timeout=10).status_code == 200
        engine = sa.create_engine(empty_database)
        with engine.connect() as conn:
            versions = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalars().all()
        engine.dispose()
        head = ScriptDirectory.from_config(alembic_config()).get_current_head()
        assert versions == [head]
        revisions = len(list(ScriptDirectory.from_config(alembic_config()).walk_revisions()))
        ran = [len(re.findall(r"Running upgrade ", server.log())) for server in servers]
        assert sorted(ran) == [0, revisions], ran  # one process ran every migration, the other none
    finally:
        for server in servers:
            server.stop()
