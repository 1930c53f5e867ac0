"""Decisions of the town center flow back to the station through the real server."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

import resources
from desktop.services.casework.cases import get_case, list_cases, register_case
from desktop.services.casework.workflow import deliver, withdraw
from desktop.services.context import ServiceContext
from desktop.services.station import require_station
from desktop.services.syncing import center_sync
from desktop.services.syncing.center import center_conflicts
from desktop.store.models import SyncConflictRow
from sync.domain.calendar import add_working_days
from sync.domain.case_rules import CaseState
from sync.domain.clock import FixedClock
from sync.domain.reference import CALENDAR_PUBLISHED, calendar_payload
from sync.server.core.db import make_engine
from sync.server.services.center_events import record_broadcast_event, record_center_event
from tests.desktop.conftest import complete_draft
from tests.sync.live_server import (
    ServerHandle,
    center_sessions,
)

from .conftest import connect_station


@pytest.fixture
def station(tmp_path: Path, server: ServerHandle) -> Iterator[ServiceContext]:
    code = f"D{uuid.uuid4().hex[:6].upper()}"
    ctx = ServiceContext.open(tmp_path / "station", FixedClock.on(date(2026, 12, 28)))
    connect_station(ctx, server, code, "城南村", "李代办")
    yield ctx
    ctx.close()


def _center(server: ServerHandle, action: Any) -> None:
    """What a window clerk's decision does on the server: one center event in one transaction."""
    engine = make_engine(server.database_url)
    try:
        with center_sessions(engine)() as session, session.begin():
            action(session)
    finally:
        engine.dispose()


def test_accept_and_complete_by_the_center_reach_the_station(server: ServerHandle, station: ServiceContext) -> None:
    ctx = station
    case_id = register_case(ctx, complete_draft(ctx)).case_ids[0]
    deliver(ctx, case_id)
    center_sync.sync_now(ctx)
    station_id = require_station(ctx).station_id

    accept = {"case_id": case_id}
    _center(server, lambda s: record_center_event(s, station_id, "case.center_accept", accept, "窗口张三"))
    changed = center_sync.sync_now(ctx)
    assert case_id in changed.case_ids and "接收镇中心 1 条" in changed.message
    assert get_case(ctx, case_id).state is CaseState.IN_PROGRESS

    result = {"case_id": case_id, "result": "已办结，证件已制发", "completed_on": "2026-12-30"}
    _center(server, lambda s: record_center_event(s, station_id, "case.center_complete", result, "窗口张三"))
    center_sync.sync_now(ctx)
    view = get_case(ctx, case_id)
    assert view.state is CaseState.COMPLETED and view.result == "已办结，证件已制发"
    center_sync.sync_now(ctx)  # pulling again applies nothing twice
    assert get_case(ctx, case_id).event_count == view.event_count


def test_a_late_center_decision_is_kept_as_a_conflict(server: ServerHandle, station: ServiceContext) -> None:
    ctx = station
    case_id = register_case(ctx, complete_draft(ctx)).case_ids[0]
    deliver(ctx, case_id)
    center_sync.sync_now(ctx)
    station_id = require_station(ctx).station_id
    _center(server, lambda s: record_center_event(s, station_id, "case.center_accept", {"case_id": case_id}, "窗口"))
    # Meanwhile, offline, the villager withdraws at the station; then the center completes.
    withdraw(ctx, case_id, "申请人已自行办理")
    done = {"case_id": case_id, "result": "已办结", "completed_on": "2026-12-30"}
    _center(server, lambda s: record_center_event(s, station_id, "case.center_complete", done, "窗口"))
    changed = center_sync.sync_now(ctx)
    assert "冲突" in changed.message
    conflicts = center_conflicts(ctx)
    assert conflicts and all(c.case_id == case_id for c in conflicts)
    assert get_case(ctx, case_id).state is CaseState.WITHDRAWN
    assert center_sync.status(ctx).pending == 0
    assert [c.sync_label for c in list_cases(ctx)] == ["有冲突"]
    with ctx.db.reading() as session:  # and the center flagged the station's late withdrawal too
        flagged = session.scalars(select(SyncConflictRow)).all()
    assert [row.case_id for row in flagged] == [case_id]


def test_published_calendar_reaches_the_station_and_fixes_2027_deadlines(
    server: ServerHandle, station: ServiceContext
) -> None:
    ctx = station
    before = add_working_days(ctx.calendar, date(2026, 12, 28), 10)
    assert before.uncertain
    import json

    data = json.loads(resources.read_text("holidays/cn.json"))
    data["version"] = "2027.1-test"
    data["years"]["2027"] = {
        "holidays": [{"name": "元旦", "start": "2027-01-01", "end": "2027-01-03"}],
        "workdays": [],
    }
    _center(server, lambda s: record_broadcast_event(s, CALENDAR_PUBLISHED, calendar_payload(data), "主任"))
    center_sync.sync_now(ctx)
    assert ctx.calendar.version == "2027.1-test"
    after = add_working_days(ctx.calendar, date(2026, 12, 28), 10)
    assert not after.uncertain
