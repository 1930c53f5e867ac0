"""Station releases: ``GET /api/v1/releases/latest?platform=`` and ``GET /api/v1/releases/{sha256}/file?offset=``
(``sync.protocol.releases``). Only enrolled stations ask; the file comes in ranged reads (resumable)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from sync.domain.releases import PLATFORMS
from sync.protocol.models import ErrorBody, ErrorCode
from sync.protocol.releases import RELEASE_CHUNK_BYTES, LatestRelease

from ...services.blobs import check_address
from ...services.errors import ServiceError
from ...services.releases import latest_release, read_release
from ..deps import CurrentStation, SessionDep, check_client_protocol
from ..errors import error, http_error

router = APIRouter(prefix="/releases", tags=["releases"], dependencies=[Depends(check_client_protocol)])

_REFUSALS: dict[int | str, dict[str, object]] = {code: {"model": ErrorBody} for code in (401, 403, 404, 422)}


@router.get("/latest", response_model=LatestRelease, responses=_REFUSALS)
def latest(
    station: CurrentStation, session: SessionDep, platform: Annotated[str, Query(max_length=16)]
) -> LatestRelease:
    """The newest release of ``platform`` with the center's signature of its manifest (``release`` null if none,
    as for a platform this center does not know: a newer station's, or garbage that must never reach the query)."""
    if platform not in PLATFORMS:
        return LatestRelease(release=None)
    with session.begin():
        return LatestRelease(release=latest_release(session, platform))


@router.get("/{sha256}/file", responses=_REFUSALS)
def release_file(
    sha256: str,
    station: CurrentStation,
    session: SessionDep,
    offset: Annotated[int, Query(ge=0, le=2**40)] = 0,
    limit: Annotated[int, Query(ge=1, le=RELEASE_CHUNK_BYTES)] = RELEASE_CHUNK_BYTES,
) -> Response:
    """Up to ``limit`` bytes of the file from ``offset``; ``Upload-Length`` is its whole size."""
    try:
        check_address(sha256)
        with session.begin():
            data, size = read_release(session, sha256, offset, limit)
    except ServiceError as exc:
        raise http_error(exc) from exc
    if not data and offset < size:
        raise error(404, ErrorCode.NOT_FOUND, "镇中心的安装文件不完整，请联系镇中心重新发布")
    return Response(data, media_type="application/octet-stream", headers={"Upload-Length": str(size)})
