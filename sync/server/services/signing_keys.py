"""Stations' own signing keys for transfer files (``sync.protocol.transfer``), on the center's side.

A station sends its Ed25519 public key at its authenticated handshake (the bearer token only the
station holds). The center keeps the first one after each enrollment; from then on it imports only
files that key signed, so a file forged from a copy of the center's database (which holds the HMAC
key, the token's hash) is refused. A different key for a registered station is not taken: that
needs a new enrollment (a reinstalled station PC), which clears the old key.

A station that syncs only by USB never shakes hands. Its files carry its public key, signed with it,
but their only other proof is that HMAC: whoever holds a copy of the database could offer a key of
his own. So a key offered in a file is kept as **pending** only (``offer_station_key``; a later,
different offer replaces it), and the director registers it by typing its fingerprint as the clerk
reads it from the station's screen by phone (``confirm_station_key``), as SSH and Signal do: a
forger's key does not have the fingerprint the real station shows.
"""

from __future__ import annotations

import hmac
import logging

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy.orm import Session

from sync.protocol.models import ErrorCode
from sync.protocol.transfer import fingerprint_digits, key_fingerprint, public_key_from_hex

from ..core.db import clock_of
from ..core.models import StationRow
from .errors import ServiceError

log = logging.getLogger(__name__)


def register_station_key(session: Session, station: StationRow, public_key: str | None) -> bool:
    """Keep ``public_key`` for ``station`` if it has none yet (caller's transaction, station authenticated);
    whether the center now holds exactly that key."""
    if public_key is None:
        return False
    if station.signing_public_key is None:
        station.signing_public_key = public_key
        station.signing_key_at = clock_of(session).stamp()
        station.pending_signing_key = station.pending_signing_key_at = None
        session.flush()
        return True
    if station.signing_public_key != public_key:
        log.warning("代办站%s上报的签名公钥与已登记的不同，未采用（更换电脑须重新登记）", station.code)
        return False
    return True


def station_public_keys(station: StationRow) -> list[Ed25519PublicKey]:
    """The keys a file of ``station`` must be signed with; empty while it has none (then the HMAC counts)."""
    return [public_key_from_hex(station.signing_public_key)] if station.signing_public_key else []


def forget_station_key(station: StationRow) -> None:
    """At (re-)enrollment: the new installation registers its own key at its next handshake."""
    station.signing_public_key = None
    station.signing_key_at = None
    station.pending_signing_key = None
    station.pending_signing_key_at = None


def offer_station_key(session: Session, station: StationRow, public_key: str | None) -> bool:
    """Keep a key offered in an imported USB file as pending (caller's transaction); whether it is now pending.

    Only for a station without a registered key (one with a key imports only files signed by it, so an
    offer there is its own key or was refused before). A different offer replaces the pending one: the
    director's confirmation decides which, if any, is the station's.
    """
    if public_key is None or station.signing_public_key is not None:
        return False
    if station.pending_signing_key != public_key:
        if station.pending_signing_key is not None:
            log.warning("代办站%s的U盘文件带来另一个待确认的签名公钥，替换了原来待确认的", station.code)
        station.pending_signing_key = public_key
        station.pending_signing_key_at = clock_of(session).stamp()
        session.flush()
    return True


NO_PENDING = "该代办站没有待确认的签名密钥（可能已经登记，或已被新的U盘文件替换），请刷新页面"
MISMATCH = "指纹不符，未登记：请让代办员打开“代办站设置”重新读一遍指纹，核对后再输入；仍不符时不要登记，请联系技术支持"


def pending_fingerprint(station: StationRow) -> str:
    """The pending key's fingerprint as the station shows it, or ""."""
    return key_fingerprint(station.pending_signing_key) if station.pending_signing_key else ""


def confirm_station_key(session: Session, station_id: str, typed: str, expected_pending: str = "") -> StationRow:
    """Register the station's pending key if ``typed`` is its fingerprint (director, caller audits).

    ``expected_pending``: the fingerprint the page showed; if another file replaced the pending key since,
    the confirmation is refused rather than applied to a key the director did not see.
    """
    station = session.get(StationRow, station_id)
    if station is None:
        raise ServiceError(ErrorCode.NOT_FOUND, "没有这个代办站")
    if station.revoked_at is not None:
        raise ServiceError(ErrorCode.REVOKED, f"代办站{station.code}已停用")
    pending = station.pending_signing_key
    if pending is None or station.signing_public_key is not None:
        raise ServiceError(ErrorCode.CONFLICT, NO_PENDING)
    fingerprint = fingerprint_digits(key_fingerprint(pending))
    if expected_pending and fingerprint_digits(expected_pending) != fingerprint:
        raise ServiceError(ErrorCode.CONFLICT, NO_PENDING)
    if not hmac.compare_digest(fingerprint_digits(typed), fingerprint):
        raise ServiceError(ErrorCode.REJECTED, MISMATCH)
    station.signing_public_key = pending
    station.signing_key_at = clock_of(session).stamp()
    station.pending_signing_key = station.pending_signing_key_at = None
    session.flush()
    return station
