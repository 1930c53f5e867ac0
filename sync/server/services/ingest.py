"""Storing a station's events: the one idempotent path for push and file import.

``ingest`` runs in the caller's transaction. It refuses the **whole batch**
with a ``ServiceError`` (nothing written) when the batch itself is wrong:

0. a code point the character rules refuse in an event's own fields (id,
   station, type, actor, time), or an unpaired surrogate anywhere (it cannot
   be encoded, so no station can have hashed it): ``refuse_bad_text``, 422;
1. an event of another station, or one authored by the center;
2. the same id or the same seq with other content (a conflict); events already
   stored with the same hash are duplicates (a resend) and skipped;
3. a gap (the new events must continue the chain at ``head_seq + 1``; answered
   with ``expected_seq``) or a chain that does not verify (``verify_chain``);
4. a blob named in ``payload["blobs"]`` of an accepted event not fully arrived.

An event that is a sound link of the chain but whose **content** the center
refuses is kept, never blocking the station's later events (docs/architecture.md):

5. its payload does not follow the character rules or its type's schema
   (``sync.domain.payloads``, the check the station runs before it appends),
   or it does not fit its case (``apply_event``, see ``case_projection``):
   it is stored marked ``refused`` with the reason and the field path, its
   payload kept as sent (``raw_payload``), and it changes no case. The result
   lists it (``IngestResult.refused``; again on a resend, so a lost answer
   loses nothing);
6. every other case event is re-checked with ``apply_event`` against the
   stored case projection, which is then updated (late station events that
   conflict with the center's handling are kept and flagged).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from sync.crypto import DataKey
from sync.domain.errors import ChainBroken, ValidationError
from sync.domain.events import STATION, Event, verify_chain
from sync.domain.payload_fields import may_hold_refused
from sync.domain.payloads import parse_event
from sync.domain.text import BadChar, BadText, bad_char, find_bad_text
from sync.protocol.models import ConflictNote, ErrorCode, RefusedNote

from ..core.db import clock_of
from ..core.models import BATCH_ID_WIDTH, BatchRow, EventRow, StationRow
from ..core.sealing import event_columns, key_of, seal_raw_payload
from .blobs import require_blobs
from .case_projection import apply_station_events
from .errors import ServiceError


@dataclass(frozen=True)
class IngestResult:
    acked_seq: int
    accepted: int
    duplicates: int
    conflicts: list[ConflictNote] = field(default_factory=list)
    #: Events of the batch the center keeps marked refused (stored now or before).
    refused: list[RefusedNote] = field(default_factory=list)
    #: Ids of the events refused by this call (not by an earlier one): what an older client is told with a 422.
    newly_refused: list[str] = field(default_factory=list)


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


def _bad_text_refusal(event: Event, found: BadText) -> ServiceError:
    key = re.sub(r"\[\d+\]$", "", found.path.rsplit(".", 1)[-1])
    label = _LABELS.get(key, found.path)
    return ServiceError(
        ErrorCode.REJECTED,
        f"镇中心拒收第{event.seq}号记录：{label}（{found.path}）中含有{found.bad.kind}（{found.bad.code}），"
        "无法保存；请联系技术支持核对本站数据",
        field=found.path,
        event_id=event.id,
    )


def refuse_bad_text(events: Sequence[Event], clean: Mapping[str, bool] | None = None) -> None:
    """Refuse the batch (422, the field named) for text no station can have hashed or the center cannot store.

    That is a refused code point in an event's own fields, or an unpaired surrogate anywhere (it cannot be
    encoded as UTF-8). Runs before hashing. Other refused code points of a payload (a NUL in an address,
    say) refuse only their event, kept in the chain (``refusal_of``). ``clean``: ``payload_is_clean`` by event
    id, when the caller has it already.
    """
    for event in events:
        scalars = {
            "id": event.id,
            "station_id": event.station_id,
            "type": event.type,
            "actor": event.actor,
            "occurred_at": event.occurred_at,
        }
        found = find_bad_text(scalars) if may_hold_refused("".join(scalars.values())) else None
        is_clean = clean[event.id] if clean is not None and event.id in clean else payload_is_clean(event.payload)
        if found is None and not is_clean:
            found = _surrogate(dict(event.payload), "payload")
        if found is not None:
            raise _bad_text_refusal(event, found)


def payload_is_clean(payload: Mapping[str, Any]) -> bool:
    """True when no string or key of ``payload`` can hold a refused code point: one pass over its JSON text
    (control characters come out of ``json.dumps`` as ``\\u00XX``, ``\\b`` or ``\\f``: those escapes count as
    suspect too; a false alarm only means the slow, exact walk)."""
    text = json.dumps(payload, ensure_ascii=False)
    return not any(escape in text for escape in _CONTROL_ESCAPES) and not may_hold_refused(text)


_CONTROL_ESCAPES = ("\\u00", "\\b", "\\f")


def _surrogate(value: object, path: str) -> BadText | None:
    """The first unpaired surrogate in any string or key of ``value`` (the only code point that cannot be hashed)."""
    if isinstance(value, str):
        for char in value:
            if 0xD800 <= ord(char) <= 0xDFFF:
                return BadText(path, BadChar(char, "不成对的代理码位"))
        return None
    if isinstance(value, Mapping):
        for key, item in value.items():
            found = _surrogate(str(key), path) or _surrogate(item, f"{path}.{key}")
            if found is not None:
                return found
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            found = _surrogate(item, f"{path}[{i}]")
            if found is not None:
                return found
    return None


def payload_field(field: str) -> str:
    """The wire path of a field ``parse_event`` names: ``payload.<path>`` unless it is one of the event's own."""
    return field if field in ("type", "actor", "occurred_at", "payload") else f"payload.{field}"


def refusal_of(event: Event, clean: bool | None = None) -> ServiceError | None:
    """Why the center refuses ``event``'s content (character rules, the schema of its type), or None.
    ``clean``: ``payload_is_clean`` of its payload, when the caller has it already."""
    clean = payload_is_clean(event.payload) if clean is None else clean
    found = None if clean else find_bad_text(dict(event.payload), "payload")
    if found is not None:
        return _bad_text_refusal(event, found)
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


def ingest(
    session: Session, station_id: str, batch_id: str, events: Sequence[Event], *, source: str = "push"
) -> IngestResult:
    _check_batch_id(batch_id)
    clean = {e.id: payload_is_clean(e.payload) for e in events}
    refuse_bad_text(events, clean)
    for event in events:
        if event.station_id != station_id:
            raise ServiceError(
                ErrorCode.FORBIDDEN, "数据中含有其他代办站的记录，本站只能上传自己的数据", event_id=event.id
            )
        if event.origin != STATION:
            raise ServiceError(ErrorCode.REJECTED, "代办站不能上传镇中心的记录", field="origin", event_id=event.id)
    station = lock_station(session, station_id)
    fresh, duplicates, known_refused = _split_known(session, station, sorted(events, key=lambda e: e.seq))
    _check_chain(station, fresh)
    refused = {e.id: r for e in fresh if (r := refusal_of(e, clean.get(e.id))) is not None}
    require_blobs(session, station_id, [e for e in fresh if e.id not in refused])
    now = clock_of(session).stamp()
    projected = apply_station_events(session, [e for e in fresh if e.id not in refused], now)
    refused.update(projected.refused)
    if fresh:
        key = key_of(session)
        session.execute(insert(EventRow), [_event_row(key, e, batch_id, now, refused.get(e.id)) for e in fresh])
        station.head_seq = fresh[-1].seq
        station.head_hash = fresh[-1].hash
    if source == "file":  # for the stations page (services.station_status)
        station.last_import_at = now
    else:
        station.last_push_at = now
    _record_batch(
        session,
        station_id=station_id,
        batch_id=batch_id,
        received_at=now,
        source=source,
        accepted=len(fresh) - len(refused),
        duplicates=duplicates,
        acked_seq=station.head_seq,
    )
    session.flush()
    notes = [*known_refused, *(_note(e, refused[e.id]) for e in fresh if e.id in refused)]
    return IngestResult(
        acked_seq=station.head_seq,
        accepted=len(fresh) - len(refused),
        duplicates=duplicates,
        conflicts=projected.conflicts,
        refused=sorted(notes, key=lambda n: n.seq),
        newly_refused=[e.id for e in fresh if e.id in refused],
    )


def _check_batch_id(batch_id: str) -> None:
    """Refuse a batch id the center cannot keep: a push's ``batch_id`` (the wire bounds its length) or a station
    file's ``transfer_id`` (nothing else reads it): empty, wider than ``batches.batch_id``, or holding a code point
    the rules refuse (a NUL, which PostgreSQL cannot store in text, failed the push's whole transaction)."""
    if not batch_id or len(batch_id) > BATCH_ID_WIDTH or bad_char(batch_id) is not None:
        raise ServiceError(
            ErrorCode.REJECTED,
            f"上传批次或传输文件的编号不正确（应为1到{BATCH_ID_WIDTH}个字符，不能有控制字符或无法识别的字符），"
            "镇中心未保存任何记录；请联系技术支持",
            field="batch_id",
        )


def _record_batch(session: Session, **row: str | int) -> None:
    """The batch's first receipt, kept; a batch sent again (its answer lost on the way) keeps that first row.
    One statement, no look-up first: ``INSERT … ON CONFLICT DO NOTHING`` on either database."""
    dialect_insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(dialect_insert(BatchRow).values(**row).on_conflict_do_nothing())


def _note(event: Event, refusal: ServiceError) -> RefusedNote:
    case_id = event.payload.get("case_id")
    return RefusedNote(
        event_id=event.id,
        seq=event.seq,
        case_id=case_id if isinstance(case_id, str) and len(case_id) <= 64 else None,
        field=refusal.field,
        message=refusal.message,
    )


def _split_known(
    session: Session, station: StationRow, events: list[Event]
) -> tuple[list[Event], int, list[RefusedNote]]:
    """(events not stored yet, number of exact duplicates, duplicates stored refused); refuse conflicting content."""
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
    known_refused: list[RefusedNote] = []
    for event in events:
        row = stored.get(event.id)
        if row is None:
            fresh.append(event)
        elif row.station_id == event.station_id and row.seq == event.seq and row.hash == event.hash:
            duplicates += 1
            if row.refused is not None:
                refusal = ServiceError(ErrorCode.REJECTED, row.refused, field=row.refused_field)
                known_refused.append(_note(event, refusal))
        else:
            raise ServiceError(
                ErrorCode.CONFLICT,
                f"第{event.seq}号记录与镇中心已收到的同一记录内容不同，需要人工核对",
                event_id=event.id,
            )
    return fresh, duplicates, known_refused


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


def _event_row(
    key: DataKey, event: Event, batch_id: str | None, now: str, refusal: ServiceError | None
) -> dict[str, Any]:
    """The row of ``event``, its personal data sealed (``core.sealing``); a refused one keeps its payload as sent
    in ASCII JSON (``\\u0000`` stores anywhere), sealed whole."""
    row = event.to_dict()
    row["received_at"] = now
    row["batch_id"] = batch_id
    row["refused"] = row["refused_field"] = row["raw_payload"] = None
    if refusal is None:
        return row | event_columns(key, event.id, event.payload)
    row["payload"], row["sealed"] = {}, None
    row["refused"] = refusal.message[:1000]
    row["refused_field"] = (refusal.field or "")[:200] or None
    raw = json.dumps(dict(event.payload), ensure_ascii=True, sort_keys=True, separators=(",", ":"))
    row["raw_payload"] = seal_raw_payload(key, event.id, raw)
    return row
