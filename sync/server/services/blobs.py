"""Blobs: content-addressed (SHA-256) files of a station, uploaded once in resumable chunks.

A chunk is accepted only at the offset the center has reached (``received``);
a chunk that was already stored is a harmless resend; offset 0 restarts an
incomplete upload. When the last byte arrives the whole content is hashed: a
blob is ``complete`` only if it matches its address. Events that name blobs in
``payload["blobs"]`` (a list of SHA-256 hex strings) are accepted only after
those blobs are complete (see ``require_blobs``), and so is the blob of a
``case.attach`` event (``payload["sha256"]``).

Bounded per station (``BlobLimits``): what its blobs take, complete or declared by an upload under
way, stays within its quota (a new upload past it is refused with 413 before any byte is kept), and
an upload not finished after ``incomplete_max_age`` is dropped, when that station starts another
one and by ``python -m sync.server clean-blobs``. The stations page shows both (``usage``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Integer, and_, case, delete, func, select
from sqlalchemy.orm import Session

from sync.domain.clock import stamp
from sync.domain.events import Event
from sync.protocol.models import MAX_BLOB_BYTES, BlobStatus, ErrorCode

from ..core.config import BlobLimits
from ..core.db import clock_of
from ..core.models import BlobChunkRow, BlobRow
from ..core.sealing import chunk_aad, key_of
from .errors import ServiceError

_SHA = re.compile(r"^[0-9a-f]{64}$")
DEFAULT_LIMITS = BlobLimits()
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
    """The blob's bytes, its chunks opened (each is sealed at rest: ``core.sealing``)."""
    key = key_of(session)
    chunks = session.execute(
        select(BlobChunkRow.offset, BlobChunkRow.data, BlobChunkRow.sealed)
        .where(BlobChunkRow.station_id == station_id, BlobChunkRow.sha256 == sha256)
        .order_by(BlobChunkRow.offset)
    )
    return b"".join(
        key.open_bytes(data, chunk_aad(station_id, sha256, offset)) if sealed else data
        for offset, data, sealed in chunks
    )


def _drop_chunks(session: Session, station_id: str, sha256: str) -> None:
    session.execute(delete(BlobChunkRow).where(BlobChunkRow.station_id == station_id, BlobChunkRow.sha256 == sha256))


def _size_text(size: int) -> str:
    if size >= 1024**3:
        return f"{size / 1024**3:.1f}GB"
    return f"{size / 1024**2:.1f}MB"


def drop_stale_uploads(
    session: Session, limits: BlobLimits, station_id: str | None = None, keep: str | None = None
) -> int:
    """Drop the uploads (of ``station_id``, or of every station; but ``keep``) not finished within
    ``incomplete_max_age``; how many."""
    cutoff = stamp(clock_of(session).now() - limits.incomplete_max_age)
    where = [BlobRow.complete.is_(False), BlobRow.created_at < cutoff]
    if station_id is not None:
        where.append(BlobRow.station_id == station_id)
    if keep is not None:
        where.append(BlobRow.sha256 != keep)
    stale = session.execute(select(BlobRow.station_id, BlobRow.sha256).where(*where)).all()
    for owner, sha256 in stale:
        _drop_chunks(session, owner, sha256)
    if stale:
        session.execute(delete(BlobRow).where(*where))
    return len(stale)


def _check_quota(session: Session, limits: BlobLimits, station_id: str, sha256: str, total: int) -> None:
    """Refuse an upload of ``total`` bytes that would take the station's blobs past its quota."""
    others = and_(BlobRow.station_id == station_id, BlobRow.sha256 != sha256)
    used = int(session.scalar(select(func.coalesce(func.sum(BlobRow.size), 0)).where(others)) or 0)
    if used + total > limits.quota_bytes:
        quota = _size_text(limits.quota_bytes)
        raise ServiceError(
            ErrorCode.TOO_LARGE,
            f"本站在镇中心保存的附件已达上限（已用{_size_text(used)}，上限{quota}），请联系镇中心",
            field="total",
        )


def put_chunk(
    session: Session,
    station_id: str,
    sha256: str,
    offset: int,
    total: int,
    data: bytes,
    limits: BlobLimits = DEFAULT_LIMITS,
) -> BlobStatus:
    check_address(sha256)
    if not 0 <= total <= MAX_BLOB_BYTES:
        raise ServiceError(ErrorCode.TOO_LARGE, f"附件过大（最大{MAX_BLOB_BYTES // (1024 * 1024)}MB）", field="total")
    row = session.get(BlobRow, (station_id, sha256), with_for_update=True)
    if row is None or (not row.complete and (row.size != total or offset == 0)):
        # a new upload or a restart: the station's stale uploads hold no place in its quota
        drop_stale_uploads(session, limits, station_id, keep=sha256)
        _check_quota(session, limits, station_id, sha256, total)
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
        row.created_at = clock_of(session).stamp()  # its age counts from the restart
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
        sealed = key_of(session).seal_bytes(data, chunk_aad(station_id, sha256, offset))
        session.add(BlobChunkRow(station_id=station_id, sha256=sha256, offset=offset, data=sealed, sealed=True))
    row.received += len(data)
    session.flush()
    return _status(row)


def store_blob(
    session: Session, station_id: str, sha256: str, data: bytes, limits: BlobLimits = DEFAULT_LIMITS
) -> BlobStatus:
    """A whole blob at once (file import): verified, stored, idempotent."""
    return put_chunk(session, station_id, sha256, 0, len(data), data, limits)


@dataclass(frozen=True)
class BlobUsage:
    """What one station's scans take at the center (the stations page)."""

    complete: int = 0
    complete_bytes: int = 0
    #: Uploads under way: how many, the bytes received so far, and when the oldest started.
    incomplete: int = 0
    incomplete_bytes: int = 0
    oldest_incomplete: str = ""


def usage(session: Session) -> dict[str, BlobUsage]:
    """station id → its ``BlobUsage`` (one grouped query over the blobs table; no chunk is read)."""
    done = BlobRow.complete.is_(True)
    rows = session.execute(
        select(
            BlobRow.station_id,
            func.sum(case((done, 1), else_=0).cast(Integer)),
            func.sum(case((done, BlobRow.size), else_=0)),
            func.sum(case((done, 0), else_=1).cast(Integer)),
            func.sum(case((done, 0), else_=BlobRow.received)),
            func.min(case((BlobRow.complete.is_(False), BlobRow.created_at), else_=None)),
        ).group_by(BlobRow.station_id)
    ).all()
    return {
        station_id: BlobUsage(int(n or 0), int(size or 0), int(m or 0), int(received or 0), oldest or "")
        for station_id, n, size, m, received, oldest in rows
    }


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
