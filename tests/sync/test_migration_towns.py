"""Migration 0112: what a center held before towns belongs to town 1, and a second town gets the next id."""

from __future__ import annotations

import sqlalchemy as sa

from sync.domain.clock import FixedClock
from sync.server.core.db import make_sessionmaker
from sync.server.core.models import DEFAULT_TOWN_ID, StationRow
from sync.server.core.staff_models import PublishedDocRow, StaffRow
from sync.server.services.towns import create_town

from .migrating import Migrating


def test_0112_puts_what_was_held_in_town_1(migrating: Migrating) -> None:
    migrating.upgrade("0111_cases_data_jsonb")
    migrating.add_stations()
    conn, at = migrating.conn, "2026-11-01T00:00:00.000+00:00"
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
    migrating.upgrade("head")
    sessions = make_sessionmaker(migrating.engine, FixedClock.beijing(2026, 12, 6, 10))
    with sessions() as session, session.begin():
        assert session.scalars(sa.select(StationRow.town_id)).all() == [DEFAULT_TOWN_ID]
        assert session.scalars(sa.select(StaffRow.town_id)).all() == [DEFAULT_TOWN_ID]
        docs = dict(session.execute(sa.select(PublishedDocRow.kind, PublishedDocRow.town_id)).all())
        assert docs == {"town": DEFAULT_TOWN_ID, "catalog": None}
        assert create_town(session, "  城关镇 ").id == DEFAULT_TOWN_ID + 1
