"""Events of the town center's chain for this station, stored apart from the station's own log.

The center keeps one chain per station (``sync.server.services.center_events``):
seq 1, 2, 3, … linked by ``prev_hash`` from ``GENESIS_HASH``. Those events are
not part of the station's hash chain (the station never re-sends them), so they
live in ``center_events``. ``record`` stores one in the caller's transaction
and folds it into the case projection with the same ``apply_event``; an event
that does not fit its case (say the villager withdrew meanwhile) is stored with
its ``conflict`` reason and shown to a person, never dropped, and the chain
still moves on. So is one whose content is not valid (``check``: the same typed
payload schema the center checks the station's events with, and the published
documents' own rules): a buggy or compromised center cannot write a NUL, a
year-1 date or a malformed 事项清单 into the station, nor block its later events.
``event_log.iter_history`` replays both logs in the order they were applied,
so ``rebuild_projection`` gives the same cases.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync.domain.errors import ChainBroken, DomainError, ValidationError
from sync.domain.events import CENTER, GENESIS_HASH, Event
from sync.domain.payloads import SCHEMAS, parse_event
from sync.domain.reference import published_document

from . import event_log
from .models import CenterEventRow


@dataclass(frozen=True)
class Recorded:
    event: Event
    duplicate: bool = False
    conflict: str | None = None


def head(session: Session) -> tuple[int, str]:
    """(last center seq, its hash), or (0, GENESIS_HASH)."""
    row = session.execute(
        select(CenterEventRow.seq, CenterEventRow.hash).order_by(CenterEventRow.seq.desc()).limit(1)
    ).first()
    return (row[0], row[1]) if row else (0, GENESIS_HASH)


def check(event: Event) -> None:
    """ValidationError when a center event's content is not valid (typed payload, published document)."""
    try:
        if event.type in SCHEMAS:
            parse_event(event)
        else:
            published_document(event.type, event.payload)
    except ValidationError as exc:
        raise ValidationError(exc.field, f"镇中心记录的内容不正确，未采用：{exc}") from exc
    except (KeyError, TypeError, ValueError, AttributeError) as exc:  # a document that does not even parse
        raise ValidationError("payload", "镇中心发布的数据格式不正确，未采用") from exc


def record(session: Session, event: Event, applied_at: str) -> Recorded:
    """Store and apply one center event (received at ``applied_at``); idempotent by id, refuses a broken chain."""
    if event.origin != CENTER:
        raise DomainError("只能接收镇中心的记录")
    known = session.scalar(select(CenterEventRow).where(CenterEventRow.id == event.id))
    if known is not None:
        if known.hash != event.hash or known.seq != event.seq:
            raise DomainError(f"镇中心第{event.seq}号记录与本站已收到的同一记录内容不同，需要人工核对")
        return Recorded(event, duplicate=True, conflict=known.conflict)
    last_seq, last_hash = head(session)
    if event.seq != last_seq + 1:
        raise ChainBroken(f"镇中心记录不连续：应为第{last_seq + 1}号，实际为第{event.seq}号")
    if event.prev_hash != last_hash or event.compute_hash() != event.hash:
        raise ChainBroken(f"镇中心第{event.seq}号记录校验失败，可能被篡改")
    station_seq, _ = event_log.head(session)
    conflict: str | None = None
    try:
        with session.begin_nested():
            check(event)
            event_log.project(session, event, seq=station_seq)
    except DomainError as exc:
        conflict = exc.message
    payload, sealed = event_log.sealed_payload(session, event)
    session.add(
        CenterEventRow(
            seq=event.seq,
            id=event.id,
            station_id=event.station_id,
            type=event.type,
            case_id=str(event.payload["case_id"]) if event.payload.get("case_id") else None,
            payload=payload,
            actor=event.actor,
            occurred_at=event.occurred_at,
            prev_hash=event.prev_hash,
            hash=event.hash,
            origin=event.origin,
            applied_after_seq=station_seq,
            applied_at=applied_at,
            conflict=conflict,
            sealed=sealed,
        )
    )
    session.flush()
    return Recorded(event, conflict=conflict)


def conflicts(session: Session) -> list[CenterEventRow]:
    return list(session.scalars(select(CenterEventRow).where(CenterEventRow.conflict.is_not(None))))


def case_events(session: Session, case_id: str) -> list[tuple[int, Event]]:
    """(applied after station seq, event) of the applied center events of one case."""
    rows = session.scalars(
        select(CenterEventRow)
        .where(CenterEventRow.case_id == case_id, CenterEventRow.conflict.is_(None))
        .order_by(CenterEventRow.seq)
    )
    return [(r.applied_after_seq, event_log.to_event(r)) for r in rows]
