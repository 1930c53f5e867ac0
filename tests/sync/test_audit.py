"""Editing or removing a stored row on the center is detected by re-verifying the chains."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from sync.server.core.db import make_engine
from sync.server.services.audit import ChainReport, verify_all, verify_station
from tests.sync.live_server import center_sessions

from .conftest import Station
from .live_server import record_center


def _report(database_url: str, station_id: str) -> ChainReport:
    engine = make_engine(database_url)
    try:
        with center_sessions(engine)() as session, session.begin():
            return verify_station(session, station_id)
    finally:
        engine.dispose()


def _sql(database_url: str, statement: str, **params: object) -> None:
    engine = make_engine(database_url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text(statement), params)
    finally:
        engine.dispose()


def test_intact_chains_verify(station: Station) -> None:
    case_id = station.chain.new_case()
    station.client.push(station.chain.events)
    record_center(station.server.database_url, station.station_id, "case.center_accept", {"case_id": case_id}, "窗口")
    report = _report(station.server.database_url, station.station_id)
    assert report.ok and (report.events, report.center_events) == (3, 1)
    engine = make_engine(station.server.database_url)
    with center_sessions(engine)() as session, session.begin():
        assert station.station_id in {r.station_id for r in verify_all(session)}
    engine.dispose()


def test_an_edited_row_is_detected(station: Station) -> None:
    station.chain.new_case()
    station.client.push(station.chain.events)
    db = station.server.database_url
    _sql(db, "UPDATE events SET actor = :a WHERE station_id = :s AND seq = 2", a="冒名者", s=station.station_id)
    report = _report(db, station.station_id)
    assert not report.ok
    assert "第2号" in report.problems[0] and "篡改" in report.problems[0]


def test_a_removed_last_row_is_detected(station: Station) -> None:
    station.chain.new_case()
    station.client.push(station.chain.events)
    db = station.server.database_url
    _sql(db, "DELETE FROM events WHERE station_id = :s AND seq = 3", s=station.station_id)
    report = _report(db, station.station_id)
    assert not report.ok and "应为3条" in report.problems[0]


def test_command_line_reports_every_station(tmp_path: Path) -> None:
    from sync.protocol.models import EnrollRequest
    from sync.server.core.migrate import upgrade_head
    from sync.server.services.enrollment import enroll, issue_code
    from sync.server.services.ingest import ingest

    from .factories import Chain
    from .live_server import ROOT, sqlite_url

    db = sqlite_url(tmp_path)
    engine = make_engine(db)
    upgrade_head(engine)
    with center_sessions(engine)() as session, session.begin():
        station_id = enroll(session, EnrollRequest(code=issue_code(session, "CS09", "九组"))).station_id
        chain = Chain(station_id)
        chain.new_case()
        ingest(session, station_id, "b1", chain.events)
    engine.dispose()
    command = [sys.executable, "-m", "sync.server", "verify-chains"]
    env = os.environ | {"DATABASE_URL": db}
    ok = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith("CS09\t3条") and "正常" in ok.stdout
    _sql(db, "UPDATE events SET payload = :p WHERE seq = 1", p='{"case_id": "x"}')
    broken = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert broken.returncode == 2 and "篡改" in broken.stdout
