"""Center staff: accounts (scrypt-hashed passwords), browser sessions with CSRF tokens, and the audit log."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from sync.protocol.models import ErrorCode

from ..core.db import clock_of
from ..core.security import secret_hash
from ..core.staff_models import AuditRow, StaffRow, StaffSessionRow
from .errors import ServiceError

DIRECTOR = "director"
WINDOW = "window"
SUPERVISOR = "supervisor"
ROLE_LABELS = {DIRECTOR: "主任", WINDOW: "窗口", SUPERVISOR: "督查"}
#: Who may decide cases (受理/补正/办结/退回) and close 差评 follow-ups.
DECIDERS = frozenset({DIRECTOR, WINDOW})
#: Who may see a full 身份证 number (each view audited).
FULL_ID_ROLES = frozenset({DIRECTOR, WINDOW})
#: Who may see what the stations did with personal data (代办站个人信息审计): those who oversee, not the windows.
STATION_AUDIT_ROLES = frozenset({DIRECTOR, SUPERVISOR})
SESSION_HOURS = 10
#: Audit action of a failed login; MAX_FAILURES of them within LOCKOUT_MINUTES lock the username.
LOGIN_FAILED = "登录失败"
MAX_FAILURES = 5
LOCKOUT_MINUTES = 15
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


@dataclass(frozen=True)
class StaffUser:
    id: int
    username: str
    name: str
    role: str
    csrf_token: str

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)

    @property
    def sees_station_audit(self) -> bool:
        return self.role in STATION_AUDIT_ROLES


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, dklen=32, **_SCRYPT)
    return "scrypt$" + base64.b64encode(salt).decode() + "$" + base64.b64encode(digest).decode()


def verify_password(password: str, stored: str) -> bool:
    try:
        _scheme, salt_b64, digest_b64 = stored.split("$")
        salt, expected = base64.b64decode(salt_b64), base64.b64decode(digest_b64)
    except ValueError:
        return False
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, dklen=len(expected), **_SCRYPT)
    return hmac.compare_digest(digest, expected)


def create_staff(session: Session, username: str, name: str, role: str, password: str) -> StaffRow:
    username, name = username.strip(), name.strip()
    if not username or not name:
        raise ServiceError(ErrorCode.INVALID_REQUEST, "请填写用户名和姓名", field="username")
    if role not in ROLE_LABELS:
        raise ServiceError(ErrorCode.INVALID_REQUEST, "角色应为主任、窗口或督查", field="role")
    if len(password) < 8:
        raise ServiceError(ErrorCode.INVALID_REQUEST, "密码至少8位", field="password")
    if session.scalar(select(StaffRow).where(StaffRow.username == username)) is not None:
        raise ServiceError(ErrorCode.CONFLICT, f"用户名{username}已存在", field="username")
    row = StaffRow(
        username=username,
        name=name,
        role=role,
        password_hash=hash_password(password),
        created_at=clock_of(session).stamp(),
    )
    session.add(row)
    session.flush()
    return row


def list_staff(session: Session) -> list[StaffRow]:
    return list(session.scalars(select(StaffRow).order_by(StaffRow.id)))


def _recent_failures(session: Session, username: str) -> int:
    since = (clock_of(session).now() - timedelta(minutes=LOCKOUT_MINUTES)).isoformat(timespec="milliseconds")
    query = (
        select(func.count())
        .select_from(AuditRow)
        .where(AuditRow.username == username, AuditRow.action == LOGIN_FAILED, AuditRow.at >= since)
    )
    return session.scalar(query) or 0


def login(session: Session, username: str, password: str) -> tuple[str, StaffRow]:
    """A new session token (for the cookie) for valid credentials; refused after repeated failures."""
    if _recent_failures(session, username.strip()[:64]) >= MAX_FAILURES:
        raise ServiceError(
            ErrorCode.FORBIDDEN, f"登录失败次数过多，请{LOCKOUT_MINUTES}分钟后再试或联系中心主任", field="password"
        )
    row = session.scalar(select(StaffRow).where(StaffRow.username == username.strip()))
    if row is None or not row.active or not verify_password(password, row.password_hash):
        raise ServiceError(ErrorCode.UNAUTHORIZED, "用户名或密码不正确", field="password")
    token = secrets.token_urlsafe(32)
    now = clock_of(session).now()
    session.add(
        StaffSessionRow(
            token_hash=secret_hash(token),
            staff_id=row.id,
            csrf_token=secrets.token_urlsafe(24),
            created_at=now.isoformat(timespec="milliseconds"),
            expires_at=(now + timedelta(hours=SESSION_HOURS)).isoformat(timespec="milliseconds"),
        )
    )
    return token, row


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
    return StaffUser(staff.id, staff.username, staff.name, staff.role, found.csrf_token)


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
    session.execute(delete(StaffSessionRow).where(StaffSessionRow.staff_id == staff_id))
    return row
