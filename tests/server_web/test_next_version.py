"""The version a publish form suggests is one nobody published yet, so taking it is never refused as already
published; a town's own 事项 count their own versions."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from sync.server.core.db import make_sessionmaker
from sync.server.core.staff_models import PublishedDocRow
from sync.server.services.catalog_admin import next_town_version
from sync.server.services.reference_docs import TOWN_CATALOG, next_version


@pytest.fixture
def engine(migrated_engine: Engine) -> Engine:
    return migrated_engine


def _published(engine: Engine, kind: str, *versions: str, town_id: int | None = None) -> None:
    with make_sessionmaker(engine)() as session, session.begin():
        for version in versions:
            row = {"document": {}, "published_at": "2026-12-01T00:00:00.000+00:00", "published_by": "主任"}
            session.add(PublishedDocRow(kind=kind, version=version, town_id=town_id, **row))


def _suggested(engine: Engine, kind: str, town_id: int | None = None) -> str:
    with make_sessionmaker(engine)() as session, session.begin():
        return next_town_version(session, town_id) if town_id is not None else next_version(session, kind)


def test_the_suggested_version_is_one_nobody_published(engine: Engine) -> None:
    assert _suggested(engine, "calendar") == "1"
    _published(engine, "calendar", "1")
    assert _suggested(engine, "calendar") == "2"
    _published(engine, "calendar", "3")  # typed by the director for the second
    assert _suggested(engine, "calendar") == "4"  # "3" would be refused as already published
    _published(engine, "calendar", "2026年版")
    assert _suggested(engine, "calendar") == "4"


def test_a_towns_own_items_count_their_own_versions(engine: Engine) -> None:
    _published(engine, "catalog", "1", "2", "3")
    _published(engine, TOWN_CATALOG, "1", "2", town_id=2)
    assert _suggested(engine, TOWN_CATALOG, town_id=2) == "3"
    assert _suggested(engine, TOWN_CATALOG, town_id=3) == "1"
    _published(engine, TOWN_CATALOG, "1", town_id=3)
    assert _suggested(engine, TOWN_CATALOG, town_id=3) == "2"
