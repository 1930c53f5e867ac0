"""The station's own signing key for USB transfer files, and the town center's public key.

The HMAC that every transfer file carries is keyed by a hash the center keeps in its database, so it
cannot tell a real file from one forged from a copy of that database. The station therefore has its
own Ed25519 key pair (``sync.protocol.transfer``): made here on first need, the private half sealed
with the station's data key in its database (so it is locked like the personal data, opened by the
clerk's login, and kept in the station's backups), the public half sent to the center at each
handshake. The center keeps the first one after an enrollment and from then on imports only files
it signed.

The center's public key arrives at enrollment and at each handshake, with whether the center holds
the station's key. Once it does, the station signs its files with its key too and reads the center's
return files only when the center's own key signed them (so no station can forge a center decision).

A station that syncs only by USB never shakes hands: its files carry its public key (signed with it),
which the center keeps as pending until its director confirmed the key's fingerprint, read to him by
phone from 代办站设置 (``fingerprint``), as SSH and Signal do.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from desktop.store import settings
from desktop.store.crypto import DataKeyWrong
from sync.domain.errors import DomainError
from sync.protocol.transfer import (
    key_fingerprint,
    new_private_key,
    private_key_from_hex,
    private_key_hex,
    public_key_from_hex,
    public_key_hex,
)

from ..context import ServiceContext

#: Settings row: the private key, sealed with the data key (``{"key_id", "sealed"}``).
PRIVATE_KEY = "transfer_signing_key"
#: Settings row: ``{"public_key": <the center's, hex>, "station_key_registered": bool}``.
CENTER_KEY = "center_signing_key"
_AAD = "transfer-signing-key"
DAMAGED = "本站的传输文件签名密钥无法打开（数据已损坏或不属于本站），请联系镇中心重新登记本站"


@dataclass(frozen=True)
class CenterKey:
    public_key: Ed25519PublicKey | None
    #: The center holds this station's key: both sides sign with their keys and read only those.
    station_key_registered: bool


def station_key(ctx: ServiceContext) -> Ed25519PrivateKey:
    """This station's key, made and sealed on first need (the data key must be open: a clerk logged in)."""
    data_key = ctx.db.key_slot.require()
    with ctx.db.reading() as session:
        record: Any = settings.get(session, PRIVATE_KEY)
    if record is None:
        with ctx.db.transaction() as session:
            record = settings.get(session, PRIVATE_KEY)
            if record is None:
                key = new_private_key()
                sealed = data_key.seal(private_key_hex(key), _AAD)
                settings.put(session, PRIVATE_KEY, {"key_id": data_key.key_id, "sealed": sealed})
                return key
    try:
        return private_key_from_hex(str(data_key.open(str(record["sealed"]), _AAD)))
    except (DataKeyWrong, KeyError, TypeError, ValueError) as exc:
        raise DomainError(DAMAGED) from exc


def public_key_if_open(ctx: ServiceContext) -> str | None:
    """This station's public key, or None while the data key is locked (the handshake goes without it)."""
    try:
        return public_key_hex(station_key(ctx))
    except DomainError:
        return None


@dataclass(frozen=True)
class KeyFingerprint:
    #: Six groups of four digits (``sync.protocol.transfer.key_fingerprint``); "" while the data key is locked.
    fingerprint: str
    #: The center said at a handshake that it holds this key (a confirmation by phone shows at the next one).
    registered: bool


def fingerprint(ctx: ServiceContext) -> KeyFingerprint:
    """What 代办站设置 shows: this station's key's fingerprint, for the director to check by phone."""
    public = public_key_if_open(ctx)
    return KeyFingerprint(key_fingerprint(public) if public else "", center_key(ctx).station_key_registered)


def center_key(ctx: ServiceContext) -> CenterKey:
    with ctx.db.reading() as session:
        record: Any = settings.get(session, CENTER_KEY) or {}
    try:
        public = public_key_from_hex(str(record.get("public_key", ""))) if record.get("public_key") else None
    except ValueError:
        public = None
    return CenterKey(public, bool(public and record.get("station_key_registered")))


def remember_center(ctx: ServiceContext, public_key: str, *, station_key_registered: bool) -> None:
    """Keep what the center said about the keys (enrollment, handshake); an older center says nothing."""
    if not public_key:
        return
    public_key_from_hex(public_key)  # a malformed key is not kept
    with ctx.db.transaction() as session:
        settings.put(session, CENTER_KEY, {"public_key": public_key, "station_key_registered": station_key_registered})


def export_key(ctx: ServiceContext) -> Ed25519PrivateKey | None:
    """The key to sign an export with too: once the center knows keys at all (else an old center refuses it)."""
    return station_key(ctx) if center_key(ctx).public_key is not None else None


def import_key(ctx: ServiceContext) -> Ed25519PublicKey | None:
    """The key a return file must be signed with: the center's, once it holds ours (it signs only then)."""
    center = center_key(ctx)
    return center.public_key if center.station_key_registered else None
