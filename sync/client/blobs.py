"""Resumable, verified blob upload and download for ``SyncClient``."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

import requests
from pydantic import BaseModel

from sync.protocol.models import BlobStatus

from .errors import BadResponse, BlobMismatch, BlobOffset, ChainMismatch

M = TypeVar("M", bound=BaseModel)


class BlobRequester(Protocol):
    """What the blob calls need of ``sync.client.client.SyncClient``: named here, not imported, because that
    module imports this one (its blob methods delegate here) and the two must not import each other."""

    def request(
        self,
        method: str,
        path: str,
        *,
        data: bytes | None = None,
        headers: dict[str, str] | None = None,
        params: dict[str, Any] | None = None,
        allow_statuses: tuple[int, ...] = (),
    ) -> requests.Response: ...

    def parse(self, model: type[M], response: requests.Response) -> M: ...


DEFAULT_CHUNK = 256 * 1024  # ~30 s at 64 kbit/s: a cut link loses at most one chunk


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def blob_status(client: BlobRequester, sha256: str) -> BlobStatus | None:
    response = client.request("HEAD", f"/blobs/{sha256}", allow_statuses=(404,))
    if response.status_code == 404:
        return None
    try:
        return BlobStatus(
            sha256=sha256,
            size=int(response.headers["Upload-Length"]),
            received=int(response.headers["Upload-Offset"]),
            complete=response.headers.get("X-Blob-Complete") == "1",
        )
    except (KeyError, ValueError) as exc:
        raise BadResponse("镇中心服务器的回复无法识别（附件状态）") from exc


def upload_blob(
    client: BlobRequester,
    data: bytes,
    *,
    chunk_size: int = DEFAULT_CHUNK,
    on_progress: Callable[[int, int], None] | None = None,
) -> BlobStatus:
    """Upload ``data`` (addressed by its SHA-256) from where the center stopped; returns the final status."""
    sha256 = sha256_of(data)
    status = blob_status(client, sha256)
    if status is not None and status.complete:
        return status
    offset = status.received if status is not None and status.size == len(data) else 0
    restarted = False
    while True:
        chunk = data[offset : offset + chunk_size]
        try:
            response = client.request(
                "PUT",
                f"/blobs/{sha256}",
                data=chunk,
                params={"offset": offset, "total": len(data)},
                headers={"Content-Type": "application/octet-stream"},
            )
        except BlobOffset as exc:
            offset = exc.expected_offset
            continue
        except BlobMismatch:
            if restarted:
                raise
            restarted, offset = True, 0
            continue
        status = client.parse(BlobStatus, response)
        offset = status.received
        if on_progress is not None:
            on_progress(offset, len(data))
        if status.complete:
            return status


def fetch_blob(client: BlobRequester, sha256: str) -> bytes:
    content = client.request("GET", f"/blobs/{sha256}").content
    if sha256_of(content) != sha256:
        raise ChainMismatch("从镇中心下载的附件校验失败，请重试")
    return content
