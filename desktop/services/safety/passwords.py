"""Password hashing with scrypt (standard library), self-describing and salted."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from sync.domain.errors import ValidationError

_N, _R, _P, _DKLEN = 2**14, 8, 1, 32
MIN_LENGTH = 6
MAX_LENGTH = 128


def validate_password(password: str, field: str = "password") -> str:
    if len(password) < MIN_LENGTH:
        raise ValidationError(field, f"密码至少需要{MIN_LENGTH}位")
    if len(password) > MAX_LENGTH:
        raise ValidationError(field, f"密码不能超过{MAX_LENGTH}位")
    if password.strip() != password:
        raise ValidationError(field, "密码首尾不能是空格")
    return password


def _derive(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=_DKLEN, maxmem=64 * 1024 * 1024)


def hash_password(password: str) -> str:
    """``scrypt$n$r$p$salt$hash`` (base64)."""
    salt = os.urandom(16)
    key = _derive(password, salt, _N, _R, _P)
    b64 = base64.b64encode
    return f"scrypt${_N}${_R}${_P}${b64(salt).decode()}${b64(key).decode()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, key = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(key)
        actual = _derive(password, base64.b64decode(salt), int(n), int(r), int(p))
    except ValueError:
        return False
    return hmac.compare_digest(expected, actual)


#: Checked against when the user does not exist, so a wrong name costs the same time as a wrong password.
DUMMY_HASH = hash_password("not-a-real-password")
