"""代办站设置: the first clerk's setup, passwords, resets and the station's recovery code.

The station's data key is wrapped once per clerk password (``data_key``), so a
password is never simply replaced: every new password gets its own wrapped
copy of the key, made from a key already open. For a clerk's own change the
old password opens it; for a forgotten password the **recovery code** does.

The recovery code (24 digits, shown once at setup and whenever a new one is
made) wraps one more copy of the key. It is written on paper and kept in two
places: the station's cabinet and, in a sealed envelope, the town center
(镇为民服务中心) — that is how the town center helps a station whose clerks
have all forgotten their passwords: it hands back the envelope. The center
never holds the key or the code electronically, so no server can open a
station's personal data. A reset with the code keeps every case, signature and
the sync credential (sealed with the same key) readable.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from desktop.store.crypto import DataKeyWrong, DataLocked
from desktop.store.models import ClerkRow
from sync.domain.errors import DomainError, ValidationError
from sync.domain.validation import normalize_digits

from . import accounts, clerk_identity
from .accounts_store import validate_username
from .casework.records import ClerkInfo
from .context import ServiceContext
from .safety import data_key
from .safety.passwords import hash_password, validate_password

CODE_DIGITS = 24
WRONG_CODE = "恢复码不正确，请核对纸上抄写的恢复码（24位数字）"
NO_CODE = "本站还没有设置恢复码，无法用恢复码重设密码。请用本站其他代办员账号登录，在“代办站设置”中生成恢复码"


@dataclass(frozen=True)
class FirstClerk:
    clerk: ClerkInfo
    recovery_code: str


def format_code(digits: str) -> str:
    """``1234-5678-…``: six groups of four, as printed and typed."""
    return "-".join(digits[i : i + 4] for i in range(0, len(digits), 4))


def normalize_code(raw: str) -> str:
    """Digits only (full-width digits, spaces and dashes as typed or pasted are fine)."""
    code = normalize_digits(raw).replace("-", "")
    if not code:
        raise ValidationError("recovery_code", "请填写恢复码")
    if not code.isdigit() or len(code) != CODE_DIGITS:
        raise ValidationError("recovery_code", f"恢复码应为{CODE_DIGITS}位数字")
    return code


def has_recovery_code(ctx: ServiceContext) -> bool:
    with ctx.db.reading() as session:
        return data_key.has_recovery(session)


def new_recovery_code(ctx: ServiceContext) -> str:
    """A new recovery code (the earlier one stops working); needs a logged-in clerk (the key open)."""
    digits = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
    with ctx.db.transaction() as session:
        data_key.wrap_for_recovery(session, ctx.db.key_slot, digits, ctx.clock.stamp())
    return format_code(digits)


def first_clerk(
    ctx: ServiceContext, username: str, display_name: str, password: str, id_number: str = "", phone: str = ""
) -> FirstClerk:
    """首次设置: the first account, logged in, with its 身份证 number and phone, and the station's recovery code.

    The numbers are checked before anything is written; they are sealed once the login has opened (or made)
    the data key.
    """
    clerk_identity.checked(ctx, id_number, phone)
    created = accounts.create_clerk(ctx, username, display_name, password)
    accounts.login(ctx, created.username, password)
    clerk_identity.set_identity(ctx, created.username, id_number, phone)
    code = new_recovery_code(ctx)
    clerk = accounts.current_clerk(ctx)
    assert clerk is not None
    return FirstClerk(clerk, code)


def change_own_password(ctx: ServiceContext, old_password: str, new_password: str, repeated: str) -> None:
    """修改密码 of the logged-in clerk: the old one checked, the data key wrapped again under the new one."""
    clerk = accounts.current_clerk(ctx)
    if clerk is None:
        raise DomainError("请先登录")
    if new_password != repeated:
        raise ValidationError("repeat_password", "两次输入的新密码不一致")
    if new_password == old_password:
        raise ValidationError("new_password", "新密码不能与原密码相同")
    accounts.change_password(ctx, clerk.username, old_password, new_password)


def reset_password(ctx: ServiceContext, username: str, recovery_code: str, new_password: str) -> ClerkInfo:
    """重设密码 without the old one: the recovery code opens the data key, which is wrapped under the new
    password. For a clerk who forgot theirs (at the login) or, by another clerk, in 代办站设置."""
    name = validate_username(username)
    code = normalize_code(recovery_code)
    validate_password(new_password, field="new_password")
    with ctx.db.transaction() as session:
        row = session.get(ClerkRow, name)
        if row is None:
            raise ValidationError("username", "没有这个登录名")
        try:
            key = data_key.unwrap_recovery(session, code)
        except DataLocked:
            raise DomainError(NO_CODE) from None
        except DataKeyWrong:
            raise ValidationError("recovery_code", WRONG_CODE) from None
        row.password_hash = hash_password(new_password)
        data_key.put_copy(session, key, name, new_password)
        info = accounts.clerk_info(row)
    return info
