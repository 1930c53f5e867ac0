"""A station release: which one the center offers, and its file downloaded in ranged reads that resume.

The download goes to ``<folder>/<sha256>.part``, one chunk after another (each appended and flushed);
a cut connection, a closed app or a power cut leaves the part file, and the next try asks the center for
the bytes after its end. When the size is reached the whole file is hashed: only a file whose SHA-256 is
the signed manifest's becomes ``<folder>/<sha256>.<suffix>``; any other is deleted and refused.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path

from sync.protocol.releases import RELEASE_CHUNK_BYTES, LatestRelease, ReleaseManifest, SignedRelease

from .blobs import BlobRequester
from .errors import BadResponse, ChainMismatch, ServerError

SUFFIX = {"windows": ".exe", "linux-deb": ".deb"}
WRONG_HASH = "下载的新版本安装文件与镇中心签发的校验值不符，已删除，下次同步时重新下载"


def latest_release(client: BlobRequester, platform: str) -> SignedRelease | None:
    """The newest release of ``platform`` the center offers; None when none, or from a center before releases."""
    response = client.request("GET", "/releases/latest", params={"platform": platform}, allow_statuses=(404,))
    if response.status_code == 404:
        return None
    return client.parse(LatestRelease, response).release


def release_path(folder: Path, manifest: ReleaseManifest) -> Path:
    return folder / f"{manifest.sha256}{SUFFIX.get(manifest.platform, '.bin')}"


def part_path(folder: Path, manifest: ReleaseManifest) -> Path:
    return folder / f"{manifest.sha256}.part"


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while chunk := source.read(RELEASE_CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def download_release(
    client: BlobRequester,
    manifest: ReleaseManifest,
    folder: Path,
    *,
    chunk_size: int = RELEASE_CHUNK_BYTES,
    on_progress: Callable[[int, int], None] | None = None,
) -> Path:
    """The verified release file in ``folder``, downloaded from where an earlier try stopped."""
    done = release_path(folder, manifest)
    if done.exists():
        return done
    folder.mkdir(parents=True, exist_ok=True)
    part = part_path(folder, manifest)
    if part.exists() and part.stat().st_size > manifest.size:
        part.unlink()
    with part.open("ab") as out:
        offset = out.tell()
        while offset < manifest.size:
            response = client.request(
                "GET",
                f"/releases/{manifest.sha256}/file",
                params={"offset": offset, "limit": min(chunk_size, manifest.size - offset)},
            )
            data = response.content
            if response.headers.get("Upload-Length") != str(manifest.size):
                raise BadResponse("镇中心的安装文件大小与签发的不符，请联系镇中心")
            if not data:
                raise ServerError("镇中心没有返回安装文件的内容，请稍后重试")
            out.write(data[: manifest.size - offset])
            out.flush()
            os.fsync(out.fileno())
            offset += min(len(data), manifest.size - offset)
            if on_progress is not None:
                on_progress(offset, manifest.size)
    if _sha256_of(part) != manifest.sha256:
        part.unlink()
        raise ChainMismatch(WRONG_HASH)
    os.replace(part, done)
    return done
