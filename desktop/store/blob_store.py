"""Content-addressed files (scans, photos) under ``<data dir>/blobs/ab/cdef…``.

A blob is named by the SHA-256 of its bytes, written to a temporary file,
flushed to disk and renamed into place, so a crash leaves either the whole
file or none. Writing the same content twice is harmless.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

_SHA_RE = re.compile(r"^[0-9a-f]{64}$")


def blob_path(data_dir: Path, sha256: str) -> Path:
    if not _SHA_RE.match(sha256):
        raise ValueError(f"not a SHA-256: {sha256!r}")
    return data_dir / "blobs" / sha256[:2] / sha256[2:]


def put(data_dir: Path, data: bytes) -> str:
    """Store ``data``; return its SHA-256."""
    sha256 = hashlib.sha256(data).hexdigest()
    path = blob_path(data_dir, sha256)
    if path.exists() and path.stat().st_size == len(data):
        return sha256
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    return sha256


def get(data_dir: Path, sha256: str) -> bytes:
    return blob_path(data_dir, sha256).read_bytes()


def exists(data_dir: Path, sha256: str) -> bool:
    return blob_path(data_dir, sha256).is_file()
