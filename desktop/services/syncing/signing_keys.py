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

The other way round, symmetric: the center's return files name its public key (``note_center_file``).
A station that never learned it online (enrolled before the keys, never online since) learns from such
a file that the center reads station keys, so it signs its next exports with its own key. The key named
in the file proves nothing by itself (the file's other proof is the HMAC a database reader can make), so
it is kept as pending, and the clerk types in 代办站设置 the fingerprint the center reads to him by phone
(``confirm_center_key``); on a match it becomes the center's key exactly as if learned online, and from
then on only return files the center signed with it are imported. A return file that the trusted key
signed also tells the station that the center signs for it (and which station key the center holds).
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from desktop.store import settings
from desktop.store.crypto import DataKeyWrong
from sync.client.transfer import CenterFile
from sync.domain.errors import DomainError
from sync.protocol.transfer import (
    FINGERPRINT_DIGITS,
    fingerprint_digits,
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
#: Settings row: ``{"public_key": <the center's, hex: learned online or confirmed by fingerprint>,
#: "station_key_registered": bool, "signed_only": bool, "confirmed": bool, "pending_public_key": <hex>}``.
CENTER_KEY = "center_signing_key"
_AAD = "transfer-signing-key"
DAMAGED = "本站的传输文件签名密钥无法打开（数据已损坏或不属于本站），请联系镇中心重新登记本站"


@dataclass(frozen=True)
class CenterKey:
    #: The center's key as learned online or confirmed by fingerprint; None while not known.
    public_key: Ed25519PublicKey | None
    #: The center holds this station's key: both sides sign with their keys and read only those.
    station_key_registered: bool
    #: Return files must carry the center's signature even before the center said it holds our key: the clerk
    #: confirmed the center's key by fingerprint, or a return file already came signed with it.
    signed_only: bool = False
    #: A key a return file named (hex), not trusted until the clerk confirmed its fingerprint; "" when none.
    pending: str = ""

    @property
    def reads_keys(self) -> bool:
        """Whether the center reads station keys (then our exports carry ours and the Ed25519 line)."""
        return self.public_key is not None or bool(self.pending)


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


def _key_or_none(text: object) -> Ed25519PublicKey | None:
    try:
        return public_key_from_hex(str(text)) if text else None
    except ValueError:
        return None


def center_key(ctx: ServiceContext) -> CenterKey:
    with ctx.db.reading() as session:
        record: Any = settings.get(session, CENTER_KEY) or {}
    public = _key_or_none(record.get("public_key"))
    pending = str(record.get("pending_public_key") or "")
    return CenterKey(
        public,
        bool(public and record.get("station_key_registered")),
        bool(public and record.get("signed_only")),
        pending if _key_or_none(pending) is not None else "",
    )


def remember_center(
    ctx: ServiceContext, public_key: str, *, station_key_registered: bool, enrolled: bool = False
) -> None:
    """Keep what the center said about the keys (enrollment, handshake); an older center says nothing.

    A key learned online needs no confirmation: a pending one from a file is dropped. What return files
    taught about the same key (the center signs for us) is kept, except at an enrollment (the center
    then forgot our key, so it signs again only once it holds the new one).
    """
    if not public_key:
        return
    public_key_from_hex(public_key)  # a malformed key is not kept
    with ctx.db.transaction() as session:
        before: Any = settings.get(session, CENTER_KEY) or {}
        same = not enrolled and before.get("public_key") == public_key
        settings.put(
            session,
            CENTER_KEY,
            {
                "public_key": public_key,
                "station_key_registered": station_key_registered,
                "signed_only": bool(same and before.get("signed_only")),
            },
        )


def export_key(ctx: ServiceContext) -> Ed25519PrivateKey | None:
    """The key to sign an export with too: once the center is known to read keys (else an old one refuses it)."""
    return station_key(ctx) if center_key(ctx).reads_keys else None


def import_key(ctx: ServiceContext) -> Ed25519PublicKey | None:
    """The key a return file must be signed with: the center's, once it holds ours or the clerk confirmed it."""
    center = center_key(ctx)
    return center.public_key if center.station_key_registered or center.signed_only else None


def note_center_file(ctx: ServiceContext, read: CenterFile) -> None:
    """Keep what an imported return file says about the keys.

    Signed by the center's trusted key: the center signs for us from now on (its signature is then
    required) and says which station key it holds. A key the file names that we do not trust yet is
    kept as pending (a later, different one replaces it): only the clerk's confirmation makes it ours.
    """
    with ctx.db.transaction() as session:
        before: Any = settings.get(session, CENTER_KEY) or {}
        record = dict(before)
        trusted = record.get("public_key")
        if trusted and read.signed_by == trusted:
            record["signed_only"] = True
            if read.registered_station_key:
                record["station_key_registered"] = read.registered_station_key == public_key_if_open(ctx)
        if read.named_key and read.named_key != trusted:
            record["pending_public_key"] = read.named_key
        elif read.named_key:
            record.pop("pending_public_key", None)
        if record != before:
            settings.put(session, CENTER_KEY, record)


@dataclass(frozen=True)
class CenterFingerprint:
    #: The fingerprint of the key to confirm (pending) or of the trusted key; "" when the center named none yet.
    fingerprint: str
    #: A return file named this key: the clerk confirms it against what the center reads by phone.
    pending: bool
    #: The trusted key was confirmed by fingerprint (else learned online).
    confirmed: bool


def center_fingerprint(ctx: ServiceContext) -> CenterFingerprint:
    """What 代办站设置 shows of the center's key."""
    center = center_key(ctx)
    if center.pending:
        return CenterFingerprint(key_fingerprint(center.pending), True, False)
    if center.public_key is None:
        return CenterFingerprint("", False, False)
    with ctx.db.reading() as session:
        record: Any = settings.get(session, CENTER_KEY) or {}
    return CenterFingerprint(key_fingerprint(str(record["public_key"])), False, bool(record.get("confirmed")))


NO_PENDING_CENTER = "没有待核对的镇中心签名密钥（导入镇中心的U盘文件后才会出现）"
CENTER_DIGITS = f"镇中心签名密钥指纹是{FINGERPRINT_DIGITS}位数字，请按镇中心电话读出的逐位输入"
CENTER_MISMATCH = (
    "指纹不符，未保存：请请镇中心重新读一遍其“代办站”页上的“镇中心签名密钥指纹”，核对后再输入；"
    "仍不符时不要保存，请联系镇中心技术支持（文件可能不是镇中心导出的）"
)


def confirm_center_key(ctx: ServiceContext, typed: str) -> str:
    """Trust the pending center key if ``typed`` is its fingerprint; the Chinese message to show.

    On a match it becomes the center's key, as if learned online, and return files must be signed with it
    from now on; on a mismatch (``DomainError``) nothing changes.
    """
    digits = fingerprint_digits(typed)
    if len(digits) != FINGERPRINT_DIGITS:
        raise DomainError(CENTER_DIGITS)
    with ctx.db.transaction() as session:
        record: Any = dict(settings.get(session, CENTER_KEY) or {})
        pending = str(record.get("pending_public_key") or "")
        if _key_or_none(pending) is None:
            raise DomainError(NO_PENDING_CENTER)
        if not hmac.compare_digest(digits, fingerprint_digits(key_fingerprint(pending))):
            raise DomainError(CENTER_MISMATCH)
        registered = record.get("public_key") == pending and bool(record.get("station_key_registered"))
        settings.put(
            session,
            CENTER_KEY,
            {
                "public_key": pending,
                "station_key_registered": registered,
                "signed_only": True,
                "confirmed": True,
            },
        )
    return "镇中心签名密钥指纹核对一致，已保存：今后只导入镇中心签名的U盘文件"
