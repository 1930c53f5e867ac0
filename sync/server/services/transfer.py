"""USB transfer on the center side: import a station's file through the push path; export center events."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync.protocol.models import ErrorCode, RefusedNote
from sync.protocol.transfer import (
    CENTER_TO_STATION,
    STATION_TO_CENTER,
    TransferFormatError,
    peek_station_id,
    read_transfer,
    write_transfer,
)

from ..core.db import clock_of
from ..core.models import StationRow, TokenRow
from .blobs import store_blob
from .center_events import center_events_after
from .errors import ServiceError
from .ingest import ingest


@dataclass(frozen=True)
class ImportResult:
    station_id: str
    transfer_id: str
    acked_seq: int
    accepted: int
    duplicates: int
    blobs: int
    #: Events of the file kept in the chain but refused (``ingest``): shown on the station page, told to the operator.
    refused: tuple[RefusedNote, ...] = ()


def _keys(session: Session, station_id: str) -> list[bytes]:
    station = session.get(StationRow, station_id)
    if station is None:
        raise ServiceError(ErrorCode.NOT_FOUND, "文件来自未登记的代办站")
    if station.revoked_at is not None:
        raise ServiceError(ErrorCode.REVOKED, f"代办站{station.code}已停用，不能导入其文件")
    rows = session.scalars(
        select(TokenRow)
        .where(TokenRow.station_id == station_id, TokenRow.revoked_at.is_(None))
        .order_by(TokenRow.created_at.desc())
    )
    return [bytes.fromhex(row.token_hash) for row in rows]


def import_station_file(session: Session, data: bytes) -> ImportResult:
    """Verify and store a station's file in the caller's transaction; importing twice changes nothing."""
    try:
        station_id = peek_station_id(data)
        contents = read_transfer(data, _keys(session, station_id), direction=STATION_TO_CENTER)
    except TransferFormatError as exc:
        raise ServiceError(ErrorCode.REJECTED, exc.message) from exc
    for sha256, content in contents.blobs.items():
        store_blob(session, station_id, sha256, content)
    result = ingest(session, station_id, contents.transfer_id, contents.events, source="file")
    return ImportResult(
        station_id=station_id,
        transfer_id=contents.transfer_id,
        acked_seq=result.acked_seq,
        accepted=result.accepted,
        duplicates=result.duplicates,
        blobs=len(contents.blobs),
        refused=tuple(result.refused),
    )


def export_center_file(session: Session, station_id: str, after: int = 0) -> bytes:
    """A signed file of the station's center events after ``after``, for the USB trip back."""
    keys = _keys(session, station_id)
    if not keys:
        raise ServiceError(ErrorCode.NOT_FOUND, "该代办站没有有效的登记凭证，请先重新登记")
    events = center_events_after(session, station_id, after)
    return write_transfer(
        direction=CENTER_TO_STATION,
        station_id=station_id,
        events=events,
        key=keys[0],
        created_at=clock_of(session).stamp(),
    )
