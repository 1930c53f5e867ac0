"""USB transfer on the center side: import a station's file through the push path; export center events.

A station whose signing key the center holds (``signing_keys``) must have signed its file with it: the
HMAC that a copy of this database could make no longer counts. A station without a registered key is
still imported on the HMAC; the key its file offers is kept as pending until the director confirms
its fingerprint (``signing_keys.offer_station_key``).

Every return file names the center's public key in its manifest (readers from before the keys ignore
it): a station enrolled before the keys and never online since learns so that the center reads station
keys, and keeps the center's key pending until its clerk confirmed the fingerprint the center reads to
him by phone. The center's Ed25519 line is added once the station showed it reads two signature lines
(a key of its own registered or pending here): an older station would refuse the second line.
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from sync.protocol.models import ErrorCode, RefusedNote
from sync.protocol.transfer import (
    CENTER_TO_STATION,
    STATION_TO_CENTER,
    Signer,
    TransferFormatError,
    peek_station_id,
    read_transfer,
    write_transfer,
)

from ..core.config import BlobLimits
from ..core.db import clock_of
from ..core.models import StationRow, TokenRow
from .blobs import DEFAULT_LIMITS, store_blob
from .center_events import center_events_after
from .errors import ServiceError
from .ingest import ingest
from .releases import release_for_file
from .signing_keys import offer_station_key, pending_fingerprint, station_public_keys


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
    #: The fingerprint of the key the file offered, now pending the director's confirmation; else "".
    pending_fingerprint: str = ""


def _station(session: Session, station_id: str) -> StationRow:
    station = session.get(StationRow, station_id)
    if station is None:
        raise ServiceError(ErrorCode.NOT_FOUND, "文件来自未登记的代办站")
    if station.revoked_at is not None:
        raise ServiceError(ErrorCode.REVOKED, f"代办站{station.code}已停用，不能导入其文件")
    return station


def _keys(session: Session, station_id: str) -> list[bytes]:
    rows = session.scalars(
        select(TokenRow)
        .where(TokenRow.station_id == station_id, TokenRow.revoked_at.is_(None))
        .order_by(TokenRow.created_at.desc())
    )
    return [bytes.fromhex(row.token_hash) for row in rows]


def import_station_file(session: Session, data: bytes, limits: BlobLimits = DEFAULT_LIMITS) -> ImportResult:
    """Verify and store a station's file in the caller's transaction; importing twice changes nothing."""
    try:
        station_id = peek_station_id(data)
        station = _station(session, station_id)
        public_keys = station_public_keys(station)
        contents = read_transfer(data, _keys(session, station_id), direction=STATION_TO_CENTER, public_keys=public_keys)
    except TransferFormatError as exc:
        raise ServiceError(ErrorCode.REJECTED, exc.message) from exc
    pending = offer_station_key(session, station, contents.offered_key)
    for sha256, content in contents.blobs.items():
        store_blob(session, station_id, sha256, content, limits)
    result = ingest(session, station_id, contents.transfer_id, contents.events, source="file")
    return ImportResult(
        station_id=station_id,
        transfer_id=contents.transfer_id,
        acked_seq=result.acked_seq,
        accepted=result.accepted,
        duplicates=result.duplicates,
        blobs=len(contents.blobs),
        refused=tuple(result.refused),
        pending_fingerprint=pending_fingerprint(station) if pending else "",
    )


def export_center_file(
    session: Session,
    station_id: str,
    center_key: Ed25519PrivateKey,
    after: int = 0,
    *,
    release_platform: str | None = None,
) -> bytes:
    """A signed file of the station's center events after ``after``, for the USB trip back; with
    ``release_platform``, also the latest station release of that platform (``services.releases``).

    Names ``center_key``'s public half always; signed with it too once the station offered a key of its
    own (registered or pending: its release reads the Ed25519 line, and requires it once it holds ours).
    """
    station = _station(session, station_id)
    keys = _keys(session, station_id)
    if not keys:
        raise ServiceError(ErrorCode.NOT_FOUND, "该代办站没有有效的登记凭证，请先重新登记")
    events = center_events_after(session, station_id, after)
    release = release_for_file(session, release_platform) if release_platform is not None else None
    return write_transfer(
        direction=CENTER_TO_STATION,
        station_id=station_id,
        events=events,
        key=Signer(keys[0], center_key, announce_only=not (station.signing_public_key or station.pending_signing_key)),
        created_at=clock_of(session).stamp(),
        registered_station_key=station.signing_public_key,
        release=release,
    )
