"""Live servers (SQLite and PostgreSQL) from tests/sync, with staff of every role logged in; migrated databases."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from desktop.services.context import ServiceContext
from desktop.services.station import setup_station
from desktop.services.syncing import center_sync
from sync.domain.clock import FixedClock
from sync.server.core.db import make_engine
from sync.server.core.migrate import upgrade_head
from tests.conftest import require_postgres
from tests.sync.conftest import Station, enroll_station, live_server
from tests.sync.live_server import (
    ServerHandle,
    issue_enrollment_code,
    postgres_schema_url,
    publishes_undone,
    sqlite_url,
)

from .helpers import Staff, staff_as

__all__ = ["live_server"]


@pytest.fixture
def station(live_server: ServerHandle) -> Station:
    return enroll_station(live_server)


@pytest.fixture(params=["sqlite", "postgres"])
def migrated_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[sa.Engine]:
    """An engine on a center database migrated to head, no server: a fresh SQLite file in ``tmp_path``
    (``town_center.db``), and a fresh schema of the test PostgreSQL (in CI, a missing one fails)."""
    if request.param == "sqlite":
        engine = make_engine(sqlite_url(tmp_path))
        upgrade_head(engine)
        yield engine
        engine.dispose()
        return
    with postgres_schema_url(require_postgres()) as url:
        engine = make_engine(url)
        upgrade_head(engine)
        yield engine
        engine.dispose()


@pytest.fixture
def desktop_station(tmp_path: Path, live_server: ServerHandle) -> Iterator[ServiceContext]:
    """A real station (the desktop services) set up and enrolled with the live server."""
    code = f"R{uuid.uuid4().hex[:6].upper()}"
    ctx = ServiceContext.open(tmp_path / "station", FixedClock.on(date(2026, 11, 23)))
    setup_station(ctx, code=code, name="城南村代办站", village="城南村", town="城关镇", clerk="李代办")
    enrollment = issue_enrollment_code(live_server.database_url, code, "城南村代办站")
    center_sync.connect_center(ctx, live_server.url, enrollment)
    yield ctx
    ctx.close()


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
