"""Blobs: content-addressed (SHA-256) files of a station, uploaded once in resumable chunks.

A chunk is accepted only at the offset the center has reached (``received``);
a chunk that was already stored is a harmless resend; offset 0 restarts an
incomplete upload. When the last byte arrives the whole content is hashed: a
blob is ``complete`` only if it matches its address. Events that name blobs in
``payload["blobs"]`` (a list of SHA-256 hex strings) are accepted only after
those blobs are complete (see ``require_blobs``), and so is the blob of a
``case.attach`` event (``payload["sha256"]``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from sync.domain.events import Event
from sync.protocol.models import MAX_BLOB_BYTES, BlobStatus, ErrorCode

from ..core.db import clock_of
from ..core.models import BlobChunkRow, BlobRow
from .errors import ServiceError

_SHA = re.compile(r"^[0-9a-f]{64}$")
ATTACH_EVENT = "case.attach"


def check_address(sha256: str) -> None:
    if not _SHA.match(sha256):
        raise ServiceError(ErrorCode.INVALID_REQUEST, "附件标识不正确（应为64位小写十六进制SHA-256）", field="sha256")


def _status(row: BlobRow) -> BlobStatus:
    return BlobStatus(sha256=row.sha256, size=row.size, received=row.received, complete=row.complete)


def blob_status(session: Session, station_id: str, sha256: str) -> BlobStatus | None:
    check_address(sha256)
    row = session.get(BlobRow, (station_id, sha256))
    return _status(row) if row else None


def _content(session: Session, station_id: str, sha256: str) -> bytes:
    chunks = session.scalars(
        select(BlobChunkRow.data)
        .where(BlobChunkRow.station_id == station_id, BlobChunkRow.sha256 == sha256)
        .order_by(BlobChunkRow.offset)
    )
    return b"".join(chunks)


def _drop_chunks(session: Session, station_id: str, sha256: str) -> None:
    session.execute(delete(BlobChunkRow).where(BlobChunkRow.station_id == station_id, BlobChunkRow.sha256 == sha256))


def put_chunk(session: Session, station_id: str, sha256: str, offset: int, total: int, data: bytes) -> BlobStatus:
    check_address(sha256)
    if not 0 <= total <= MAX_BLOB_BYTES:
        raise ServiceError(ErrorCode.TOO_LARGE, f"附件过大（最大{MAX_BLOB_BYTES // (1024 * 1024)}MB）", field="total")
    row = session.get(BlobRow, (station_id, sha256), with_for_update=True)
    if row is None:
        row = BlobRow(
            station_id=station_id,
            sha256=sha256,
            size=total,
            received=0,
            complete=False,
            created_at=clock_of(session).stamp(),
        )
        session.add(row)
    if row.complete:
        return _status(row)  # uploaded once; a resend changes nothing
    if row.size != total or offset == 0:
        _drop_chunks(session, station_id, sha256)  # restart (also when the declared size changed)
        row.size, row.received = total, 0
    if offset < row.received and offset + len(data) <= row.received:
        return _status(row)  # a chunk we already hold: its reply was lost
    if offset != row.received:
        raise ServiceError(
            ErrorCode.BLOB_OFFSET,
            f"附件续传位置不符：镇中心已收到{row.received}字节",
            field="offset",
            expected_offset=row.received,
        )
    if row.received + len(data) > row.size:
        raise ServiceError(ErrorCode.BLOB_MISMATCH, "附件内容超出声明的大小", field="total")
    if row.received + len(data) == row.size:
        content = _content(session, station_id, sha256) + data
        if hashlib.sha256(content).hexdigest() != sha256:
            raise ServiceError(
                ErrorCode.BLOB_MISMATCH, "附件校验失败（内容与标识不符），请从头重新上传", field="sha256"
            )
        row.complete = True
        row.completed_at = clock_of(session).stamp()
    if data:
        session.add(BlobChunkRow(station_id=station_id, sha256=sha256, offset=offset, data=data))
    row.received += len(data)
    session.flush()
    return _status(row)


def store_blob(session: Session, station_id: str, sha256: str, data: bytes) -> BlobStatus:
    """A whole blob at once (file import): verified, stored, idempotent."""
    return put_chunk(session, station_id, sha256, 0, len(data), data)


def read_blob(session: Session, station_id: str, sha256: str) -> bytes:
    check_address(sha256)
    row = session.get(BlobRow, (station_id, sha256))
    if row is None or not row.complete:
        raise ServiceError(ErrorCode.NOT_FOUND, "镇中心没有这个附件", field="sha256")
    return _content(session, station_id, sha256)


def referenced_blobs(events: Iterable[Event]) -> list[tuple[Event, str]]:
    """Blobs an event needs: ``payload["sha256"]`` of a ``case.attach`` and any ``payload["blobs"]`` list."""
    refs: list[tuple[Event, str]] = []
    for event in events:
        if event.type == ATTACH_EVENT and event.payload.get("sha256"):
            refs.append((event, str(event.payload["sha256"])))
        names = event.payload.get("blobs") or []
        if isinstance(names, list):
            refs += [(event, str(name)) for name in names]
    return refs


def require_blobs(session: Session, station_id: str, events: Sequence[Event]) -> None:
    """Refuse events whose blobs have not fully arrived (upload blobs before the events)."""
    for event, sha256 in referenced_blobs(events):
        row = session.get(BlobRow, (station_id, sha256)) if _SHA.match(sha256) else None
        if row is None or not row.complete:
            raise ServiceError(
                ErrorCode.REJECTED,
                f"第{event.seq}号记录引用的附件尚未上传完成，请先上传附件",
                field="blobs",
                event_id=event.id,
            )
