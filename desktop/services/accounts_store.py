"""Building clerk account rows (shared by first-run setup and the accounts service)."""

from __future__ import annotations

import re

from desktop.store.models import ClerkRow
from sync.domain.errors import ValidationError
from sync.domain.validation import validate_name

from .safety.passwords import hash_password, validate_password

_USERNAME_RE = re.compile(r"^[a-z0-9_.]{2,32}$")


def validate_username(raw: str) -> str:
    username = raw.strip().lower()
    if not username:
        raise ValidationError("username", "请填写登录名")
    if not _USERNAME_RE.match(username):
        raise ValidationError("username", "登录名应为2到32位小写字母、数字、下划线或点")
    return username


def new_account(username: str, display_name: str, password: str, created_at: str) -> ClerkRow:
    """A validated account row with the password hashed (not yet added to a session)."""
    return ClerkRow(
        username=validate_username(username),
        display_name=validate_name(display_name, field="display_name", label="代办员姓名"),
        password_hash=hash_password(validate_password(password)),
        active=True,
        created_at=created_at,
    )
