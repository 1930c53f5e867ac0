"""Events authored by the town center, and the stations' pull of them.

Design: each station has a second chain, the *center chain*, holding the
events the center addressed to it (``origin="center"``, ``station_id`` = the
station they are for). It is numbered 1, 2, 3, … per station
(``StationRow.center_seq``) and linked by ``prev_hash`` from ``GENESIS_HASH``
exactly like a station's own chain, so the station verifies what it pulls
with ``sync.domain.events.verify_chain`` and its pull cursor is simply the
last center seq it applied. Keeping one chain per station (rather than one
global center sequence) means a station never sees, nor can infer, what the
center sent to other stations, and a file export for one station is
self-contained.

Events about a case (``payload["case_id"]``) are checked with the same state
machine as pushes (``apply_event``; center actions such as
``case.center_accept`` are allowed only with ``origin="center"``) and update
the case projection in the same transaction. Broadcasts (catalog, holiday
calendar, clerk accounts) are written once into every active station's chain
by ``record_broadcast_event``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync.domain.errors import DomainError
from sync.domain.events import CENTER, Event, new_event
from sync.domain.projection import apply_event, view_from_dict
from sync.protocol.models import ErrorCode, PullReply, WireEvent

from ..core.db import clock_of
from ..core.models import CaseRow, CenterEventRow, StationRow
from .case_projection import store_view
from .errors import ServiceError
from .ingest import lock_station
from .queries import row_to_event


def record_center_event(
    session: Session,
    station_id: str,
    type: str,
    payload: Mapping[str, Any],
    actor: str,
    *,
    occurred_at: str | None = None,
) -> Event:
    """Append an event to the station's center chain (in the caller's transaction); refuse illegal case moves.

    ``occurred_at`` defaults to now on the center's clock (the time it is received, too)."""
    station = lock_station(session, station_id)
    now = clock_of(session).stamp()
    event = new_event(
        station_id=station_id,
        seq=station.center_seq + 1,
        prev_hash=station.center_hash,
        type=type,
        payload=payload,
        actor=actor,
        occurred_at=occurred_at or now,
        origin=CENTER,
    )
    case_id = str(payload.get("case_id") or "")
    if case_id:
        apply_center_event(session, station_id, case_id, event)
    row = event.to_dict() | {"payload": dict(event.payload), "received_at": now}
    session.add(CenterEventRow(**row))
    station.center_seq = event.seq
    station.center_hash = event.hash
    session.flush()
    return event


def record_broadcast_event(session: Session, type: str, payload: Mapping[str, Any], actor: str) -> list[Event]:
    """The same center event (catalog, holidays, accounts) for every active station."""
    ids = session.scalars(select(StationRow.id).where(StationRow.revoked_at.is_(None)).order_by(StationRow.id)).all()
    return [record_center_event(session, station_id, type, payload, actor) for station_id in ids]


def apply_center_event(session: Session, station_id: str, case_id: str, event: Event) -> None:
    """Apply a center event to its case's projection; refuse (ServiceError) what the state machine forbids."""
    row = session.get(CaseRow, case_id, with_for_update=True)
    if row is None or row.station_id != station_id:
        raise ServiceError(ErrorCode.NOT_FOUND, "该代办站没有这个办件", field="case_id")
    try:
        view = apply_event(view_from_dict(row.data), event)
    except DomainError as exc:
        raise ServiceError(ErrorCode.REJECTED, exc.message, field=getattr(exc, "field", None)) from exc
    store_view(row, view)
    row.center_since_station = True


def pull(session: Session, station_id: str, after: int, limit: int) -> PullReply:
    """Center events for the station with seq > ``after``, oldest first."""
    rows = session.scalars(
        select(CenterEventRow)
        .where(CenterEventRow.station_id == station_id, CenterEventRow.seq > after)
        .order_by(CenterEventRow.seq)
        .limit(limit + 1)
    ).all()
    page = rows[:limit]
    return PullReply(
        events=[WireEvent.from_event(row_to_event(r)) for r in page],
        cursor=page[-1].seq if page else after,
        has_more=len(rows) > limit,
    )


def center_events_after(session: Session, station_id: str, after: int) -> list[Event]:
    rows = session.scalars(
        select(CenterEventRow)
        .where(CenterEventRow.station_id == station_id, CenterEventRow.seq > after)
        .order_by(CenterEventRow.seq)
    )
    return [row_to_event(r) for r in rows]
