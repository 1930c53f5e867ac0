"""Enrollment of a station with its one-time code, and the station's own record."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from sync.protocol.models import EnrollReply, EnrollRequest, ErrorBody

from ...services.enrollment import enroll
from ...services.errors import ServiceError
from ..deps import CurrentStation, SessionDep, check_client_protocol
from ..errors import http_error
from ..gzip_route import SmallBodyRoute

router = APIRouter(tags=["stations"], route_class=SmallBodyRoute, dependencies=[Depends(check_client_protocol)])


@router.post("/enroll", response_model=EnrollReply, responses={400: {"model": ErrorBody}, 413: {"model": ErrorBody}})
def enroll_station(request: EnrollRequest, session: SessionDep) -> EnrollReply:
    """Exchange a one-time enrollment code for the station id and a bearer token (shown once)."""
    try:
        with session.begin():
            return enroll(session, request)
    except ServiceError as exc:
        raise http_error(exc) from exc


@router.get("/stations/me")
def who_am_i(station: CurrentStation) -> dict[str, str]:
    return {"station_id": station.id, "station_code": station.code, "name": station.name}
