"""Center staff: accounts (argon2 passwords through pwdlib), browser sessions with CSRF tokens, and the audit log.

Logging in, the lock after wrong passwords, and the director's resets live in ``staff_login``.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from sync.protocol.models import ErrorCode

from ..core.db import clock_of
from ..core.models import DEFAULT_TOWN_ID, TownRow
from ..core.security import hash_password, secret_hash
from ..core.staff_models import AuditRow, StaffRow, StaffSessionRow
from .errors import ServiceError
from .town_scope import ALL_TOWNS

DIRECTOR = "director"
WINDOW = "window"
SUPERVISOR = "supervisor"
#: The county center (县/区政务服务中心): sees every town, read-only (its account has no town).
COUNTY = "county"
ROLE_LABELS = {DIRECTOR: "主任", WINDOW: "窗口", SUPERVISOR: "督查", COUNTY: "县级中心"}
#: The roles of a town's own accounts (a director makes these).
TOWN_ROLES = (DIRECTOR, WINDOW, SUPERVISOR)
#: Who may decide cases (受理/补正/办结/退回) and close 差评 follow-ups.
DECIDERS = frozenset({DIRECTOR, WINDOW})
#: Who may see a full 身份证 number (each view audited).
FULL_ID_ROLES = frozenset({DIRECTOR, WINDOW})
#: Who may see what the stations did with personal data (代办站个人信息审计): those who oversee, not the windows.
STATION_AUDIT_ROLES = frozenset({DIRECTOR, SUPERVISOR, COUNTY})
SESSION_HOURS = 10
MIN_PASSWORD = 8


@dataclass(frozen=True)
class StaffUser:
    id: int
    username: str
    name: str
    role: str
    csrf_token: str
    #: The director made this account or reset its password: nothing but 修改密码 until it is changed.
    must_change_password: bool = False
    #: The town whose cases it sees (``services.town_scope``); None: every town (the county role).
    town_id: int | None = DEFAULT_TOWN_ID

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)

    @property
    def sees_station_audit(self) -> bool:
        return self.role in STATION_AUDIT_ROLES

    @property
    def is_county(self) -> bool:
        return self.role == COUNTY


def check_new_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise ServiceError(ErrorCode.INVALID_REQUEST, f"密码至少{MIN_PASSWORD}位", field="password")


def create_staff(
    session: Session,
    username: str,
    name: str,
    role: str,
    password: str,
    *,
    must_change: bool = False,
    town_id: int | None = DEFAULT_TOWN_ID,
) -> StaffRow:
    """A new account of ``town_id`` (a county account has none, whatever is given); ``must_change`` when
    someone other than its owner chose the password (the staff page)."""
    username, name = username.strip(), name.strip()
    if not username or not name:
        raise ServiceError(ErrorCode.INVALID_REQUEST, "请填写用户名和姓名", field="username")
    if role not in ROLE_LABELS:
        raise ServiceError(ErrorCode.INVALID_REQUEST, "角色应为主任、窗口或督查", field="role")
    if role != COUNTY and (town_id is None or session.get(TownRow, town_id) is None):
        raise ServiceError(ErrorCode.INVALID_REQUEST, "请选择账号所属的镇", field="town_id")
    check_new_password(password)
    taken = select(StaffRow).where(StaffRow.username == username).execution_options(**{ALL_TOWNS: True})
    if session.scalar(taken) is not None:
        raise ServiceError(ErrorCode.CONFLICT, f"用户名{username}已存在", field="username")
    row = StaffRow(
        username=username,
        name=name,
        role=role,
        password_hash=hash_password(password),
        created_at=clock_of(session).stamp(),
        failed_logins=0,
        must_change_password=must_change,
        town_id=None if role == COUNTY else town_id,
    )
    session.add(row)
    session.flush()
    return row


def session_user(session: Session, token: str) -> StaffUser | None:
    """The staff member behind a session cookie, or None if unknown/expired/deactivated."""
    if not token:
        return None
    found = session.get(StaffSessionRow, secret_hash(token))
    if found is None or found.expires_at < clock_of(session).stamp():
        return None
    staff = session.get(StaffRow, found.staff_id)
    if staff is None or not staff.active:
        return None
    return StaffUser(
        staff.id,
        staff.username,
        staff.name,
        staff.role,
        found.csrf_token,
        staff.must_change_password,
        None if staff.role == COUNTY else staff.town_id,
    )


def new_session(session: Session, staff: StaffRow) -> str:
    """A fresh browser session of ``staff``: the token for its cookie (the table keeps only its hash)."""
    token = secrets.token_urlsafe(32)
    now = clock_of(session).now()
    session.add(
        StaffSessionRow(
            token_hash=secret_hash(token),
            staff_id=staff.id,
            csrf_token=secrets.token_urlsafe(24),
            created_at=now.isoformat(timespec="milliseconds"),
            expires_at=(now + timedelta(hours=SESSION_HOURS)).isoformat(timespec="milliseconds"),
        )
    )
    return token


def end_sessions(session: Session, staff_id: int, *, keep_token: str = "") -> None:
    """Log ``staff_id`` out everywhere (but in the browser whose cookie is ``keep_token``)."""
    query = delete(StaffSessionRow).where(StaffSessionRow.staff_id == staff_id)
    if keep_token:
        query = query.where(StaffSessionRow.token_hash != secret_hash(keep_token))
    session.execute(query)


def logout(session: Session, token: str) -> None:
    session.execute(delete(StaffSessionRow).where(StaffSessionRow.token_hash == secret_hash(token)))


def audit(session: Session, username: str, action: str, target: str = "", detail: str = "", ip: str = "") -> None:
    session.add(
        AuditRow(
            at=clock_of(session).stamp(),
            username=username,
            action=action,
            target=target[:200],
            detail=detail[:1000],
            ip=ip[:64],
        )
    )


def audit_page(session: Session, limit: int = 200, offset: int = 0) -> list[AuditRow]:
    query = select(AuditRow).order_by(AuditRow.id.desc()).limit(limit).offset(offset)
    return list(session.scalars(query))


def deactivate_staff(session: Session, staff_id: int, by_username: str) -> StaffRow:
    """停用 an account: its sessions stop working at once (``session_user`` checks ``active``)."""
    row = session.get(StaffRow, staff_id, with_for_update=True)
    if row is None:
        raise ServiceError(ErrorCode.NOT_FOUND, "没有这个工作人员账号")
    if row.username == by_username:
        raise ServiceError(ErrorCode.CONFLICT, "不能停用自己的账号")
    row.active = False
    end_sessions(session, staff_id)
    return row
