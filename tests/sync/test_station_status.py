"""What a station reports about itself and when it last synced (services.station_status); the handshake over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy.orm import Session

from sync import __version__
from sync.client.client import SyncClient
from sync.client.errors import SequenceGap
from sync.protocol.models import PROTOCOL_VERSION, EnrollRequest, Handshake
from sync.server.core.db import clock_of, make_engine
from sync.server.core.migrate import upgrade_head
from sync.server.core.models import StationRow
from sync.server.services.enrollment import enroll, issue_code, revoke_station
from sync.server.services.errors import ServiceError
from sync.server.services.ingest import ingest
from sync.server.services.station_status import (
    StationOverview,
    app_version_of,
    older_than,
    record_handshake,
    record_pull,
    stations_overview,
    version_key,
)
from tests.sync.live_server import center_sessions

from .conftest import Station
from .factories import Chain
from .live_server import sqlite_url


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Session]:
    engine = make_engine(sqlite_url(tmp_path))
    upgrade_head(engine)
    with center_sessions(engine)() as session:
        yield session
    engine.dispose()


def _enroll(session: Session, code: str = "CS01", app_version: str | None = "0.1.0") -> tuple[str, str]:
    with session.begin():
        one_time = issue_code(session, code, "城南村代办站")
    with session.begin():
        reply = enroll(session, EnrollRequest(code=one_time, station_code=code, app_version=app_version))
    return reply.station_id, reply.token


def _hello(station_id: str | None, **report: int) -> Handshake:
    return Handshake(protocol_version="1.0", app_version="0.1.0", station_id=station_id, **report)


def _only(session: Session, **kw: Any) -> StationOverview:
    with session.begin():
        (row,) = stations_overview(session, **kw)
    return row


def test_versions_compare_as_numbers() -> None:
    assert version_key("0.10.2") == (0, 10, 2) and version_key("v1.2rc1") == (1, 2) and version_key("dev") is None
    assert older_than("0.9.9", "0.10.0") and older_than("0.1", "0.1.1") and not older_than("0.1.0", "0.1")
    assert not older_than("开发版", "0.1.0") and not older_than("0.2.0", "0.1.0")


def test_enrollment_records_the_app_version_and_a_new_station_is_unknown(db: Session) -> None:
    _enroll(db, app_version="0.0.9")
    row = _only(db, current_app_version="0.1.0")
    assert row.app_version == "0.0.9" and "低于当前版本0.1.0" in row.version_warning
    assert row.pending is None and row.last_sync == "" and not row.stale


def test_handshake_report_counts_down_as_the_events_arrive(db: Session) -> None:
    station_id, token = _enroll(db)
    chain = Chain(station_id)
    for n in range(1, 5):
        chain.new_case(n)  # 12 events
    with db.begin():
        record_handshake(db, token, _hello(station_id, pending_events=12, pending_bytes=12_000, last_seq=12))
    row = _only(db, current_app_version="0.1.0")
    assert (row.pending, row.pending_bytes, row.version_warning, row.protocol_version) == (12, 12_000, "", "1.0")
    assert row.pending_as_of and row.last_sync == ""
    with db.begin():
        ingest(db, station_id, "b1", chain.events[:9])
    row = _only(db)
    assert (row.pending, row.pending_bytes, row.events) == (3, 3_000, 9)
    assert row.last_push and row.last_sync == row.last_push and not row.last_pull
    with db.begin():
        ingest(db, station_id, "b2", chain.events[9:], source="file")
        record_pull(db, station_id)
    row = _only(db)
    assert (row.pending, row.pending_bytes) == (0, 0)
    assert row.last_import and row.last_pull and row.last_sync == max(row.last_import, row.last_pull)


def test_an_old_client_without_the_report_still_records_its_version(db: Session) -> None:
    _, token = _enroll(db, app_version=None)
    with db.begin():
        record_handshake(db, token, Handshake(protocol_version="1.0", app_version="0.0.5"))
    row = _only(db, current_app_version="0.1.0")
    assert row.pending is None and row.app_version == "0.0.5" and row.version_warning


def test_stale_and_outdated_protocol_are_flagged(db: Session) -> None:
    station_id, token = _enroll(db)
    with db.begin():
        record_handshake(db, token, _hello(station_id))
        record_pull(db, station_id)
    later = clock_of(db).now() + timedelta(days=8, hours=1)
    row = _only(db, stale_days=7, now=later, min_protocol_version="1.1")
    assert row.stale and row.days_silent == 8
    assert "通信协议1.0低于镇中心要求的1.1" in row.version_warning
    assert not _only(db, stale_days=9, now=later).stale
    with db.begin():
        revoke_station(db, station_id, "合并")
    assert not _only(db, stale_days=7, now=later).stale  # a stopped station is not chased


def test_handshake_refuses_another_station_and_revoked_tokens(db: Session) -> None:
    station_id, token = _enroll(db)
    with pytest.raises(ServiceError) as other, db.begin():
        record_handshake(db, token, _hello("someone-else", pending_events=1))
    assert other.value.code == "forbidden"
    with db.begin():
        assert db.get(StationRow, station_id).pending_events is None  # type: ignore[union-attr]
        revoke_station(db, station_id)
    with pytest.raises(ServiceError) as revoked, db.begin():
        record_handshake(db, token, _hello(station_id))
    assert revoked.value.code == "station_revoked"


# -- over HTTP ------------------------------------------------------------------------------------------------------


def test_handshake_with_token_is_recorded_and_without_still_answers(station: Station) -> None:
    url = station.server.url + "/api/v1/sync/handshake"
    old_client = requests.post(url, json={"protocol_version": "1.0", "app_version": "0.0.1"}, timeout=10)
    assert old_client.status_code == 200 and old_client.json()["accepted"]
    reply = station.client.handshake(station.station_id, pending_events=4, pending_bytes=2048, last_seq=4)
    assert reply.accepted
    bad = requests.post(
        url,
        json={"protocol_version": "1.0", "app_version": "0.1.0", "pending_events": 1},
        headers={"Authorization": "Bearer nonsense"},
        timeout=10,
    )
    assert bad.status_code == 401 and bad.json()["code"] == "unauthorized"
    mixed = requests.post(
        url,
        json={"protocol_version": "1.0", "app_version": "0.1.0", "station_id": "x", "pending_events": -1},
        headers={"Authorization": f"Bearer {station.client.token}"},
        timeout=10,
    )
    assert mixed.status_code == 422
    engine = make_engine(station.server.database_url)
    try:
        with center_sessions(engine)() as session, session.begin():
            row = session.get(StationRow, station.station_id)
            assert row is not None
            assert (row.pending_events, row.pending_bytes, row.reported_seq, row.app_version) == (4, 2048, 4, "0.1.0")
            assert row.last_handshake_at and row.last_pull_at is None
        station.client.pull()
        with center_sessions(engine)() as session, session.begin():
            assert session.get(StationRow, station.station_id).last_pull_at  # type: ignore[union-attr]
    finally:
        engine.dispose()


def _row(station: Station) -> StationRow:
    engine = make_engine(station.server.database_url)
    try:
        with center_sessions(engine)() as session, session.begin():
            row = session.get(StationRow, station.station_id)
            assert row is not None
            session.expunge(row)
            return row
    finally:
        engine.dispose()


def test_push_and_pull_headers_report_the_backlog_and_version_without_a_handshake(station: Station) -> None:
    station.chain.new_case()  # 3 events
    station.chain.new_case(2)  # 6 in all; the first case goes up now
    station.client.report_status(pending_events=6, pending_bytes=3000, last_seq=6)
    station.client.push(station.chain.events[:3])
    row = _row(station)
    assert (row.pending_events, row.pending_bytes, row.reported_seq, row.head_seq) == (6, 3000, 6, 3)
    assert row.app_version == __version__ and row.protocol_version == PROTOCOL_VERSION and row.last_handshake_at
    engine = make_engine(station.server.database_url)
    try:
        with center_sessions(engine)() as session, session.begin():
            (overview,) = [o for o in stations_overview(session) if o.id == station.station_id]
    finally:
        engine.dispose()
    assert overview.pending == 3 and overview.pending_bytes == 1500
    station.client.push(station.chain.events[3:])
    station.client.report_status(pending_events=0, pending_bytes=0, last_seq=6)
    station.client.pull()
    row = _row(station)
    assert (row.pending_events, row.pending_bytes, row.reported_seq) == (0, 0, 6) and row.last_pull_at


def test_a_refused_push_still_records_its_report(station: Station) -> None:
    station.chain.new_case()
    station.client.report_status(pending_events=2, pending_bytes=900, last_seq=3)
    with pytest.raises(SequenceGap):
        station.client.push(station.chain.events[1:])  # seq 2..3 without 1
    row = _row(station)
    assert (row.pending_events, row.reported_seq, row.head_seq) == (2, 3, 0)


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("X-Station-Last-Seq", "-1"),
        ("X-Station-Pending-Events", "many"),
        ("X-Station-Pending-Bytes", str(2**60)),
        ("X-Station-Last-Seq", "1e3"),
        ("X-App-Version", "x" * 41),
    ],
)
def test_malformed_report_headers_are_refused_with_a_422_naming_them(station: Station, header: str, value: str) -> None:
    url = station.server.url + "/api/v1/sync/pull"
    auth = {"Authorization": f"Bearer {station.client.token}"}
    response = requests.get(url, headers=auth | {header: value}, timeout=10)
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "invalid_request" and body["field"] == f"header.{header.lower()}"
    assert "请求数据格式不正确" in body["message"]


def test_old_clients_without_headers_change_nothing_but_other_user_agents_record_no_version(station: Station) -> None:
    station.client.handshake(station.station_id, pending_events=4, pending_bytes=2048, last_seq=4)
    url = station.server.url + "/api/v1/sync/pull"
    auth = {"Authorization": f"Bearer {station.client.token}"}
    assert requests.get(url, headers=auth | {"User-Agent": "curl/8.0"}, timeout=10).status_code == 200
    row = _row(station)
    assert (row.pending_events, row.pending_bytes, row.reported_seq, row.app_version) == (4, 2048, 4, __version__)
    response = requests.get(url, headers=auth | {"X-App-Version": "9.9.9"}, timeout=10)
    assert response.status_code == 200 and _row(station).app_version == "9.9.9"


def test_app_version_comes_from_the_header_or_our_user_agent() -> None:
    assert app_version_of("daibantong/0.4.2") == "0.4.2"
    assert app_version_of("python-requests/2.32 daibantong/1.0rc1") == "1.0rc1"
    assert app_version_of("python-requests/2.32") is None and app_version_of(None) is None
    assert app_version_of("daibantong/0.4.2", " 0.5.0 ") == "0.5.0"


def test_the_client_greets_each_center_once_per_process(station: Station) -> None:
    client = SyncClient(station.server.url, token=station.client.token)
    assert not client.greeted
    client.handshake(station.station_id)
    assert client.greeted and SyncClient(station.server.url + "/", token=station.client.token).greeted
    other_url = station.server.url.replace("127.0.0.1", "localhost")
    assert not SyncClient(other_url, token=station.client.token).greeted  # the center URL changed
    assert not SyncClient(station.server.url, token="another-token").greeted  # enrolled again
    assert not SyncClient(station.server.url).greeted
