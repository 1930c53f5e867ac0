"""Enrollment of a station with its one-time code, and the station's own record."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from sync.protocol.models import EnrollReply, EnrollRequest, ErrorBody, ErrorCode

from ...core.signing import center_public_key, signing_key_path
from ...services.enroll_throttle import enroll_wait, lock_enrollment, record_enroll_failure, wait_text
from ...services.enrollment import enroll
from ...services.errors import ServiceError
from ..deps import CurrentStation, SessionDep, SettingsDep, check_client_protocol
from ..errors import http_error, too_many_attempts
from ..gzip_route import SmallBodyRoute

router = APIRouter(tags=["stations"], route_class=SmallBodyRoute, dependencies=[Depends(check_client_protocol)])


_REFUSALS: dict[int | str, dict[str, object]] = {status: {"model": ErrorBody} for status in (400, 413, 429)}


@router.post("/enroll", response_model=EnrollReply, responses=_REFUSALS)
def enroll_station(request: EnrollRequest, session: SessionDep, settings: SettingsDep, raw: Request) -> EnrollReply:
    """Exchange a one-time enrollment code for the station id and a bearer token (shown once).

    Wrong codes are throttled per address and per station code (``services.enroll_throttle``): 429 with
    ``Retry-After``, a correct code included while the wait lasts. The check, the try and the recording of
    a failure are one transaction that enrollments take in turns (``lock_enrollment``), so a burst of tries
    sent at the same instant is counted one by one instead of all passing the check before any failure
    is recorded.
    """
    address = raw.client.host if raw.client else ""
    failure: ServiceError | None = None
    with session.begin():
        lock_enrollment(session)
        wait = enroll_wait(session, settings.enroll_limits, address, request.station_code)
        if wait == 0:
            try:
                with session.begin_nested():
                    reply = enroll(session, request)
            except ServiceError as exc:
                failure = exc
                if exc.code == ErrorCode.ENROLL_FAILED:
                    record_enroll_failure(session, address, request.station_code, exc.message)
    if wait > 0:
        raise too_many_attempts(
            f"登记码错误次数过多，已暂停登记，请{wait_text(wait)}后再试（在此之前正确的登记码也不能使用）；"
            "如登记码有误，请向镇中心核对",
            wait,
        )
    if failure is not None:
        raise http_error(failure) from failure
    return reply.model_copy(update={"center_signing_key": center_public_key(signing_key_path(settings))})


@router.get("/stations/me")
def who_am_i(station: CurrentStation) -> dict[str, str]:
    return {"station_id": station.id, "station_code": station.code, "name": station.name}
