"""Issue 15, item 2 from the station's side, over real HTTP (SQLite and PostgreSQL): events the center
refuses are shown as 被拒绝 with the field and the reason, the later events still sync, the center's
decisions are still pulled (the sync completes), and the clerk's correction (a new event on the ordinary
path) answers it.

The two bad events are written as a station of the previous version could (bypassing today's check
before append): a registration with a NUL in the address, and a 撤回 whose reason holds a NUL.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from desktop.services.casework.case_detail import case_detail
from desktop.services.casework.cases import register_case
from desktop.services.casework.workflow import withdraw
from desktop.services.context import ServiceContext
from desktop.services.station import require_station, setup_station
from desktop.services.syncing import center_sync
from desktop.store import event_log
from sync.domain.clock import FixedClock
from sync.server.core.db import make_engine
from tests.desktop.conftest import TODAY, complete_draft
from tests.domain.factories import registered_payload
from tests.sync.live_server import ServerHandle, issue_enrollment_code


@pytest.fixture
def ctx(tmp_path: Path, server: ServerHandle) -> Iterator[ServiceContext]:
    code = f"J{uuid.uuid4().hex[:6].upper()}"
    context = ServiceContext.open(tmp_path / "station", FixedClock.on(TODAY))
    setup_station(context, code=code, name="城东村代办站", village="城东村", town="城关镇", clerk="孙代办")
    center_sync.connect_center(context, server.url, issue_enrollment_code(server.database_url, code, "城东村代办站"))
    yield context
    context.close()


def _append_unchecked(ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch, type: str, payload: dict[str, Any]) -> None:
    """What an older station did: append without the payload schema's check."""
    station = require_station(ctx)
    with monkeypatch.context() as patch:
        patch.setattr(event_log, "parse_event", lambda event: None)
        with ctx.db.transaction() as session:
            event_log.append(
                session,
                station_id=station.station_id,
                type=type,
                payload=payload,
                actor=station.clerk,
                occurred_at=ctx.clock.stamp(),
            )


def _center(server: ServerHandle, sql: str, **params: object) -> list[Any]:
    engine = make_engine(server.database_url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(sa.text(sql), params))
    finally:
        engine.dispose()


def _label(ctx: ServiceContext, case_id: str) -> str:
    return case_detail(ctx, case_id).summary.sync_label


def test_refused_events_are_shown_and_the_chain_goes_on(
    ctx: ServiceContext, server: ServerHandle, monkeypatch: pytest.MonkeyPatch
) -> None:
    station_id = require_station(ctx).station_id
    a = register_case(ctx, complete_draft(ctx)).case_ids[0]  # events 1-2: registered, accepted
    b = registered_payload(case_no=f"{require_station(ctx).code}-20261123-0099")
    b["applicant"] = {**b["applicant"], "address": "城东村\x00三组"}
    _append_unchecked(ctx, monkeypatch, "case.registered", b)  # 3
    _append_unchecked(ctx, monkeypatch, "case.withdraw", {"case_id": a, "reason": "不办\x00了"})  # 4
    later = [register_case(ctx, complete_draft(ctx)).case_ids[0] for _ in range(3)]  # 5-10
    assert center_sync.status(ctx).pending == 10

    done = center_sync.sync_now(ctx)

    assert "2 条被镇中心拒收" in done.message
    assert center_sync.status(ctx).pending == 0 and center_sync.status(ctx).last_error is None
    assert _label(ctx, str(b["case_id"])) == "被拒绝" and _label(ctx, a) == "被拒绝"
    assert all(_label(ctx, c) == "已同步" for c in later)
    history = [h.sentence for h in case_detail(ctx, a).history]
    assert any("被拒绝" in s and "payload.reason" in s and "U+0000" in s for s in history)
    # the refused 撤回 changes the case here no more than at the center: it is 已受理 on both sides
    assert case_detail(ctx, a).view.state.value == "accepted"
    refused = _center(
        server,
        "SELECT seq, refused_field FROM events WHERE station_id = :s AND refused IS NOT NULL ORDER BY seq",
        s=station_id,
    )
    assert [tuple(r) for r in refused] == [(3, "payload.applicant.address"), (4, "payload.reason")]
    states = dict(_center(server, "SELECT case_id, state FROM cases WHERE station_id = :s", s=station_id))
    assert states == {a: "accepted", **dict.fromkeys(later, "accepted")}

    # the clerk corrects on the ordinary path
    withdraw(ctx, a, "申请人不再办理")
    again = center_sync.sync_now(ctx)
    assert "拒收" not in again.message
    assert _label(ctx, a) == "已同步"
    assert dict(_center(server, "SELECT case_id, state FROM cases WHERE station_id = :s", s=station_id))[a] == (
        "withdrawn"
    )
    assert _label(ctx, str(b["case_id"])) == "被拒绝"  # nothing answered it yet: still shown
    counts = _center(server, "SELECT count(*), count(DISTINCT seq) FROM events WHERE station_id = :s", s=station_id)
    assert tuple(counts[0]) == (11, 11)
