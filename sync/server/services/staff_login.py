"""Logging in and keeping passwords: the lock after wrong passwords, changing one's own password, and
what the director does for a colleague (reset the password, lift the lock, reactivate the account).

The lock. Each wrong password for an account adds one to ``StaffRow.failed_logins`` (the count starts
again when the previous wrong one is older than ``LoginLimits.lock_time``); the ``max_failures``-th sets
``locked_until`` = now + lock time, and until then even the right password is refused, with a message
saying until when. A name that is no account is throttled the same way from the audit log (its
``登录失败`` rows), so that the lock message never tells which usernames exist.

Old ``scrypt$`` hashes still log in; the login that proves one stores an argon2 hash in its place.

Callers open the transaction; the failure is recorded in a transaction of its own after the refused
one (``record_failed_login``), so that the refusal does not roll it back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sync.domain.clock import beijing, stamp
from sync.protocol.models import ErrorCode

from ..core.config import LoginLimits
from ..core.db import clock_of
from ..core.security import hash_password, new_one_time_password, verify_password
from ..core.staff_models import AuditRow, StaffRow
from .errors import ServiceError
from .staff import ROLE_LABELS, check_new_password, end_sessions, new_session

#: Audit action of a wrong password (or a name that is no account).
LOGIN_FAILED = "登录失败"
#: Audit action of a login refused because the account is locked.
LOGIN_LOCKED = "登录被拒（账号已锁定）"
WRONG = "用户名或密码不正确"
#: Verified when the name is no account, so that both answers take as long as argon2 does.
_DUMMY_HASH = hash_password("no such account")


@dataclass(frozen=True)
class StaffAccount:
    """One row of the 工作人员账号 page."""

    id: int
    username: str
    name: str
    role_label: str
    created_at: str
    active: bool
    #: ISO-8601 UTC end of a lock in force, else "".
    locked_until: str
    must_change_password: bool


class LockedOut(ServiceError):
    """Too many wrong passwords: refused until ``until``."""

    def __init__(self, until: datetime, now: datetime) -> None:
        super().__init__(ErrorCode.FORBIDDEN, lock_message(until, now), field="password")
        self.until = until


def lock_message(until: datetime, now: datetime) -> str:
    end = beijing(until)
    when = f"{end:%H:%M}" if end.date() == beijing(now).date() else f"{end.month}月{end.day}日 {end:%H:%M}"
    return f"密码错误次数过多，账号已锁定至{when}（北京时间）。请到时再试，或请中心主任解除锁定"


def _lock_of(row: StaffRow, now: datetime) -> datetime | None:
    if row.locked_until and row.locked_until > stamp(now):
        return datetime.fromisoformat(row.locked_until)
    return None


def _name_lock(session: Session, username: str, limits: LoginLimits, now: datetime) -> datetime | None:
    """The lock of a name that is no account: ``max_failures`` wrong tries within the lock time."""
    since = stamp(now - limits.lock_time)
    recent = (AuditRow.username == username, AuditRow.action == LOGIN_FAILED, AuditRow.at >= since)
    count = session.scalar(select(func.count()).select_from(AuditRow).where(*recent)) or 0
    if count < limits.max_failures:
        return None
    last = session.scalar(select(func.max(AuditRow.at)).where(*recent))
    return datetime.fromisoformat(last) + limits.lock_time if last else None


def login(session: Session, username: str, password: str, limits: LoginLimits) -> tuple[str, StaffRow]:
    """A new session token (for the cookie) for the right password of an active, unlocked account.

    Raises ``LockedOut`` while locked, else ``ServiceError`` (UNAUTHORIZED) for a wrong password;
    then call ``record_failed_login`` in a new transaction."""
    now = clock_of(session).now()
    name = username.strip()[:64]
    row = session.scalar(select(StaffRow).where(StaffRow.username == name).with_for_update())
    if row is None:
        verify_password(password, _DUMMY_HASH)
        until = _name_lock(session, name, limits, now)
        if until is not None and until > now:
            raise LockedOut(until, now)
        raise ServiceError(ErrorCode.UNAUTHORIZED, WRONG, field="password")
    until = _lock_of(row, now)
    if until is not None:
        raise LockedOut(until, now)
    valid, upgraded = verify_password(password, row.password_hash)
    if not valid:
        raise ServiceError(ErrorCode.UNAUTHORIZED, WRONG, field="password")
    if not row.active:
        raise ServiceError(ErrorCode.FORBIDDEN, "这个账号已停用，请联系中心主任", field="username")
    if upgraded:
        row.password_hash = upgraded
    row.failed_logins, row.last_failed_at, row.locked_until = 0, None, None
    return new_session(session, row), row


def record_failed_login(session: Session, username: str, limits: LoginLimits) -> datetime | None:
    """Count a wrong password for ``username``; the end of the lock if this one locked it."""
    now = clock_of(session).now()
    name = username.strip()[:64]
    row = session.scalar(select(StaffRow).where(StaffRow.username == name).with_for_update())
    if row is None:
        session.flush()  # the caller's 登录失败 audit row counts too
        return _name_lock(session, name, limits, now)
    if row.last_failed_at is None or row.last_failed_at < stamp(now - limits.lock_time):
        row.failed_logins = 0
    row.failed_logins += 1
    row.last_failed_at = stamp(now)
    if row.failed_logins < limits.max_failures:
        return None
    until = now + limits.lock_time
    row.failed_logins, row.locked_until = 0, stamp(until)
    return until


def change_password(session: Session, staff_id: int, old: str, new: str, again: str, keep_token: str) -> None:
    """The owner changes their password (knowing the old one); their other browsers are logged out."""
    row = session.get(StaffRow, staff_id, with_for_update=True)
    if row is None or not row.active:
        raise ServiceError(ErrorCode.NOT_FOUND, "没有这个工作人员账号")
    if not verify_password(old, row.password_hash)[0]:
        raise ServiceError(ErrorCode.INVALID_REQUEST, "原密码不正确", field="old_password")
    check_new_password(new)
    if new != again:
        raise ServiceError(ErrorCode.INVALID_REQUEST, "两次输入的新密码不一致", field="again")
    if new == old:
        raise ServiceError(ErrorCode.INVALID_REQUEST, "新密码不能与原密码相同", field="password")
    row.password_hash = hash_password(new)
    row.must_change_password = False
    end_sessions(session, staff_id, keep_token=keep_token)


def _other_account(session: Session, staff_id: int, by_username: str, what: str) -> StaffRow:
    row = session.get(StaffRow, staff_id, with_for_update=True)
    if row is None:
        raise ServiceError(ErrorCode.NOT_FOUND, "没有这个工作人员账号")
    if row.username == by_username:
        raise ServiceError(ErrorCode.CONFLICT, f"不能{what}自己的账号")
    return row


def reset_password(session: Session, staff_id: int, by_username: str) -> tuple[StaffRow, str]:
    """The director gives a colleague a one-time password (returned, shown once, stored only hashed).

    The account must change it at its next login; its sessions end and its lock is lifted."""
    row = _other_account(session, staff_id, by_username, "重置")
    password = new_one_time_password()
    row.password_hash = hash_password(password)
    row.must_change_password = True
    row.failed_logins, row.last_failed_at, row.locked_until = 0, None, None
    end_sessions(session, staff_id)
    return row, password


def unlock_staff(session: Session, staff_id: int) -> StaffRow:
    """解除锁定: the account may log in again at once (its count of wrong passwords starts again)."""
    row = session.get(StaffRow, staff_id, with_for_update=True)
    if row is None:
        raise ServiceError(ErrorCode.NOT_FOUND, "没有这个工作人员账号")
    row.failed_logins, row.last_failed_at, row.locked_until = 0, None, None
    return row


def activate_staff(session: Session, staff_id: int, by_username: str) -> StaffRow:
    """重新启用 a deactivated account (with its old password, unlocked)."""
    row = _other_account(session, staff_id, by_username, "启用")
    if row.active:
        raise ServiceError(ErrorCode.CONFLICT, f"账号{row.username}没有停用")
    row.active = True
    row.failed_logins, row.last_failed_at, row.locked_until = 0, None, None
    return row


def list_accounts(session: Session) -> list[StaffAccount]:
    now = clock_of(session).now()
    rows = session.scalars(select(StaffRow).order_by(StaffRow.id))
    return [
        StaffAccount(
            id=r.id,
            username=r.username,
            name=r.name,
            role_label=ROLE_LABELS.get(r.role, r.role),
            created_at=r.created_at,
            active=r.active,
            locked_until=r.locked_until or "" if _lock_of(r, now) else "",
            must_change_password=r.must_change_password,
        )
        for r in rows
    ]
