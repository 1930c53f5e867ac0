"""Reading a station's own stored events back: listing pages and the digest."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sync.domain.events import Event, event_from_record
from sync.protocol.models import DigestReply, EventList, WireEvent

from ..core.models import CenterEventRow, EventRow


def row_to_event(row: EventRow | CenterEventRow) -> Event:
    """The stored event as it was hashed (a refused event's payload as the station sent it)."""
    event = event_from_record(row)
    raw = getattr(row, "raw_payload", None)
    return event if raw is None else replace(event, payload=json.loads(raw))


def list_events(session: Session, station_id: str, after_seq: int, limit: int) -> EventList:
    rows = session.scalars(
        select(EventRow)
        .where(EventRow.station_id == station_id, EventRow.seq > after_seq)
        .order_by(EventRow.seq)
        .limit(limit + 1)
    ).all()
    page = rows[:limit]
    return EventList(
        station_id=station_id,
        events=[WireEvent.from_event(row_to_event(r)) for r in page],
        next_after_seq=page[-1].seq if page else after_seq,
        has_more=len(rows) > limit,
    )


def digest(session: Session, station_id: str, upto: int | None = None) -> DigestReply:
    """Same value as ``sync.domain.events.chain_digest`` over the station's events in order.

    With ``upto``, only events with seq <= upto count: comparing prefixes lets a station find
    the first event where its log and the center's differ (bisection), for a guided repair.
    """
    query = select(EventRow.hash).where(EventRow.station_id == station_id)
    last = select(func.max(EventRow.seq)).where(EventRow.station_id == station_id)
    if upto is not None:
        query = query.where(EventRow.seq <= upto)
        last = last.where(EventRow.seq <= upto)
    sha = hashlib.sha256()
    count = 0
    for value in session.scalars(query.order_by(EventRow.seq)):
        sha.update(value.encode("ascii"))
        count += 1
    last_seq = session.scalar(last)
    return DigestReply(station_id=station_id, count=count, hash=sha.hexdigest(), last_seq=last_seq or 0)
