"""A station enrolled after a publish gets the latest catalog, calendar and 保存期限 on its first pull."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

import resources
from sync.domain.events import Event, verify_chain
from sync.domain.reference import CALENDAR_PUBLISHED, CATALOG_PUBLISHED, RETENTION_PUBLISHED
from sync.protocol.models import EnrollRequest
from sync.server.core.db import make_engine
from sync.server.core.migrate import upgrade_head
from sync.server.services.catalog_admin import publish
from sync.server.services.center_events import center_events_after
from sync.server.services.enrollment import enroll, issue_code, revoke_station
from sync.server.services.retention_admin import publish_retention
from tests.sync.live_server import center_sessions

from ..conftest import require_postgres
from .live_server import postgres_schema_url, sqlite_url


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Session]:
    engine = make_engine(sqlite_url(tmp_path))
    upgrade_head(engine)
    with center_sessions(engine)() as session:
        yield session
    engine.dispose()


def _enroll(session: Session, code: str, station_id: str | None = None) -> str:
    with session.begin():
        one_time = issue_code(session, code, f"{code}代办站")
    with session.begin():
        return enroll(session, EnrollRequest(code=one_time, station_code=code, station_id=station_id)).station_id


def _document(path: str, version: str) -> str:
    return json.dumps(json.loads(resources.read_text(path)) | {"version": version}, ensure_ascii=False)


def _publish(session: Session, kind: str, version: str, actor: str = "王主任") -> None:
    with session.begin():
        publish(
            session,
            kind,
            _document({"catalog": "catalog/demo.json", "calendar": "holidays/cn.json"}[kind], version),
            actor,
        )


def _retention(session: Session, days: int, actor: str = "王主任") -> None:
    with session.begin():
        publish_retention(session, str(days), actor)


def _pull(session: Session, station_id: str, after: int = 0) -> list[Event]:
    with session.begin():
        return center_events_after(session, station_id, after)


def _summary(events: list[Event]) -> list[tuple[str, Any]]:
    keys = {CATALOG_PUBLISHED: "catalog", CALENDAR_PUBLISHED: "calendar", RETENTION_PUBLISHED: "retention"}
    return [
        (e.type, e.payload[keys[e.type]].get("version") or e.payload[keys[e.type]]["closed_case_days"]) for e in events
    ]


def test_a_new_station_first_pulls_the_latest_of_each_published_document(db: Session) -> None:
    early = _enroll(db, "CS01")
    _publish(db, "catalog", "cat-1")
    _publish(db, "calendar", "cal-1")
    _retention(db, 30)
    _publish(db, "catalog", "cat-2", actor="李主任")
    _retention(db, 60)
    assert len(_pull(db, early)) == 5  # the publishes themselves, unchanged

    late = _enroll(db, "CS02")
    pulled = _pull(db, late)
    assert _summary(pulled) == [(CATALOG_PUBLISHED, "cat-2"), (CALENDAR_PUBLISHED, "cal-1"), (RETENTION_PUBLISHED, 60)]
    assert [e.actor for e in pulled] == ["李主任", "王主任", "王主任"]  # who published each
    assert [e.seq for e in pulled] == [1, 2, 3] and all(e.origin == "center" for e in pulled)
    verify_chain(pulled)
    # the very payload a publish broadcasts: the early station's copy of the same document
    early_events = _pull(db, early)
    assert pulled[0].payload == early_events[3].payload and pulled[2].payload == early_events[4].payload


def test_nothing_published_nothing_queued(db: Session) -> None:
    assert _pull(db, _enroll(db, "CS01")) == []


def test_re_enrollment_queues_only_what_the_station_missed(db: Session) -> None:
    station = _enroll(db, "CS01")
    _publish(db, "catalog", "cat-1")
    _publish(db, "calendar", "cal-1")
    _retention(db, 30)
    assert len(_pull(db, station)) == 3
    with db.begin():
        revoke_station(db, station, "换电脑")
    assert _enroll(db, "CS01", station) == station  # it had all three: nothing new
    assert len(_pull(db, station)) == 3

    with db.begin():
        revoke_station(db, station, "停用")
    _publish(db, "catalog", "cat-2")  # not sent: the station is stopped
    _retention(db, 90)
    assert len(_pull(db, station)) == 3
    _enroll(db, "CS01", station)
    assert _summary(_pull(db, station, after=3)) == [(CATALOG_PUBLISHED, "cat-2"), (RETENTION_PUBLISHED, 90)]
    queued = _pull(db, station)
    with db.begin():
        revoke_station(db, station)
    _enroll(db, "CS01", station)
    assert _pull(db, station) == queued  # enrolling twice queues nothing twice


@pytest.fixture(params=["sqlite", "postgres"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    with ExitStack() as stack:
        if request.param == "postgres":
            url = stack.enter_context(postgres_schema_url(require_postgres()))
        else:
            url = sqlite_url(tmp_path)
        made = make_engine(url)
        upgrade_head(made)
        yield made
        made.dispose()


def test_a_publish_overlapping_an_enrollment_still_reaches_the_new_station(engine: Engine) -> None:
    """The enrollment has read the (old) documents but not committed; a publish starts meanwhile. It must
    wait for the enrollment, then list the new station too: otherwise the station would get neither."""
    sessions = center_sessions(engine)
    with sessions() as session, session.begin():
        code = issue_code(session, "XC09", "新村代办站")
    enrolling = sessions()
    enrolling.begin()
    station_id = enroll(enrolling, EnrollRequest(code=code, station_code="XC09")).station_id
    published = threading.Event()

    def publish_meanwhile() -> None:
        with sessions() as session, session.begin():
            publish(session, "catalog", _document("catalog/demo.json", "2026-11-race"), "王主任")
        published.set()

    thread = threading.Thread(target=publish_meanwhile)
    thread.start()
    try:
        assert not published.wait(1.0)  # the publish takes its turn after the enrollment
    finally:
        enrolling.commit()
        enrolling.close()
        thread.join(30)
    assert published.is_set()
    with sessions() as session, session.begin():
        events = center_events_after(session, station_id, 0)
    catalogs = [e.payload for e in events if e.type == CATALOG_PUBLISHED]
    assert catalogs and catalogs[-1]["catalog"]["version"] == "2026-11-race"
