"""Enrollment codes, station tokens, authentication and revocation."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync.protocol.models import EnrollReply, EnrollRequest, ErrorCode

from ..core.db import clock_of
from ..core.models import DEFAULT_TOWN_ID, EnrollmentCodeRow, StationRow, TokenRow, TownRow
from ..core.security import new_enrollment_code, new_token, normalize_code, secret_hash
from .errors import ServiceError
from .reference_docs import lock_publications, send_published_documents
from .signing_keys import forget_station_key
from .town_scope import ALL_TOWNS


def issue_code(
    session: Session, station_code: str, name: str, *, valid_days: int = 7, town_id: int = DEFAULT_TOWN_ID
) -> str:
    """A new one-time enrollment code for the station ``station_code`` of ``town_id`` (the station enrolls
    under that town); shown once, stored as a hash. Station codes are unique in the whole deployment."""
    station_code = station_code.strip()
    name = name.strip()
    if not station_code or not name:
        raise ServiceError(ErrorCode.INVALID_REQUEST, "请填写代办站编码和名称", field="station_code")
    if session.get(TownRow, town_id) is None:
        listing = "python -m sync.server list-towns 可列出各镇"
        raise ServiceError(ErrorCode.NOT_FOUND, f"没有编号为{town_id}的镇（{listing}）")
    any_town = select(StationRow).where(StationRow.code == station_code).execution_options(**{ALL_TOWNS: True})
    existing = session.scalar(any_town)
    if existing is not None and existing.town_id != town_id:
        raise ServiceError(
            ErrorCode.CONFLICT, f"代办站编码{station_code}已被另一个镇的代办站使用，请换一个编码", field="station_code"
        )
    if existing is not None and existing.revoked_at is None:
        raise ServiceError(
            ErrorCode.CONFLICT, f"代办站{station_code}已登记，如需重新登记请先停用原登记", field="station_code"
        )
    code = new_enrollment_code()
    now = clock_of(session).now()
    session.add(
        EnrollmentCodeRow(
            code_hash=secret_hash(normalize_code(code)),
            station_code=station_code,
            name=name,
            created_at=now.isoformat(timespec="milliseconds"),
            expires_at=(now + timedelta(days=valid_days)).isoformat(timespec="milliseconds"),
            town_id=town_id,
        )
    )
    return code


def enroll(session: Session, request: EnrollRequest) -> EnrollReply:
    """Use a code once: create (or re-enroll) the station and give it a fresh token."""
    lock_publications(session)  # before the station row: see lock_publications
    row = session.get(EnrollmentCodeRow, secret_hash(normalize_code(request.code)), with_for_update=True)
    now = clock_of(session).stamp()
    if row is None or row.used_at is not None or row.expires_at < now:
        raise ServiceError(ErrorCode.ENROLL_FAILED, "登记码无效、已使用或已过期，请向镇中心重新索取", field="code")
    if request.station_code and request.station_code.strip() != row.station_code:
        raise ServiceError(
            ErrorCode.ENROLL_FAILED,
            f"此登记码是为代办站{row.station_code}签发的，本站编码为{request.station_code}",
            field="station_code",
        )
    station = session.scalar(select(StationRow).where(StationRow.code == row.station_code))
    station_id = request.station_id or (station.id if station else str(uuid.uuid4()))
    if station is not None and station.id != station_id:
        raise ServiceError(
            ErrorCode.ENROLL_FAILED, f"代办站{row.station_code}已用另一台电脑登记，请联系镇中心", field="station_id"
        )
    if station is None:
        if session.get(StationRow, station_id) is not None:
            raise ServiceError(ErrorCode.ENROLL_FAILED, "本站标识已被其他代办站使用，请联系镇中心", field="station_id")
        station = StationRow(id=station_id, code=row.station_code, name=row.name, enrolled_at=now, town_id=row.town_id)
        session.add(station)
    else:  # re-enrollment of a revoked station: its old tokens stay revoked
        station.name = row.name
        station.revoked_at = None
        station.revoked_reason = ""
    if request.app_version:
        station.app_version = request.app_version
    forget_station_key(station)  # a new installation: it registers its own key at its next handshake
    row.used_at = now
    row.station_id = station_id
    token = new_token()
    session.flush()
    session.add(TokenRow(token_hash=secret_hash(token), station_id=station_id, created_at=now))
    # what was published (for every town, and for its own) before it joined: its first pull
    send_published_documents(session, station_id, station.town_id)
    return EnrollReply(station_id=station_id, station_code=station.code, name=station.name, token=token)


def authenticate(session: Session, token: str) -> StationRow:
    """The station owning ``token``; refuse unknown, revoked tokens and revoked stations."""
    row = session.get(TokenRow, secret_hash(token))
    if row is None:
        raise ServiceError(ErrorCode.UNAUTHORIZED, "身份验证失败，请重新登记本站")
    station = session.get(StationRow, row.station_id)
    if station is not None and station.revoked_at is not None:
        reason = f"（{station.revoked_reason}）" if station.revoked_reason else ""
        raise ServiceError(ErrorCode.REVOKED, f"本站已被镇中心停用{reason}，请联系镇中心")
    if station is None or row.revoked_at is not None:
        raise ServiceError(ErrorCode.UNAUTHORIZED, "本站的访问凭证已失效，请向镇中心索取新的登记码")
    return station


def revoke_station(session: Session, station_id: str, reason: str = "") -> None:
    """Stop a station: its tokens no longer work; its data stays."""
    station = session.get(StationRow, station_id, with_for_update=True)
    if station is None:
        raise ServiceError(ErrorCode.NOT_FOUND, "没有这个代办站")
    now = clock_of(session).stamp()
    station.revoked_at = now
    station.revoked_reason = reason.strip()[:200]
    for token in session.scalars(select(TokenRow).where(TokenRow.station_id == station_id)):
        if token.revoked_at is None:
            token.revoked_at = now
