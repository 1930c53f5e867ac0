"""Rebuilding a station's case projection from the stored log (e.g. after the case rules changed).

Station events and the station's center chain are replayed in the order the
center received them (``received_at``; both kinds are written while holding
the station's lock, so that is the commit order), through the same code as
live pushes and center decisions; so a rebuild of an untouched projection
gives it back unchanged.
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from sync.domain.events import Event

from ..core.models import CaseRow, CenterEventRow, EventRow
from .case_projection import apply_station_events
from .center_events import apply_center_event
from .ingest import lock_station
from .queries import row_to_event
from .review_months import mark_station


def rebuild_cases(session: Session, station_id: str) -> int:
    """Replace the station's case rows by a replay of its log; return how many cases there are."""
    lock_station(session, station_id)
    # When each case first reached the center is not in the log's replay: kept from the rows replaced.
    kept = select(CaseRow.case_id, CaseRow.arrived_at).where(CaseRow.station_id == station_id)
    arrived = {case_id: at for case_id, at in session.execute(kept)}
    session.execute(delete(CaseRow).where(CaseRow.station_id == station_id))
    mark_station(session, station_id)  # a bulk delete, past the ORM: the review's months of the station recounted
    station_rows = session.scalars(
        select(EventRow).where(EventRow.station_id == station_id, EventRow.refused.is_(None))  # refused: no effect
    ).all()
    center_rows = session.scalars(select(CenterEventRow).where(CenterEventRow.station_id == station_id)).all()
    timeline = sorted(
        [(r.received_at, 0, r.seq, row_to_event(r)) for r in station_rows]
        + [(r.received_at, 1, r.seq, row_to_event(r)) for r in center_rows],
        key=lambda item: item[:3],
    )
    pending: list[Event] = []
    for _at, kind, _seq, event in timeline:
        if kind == 0:
            pending.append(event)
            continue
        if pending:
            _replay(session, pending)
            session.flush()
            pending = []
        if event.payload.get("case_id"):
            apply_center_event(session, station_id, str(event.payload["case_id"]), event)
            session.flush()
    if pending:
        _replay(session, pending)
    session.flush()
    rows = session.scalars(select(CaseRow).where(CaseRow.station_id == station_id)).all()
    for row in rows:
        row.arrived_at = arrived.get(row.case_id) or row.arrived_at
    session.flush()
    return len(rows)


def _replay(session: Session, events: list[Event]) -> None:
    """Events the center accepted once must fold again; one that no longer does stops the rebuild (422)."""
    refused = apply_station_events(session, events).refused
    if refused:
        raise next(iter(refused.values()))
