"""Content-addressed files (scans, photos, signature images) under ``<data dir>/blobs/ab/cdef…``, encrypted.

A blob is named by the SHA-256 of its *plaintext*; the file holds it sealed
with the station's data key (AES-GCM bound to that name), so the disk never
holds a scan in the clear and the address is the same the town center uses.
Reading opens the file and checks the plaintext against its name. Files
written before encryption (no ``BLOB_MAGIC``) are still read, and
``seal_existing`` converts them. A file is written to a temporary file,
flushed to disk and renamed into place, so a crash leaves either the whole
file or none. Writing the same content twice is harmless.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator
from pathlib import Path

from .crypto import BLOB_MAGIC, DataKey, DataKeyWrong, KeySlot

_SHA_RE = re.compile(r"^[0-9a-f]{64}$")
#: What sealing adds to a file's size: magic, nonce, GCM tag.
OVERHEAD = len(BLOB_MAGIC) + 12 + 16
CORRUPT = "附件文件已损坏（内容与校验值不符）"


def blob_path(data_dir: Path, sha256: str) -> Path:
    if not _SHA_RE.match(sha256):
        raise ValueError(f"not a SHA-256: {sha256!r}")
    return data_dir / "blobs" / sha256[:2] / sha256[2:]


def _aad(sha256: str) -> str:
    return f"blob:{sha256}"


def _write(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as fh:
        fh.write(content)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def put(data_dir: Path, data: bytes, slot: KeySlot) -> str:
    """Store ``data`` sealed; return the SHA-256 of the plaintext (raises DataLocked before login)."""
    key = slot.require()
    sha256 = hashlib.sha256(data).hexdigest()
    path = blob_path(data_dir, sha256)
    if path.exists() and path.stat().st_size == len(data) + OVERHEAD:
        return sha256
    _write(path, key.seal_bytes(data, _aad(sha256)))
    return sha256


def get(data_dir: Path, sha256: str, slot: KeySlot) -> bytes:
    """The plaintext of a blob, checked against its name (DataKeyWrong if it does not match)."""
    stored = blob_path(data_dir, sha256).read_bytes()
    data = slot.require().open_bytes(stored, _aad(sha256)) if stored.startswith(BLOB_MAGIC) else stored
    if hashlib.sha256(data).hexdigest() != sha256:
        raise DataKeyWrong(CORRUPT)
    return data


def exists(data_dir: Path, sha256: str) -> bool:
    return blob_path(data_dir, sha256).is_file()


def _files(data_dir: Path) -> Iterator[tuple[str, Path]]:
    root = data_dir / "blobs"
    if not root.is_dir():
        return
    for folder in root.iterdir():
        if folder.is_dir():
            for path in folder.iterdir():
                sha256 = folder.name + path.name
                if _SHA_RE.match(sha256):
                    yield sha256, path


def seal_existing(data_dir: Path, key: DataKey) -> int:
    """Seal every blob file still in plain text (written before encryption); return how many."""
    sealed = 0
    for sha256, path in _files(data_dir):
        with open(path, "rb") as fh:
            if fh.read(len(BLOB_MAGIC)) == BLOB_MAGIC:
                continue
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() != sha256:
            continue  # damaged: left as it is, reading it reports the damage
        _write(path, key.seal_bytes(data, _aad(sha256)))
        sealed += 1
    return sealed
