"""The append-only event log and its projection, in the caller's transaction.

``append`` seals the next event of the station's hash chain, stores it and
folds it into the ``cases`` projection, all inside the session's transaction:
either the event and its projection are both committed, or neither is.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from sync.domain.events import GENESIS_HASH, STATION, Event, event_from_record, new_event, verify_chain
from sync.domain.projection import CaseView, apply_event, view_from_dict, view_to_dict

from .models import CaseRow, CenterEventRow, EventRow


def to_event(row: EventRow | CenterEventRow) -> Event:
    return event_from_record(row)


def _to_row(event: Event) -> EventRow:
    case_id = event.payload.get("case_id")
    return EventRow(
        seq=event.seq,
        id=event.id,
        station_id=event.station_id,
        type=event.type,
        case_id=str(case_id) if case_id else None,
        payload=dict(event.payload),
        actor=event.actor,
        occurred_at=event.occurred_at,
        prev_hash=event.prev_hash,
        hash=event.hash,
        origin=event.origin,
    )


def head(session: Session) -> tuple[int, str]:
    """(last seq, last hash) of the log, or (0, GENESIS_HASH) when empty."""
    row = session.execute(select(EventRow.seq, EventRow.hash).order_by(EventRow.seq.desc()).limit(1)).first()
    return (row[0], row[1]) if row else (0, GENESIS_HASH)


def load_case(session: Session, case_id: str) -> CaseView | None:
    row = session.get(CaseRow, case_id)
    return view_from_dict(row.data) if row else None


def _store_case(session: Session, view: CaseView, seq: int) -> None:
    row = session.get(CaseRow, view.case_id)
    if row is None:
        row = CaseRow(case_id=view.case_id)
        session.add(row)
    row.case_no = view.case_no
    row.kind = view.kind.value
    row.case_type = view.case_type.value
    row.state = view.state.value
    row.applicant_name = view.applicant.name
    row.id_number = view.applicant.id_number
    row.phone = view.applicant.phone
    row.item_name = view.item_name
    row.registered_at = view.registered_at
    row.due_on = view.due_on.isoformat() if view.due_on else None
    row.last_seq = seq
    row.data = view_to_dict(view)
    row.search_text = search_text(view)
    row.bad_rating_open = view.rating_bad and not view.rating_followed_up


#: Separates the fields of ``cases.search_text`` (cannot be typed, so a pattern can address one field).
SEARCH_SEP = "\x1f"
#: Order of the fields in ``cases.search_text``.
SEARCH_FIELDS = ("name", "case_no", "phone", "id_number", "item")


def search_text(view: CaseView) -> str:
    """The one string the case list filter matches (upper-case, so 'x' finds an ID ending in 'X')."""
    a = view.applicant
    return SEARCH_SEP.join((a.name, view.case_no, a.phone, a.id_number, view.item_name)).upper()


def project(session: Session, event: Event, seq: int | None = None) -> CaseView | None:
    """Fold one event into the projection; raise DomainError if it does not fit.

    ``seq`` is the station sequence to record as the case's last (defaults to
    the event's own; a center event passes the station's head instead).
    """
    case_id = event.payload.get("case_id")
    if not case_id:
        return None
    view = apply_event(load_case(session, str(case_id)), event)
    _store_case(session, view, event.seq if seq is None else seq)
    return view


def append(
    session: Session,
    *,
    station_id: str,
    type: str,
    payload: Mapping[str, Any],
    actor: str,
    origin: str = STATION,
) -> Event:
    """Seal, store and project the next event of this station's chain."""
    seq, prev_hash = head(session)
    event = new_event(
        station_id=station_id,
        seq=seq + 1,
        prev_hash=prev_hash,
        type=type,
        payload=payload,
        actor=actor,
        origin=origin,
    )
    project(session, event)  # validates before anything is written
    session.add(_to_row(event))
    session.flush()
    return event


def iter_events(session: Session, after_seq: int = 0, batch: int = 1000) -> Iterator[Event]:
    """All events after ``after_seq`` in order, read in bounded chunks."""
    last = after_seq
    while True:
        rows = session.scalars(select(EventRow).where(EventRow.seq > last).order_by(EventRow.seq).limit(batch)).all()
        if not rows:
            return
        for row in rows:
            yield to_event(row)
        last = rows[-1].seq


def count_events(session: Session, after_seq: int = 0) -> int:
    return session.scalar(select(func.count()).select_from(EventRow).where(EventRow.seq > after_seq)) or 0


def verify(session: Session) -> str:
    """Verify the whole chain; return the last hash or raise ChainBroken."""
    return verify_chain(iter_events(session))


def iter_history(session: Session) -> Iterator[tuple[int, Event]]:
    """The station's events and the applied center events, in the order they were applied.

    Yields (station seq at that point, event). A center event applied when the
    station's head was *k* comes after station event *k* and before *k + 1*.
    """
    center_rows = session.scalars(
        select(CenterEventRow).where(CenterEventRow.conflict.is_(None)).order_by(CenterEventRow.seq)
    ).all()
    center = sorted(center_rows, key=lambda r: (r.applied_after_seq, r.seq))
    i = 0
    for event in iter_events(session):
        while i < len(center) and center[i].applied_after_seq < event.seq:
            yield center[i].applied_after_seq, to_event(center[i])
            i += 1
        yield event.seq, event
    for row in center[i:]:
        yield row.applied_after_seq, to_event(row)


def rebuild_projection(session: Session) -> int:
    """Drop the projection and replay the whole log (with center events); return the number of cases."""
    session.execute(delete(CaseRow))
    session.flush()
    cases: dict[str, CaseView] = {}
    last_seq: dict[str, int] = {}
    for seq, event in iter_history(session):
        case_id = event.payload.get("case_id")
        if case_id:
            cases[str(case_id)] = apply_event(cases.get(str(case_id)), event)
            last_seq[str(case_id)] = seq
    for case_id, view in cases.items():
        _store_case(session, view, last_seq[case_id])
    session.flush()
    return len(cases)
