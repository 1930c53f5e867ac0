"""Live town-center servers (SQLite and PostgreSQL) and freshly enrolled stations."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from sync.client.client import SyncClient
from sync.server.core.db import make_engine
from sync.server.core.migrate import alembic_config
from tests.conftest import require_postgres

from .factories import Chain
from .live_server import ServerHandle, issue_enrollment_code, postgres_schema_url, serving, sqlite_url
from .migrating import Migrating


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def live_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerHandle]:
    """A running ``python -m sync.server``, one per backend for the whole session."""
    with serving(request.param, tmp_path_factory) as handle:
        yield handle


@dataclass
class Station:
    client: SyncClient
    station_id: str
    code: str
    chain: Chain
    server: ServerHandle


def enroll_station(server: ServerHandle) -> Station:
    code = f"T{uuid.uuid4().hex[:8].upper()}"
    enrollment = issue_enrollment_code(server.database_url, code, f"测试代办站{code}")
    client = SyncClient(server.url, timeout=(5, 30))
    station_id, _token = client.enroll(enrollment, station_code=code)
    return Station(client, station_id, code, Chain(station_id), server)


@pytest.fixture
def station(live_server: ServerHandle) -> Station:
    return enroll_station(live_server)


@pytest.fixture(params=["sqlite", "postgres"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty center database (a fresh file; a fresh schema of the test PostgreSQL)."""
    if request.param == "sqlite":
        yield sqlite_url(tmp_path)
        return
    with postgres_schema_url(require_postgres()) as url:
        yield url


@pytest.fixture
def migrating(empty_database: str) -> Iterator[Migrating]:
    config = alembic_config()
    engine = make_engine(empty_database)
    try:
        with engine.connect() as conn:
            config.attributes["connection"] = conn
            yield Migrating(engine, conn, config)
    finally:
        engine.dispose()
