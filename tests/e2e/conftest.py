"""A live town-center server per backend (SQLite and PostgreSQL) for the end-to-end tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from desktop.services.context import ServiceContext
from desktop.services.station import setup_station
from desktop.services.syncing import center_sync
from tests.desktop.conftest import ctx
from tests.sync.live_server import ServerHandle, in_center, issue_enrollment_code, serving

__all__ = ["connect_station", "ctx", "server", "token_hash"]


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerHandle]:
    """``python -m sync.server`` on a free loopback port, one per test module and backend."""
    with serving(request.param, tmp_path_factory) as handle:
        yield handle


def connect_station(ctx: ServiceContext, server: ServerHandle, code: str, village: str, clerk: str) -> None:
    """Set ``ctx`` up as <village>代办站 of 城关镇 (station ``code``, clerk ``clerk``), enrolled with ``server``."""
    name = f"{village}代办站"
    setup_station(ctx, code=code, name=name, village=village, town="城关镇", clerk=clerk)
    center_sync.connect_center(ctx, server.url, issue_enrollment_code(server.database_url, code, name))


def token_hash(database_url: str, station_id: str) -> bytes:
    """The hash the center keeps of the station's live token."""
    query = sa.text("SELECT token_hash FROM tokens WHERE station_id = :s AND revoked_at IS NULL")
    return bytes.fromhex(in_center(database_url, lambda s: str(s.execute(query, {"s": station_id}).scalar_one())))
