"""USB transfer on the station side: export unsent events and blobs, read the center's file.

The format lives in ``sync.protocol.transfer`` (shared with the center).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from sync.domain.errors import ChainBroken
from sync.domain.events import GENESIS_HASH, Event, verify_chain
from sync.protocol.transfer import (
    CENTER_TO_STATION,
    STATION_TO_CENTER,
    Signer,
    TransferFormatError,
    read_file,
    read_transfer,
    signing_key,
    write_transfer,
)

from .errors import TransferFileError


def export_unsent(
    *,
    station_id: str,
    token: str,
    events: Sequence[Event],
    created_at: str,
    blobs: Mapping[str, bytes] | None = None,
    private_key: Ed25519PrivateKey | None = None,
) -> bytes:
    """A signed file with the events (and the blobs they name) for the center to import, made at ``created_at``.

    ``private_key``: the station's own signing key, once the center has told its public key (a center that
    knows the station's key reads only that signature; an older center would refuse the extra line).
    """
    if any(e.station_id != station_id for e in events):
        raise TransferFileError("只能导出本站的记录")
    try:
        return write_transfer(
            direction=STATION_TO_CENTER,
            station_id=station_id,
            events=events,
            blobs=blobs,
            key=Signer(signing_key(token), private_key),
            created_at=created_at,
        )
    except TransferFormatError as exc:  # past what the center would read: say so now, not at the center
        raise TransferFileError(f"无法导出：{exc.message}") from exc


def load_file(path: Path) -> bytes:
    """A transfer file's bytes; one too large to be ours is refused before it is read (OSError passes)."""
    try:
        return read_file(path)
    except TransferFormatError as exc:
        raise TransferFileError(exc.message) from exc


@dataclass(frozen=True)
class CenterFile:
    """A return file's fresh events and what it says about the keys (``TransferContents``)."""

    events: list[Event]
    #: The center key the manifest names (hex; proves nothing alone), else None: an older center.
    named_key: str | None
    #: The named key when the file's Ed25519 line verifies under it, else None.
    signed_by: str | None
    #: The station key the center holds registered (hex), else None.
    registered_station_key: str | None
    #: A station release the file carries (its signed manifest as JSON, its file), to be verified; else None.
    release: tuple[bytes, bytes] | None = None


def read_center_file(
    data: bytes,
    *,
    station_id: str,
    token: str,
    after: int = 0,
    after_hash: str = GENESIS_HASH,
    center_key: Ed25519PublicKey | None = None,
) -> list[Event]:
    """Center events from a file, after the station's center cursor, verified as the chain's continuation.

    With ``center_key`` (the center holds this station's key, so it signs with its own) only the center's
    signature counts: a file made with the token's hash alone (which a station can compute) is forged.
    Events the station already applied (seq <= ``after``) are skipped, so reading a file twice is harmless.
    """
    return read_center_transfer(
        data, station_id=station_id, token=token, after=after, after_hash=after_hash, center_key=center_key
    ).events


def read_center_transfer(
    data: bytes,
    *,
    station_id: str,
    token: str,
    after: int = 0,
    after_hash: str = GENESIS_HASH,
    center_key: Ed25519PublicKey | None = None,
) -> CenterFile:
    """``read_center_file`` with what the manifest says about the center's key."""
    try:
        public_keys = [center_key] if center_key is not None else []
        contents = read_transfer(data, [signing_key(token)], direction=CENTER_TO_STATION, public_keys=public_keys)
    except TransferFormatError as exc:
        raise TransferFileError(exc.message) from exc
    if contents.station_id != station_id:
        raise TransferFileError("这个文件是镇中心为其他代办站导出的")
    fresh = [e for e in contents.events if e.seq > after]
    if fresh and fresh[0].seq != after + 1:
        raise TransferFileError(f"缺少镇中心第{after + 1}号起的记录，请先导入更早导出的文件")
    try:
        verify_chain(fresh, start_hash=after_hash, start_seq=after + 1)
    except ChainBroken as exc:
        raise TransferFileError(f"文件中的镇中心记录校验失败：{exc.message}") from exc
    return CenterFile(
        fresh, contents.named_key, contents.offered_key, contents.registered_station_key, contents.release
    )
