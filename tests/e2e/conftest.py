"""A live town-center server per backend (SQLite and PostgreSQL) for the end-to-end tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import require_postgres
from tests.desktop.conftest import ctx
from tests.sync.live_server import ServerHandle, postgres_schema_url, sqlite_url, start_server

__all__ = ["ctx", "server"]


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerHandle]:
    """``python -m sync.server`` on a free loopback port, one per test module and backend."""
    if request.param == "sqlite":
        handle = start_server(sqlite_url(tmp_path_factory.mktemp("center")))
        yield handle
        handle.stop()
        return
    with postgres_schema_url(require_postgres()) as url:
        handle = start_server(url)
        yield handle
        handle.stop()
