"""A live town-center server per backend (SQLite and PostgreSQL) for the end-to-end tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.desktop.conftest import ctx
from tests.sync.live_server import ServerHandle, serving

__all__ = ["ctx", "server"]


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerHandle]:
    """``python -m sync.server`` on a free loopback port, one per test module and backend."""
    with serving(request.param, tmp_path_factory) as handle:
        yield handle
