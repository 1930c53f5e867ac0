"""Migration 0112: what a center held before towns belongs to town 1, and a second town gets the next id."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command

from sync.domain.clock import FixedClock
from sync.server.core.db import make_engine, make_sessionmaker
from sync.server.core.migrate import alembic_config
from sync.server.core.models import DEFAULT_TOWN_ID, StationRow
from sync.server.core.staff_models import PublishedDocRow, StaffRow
from sync.server.services.towns import create_town
from tests.conftest import require_postgres

from .live_server import postgres_schema_url, sqlite_url


@pytest.fixture(params=["sqlite", "postgres"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield sqlite_url(tmp_path)
        return
    with postgres_schema_url(require_postgres()) as url:
        yield url


def test_0112_puts_what_was_held_in_town_1(empty_database: str) -> None:
    config = alembic_config()
    engine = make_engine(empty_database)
    try:
        with engine.connect() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, "0111_cases_data_jsonb")
            at = "2026-11-01T00:00:00.000+00:00"
            conn.execute(
                sa.text(
                    "INSERT INTO stations (id, code, name, enrolled_at, revoked_reason, head_seq, head_hash, "
                    "center_seq, center_hash) VALUES ('s1', 'C1', '城南村', :at, '', 0, 'x', 0, 'x')"
                ),
                {"at": at},
            )
            conn.execute(
                sa.text(
                    "INSERT INTO staff (username, name, role, password_hash, active, created_at) "
                    "VALUES ('zhuren', '王主任', 'director', 'x', :active, :at)"
                ),
                {"active": True, "at": at},
            )
            for kind in ("town", "catalog"):
                conn.execute(
                    sa.text(
                        "INSERT INTO published_documents (kind, version, document, published_at, published_by) "
                        "VALUES (:kind, '1', '{}', :at, '王主任')"
                    ),
                    {"kind": kind, "at": at},
                )
            conn.commit()
            command.upgrade(config, "head")
            conn.commit()
        sessions = make_sessionmaker(engine, FixedClock.beijing(2026, 12, 6, 10))
        with sessions() as session, session.begin():
            assert session.scalars(sa.select(StationRow.town_id)).all() == [DEFAULT_TOWN_ID]
            assert session.scalars(sa.select(StaffRow.town_id)).all() == [DEFAULT_TOWN_ID]
            docs = dict(session.execute(sa.select(PublishedDocRow.kind, PublishedDocRow.town_id)).all())
            assert docs == {"town": DEFAULT_TOWN_ID, "catalog": None}
            assert create_town(session, "  城关镇 ").id == DEFAULT_TOWN_ID + 1
    finally:
        engine.dispose()
