"""Blobs of the station: ``HEAD``/``PUT``/``GET /api/v1/blobs/{sha256}`` (resumable, verified)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Depends, Query, Response

from sync.protocol.models import MAX_BLOB_CHUNK_BYTES, BlobStatus, ErrorBody, ErrorCode

from ...services.blobs import blob_status, put_chunk, read_blob
from ...services.errors import ServiceError
from ..deps import CurrentStation, SessionDep, SettingsDep, check_client_protocol
from ..errors import error, http_error
from ..gzip_route import GzipRoute

router = APIRouter(
    prefix="/blobs", tags=["blobs"], route_class=GzipRoute, dependencies=[Depends(check_client_protocol)]
)

_REFUSALS: dict[int | str, dict[str, object]] = {code: {"model": ErrorBody} for code in (401, 403, 404, 409, 413, 422)}


def _headers(status: BlobStatus) -> dict[str, str]:
    return {
        "Upload-Offset": str(status.received),
        "Upload-Length": str(status.size),
        "X-Blob-Complete": "1" if status.complete else "0",
    }


@router.head("/{sha256}", responses=_REFUSALS)
def head_blob(sha256: str, station: CurrentStation, session: SessionDep) -> Response:
    """What the center holds: ``Upload-Offset`` (bytes received), ``Upload-Length``, ``X-Blob-Complete``."""
    try:
        with session.begin():
            status = blob_status(session, station.id, sha256)
    except ServiceError as exc:
        raise http_error(exc) from exc
    if status is None:
        raise error(404, ErrorCode.NOT_FOUND, "镇中心没有这个附件")
    return Response(status_code=200, headers=_headers(status))


@router.put("/{sha256}", response_model=BlobStatus, responses=_REFUSALS)
def put_blob_chunk(
    sha256: str,
    station: CurrentStation,
    session: SessionDep,
    data: Annotated[bytes, Body(media_type="application/octet-stream")],
    offset: Annotated[int, Query(ge=0)],
    total: Annotated[int, Query(ge=0)],
    settings: SettingsDep,
) -> BlobStatus:
    """Store the chunk ``data`` at ``offset`` of a blob of ``total`` bytes; verified when complete."""
    if len(data) > MAX_BLOB_CHUNK_BYTES:
        raise error(413, ErrorCode.TOO_LARGE, f"每次最多上传{MAX_BLOB_CHUNK_BYTES // 1024}KB，请分块上传")
    try:
        with session.begin():
            return put_chunk(session, station.id, sha256, offset, total, data, settings.blob_limits)
    except ServiceError as exc:
        raise http_error(exc) from exc


@router.get("/{sha256}", responses=_REFUSALS)
def get_blob(sha256: str, station: CurrentStation, session: SessionDep) -> Response:
    try:
        with session.begin():
            content = read_blob(session, station.id, sha256)
    except ServiceError as exc:
        raise http_error(exc) from exc
    return Response(content, media_type="application/octet-stream")
