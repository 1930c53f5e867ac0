"""Live servers (SQLite and PostgreSQL) from tests/sync, with staff of every role logged in."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.sync.conftest import Station, enroll_station, live_server
from tests.sync.live_server import ServerHandle, publishes_undone

from .helpers import Staff, staff_as

__all__ = ["live_server"]


@pytest.fixture
def station(live_server: ServerHandle) -> Station:
    return enroll_station(live_server)


@pytest.fixture
def director(live_server: ServerHandle) -> Iterator[Staff]:
    """The director; what they publish is undone after the test (a later station would be sent it)."""
    with publishes_undone(live_server.database_url):
        yield staff_as(live_server, "director")


@pytest.fixture
def window(live_server: ServerHandle) -> Staff:
    return staff_as(live_server, "window")


@pytest.fixture
def supervisor(live_server: ServerHandle) -> Staff:
    return staff_as(live_server, "supervisor")
