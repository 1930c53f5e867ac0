"""Local clerk accounts: create, log in, switch user, deactivate.

The logged-in clerk is kept with the station identity, so every event the
services append carries that clerk as its actor. A wrong password and an
unknown user get the same message (and cost the same time). On a PC without
a keyring the login's password also opens the data key and, with it, the sync
credential (``credential_store``): one password, one prompt.
"""

from __future__ import annotations

from sqlalchemy import func, select

from desktop.store import settings
from desktop.store.models import ClerkRow
from sync.client.errors import WrongPassword
from sync.domain.errors import DomainError, ValidationError

from . import clerk_identity
from .accounts_store import new_account, validate_username
from .casework.records import ClerkInfo
from .context import ServiceContext, SessionClerk
from .safety import credential_store, data_key
from .safety.passwords import DUMMY_HASH, hash_password, validate_password, verify_password

LOGIN_FAILED = "登录名或密码不正确"
UNLOCK_FAILED = "密码不正确，同步凭证仍未解锁。请输入当前登录的代办员的密码"
LEGACY_PASSWORD = "本机的同步凭证是用当初连接镇中心的代办员的密码加密的，请输入那位代办员的密码"


def clerk_info(row: ClerkRow) -> ClerkInfo:
    return ClerkInfo(
        username=row.username,
        display_name=row.display_name,
        active=row.active,
        id_masked=row.id_number_masked or "",
        phone_masked=row.phone_masked or "",
    )


def has_accounts(ctx: ServiceContext) -> bool:
    with ctx.db.reading() as session:
        return bool(session.scalar(select(func.count()).select_from(ClerkRow)))


def list_clerks(ctx: ServiceContext) -> list[ClerkInfo]:
    with ctx.db.reading() as session:
        return [clerk_info(r) for r in session.scalars(select(ClerkRow).order_by(ClerkRow.username))]


def create_clerk(
    ctx: ServiceContext, username: str, display_name: str, password: str, id_number: str = "", phone: str = ""
) -> ClerkInfo:
    """A new account with its copy of the data key (and its 身份证 number and phone sealed, if given).

    The numbers need the data key open (a clerk logged in); the first clerk's are stored after the first
    login (``clerk_identity.set_identity``), when the key exists.
    """
    row = new_account(username, display_name, password, ctx.clock.stamp())
    identity = clerk_identity.checked(ctx, id_number, phone)
    with ctx.db.transaction() as session:
        if session.get(ClerkRow, row.username) is not None:
            raise ValidationError("username", f"登录名“{row.username}”已被使用")
        session.add(row)
        clerk_identity.store(session, row, identity)
        data_key.add_copy(session, ctx.db.key_slot, row.username, password)
    return clerk_info(row)


def login(ctx: ServiceContext, username: str, password: str) -> ClerkInfo:
    """Check the password and make this clerk the actor of every later event (also: switch user).

    The password also opens the station's data key where no keyring holds it (``data_key``), and then the
    sync credential kept on this PC (``credential_store.unlock_at_login``).
    """
    try:
        name = validate_username(username)
    except ValidationError:
        name = ""
    with ctx.db.transaction() as session:
        row = session.get(ClerkRow, name) if name else None
        ok = verify_password(password, row.password_hash if row else DUMMY_HASH)
        if row is None or not ok:
            raise DomainError(LOGIN_FAILED)
        if not row.active:
            raise DomainError("该账号已停用，请联系站内其他代办员或镇中心")
        station = settings.get(session, settings.STATION) or {}
        if not station:
            raise DomainError("代办站尚未设置，请先完成首次设置")
        unlocked = data_key.unlock_with_password(session, ctx.db.key_slot, row.username, password)
        settings.put(session, settings.LAST_CLERK, {"username": row.username, "display_name": row.display_name})
        info = clerk_info(row)
    ctx.clerk = SessionClerk(info.username, info.display_name)  # memory only: the session's actor
    data_key.after_unlock(ctx.db, unlocked)
    credential_store.unlock_at_login(ctx, str(station.get("station_id", "")), password)
    return info


def unlock_sync(ctx: ServiceContext, password: str) -> None:
    """解锁同步凭证 when a sync or a transfer file needs it: the logged-in clerk's password opens it, as at login.

    A wrong password changes nothing and says so in Chinese. The password an earlier release encrypted the
    credential with (the clerk who connected) opens it too.
    """
    with ctx.db.reading() as session:
        station = settings.get(session, settings.STATION) or {}
        row = session.get(ClerkRow, ctx.clerk.username) if ctx.clerk is not None else None
        ok = verify_password(password, row.password_hash if row else DUMMY_HASH)
    station_id = str(station.get("station_id", ""))
    if row is not None and ok:
        login(ctx, row.username, password)
        if ctx.unlocked_token:
            return
        try:
            credential_store.unlock(ctx, station_id, password)
        except WrongPassword:
            raise DomainError(LEGACY_PASSWORD) from None
        return
    if not credential_store.unlock_with_earlier_password(ctx, station_id, password):
        raise DomainError(UNLOCK_FAILED)


switch_user = login


def current_clerk(ctx: ServiceContext) -> ClerkInfo | None:
    """The account logged in for this session (None before a login)."""
    if ctx.clerk is None:
        return None
    with ctx.db.reading() as session:
        row = session.get(ClerkRow, ctx.clerk.username)
        return clerk_info(row) if row else None


def last_username(ctx: ServiceContext) -> str:
    """Who logged in last on this PC, to prefill the login (a station from an earlier release kept that
    clerk in its station settings)."""
    with ctx.db.reading() as session:
        last = settings.get(session, settings.LAST_CLERK) or settings.get(session, settings.STATION) or {}
    return str(last.get("username", ""))


def set_active(ctx: ServiceContext, username: str, active: bool) -> ClerkInfo:
    """Deactivate or reactivate an account; the last active account and the current one stay active."""
    with ctx.db.transaction() as session:
        row = session.get(ClerkRow, username)
        if row is None:
            raise DomainError("没有这个代办员账号")
        if not active:
            if ctx.clerk is not None and ctx.clerk.username == username:
                raise DomainError("不能停用当前登录的账号")
            others = session.scalar(
                select(func.count()).select_from(ClerkRow).where(ClerkRow.active, ClerkRow.username != username)
            )
            if not others:
                raise DomainError("至少需要保留一个可用的代办员账号")
        row.active = active
        return clerk_info(row)


def change_password(ctx: ServiceContext, username: str, old_password: str, new_password: str) -> None:
    validate_password(new_password, field="new_password")
    with ctx.db.transaction() as session:
        row = session.get(ClerkRow, username)
        if row is None or not verify_password(old_password, row.password_hash):
            raise ValidationError("old_password", "原密码不正确")
        row.password_hash = hash_password(new_password)
        data_key.rewrap(session, ctx.db.key_slot, username, old_password, new_password)
