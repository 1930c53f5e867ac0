"""Secrets: tokens and enrollment codes are random and stored only as hashes; staff passwords through pwdlib."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from typing import ClassVar

from pwdlib import PasswordHash
from pwdlib.exceptions import HashVerificationError, UnknownHashError
from pwdlib.hashers.argon2 import Argon2Hasher

_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud over the phone
TOKEN_PREFIX = "dbt_"


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def new_enrollment_code() -> str:
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalize_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


class LegacyScryptHasher:
    """Verifies the ``scrypt$<salt>$<digest>`` hashes written before argon2 (n=2**14, r=8, p=1).

    Only ever second in :data:`PASSWORDS`: it never makes a new hash, so every account it verifies gets
    an argon2 hash on that login (``verify_and_update``)."""

    _PARAMS: ClassVar[dict[str, int]] = {"n": 2**14, "r": 8, "p": 1}

    @classmethod
    def identify(cls, hash: str | bytes) -> bool:
        return _text(hash).startswith("scrypt$")

    def hash(self, password: str | bytes, *, salt: bytes | None = None) -> str:
        raise NotImplementedError("scrypt hashes are only verified, never made")

    def verify(self, password: str | bytes, hash: str | bytes) -> bool:
        try:
            _scheme, salt_b64, digest_b64 = _text(hash).split("$")
            salt, expected = base64.b64decode(salt_b64, validate=True), base64.b64decode(digest_b64, validate=True)
        except (ValueError, binascii.Error):
            return False
        secret = password.encode("utf-8") if isinstance(password, str) else password
        digest = hashlib.scrypt(secret, salt=salt, dklen=len(expected), **self._PARAMS)
        return hmac.compare_digest(digest, expected)

    def check_needs_rehash(self, hash: str | bytes) -> bool:
        return True


def _text(value: str | bytes) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


#: Staff passwords: argon2id (pwdlib's defaults) for every new hash; old scrypt hashes still verify.
PASSWORDS = PasswordHash((Argon2Hasher(), LegacyScryptHasher()))


def hash_password(password: str) -> str:
    return PASSWORDS.hash(password)


def verify_password(password: str, stored: str) -> tuple[bool, str | None]:
    """Whether ``password`` matches ``stored``, and the argon2 hash to store instead when it is an old kind."""
    try:
        return PASSWORDS.verify_and_update(password, stored)
    except (UnknownHashError, HashVerificationError):
        return False, None


def new_one_time_password() -> str:
    """A password the director reads out to a colleague: 10 capitals and digits, no 0/O or 1/I, no dashes."""
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(10))
