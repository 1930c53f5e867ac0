"""The append-only event log and its projection, in the caller's transaction.

``append`` seals the next event of the station's hash chain, stores it and
folds it into the ``cases`` projection, all inside the session's transaction:
either the event and its projection are both committed, or neither is.

Personal data is sealed on the way into a row and opened on the way out
(``personal_data``): the ``Event`` objects this module hands out are exactly
the plaintext events the hash chain covers.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, object_session

from sync.crypto import case_aad, event_aad
from sync.domain.errors import ChainBroken, DomainError
from sync.domain.events import GENESIS_HASH, STATION, Event, event_from_record, new_event, verify_chain
from sync.domain.payloads import parse_event
from sync.domain.personal_data import merge, split
from sync.domain.projection import CaseView, apply_event, view_from_dict, view_to_dict

from . import personal_data
from .crypto import KeySlot, key_slot
from .models import CaseRow, CenterEventRow, EventRow, SyncRejectionRow, SyncStateRow

log = logging.getLogger(__name__)
REGISTERED = "case.registered"


def _slot_of(row: EventRow | CenterEventRow) -> KeySlot:
    session = object_session(row)
    if session is not None:
        return key_slot(session)
    slot = row.__dict__.get("_key_slot")  # loaded by a session that has closed since
    return slot if isinstance(slot, KeySlot) else KeySlot()


def to_event(row: EventRow | CenterEventRow) -> Event:
    """The stored event with its personal data opened (raises DataLocked / DataKeyWrong in Chinese)."""
    event = event_from_record(row)
    if row.sealed is None:
        return event
    secrets = _slot_of(row).require().open(row.sealed, event_aad(row.id))
    return replace(event, payload=merge(row.payload, secrets))


def sealed_payload(session: Session, event: Event) -> tuple[dict[str, Any], str | None]:
    """(payload with personal data masked, envelope of the real values) for storing ``event``."""
    masked, secrets = split(dict(event.payload))
    if not secrets:
        return masked, None
    return masked, key_slot(session).require().seal(secrets, event_aad(event.id))


def _to_row(session: Session, event: Event) -> EventRow:
    case_id = event.payload.get("case_id")
    payload, sealed = sealed_payload(session, event)
    return EventRow(
        seq=event.seq,
        id=event.id,
        station_id=event.station_id,
        type=event.type,
        case_id=str(case_id) if case_id else None,
        payload=payload,
        actor=event.actor,
        occurred_at=event.occurred_at,
        prev_hash=event.prev_hash,
        hash=event.hash,
        origin=event.origin,
        sealed=sealed,
    )


def head(session: Session) -> tuple[int, str]:
    """(last seq, last hash) of the log, or (0, GENESIS_HASH) when empty."""
    row = session.execute(select(EventRow.seq, EventRow.hash).order_by(EventRow.seq.desc()).limit(1)).first()
    return (row[0], row[1]) if row else (0, GENESIS_HASH)


def load_case(session: Session, case_id: str) -> CaseView | None:
    row = session.get(CaseRow, case_id)
    if row is None:
        return None
    data = row.data
    if row.sealed:  # opened here too: a row written earlier in this session was not loaded (nor opened) by it
        secrets = key_slot(session).require().open(row.sealed, case_aad(case_id))
        data = merge(data, secrets)
    return view_from_dict(data)


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
    row.item_name = view.item_name
    row.registered_at = view.registered_at
    row.due_on = view.due_on.isoformat() if view.due_on else None
    row.last_seq = seq
    for name, value in case_columns(key_slot(session), view).items():
        setattr(row, name, value)
    row.bad_rating_open = view.rating_bad and not view.rating_followed_up


def case_columns(slot: KeySlot, view: CaseView) -> dict[str, Any]:
    """``data``, ``sealed``, masked and blind-index columns and ``search_text`` of a case row."""
    return personal_data.case_columns(slot.require(), view.case_id, view_to_dict(view))


#: Separates the fields of ``cases.search_text`` (cannot be typed, so a pattern can address one field).
SEARCH_SEP = personal_data.SEARCH_SEP
#: Order of the fields in ``cases.search_text`` (phone and 身份证 masked: full numbers go by blind index).
SEARCH_FIELDS = ("name", "case_no", "phone", "id_number", "item")


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
    occurred_at: str,
    origin: str = STATION,
) -> Event:
    """Seal, store and project the next event of this station's chain, stamped ``occurred_at`` (the
    ISO-8601 UTC text of the station clock's ``stamp()``)."""
    seq, prev_hash = head(session)
    event = new_event(
        station_id=station_id,
        seq=seq + 1,
        prev_hash=prev_hash,
        type=type,
        payload=payload,
        actor=actor,
        occurred_at=occurred_at,
        origin=origin,
    )
    parse_event(event)  # the payload schema the center checks too (ValidationError naming the field)
    project(session, event)  # validates before anything is written
    session.add(_to_row(session, event))
    session.flush()
    return event


def replace_tail(
    session: Session, after_seq: int, center_copy: Sequence[Event], local_only: Sequence[Event]
) -> list[Event]:
    """Rewrite the log after ``after_seq``: the center's copy of this station's own events (verified by
    the caller, stored as they are), then the events recorded only here, chained anew after them (same
    id, type, content, actor and time; new seq and hashes). The projection is rebuilt from the log, so an
    event that no longer fits raises DomainError and the caller's transaction leaves everything as it was.
    Returns the moved events."""
    session.execute(delete(EventRow).where(EventRow.seq > after_seq))
    session.flush()
    for event in center_copy:
        session.add(_to_row(session, event))
    session.flush()
    seq, prev_hash = head(session)
    moved = []
    for event in local_only:
        seq += 1
        again = replace(event, seq=seq, prev_hash=prev_hash, hash="").sealed()
        session.add(_to_row(session, again))
        moved.append(again)
        prev_hash = again.hash
    session.flush()
    rebuild_projection(session)
    return moved


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


def verify_links(session: Session) -> str:
    """Sequence and links of the chain, without opening any payload (when the data key is not at hand)."""
    expected_seq, expected_prev = 1, GENESIS_HASH
    for seq, prev_hash, hash_ in session.execute(
        select(EventRow.seq, EventRow.prev_hash, EventRow.hash).order_by(EventRow.seq)
    ):
        if seq != expected_seq or prev_hash != expected_prev:
            raise ChainBroken(f"第{seq}号事件与前一事件的链接不符，记录可能被删除或篡改")
        expected_seq, expected_prev = seq + 1, hash_
    return expected_prev


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


def refused_ids(session: Session) -> set[str]:
    """Events the center kept but refused (acknowledged, and recorded in ``sync_rejections``): they change no
    case, here as at the center. A refused registration is not listed: its case stays on the list, marked
    被拒绝, so a person sees it. (A refused batch's events are not acknowledged: still pending, still folded.)"""
    acked = session.scalar(select(SyncStateRow.acked_seq).where(SyncStateRow.id == 1)) or 0
    return set(
        session.scalars(
            select(SyncRejectionRow.event_id)
            .join(EventRow, EventRow.id == SyncRejectionRow.event_id)
            .where(SyncRejectionRow.seq <= acked, EventRow.type != REGISTERED)
        )
    )


def rebuild_projection(session: Session, *, tolerant: bool = False) -> int:
    """Drop the projection and replay the whole log (with center events, without refused events); return the
    number of cases. ``tolerant``: an event that no longer fits its case (it built on a refused one) is left
    out and logged instead of raising DomainError; the center refuses it too."""
    session.execute(delete(CaseRow))
    session.flush()
    skip = refused_ids(session)
    cases: dict[str, CaseView] = {}
    last_seq: dict[str, int] = {}
    for seq, event in iter_history(session):
        case_id = event.payload.get("case_id")
        if not case_id or event.id in skip:
            continue
        try:
            cases[str(case_id)] = apply_event(cases.get(str(case_id)), event)
        except DomainError as exc:
            if not tolerant:
                raise
            log.warning("event %s (seq %s) left out of the projection: %s", event.id, event.seq, exc.message)
            continue
        last_seq[str(case_id)] = seq
    for case_id, view in cases.items():
        _store_case(session, view, last_seq[case_id])
    session.flush()
    return len(cases)
