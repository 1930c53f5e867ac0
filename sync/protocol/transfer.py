"""The USB transfer file, shared by station and town center.

A zip archive with

* ``events.jsonl``: one event per line (``Event.to_dict()``), in seq order;
* ``blobs/<sha256>``: each blob the events name;
* in a return file, optionally, ``release.json`` (a station release with the center's Ed25519 signature of
  its manifest, ``sync.protocol.releases``) and ``release/<sha256>``: that release's installer or package,
  at most ``MAX_RELEASE_BYTES``; readers before releases refuse such a file as a whole (an unknown member),
  so the center adds it only when asked (``export-file --with-release``);
* ``manifest.json``: format, version, transfer id, direction, station id,
  creation time, every part's path, size and SHA-256 and, when the writer has
  its own key, that key's public half (``signing_public_key``); a return file
  also names the station key the center holds (``registered_station_key``);
* ``manifest.sig``: hex HMAC-SHA256 of the exact ``manifest.json`` bytes and, on a
  second line, ``ed25519:`` and the hex Ed25519 signature of the same bytes by the
  writer's own signing key (``Signer``).

The HMAC key is SHA-256 of the station's bearer token (``signing_key``); the
center keeps exactly that hash of each token. That is why the HMAC alone
proves little: whoever reads the center's database can compute it, forge a
station's file, or a station can forge the center's return file. So each
side also signs with a private key only it holds: the station's key pair is
made on the station (its private half sealed with the station's data key),
the center's lives in a key file outside its database. Each side learns the
other's public key over the authenticated connection (enrollment, handshake:
``desktop.services.syncing.signing_keys``, ``sync.server.services.signing_keys``).
A reader that knows the writer's public key accepts **only** a valid
Ed25519 signature (``read_transfer(public_keys=...)``); the HMAC line is then
ignored. It is checked only for a writer whose key is not known yet (a
station or center from before the keys), so files between old and new
releases keep working, and a writer adds the Ed25519 line only once the
reader has its key (an old reader would refuse a second line).

A key a file offers (``signing_public_key`` in its manifest, its Ed25519 line
verifying under it) is reported as ``TransferContents.offered_key`` and proves
only that the writer holds that key, not who the writer is: the file's other
proof is the HMAC. The center keeps it as pending until its director confirmed
its fingerprint (``key_fingerprint``) read from the station's screen by phone.

The center's return files name the center's key even when they carry no
Ed25519 line (``Signer.announce_only``: the center cannot tell a station that
never offered a key from one too old for a second line). Old readers ignore
the field; a station that reads it (``TransferContents.named_key``) learns
that the center reads station keys, signs its next exports with its own, and
keeps the center's key as pending until the clerk confirmed its fingerprint,
read to him by phone from the center, as the center does for the station's.

A file thus proves which station (or the center, for that station) made it
and that no part was changed. Importing is idempotent on both sides: the
center feeds the events through the same path as a push, with the
manifest's ``transfer_id`` as the batch id.

Reading is bounded and checks before it inflates (``read_transfer``): the
file's size and its zip directory (member count, names) first; then only
``manifest.json`` and ``manifest.sig``, each read at most a few MB far; the
signature over the manifest; and only then each part, after its size in the
zip directory matched the signed manifest and its bound, read as a stream
and hashed. Whatever is wrong with a file (not a zip, truncated, a bit
flipped anywhere, a zip bomb, ``..`` or absolute names, duplicate names)
ends in ``TransferFormatError`` with a Chinese message, never a raw
``zlib.error``, ``BadZipFile`` or ``MemoryError``. The bounds fit a month of
a busy station many times over: a typical case is ~10 KB of event JSON
(docs/performance.md), so ``MAX_EVENTS_BYTES`` holds ~6,000 cases; scans
are bounded like the blob route (``MAX_BLOB_BYTES`` each) and in total by
``MAX_BLOBS_BYTES``.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import re
import struct
import unicodedata
import uuid
import zipfile
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from sync.domain.events import Event, canonical_json
from sync.domain.releases import MAX_RELEASE_BYTES
from sync.protocol.models import MAX_BLOB_BYTES, PUBLIC_KEY_PATTERN

FORMAT = "daibantong-transfer"
VERSION = 1
STATION_TO_CENTER = "station-to-center"
CENTER_TO_STATION = "center-to-station"
SUFFIX = ".dbt"

MiB = 1024 * 1024
#: ``events.jsonl`` unpacked: ~6,000 typical cases (a busy station records ~450 a month).
MAX_EVENTS_BYTES = 64 * MiB
#: All scans of one file unpacked; each one also at most ``MAX_BLOB_BYTES`` (the blob route's bound).
MAX_BLOBS_BYTES = 512 * MiB
#: ``manifest.json``: ~130 bytes per part, so room for every member below.
MAX_MANIFEST_BYTES = 4 * MiB
MAX_SIGNATURE_BYTES = 512
#: Members of the zip: the manifest, its signature, the events and up to 9,997 scans.
MAX_MEMBERS = 10_000
#: The file itself: everything above, stored (scans do not compress), plus the zip's own records.
#: ``release.json``: one signed manifest of a station release.
MAX_RELEASE_JSON_BYTES = 64 * 1024
MAX_FILE_BYTES = MAX_EVENTS_BYTES + MAX_BLOBS_BYTES + MAX_RELEASE_BYTES + MAX_MANIFEST_BYTES + 16 * MiB

NOT_OURS = "文件不是代办通传输文件（请选择代办通导出的 .dbt 文件）"
DAMAGED = "文件已损坏（{}），请重新导出后再导入"
FORGED = "文件签名不符：不是由本站（或镇中心为本站）导出的文件，或文件已被修改"
_PART_NAME = re.compile(r"events\.jsonl|blobs/[0-9a-f]{64}|release\.json|release/[0-9a-f]{64}")
_SHA256 = re.compile(r"[0-9a-f]{64}")
#: What a broken zip raises somewhere in ``zipfile``/``zlib``; all of them mean a damaged file.
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    EOFError,
    OSError,
    struct.error,
    ValueError,
    NotImplementedError,
    RuntimeError,
    UnicodeDecodeError,
    KeyError,
    IndexError,
    OverflowError,
)


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
    #: The public key the manifest carries, when the file's Ed25519 line verifies under it (hex), else None.
    offered_key: str | None = None
    #: The public key the manifest names (well-formed hex), signed with or not: proves nothing by itself.
    named_key: str | None = None
    #: A return file: the station key the center holds registered for that station (hex), else None.
    registered_station_key: str | None = None
    #: A return file with a station release: its signed manifest (JSON bytes, ``sync.protocol.releases``) and
    #: the file; None when it carries none. The reader verifies the release's own signature before using it.
    release: tuple[bytes, bytes] | None = None


def signing_key(token: str) -> bytes:
    """The HMAC key of a station's files: SHA-256 of its token (what the center stores, as hex)."""
    return hashlib.sha256(token.encode("utf-8")).digest()


def _sign(manifest: bytes, key: bytes) -> str:
    return hmac.new(key, manifest, hashlib.sha256).hexdigest()


ED25519_PREFIX = "ed25519:"


def new_private_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def public_key_hex(key: Ed25519PrivateKey) -> str:
    return key.public_key().public_bytes_raw().hex()


def private_key_hex(key: Ed25519PrivateKey) -> str:
    return key.private_bytes_raw().hex()


def private_key_from_hex(text: str) -> Ed25519PrivateKey:
    """The key from ``private_key_hex``; ``ValueError`` for anything else."""
    raw = bytes.fromhex(text)
    if len(raw) != 32:
        raise ValueError("an Ed25519 private key is 32 bytes")
    return Ed25519PrivateKey.from_private_bytes(raw)


def public_key_from_hex(text: str) -> Ed25519PublicKey:
    """A public key as carried on the wire (64 hex digits); ``ValueError`` for anything else."""
    if not re.fullmatch(PUBLIC_KEY_PATTERN, text or ""):
        raise ValueError("an Ed25519 public key is 64 lowercase hex digits")
    return Ed25519PublicKey.from_public_bytes(bytes.fromhex(text))


FINGERPRINT_DIGITS = 24


def key_fingerprint(public_key: str) -> str:
    """A public key (hex) as 24 decimal digits in six groups of four, to read out by phone.

    Digits, not hex: read aloud in Chinese without letters to spell. 24 digits are ~80 bits of a
    SHA-256 of the key: making another key with the same fingerprint is out of reach.
    """
    digest = hashlib.sha256(b"daibantong-signing-key\n" + bytes.fromhex(public_key)).digest()
    digits = str(int.from_bytes(digest[:16], "big") % 10**FINGERPRINT_DIGITS).zfill(FINGERPRINT_DIGITS)
    return " ".join(digits[i : i + 4] for i in range(0, FINGERPRINT_DIGITS, 4))


def fingerprint_digits(text: str) -> str:
    """The digits of a typed fingerprint (full-width digits too), without spaces or dashes."""
    return "".join(str(unicodedata.decimal(c)) for c in text if unicodedata.decimal(c, None) is not None)


@dataclass(frozen=True)
class Signer:
    """How a writer signs: the HMAC key (always) and, once the reader knows its public key, its private key."""

    hmac_key: bytes
    private_key: Ed25519PrivateKey | None = None
    #: Name ``private_key``'s public half in the manifest but write no Ed25519 line: the reader may be from
    #: before the keys (it compares the whole ``manifest.sig`` with the HMAC and would refuse a second line).
    announce_only: bool = False


def _signature_file(manifest: bytes, signer: Signer) -> str:
    lines = [_sign(manifest, signer.hmac_key)]
    if signer.private_key is not None and not signer.announce_only:
        lines.append(ED25519_PREFIX + signer.private_key.sign(manifest).hex())
    return "\n".join(lines)


def _verified(manifest: bytes, signature: str, keys: Iterable[bytes], public_keys: Sequence[Ed25519PublicKey]) -> bool:
    """Whether the signature file holds: by the writer's public key when known (then only so), else by HMAC."""
    lines = signature.split()
    if public_keys:
        signed = [bytes.fromhex(x[len(ED25519_PREFIX) :]) for x in lines[1:2] if _ED25519_LINE.fullmatch(x)]
        for key in public_keys:
            for sig in signed:
                try:
                    key.verify(sig, manifest)
                except InvalidSignature:
                    continue
                return True
        return False
    return bool(lines) and any(hmac.compare_digest(_sign(manifest, key), lines[0]) for key in keys)


_ED25519_LINE = re.compile(ED25519_PREFIX + "[0-9a-f]{128}")


def write_transfer(
    *,
    direction: str,
    station_id: str,
    events: Sequence[Event],
    key: bytes | Signer,
    created_at: str,
    blobs: Mapping[str, bytes] | None = None,
    transfer_id: str | None = None,
    registered_station_key: str | None = None,
    release: tuple[bytes, bytes] | None = None,
) -> bytes:
    """The bytes of a signed transfer file, made at ``created_at`` (the writer's clock). ``key``: a
    ``Signer``, or an HMAC key alone (a reader that does not know the writer's public key yet).
    ``registered_station_key``: in a return file, the station key the center holds (readers before it ignore it).
    ``release``: in a return file, a station release (its signed manifest as JSON, its file).

    Refuses (``TransferFormatError``) what the other side would refuse to read: past the bounds above.
    """
    parts: dict[str, bytes] = {
        "events.jsonl": "".join(canonical_json(e.to_dict()) + "\n" for e in events).encode("utf-8")
    }
    for sha256, content in sorted((blobs or {}).items()):
        parts[f"blobs/{sha256}"] = content
    if release is not None:
        parts["release.json"] = release[0]
        parts[f"release/{hashlib.sha256(release[1]).hexdigest()}"] = release[1]
    _check_bounds({path: len(content) for path, content in parts.items()})
    signer = key if isinstance(key, Signer) else Signer(key)
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "transfer_id": transfer_id or str(uuid.uuid4()),
        "direction": direction,
        "station_id": station_id,
        "created_at": created_at,
        **({"signing_public_key": public_key_hex(signer.private_key)} if signer.private_key is not None else {}),
        **({"registered_station_key": registered_station_key} if registered_station_key else {}),
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
        archive.writestr("manifest.sig", _signature_file(manifest_bytes, signer))
        for path, content in parts.items():
            archive.writestr(path, content)
    return out.getvalue()


def read_file(path: Path) -> bytes:
    """A transfer file's bytes, refused before reading when it is past ``MAX_FILE_BYTES`` (OSError passes)."""
    with path.open("rb") as stream:
        data = stream.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise TransferFormatError(f"文件过大（超过{MAX_FILE_BYTES // MiB}MB），不是代办通能导入的传输文件")
    return data


def peek_station_id(data: bytes) -> str:
    """The station a file claims to be from/for (unverified: only to pick the key)."""
    manifest, _signature, _archive = _open(data)
    station_id = _object(manifest).get("station_id")
    if not (isinstance(station_id, str) and 0 < len(station_id) <= 64 and station_id.isprintable()):
        raise TransferFormatError(NOT_OURS)
    try:
        station_id.encode("utf-8")
    except UnicodeEncodeError as exc:  # a lone surrogate
        raise TransferFormatError(NOT_OURS) from exc
    return station_id


def read_transfer(
    data: bytes, keys: Iterable[bytes], *, direction: str, public_keys: Sequence[Ed25519PublicKey] = ()
) -> TransferContents:
    """Verify signature, sizes, checksums and contents; raise TransferFormatError with a Chinese reason.

    With ``public_keys`` (the writer's, known to the reader) only an Ed25519 signature by one of them is
    accepted; without, the HMAC by one of ``keys``. Nothing but ``manifest.json`` and ``manifest.sig`` is
    inflated before the signature held.
    """
    manifest_bytes, signature, archive = _open(data)
    if not _verified(manifest_bytes, signature, keys, public_keys):
        raise TransferFormatError(FORGED)
    manifest = _object(manifest_bytes)
    try:
        contents = _contents(manifest, archive, direction)
    except TransferFormatError:
        raise
    except MemoryError as exc:  # the bounds make this unlikely; a full machine must still not show a raw error
        raise TransferFormatError("内存不足，无法导入此文件，请关闭其他程序后重试") from exc
    except (KeyError, TypeError, AttributeError) as exc:
        raise TransferFormatError("传输文件的清单格式不正确，文件已损坏或被修改") from exc
    except _ZIP_ERRORS as exc:
        raise TransferFormatError(DAMAGED.format("压缩数据校验失败")) from exc
    named = _well_formed_key(manifest.get("signing_public_key"))
    offered = named if named and _verified(manifest_bytes, signature, (), [public_key_from_hex(named)]) else None
    return replace(
        contents,
        offered_key=offered,
        named_key=named,
        registered_station_key=_well_formed_key(manifest.get("registered_station_key")),
    )


def _well_formed_key(value: object) -> str | None:
    """``value`` if it is a public key as carried on the wire, else None."""
    if not isinstance(value, str):
        return None
    try:
        public_key_from_hex(value)
    except ValueError:
        return None
    return value


def _directory_counts(data: bytes) -> tuple[int, int]:
    """(members, central directory bytes) from the end record, read before ``zipfile`` builds anything.

    Our files carry no zip comment and need no zip64, so the end record is the file's last 22 bytes.
    """
    if len(data) < 22 or data[-22:-18] != b"PK\x05\x06":
        raise TransferFormatError(NOT_OURS if not data.startswith(b"PK") else DAMAGED.format("文件不完整"))
    _sig, _disk, _cd_disk, _here, members, cd_bytes, _cd_at, comment = struct.unpack("<4sHHHHIIH", data[-22:])
    if comment:
        raise TransferFormatError(NOT_OURS)
    return members, cd_bytes


def _open(data: bytes) -> tuple[bytes, str, zipfile.ZipFile]:
    """The manifest's bytes, its signature and the archive, after the file's size and directory were checked."""
    if len(data) > MAX_FILE_BYTES:
        raise TransferFormatError(f"文件过大（超过{MAX_FILE_BYTES // MiB}MB），不是代办通能导入的传输文件")
    members, cd_bytes = _directory_counts(data)
    if members > MAX_MEMBERS or cd_bytes > MAX_MEMBERS * 200:
        raise TransferFormatError(DAMAGED.format(f"文件中有{members}个成员，超过上限{MAX_MEMBERS}"))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except _ZIP_ERRORS as exc:
        raise TransferFormatError(NOT_OURS if not data.startswith(b"PK") else DAMAGED.format("无法读取目录")) from exc
    names = [info.filename for info in infos]
    if len(names) != len(set(names)) or len(names) > MAX_MEMBERS:
        raise TransferFormatError(DAMAGED.format("文件中有重名的成员"))
    if any(not _PART_NAME.fullmatch(name) for name in names if name not in ("manifest.json", "manifest.sig")):
        raise TransferFormatError(DAMAGED.format("文件中有不属于传输文件的成员"))
    if "manifest.json" not in names or "manifest.sig" not in names:
        raise TransferFormatError(NOT_OURS)
    try:
        manifest_bytes = _read_member(archive, "manifest.json", MAX_MANIFEST_BYTES)
        signature = _read_member(archive, "manifest.sig", MAX_SIGNATURE_BYTES).decode("ascii").strip()
    except TransferFormatError:
        raise
    except _ZIP_ERRORS as exc:
        raise TransferFormatError(DAMAGED.format("清单无法读取")) from exc
    return manifest_bytes, signature, archive


def _object(manifest_bytes: bytes) -> dict[str, Any]:
    try:
        manifest = json.loads(manifest_bytes)
    except (ValueError, RecursionError) as exc:
        raise TransferFormatError(NOT_OURS) from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise TransferFormatError(NOT_OURS)
    return manifest


def _read_member(archive: zipfile.ZipFile, name: str, limit: int, size: int | None = None) -> bytes:
    """A member's bytes, read as a stream that stops past ``limit`` (or past the ``size`` it must have)."""
    info = archive.getinfo(name)
    if info.file_size > limit or (size is not None and info.file_size != size):
        raise TransferFormatError(DAMAGED.format(f"“{name}”的大小与清单不符，校验失败"))
    if info.flag_bits & 0x1:
        raise TransferFormatError(NOT_OURS)  # encrypted: never ours
    out = bytearray()
    with archive.open(info) as stream:  # stops at the directory's size; the CRC is checked at its end
        while chunk := stream.read(min(MiB, limit + 1 - len(out))):
            out += chunk
            if len(out) > info.file_size:
                raise TransferFormatError(DAMAGED.format(f"“{name}”解压后超过声明的大小"))
    if len(out) != info.file_size:
        raise TransferFormatError(DAMAGED.format(f"“{name}”不完整"))
    return bytes(out)


def _check_bounds(sizes: dict[str, int]) -> None:
    """Refuse parts (path -> unpacked size) past the bounds, before any of them is read."""
    if len(sizes) + 2 > MAX_MEMBERS:
        raise TransferFormatError(f"附件太多（超过{MAX_MEMBERS - 3}个），请分次联网同步或导出")
    if sizes.get("events.jsonl", 0) > MAX_EVENTS_BYTES:
        raise TransferFormatError(f"记录超过{MAX_EVENTS_BYTES // MiB}MB，超出一个传输文件的上限")
    blobs = {path: size for path, size in sizes.items() if path.startswith("blobs/")}
    if any(size > MAX_BLOB_BYTES for size in blobs.values()):
        raise TransferFormatError(f"附件超过{MAX_BLOB_BYTES // MiB}MB，超出上限")
    if sizes.get("release.json", 0) > MAX_RELEASE_JSON_BYTES:
        raise TransferFormatError("新版本说明超过上限")
    releases = [size for path, size in sizes.items() if path.startswith("release/")]
    if len(releases) > 1 or any(size > MAX_RELEASE_BYTES for size in releases):
        raise TransferFormatError(f"新版本安装文件超过{MAX_RELEASE_BYTES // MiB}MB，或不止一个，超出上限")
    if bool(releases) != ("release.json" in sizes):
        raise TransferFormatError("传输文件中的新版本不完整")
    if sum(blobs.values()) > MAX_BLOBS_BYTES:
        raise TransferFormatError(f"附件合计超过{MAX_BLOBS_BYTES // MiB}MB，超出一个传输文件的上限，请分次联网同步")


def _parts(manifest: dict[str, Any], archive: zipfile.ZipFile) -> dict[str, tuple[int, str]]:
    """path -> (size, sha256) from the signed manifest, matched against the zip's directory and the bounds."""
    parts: dict[str, tuple[int, str]] = {}
    for part in manifest["parts"]:
        path, size, sha256 = part["path"], part["size"], part["sha256"]
        if not (isinstance(path, str) and _PART_NAME.fullmatch(path)) or path in parts:
            raise TransferFormatError("传输文件的清单格式不正确，文件已损坏或被修改")
        if not (isinstance(size, int) and size >= 0 and isinstance(sha256, str) and _SHA256.fullmatch(sha256)):
            raise TransferFormatError("传输文件的清单格式不正确，文件已损坏或被修改")
        parts[path] = (size, sha256)
    if "events.jsonl" not in parts or set(archive.namelist()) != set(parts) | {"manifest.json", "manifest.sig"}:
        raise TransferFormatError("传输文件的内容与清单不符，文件可能已被修改")
    try:
        _check_bounds({path: size for path, (size, _sha) in parts.items()})
    except TransferFormatError as exc:
        raise TransferFormatError(f"文件过大，无法导入：{exc.message}") from exc
    for path, (size, _sha) in parts.items():
        if archive.getinfo(path).file_size != size:
            raise TransferFormatError(DAMAGED.format(f"“{path}”的大小与清单不符，校验失败"))
    return parts


def _contents(manifest: dict[str, Any], archive: zipfile.ZipFile, direction: str) -> TransferContents:
    if manifest.get("version") != VERSION:
        raise TransferFormatError(f"传输文件版本（{str(manifest.get('version'))[:20]}）不受支持，请升级代办通")
    if manifest.get("direction") != direction:
        raise TransferFormatError("传输文件的方向不对（例如把本站导出的文件导入本站）")
    contents: dict[str, bytes] = {}
    for path, (size, sha256) in _parts(manifest, archive).items():
        limit = {"events.jsonl": MAX_EVENTS_BYTES, "release.json": MAX_RELEASE_JSON_BYTES}.get(path, MAX_BLOB_BYTES)
        if path.startswith("release/"):
            limit = MAX_RELEASE_BYTES
        content = _read_member(archive, path, limit, size)
        if hashlib.sha256(content).hexdigest() != sha256:
            raise TransferFormatError(DAMAGED.format(f"“{path}”校验失败，文件已损坏或被修改"))
        contents[path] = content
    station_id = str(manifest["station_id"])
    try:
        lines = contents["events.jsonl"].decode("utf-8").splitlines()
        events = [Event.from_dict(json.loads(line)) for line in lines]
    except (KeyError, ValueError, TypeError, AttributeError, RecursionError) as exc:
        raise TransferFormatError("传输文件中的记录格式不正确") from exc
    if len(events) != manifest["events"]["count"] or any(e.station_id != station_id for e in events):
        raise TransferFormatError("传输文件中的记录与清单不符")
    blobs = {path.removeprefix("blobs/"): content for path, content in contents.items() if path.startswith("blobs/")}
    if any(hashlib.sha256(content).hexdigest() != sha for sha, content in blobs.items()):
        raise TransferFormatError("传输文件中的附件校验失败")
    release_files = [content for path, content in contents.items() if path.startswith("release/")]
    if release_files and direction != CENTER_TO_STATION:
        raise TransferFormatError("只有镇中心导出的文件才能带新版本")
    return TransferContents(
        transfer_id=str(manifest["transfer_id"]),
        direction=direction,
        station_id=station_id,
        created_at=str(manifest["created_at"]),
        events=events,
        blobs=blobs,
        release=(contents["release.json"], release_files[0]) if release_files else None,
    )
