"""The USB transfer file, shared by station and town center.

A zip archive with

* ``events.jsonl``: one event per line (``Event.to_dict()``), in seq order;
* ``blobs/<sha256>``: each blob the events name;
* ``manifest.json``: format, version, transfer id, direction, station id,
  creation time, and every part's path, size and SHA-256;
* ``manifest.sig``: hex HMAC-SHA256 of the exact ``manifest.json`` bytes.

The HMAC key is SHA-256 of the station's bearer token (``signing_key``); the
center keeps exactly that hash of each token, so both sides can sign and
verify without the token ever being written to the file or the server's
database. A file thus proves which station (or the center, for that
station) made it and that no part was changed. Importing is idempotent on
both sides: the center feeds the events through the same path as a push,
with the manifest's ``transfer_id`` as the batch id.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import uuid
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sync.domain.events import Event, canonical_json

FORMAT = "daibantong-transfer"
VERSION = 1
STATION_TO_CENTER = "station-to-center"
CENTER_TO_STATION = "center-to-station"
MAX_UNPACKED_BYTES = 1024 * 1024 * 1024
SUFFIX = ".dbt"


class TransferFormatError(Exception):
    """The file is damaged, forged, or not for this side; ``message`` is Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class TransferContents:
    transfer_id: str
    direction: str
    station_id: str
    created_at: str
    events: list[Event]
    blobs: dict[str, bytes] = field(default_factory=dict)


def signing_key(token: str) -> bytes:
    """The HMAC key of a station's files: SHA-256 of its token (what the center stores, as hex)."""
    return hashlib.sha256(token.encode("utf-8")).digest()


def _sign(manifest: bytes, key: bytes) -> str:
    return hmac.new(key, manifest, hashlib.sha256).hexdigest()


def write_transfer(
    *,
    direction: str,
    station_id: str,
    events: Sequence[Event],
    key: bytes,
    created_at: str,
    blobs: Mapping[str, bytes] | None = None,
    transfer_id: str | None = None,
) -> bytes:
    """The bytes of a signed transfer file, made at ``created_at`` (the writer's clock)."""
    parts: dict[str, bytes] = {
        "events.jsonl": "".join(canonical_json(e.to_dict()) + "\n" for e in events).encode("utf-8")
    }
    for sha256, content in sorted((blobs or {}).items()):
        parts[f"blobs/{sha256}"] = content
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "transfer_id": transfer_id or str(uuid.uuid4()),
        "direction": direction,
        "station_id": station_id,
        "created_at": created_at,
        "events": {
            "count": len(events),
            "first_seq": events[0].seq if events else None,
            "last_seq": events[-1].seq if events else None,
        },
        "parts": [
            {"path": path, "size": len(content), "sha256": hashlib.sha256(content).hexdigest()}
            for path, content in parts.items()
        ],
    }
    manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", manifest_bytes)
        archive.writestr("manifest.sig", _sign(manifest_bytes, key))
        for path, content in parts.items():
            archive.writestr(path, content)
    return out.getvalue()


def peek_station_id(data: bytes) -> str:
    """The station a file claims to be from/for (unverified: only to pick the key)."""
    manifest, _sig, _archive = _open(data)
    return str(manifest.get("station_id", ""))


def _open(data: bytes) -> tuple[dict[str, Any], str, zipfile.ZipFile]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
            raise TransferFormatError("传输文件过大，无法导入")
        manifest_bytes = archive.read("manifest.json")
        signature = archive.read("manifest.sig").decode("ascii").strip()
        manifest = json.loads(manifest_bytes)
    except (zipfile.BadZipFile, KeyError, UnicodeDecodeError, ValueError) as exc:
        raise TransferFormatError("文件不是代办通传输文件，或文件已损坏") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise TransferFormatError("文件不是代办通传输文件")
    return manifest, signature, archive


def read_transfer(data: bytes, keys: Iterable[bytes], *, direction: str) -> TransferContents:
    """Verify signature, checksums and contents; raise TransferFormatError with a Chinese reason."""
    manifest, signature, archive = _open(data)
    manifest_bytes = archive.read("manifest.json")
    if not any(hmac.compare_digest(_sign(manifest_bytes, key), signature) for key in keys):
        raise TransferFormatError("文件签名不符：不是由本站（或镇中心为本站）导出的文件，或文件已被修改")
    try:
        return _contents(manifest, archive, direction)
    except zipfile.BadZipFile as exc:
        raise TransferFormatError("传输文件已损坏（压缩数据校验失败）") from exc
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise TransferFormatError("传输文件的清单格式不正确") from exc


def _contents(manifest: dict[str, Any], archive: zipfile.ZipFile, direction: str) -> TransferContents:
    if manifest.get("version") != VERSION:
        raise TransferFormatError(f"传输文件版本（{manifest.get('version')}）不受支持，请升级代办通")
    if manifest.get("direction") != direction:
        raise TransferFormatError("传输文件的方向不对（例如把本站导出的文件导入本站）")
    parts: dict[str, bytes] = {}
    listed = {p["path"] for p in manifest["parts"]}
    if set(archive.namelist()) != listed | {"manifest.json", "manifest.sig"}:
        raise TransferFormatError("传输文件的内容与清单不符，文件可能已被修改")
    for part in manifest["parts"]:
        content = archive.read(part["path"])
        if len(content) != part["size"] or hashlib.sha256(content).hexdigest() != part["sha256"]:
            raise TransferFormatError(f"传输文件中“{part['path']}”校验失败，文件已损坏或被修改")
        parts[part["path"]] = content
    station_id = str(manifest["station_id"])
    try:
        events = [Event.from_dict(json.loads(line)) for line in parts["events.jsonl"].decode("utf-8").splitlines()]
    except (KeyError, ValueError, TypeError) as exc:
        raise TransferFormatError("传输文件中的记录格式不正确") from exc
    if len(events) != manifest["events"]["count"] or any(e.station_id != station_id for e in events):
        raise TransferFormatError("传输文件中的记录与清单不符")
    blobs = {path.removeprefix("blobs/"): content for path, content in parts.items() if path.startswith("blobs/")}
    if any(hashlib.sha256(content).hexdigest() != sha for sha, content in blobs.items()):
        raise TransferFormatError("传输文件中的附件校验失败")
    return TransferContents(
        transfer_id=str(manifest["transfer_id"]),
        direction=direction,
        station_id=station_id,
        created_at=str(manifest["created_at"]),
        events=events,
        blobs=blobs,
    )
