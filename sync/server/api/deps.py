"""Typed dependencies: a database session, the authenticated station, the protocol check."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session, sessionmaker

from sync.protocol.models import ErrorCode

from ..core.config import Settings
from ..services.enrollment import authenticate
from ..services.errors import ServiceError
from ..services.station_status import StatusReport, app_version_of
from ..services.versions import check_protocol, parse_version
from .errors import error, http_error

_bearer = HTTPBearer(auto_error=False)


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_db(request: Request) -> Iterator[Session]:
    factory: sessionmaker[Session] = request.app.state.sessions
    with factory() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_db)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


@dataclass(frozen=True)
class AuthStation:
    id: str
    code: str
    name: str


def get_current_station(
    session: SessionDep, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> AuthStation:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise HTTPException(
            401,
            detail={"code": ErrorCode.UNAUTHORIZED, "message": "缺少访问凭证，请先登记本站"},
            headers={"WWW-Authenticate": "Bearer"},
        )
    try:
        with session.begin():
            station = authenticate(session, credentials.credentials)
            return AuthStation(id=station.id, code=station.code, name=station.name)
    except ServiceError as exc:
        raise http_error(exc) from exc


def get_optional_token(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> str | None:
    """The bearer token when the request carries one (the handshake works with and without)."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        return None
    return credentials.credentials


OptionalToken = Annotated[str | None, Depends(get_optional_token)]


def check_client_protocol(settings: SettingsDep, x_protocol_version: Annotated[str | None, Header()] = None) -> None:
    """Refuse a client that announces an outdated protocol version (426) or one not written ``MAJOR.MINOR`` (400)."""
    if x_protocol_version is None:
        return
    if parse_version(x_protocol_version) is None:
        raise error(
            400,
            ErrorCode.INVALID_PROTOCOL_VERSION,
            f"无法识别客户端的通信协议版本“{x_protocol_version[:20]}”（应为“主版本.次版本”，如 1.1），请升级代办通",
            field="X-Protocol-Version",
        )
    refusal = check_protocol(x_protocol_version, settings.min_protocol_version)
    if refusal:
        raise error(426, ErrorCode.OUTDATED, refusal)


CurrentStation = Annotated[AuthStation, Depends(get_current_station)]


_MAX_SEQ = 2**31 - 1


def get_station_report(
    request: Request,
    x_station_last_seq: Annotated[int | None, Header(ge=0, le=_MAX_SEQ)] = None,
    x_station_pending_events: Annotated[int | None, Header(ge=0, le=_MAX_SEQ)] = None,
    x_station_pending_bytes: Annotated[int | None, Header(ge=0, le=2**53)] = None,
    x_app_version: Annotated[str | None, Header(min_length=1, max_length=40)] = None,
) -> StatusReport:
    """What a push or pull says about its station, for the stations page (``services.station_status``).

    All optional: the last seq of the station's log and what it has not yet sent (``X-Station-*``), the app
    version (``X-App-Version``, else ``User-Agent: daibantong/<version>``) and ``X-Protocol-Version``.
    A malformed ``X-Station-*`` or ``X-App-Version`` is refused (422 naming the header).
    """
    protocol = (request.headers.get("x-protocol-version") or "").strip()
    return StatusReport(
        app_version=app_version_of(request.headers.get("user-agent"), x_app_version),
        protocol_version=protocol if 0 < len(protocol) <= 20 else None,
        pending_events=x_station_pending_events,
        pending_bytes=x_station_pending_bytes,
        last_seq=x_station_last_seq,
    )


StationReport = Annotated[StatusReport, Depends(get_station_report)]
