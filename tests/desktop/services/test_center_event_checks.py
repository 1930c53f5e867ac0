"""The center's word is checked like the station's own: an invalid center event is kept as a conflict,
changes nothing, and never blocks the center's later events (pull and USB import take the same path)."""

from __future__ import annotations

from typing import Any

import pytest

from desktop.services.casework import workflow
from desktop.services.casework.cases import get_case
from desktop.services.context import ServiceContext
from desktop.services.safety.retention import RETENTION
from desktop.services.station import require_station
from desktop.services.syncing.center import center_conflicts, center_cursor
from desktop.services.syncing.center_sync import apply_center_events
from desktop.store import center_log, settings
from sync.domain.case_rules import CaseState
from sync.domain.events import CENTER, Event, new_event
from sync.domain.reference import retention_payload

from .workflow_helpers import registered


def _next(ctx: ServiceContext, type: str, payload: dict[str, Any], after: list[Event]) -> Event:
    with ctx.db.reading() as session:
        seq, prev = center_log.head(session)
    if after:
        seq, prev = after[-1].seq, after[-1].hash
    event = new_event(
        station_id=require_station(ctx).station_id,
        seq=seq + 1,
        prev_hash=prev,
        type=type,
        payload=payload,
        actor="周窗口",
        occurred_at=ctx.clock.stamp(),
        origin=CENTER,
    )
    after.append(event)
    return event


@pytest.mark.parametrize(
    ("type", "payload"),
    [
        ("case.center_complete", {"result": "办\x00结"}),
        ("case.center_complete", {"result": "办结", "completed_on": "0001-01-01"}),
        ("case.center_request_correction", {"missing": "户口簿"}),
        ("catalog.published", {"catalog": {"items": "not a list"}}),
        ("retention.published", {"retention": "forever"}),
    ],
)
def test_an_invalid_center_event_is_kept_apart_and_the_next_one_applies(
    ctx: ServiceContext, type: str, payload: dict[str, Any]
) -> None:
    case_id = registered(ctx)
    workflow.deliver(ctx, case_id)
    catalog_before = ctx.catalog
    events: list[Event] = []
    bad = _next(ctx, type, {"case_id": case_id, **payload} if type.startswith("case.") else payload, events)
    _next(ctx, "case.center_accept", {"case_id": case_id}, events)
    _next(ctx, "retention.published", retention_payload({"closed_case_days": 120}), events)
    _case_ids, applied, conflicts = apply_center_events(ctx, events)
    assert (applied, conflicts) == (3, 1) and center_cursor(ctx) == 3
    (conflict,) = center_conflicts(ctx)
    assert (conflict.seq, conflict.type) == (bad.seq, type)
    assert conflict.reason.startswith("镇中心") and "不正确" in conflict.reason
    assert get_case(ctx, case_id).state is CaseState.IN_PROGRESS  # the good decision after it applied
    assert ctx.catalog == catalog_before
    with ctx.db.reading() as session:  # the valid document after it was taken
        assert settings.get(session, RETENTION)["closed_case_days"] == 120
    assert "\x00" not in repr(get_case(ctx, case_id))
