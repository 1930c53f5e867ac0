"""Storing a station's events: the one idempotent path for push and file import.

``ingest`` runs in the caller's transaction and either stores the whole batch
or refuses it with a ``ServiceError`` (nothing written):

0. no text of an event may hold a code point the character rules refuse
   (``refuse_bad_text``: NUL, controls, surrogates, private use; 422 naming
   the field), checked before anything hashes or stores it; and every payload
   must parse with its event type's schema (``sync.domain.payloads``, the
   same check the station runs before it appends; 422 naming the field);
1. every event must belong to the authenticated station and be station-authored;
2. events already stored with the same hash are duplicates (a resend) and skipped;
   the same id or the same seq with other content is a conflict;
3. the new events must continue the station's chain at ``head_seq + 1``
   (else a gap, answered with ``expected_seq``) and verify with ``verify_chain``;
4. blobs named in ``payload["blobs"]`` must have fully arrived;
5. every case event is re-checked with ``apply_event`` against the stored
   case projection, which is then updated (see ``case_projection`` for late
   station events that conflict with the center's handling: kept, flagged).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from sync.domain.errors import ChainBroken, ValidationError
from sync.domain.events import STATION, Event, verify_chain
from sync.domain.payloads import parse_event
from sync.domain.text import find_bad_text
from sync.protocol.models import ConflictNote, ErrorCode

from ..core.db import clock_of
from ..core.models import BatchRow, EventRow, StationRow
from .blobs import require_blobs
from .case_projection import apply_station_events
from .errors import ServiceError


@dataclass(frozen=True)
class IngestResult:
    acked_seq: int
    accepted: int
    duplicates: int
    conflicts: list[ConflictNote] = field(default_factory=list)


def lock_station(session: Session, station_id: str) -> StationRow:
    """The station row, locked for the rest of the transaction (PostgreSQL); SQLite is already serialized."""
    station = session.get(StationRow, station_id, with_for_update=True, populate_existing=True)
    if station is None:
        raise ServiceError(ErrorCode.FORBIDDEN, "没有这个代办站的登记")
    return station


#: Chinese names of the payload keys a refusal may point at (else the key itself is shown).
_LABELS = {
    "name": "姓名",
    "address": "住址",
    "note": "备注",
    "reason": "原因",
    "reasons": "退回理由",
    "signer": "签名人姓名",
    "answer": "答复内容",
    "filename": "附件文件名",
    "actor": "操作人",
}


def refuse_bad_text(events: Sequence[Event]) -> None:
    """Refuse the batch (422, the field named) if any text of an event breaks ``sync.domain.text``'s rules.

    Runs before hashing: a lone surrogate cannot be encoded as UTF-8, and PostgreSQL cannot store a NUL.
    """
    for event in events:
        scalars = {"id": event.id, "station_id": event.station_id, "type": event.type, "actor": event.actor}
        found = find_bad_text(scalars) or find_bad_text(dict(event.payload), "payload")
        if found is None:
            continue
        key = re.sub(r"\[\d+\]$", "", found.path.rsplit(".", 1)[-1])
        label = _LABELS.get(key, found.path)
        raise ServiceError(
            ErrorCode.REJECTED,
            f"镇中心拒收第{event.seq}号记录：{label}（{found.path}）中含有{found.bad.kind}（{found.bad.code}），"
            "无法保存；请联系技术支持核对本站数据",
            field=found.path,
            event_id=event.id,
        )


def payload_field(field: str) -> str:
    """The wire path of a field ``parse_event`` names: ``payload.<path>`` unless it is one of the event's own."""
    return field if field in ("type", "actor", "occurred_at", "payload") else f"payload.{field}"


def refusal_of(event: Event) -> ServiceError | None:
    """Why the center refuses ``event``'s content (the schema of its type), or None when it parses."""
    try:
        parse_event(event)
    except ValidationError as exc:
        field = payload_field(exc.field)
        return ServiceError(
            ErrorCode.REJECTED,
            f"镇中心拒收第{event.seq}号记录：{exc.message}（{field}）",
            field=field,
            event_id=event.id,
        )
    return None


def refuse_invalid(events: Sequence[Event]) -> None:
    """Refuse the batch (422, the field named) if any payload does not parse with its type's schema."""
    for event in events:
        refused = refusal_of(event)
        if refused is not None:
            raise refused


def ingest(
    session: Session, station_id: str, batch_id: str, events: Sequence[Event], *, source: str = "push"
) -> IngestResult:
    refuse_bad_text(events)
    refuse_invalid(events)
    for event in events:
        if event.station_id != station_id:
            raise ServiceError(
                ErrorCode.FORBIDDEN, "数据中含有其他代办站的记录，本站只能上传自己的数据", event_id=event.id
            )
        if event.origin != STATION:
            raise ServiceError(ErrorCode.REJECTED, "代办站不能上传镇中心的记录", field="origin", event_id=event.id)
    station = lock_station(session, station_id)
    fresh, duplicates = _split_known(session, station, sorted(events, key=lambda e: e.seq))
    _check_chain(station, fresh)
    require_blobs(session, station_id, fresh)
    conflicts = apply_station_events(session, fresh)
    now = clock_of(session).stamp()
    if fresh:
        session.execute(insert(EventRow), [_event_row(e, batch_id, now) for e in fresh])
        station.head_seq = fresh[-1].seq
        station.head_hash = fresh[-1].hash
    if source == "file":  # for the stations page (services.station_status)
        station.last_import_at = now
    else:
        station.last_push_at = now
    if session.get(BatchRow, (station_id, batch_id)) is None:
        session.add(
            BatchRow(
                station_id=station_id,
                batch_id=batch_id,
                received_at=now,
                source=source,
                accepted=len(fresh),
                duplicates=duplicates,
                acked_seq=station.head_seq,
            )
        )
    session.flush()
    return IngestResult(acked_seq=station.head_seq, accepted=len(fresh), duplicates=duplicates, conflicts=conflicts)


def _split_known(session: Session, station: StationRow, events: list[Event]) -> tuple[list[Event], int]:
    """(events not stored yet, number of exact duplicates); refuse conflicting content."""
    seen: dict[str, Event] = {}
    for event in events:
        if event.id in seen:
            raise ServiceError(ErrorCode.CONFLICT, f"同一批数据中第{event.seq}号记录重复出现", event_id=event.id)
        seen[event.id] = event
    ids = list(seen)
    stored = {
        row.id: row
        for chunk in (ids[i : i + 500] for i in range(0, len(ids), 500))
        for row in session.scalars(select(EventRow).where(EventRow.id.in_(chunk)))
    }
    old_seqs = [e.seq for e in events if e.seq <= station.head_seq and e.id not in stored]
    if old_seqs:
        raise ServiceError(
            ErrorCode.CONFLICT,
            f"镇中心已有第{old_seqs[0]}号记录，但内容与本次上传的不同，需要人工核对",
            event_id=next(e.id for e in events if e.seq == old_seqs[0]),
        )
    fresh: list[Event] = []
    duplicates = 0
    for event in events:
        row = stored.get(event.id)
        if row is None:
            fresh.append(event)
        elif row.station_id == event.station_id and row.seq == event.seq and row.hash == event.hash:
            duplicates += 1
        else:
            raise ServiceError(
                ErrorCode.CONFLICT,
                f"第{event.seq}号记录与镇中心已收到的同一记录内容不同，需要人工核对",
                event_id=event.id,
            )
    return fresh, duplicates


def _check_chain(station: StationRow, fresh: list[Event]) -> None:
    if not fresh:
        return
    expected = station.head_seq + 1
    for offset, event in enumerate(fresh):
        if event.seq != expected + offset:
            # the batch is refused whole, so the server still expects head_seq + 1
            raise ServiceError(
                ErrorCode.GAP,
                f"数据不连续：缺少第{expected + offset}号记录，镇中心需要从第{expected}号记录开始接收",
                expected_seq=expected,
                event_id=event.id,
            )
    try:
        verify_chain(fresh, start_hash=station.head_hash, start_seq=expected)
    except ChainBroken as exc:
        raise ServiceError(ErrorCode.CHAIN_BROKEN, f"数据校验失败：{exc.message}", field="hash") from exc


def _event_row(event: Event, batch_id: str | None, now: str) -> dict[str, Any]:
    row = event.to_dict()
    row["payload"] = dict(event.payload)
    row["received_at"] = now
    row["batch_id"] = batch_id
    return row
