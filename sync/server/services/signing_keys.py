"""Stations' own signing keys for transfer files (``sync.protocol.transfer``), on the center's side.

A station sends its Ed25519 public key at its authenticated handshake (the bearer token only the
station holds). The center keeps the first one after each enrollment; from then on it imports only
files that key signed, so a file forged from a copy of the center's database (which holds the HMAC
key, the token's hash) is refused. A different key for a registered station is not taken: that
needs a new enrollment (a reinstalled station PC), which clears the old key.
"""

from __future__ import annotations

import logging

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy.orm import Session

from sync.protocol.transfer import public_key_from_hex

from ..core.db import clock_of
from ..core.models import StationRow

log = logging.getLogger(__name__)


def register_station_key(session: Session, station: StationRow, public_key: str | None) -> bool:
    """Keep ``public_key`` for ``station`` if it has none yet (caller's transaction, station authenticated);
    whether the center now holds exactly that key."""
    if public_key is None:
        return False
    if station.signing_public_key is None:
        station.signing_public_key = public_key
        station.signing_key_at = clock_of(session).stamp()
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
