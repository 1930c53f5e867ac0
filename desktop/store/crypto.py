"""The station's data key (DEK) and what it does: AES-256-GCM envelopes and keyed blind indexes.

One random 256-bit key per station database. Two sub-keys are derived from
it with HKDF, one for AES-GCM and one for the HMAC blind index, so the index
reveals nothing about the ciphertexts. Every ciphertext is bound by associated
data to where it is stored (``event:<id>``, ``case:<id>``, ``blob:<sha256>``),
so ciphertexts cannot be swapped between rows unnoticed.

Where the key comes from (keyring, or wrapped with a clerk's password) is the
services' business (``desktop.services.data_key``); the store only needs the
unlocked key, which a ``KeySlot`` on the ``Database`` holds for its sessions.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import uuid
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy.orm import Session

from sync.domain.errors import DomainError

#: Prefix of a sealed value (a string, so it fits wherever JSON text goes).
ENVELOPE = "enc1:"
#: First bytes of an encrypted blob file.
BLOB_MAGIC = b"DBTENC1\x00"
_NONCE = 12
_CHECK = b"daibantong personal data key"

LOCKED = "个人信息已加密保存，需要先登录代办员账号解锁后才能查看或登记"
WRONG_KEY = (
    "个人信息无法解密：本机的数据密钥与这个数据库不符，或记录已被改动。请用代办员账号重新登录；仍不行请联系技术人员"
)


class DataLocked(DomainError):
    """The data key is not unlocked yet (no keyring and no login so far)."""


class DataKeyWrong(DomainError):
    """A ciphertext does not open with this key: wrong key, or the stored value was altered."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text.encode("ascii"))


def _subkey(raw: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"daibantong/" + purpose).derive(raw)


class DataKey:
    """An unlocked data key. ``raw`` never leaves memory except wrapped or in the OS keyring."""

    def __init__(self, raw: bytes, key_id: str) -> None:
        if len(raw) != 32:
            raise ValueError("a data key is 32 bytes")
        self.raw = raw
        self.key_id = key_id
        self._aead = AESGCM(_subkey(raw, b"field-encryption"))
        self._index_key = _subkey(raw, b"blind-index")

    @classmethod
    def generate(cls) -> DataKey:
        return cls(AESGCM.generate_key(bit_length=256), str(uuid.uuid4()))

    def __repr__(self) -> str:  # never print the key
        return f"DataKey({self.key_id})"

    # -- values ---------------------------------------------------------------------------------------------------

    def seal(self, value: Any, aad: str) -> str:
        """``enc1:`` + base64url(nonce ‖ AES-GCM(canonical JSON of value))."""
        plain = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
        nonce = os.urandom(_NONCE)
        return ENVELOPE + _b64(nonce + self._aead.encrypt(nonce, plain, aad.encode("utf-8")))

    def open(self, sealed: str, aad: str) -> Any:
        if not sealed.startswith(ENVELOPE):
            raise DataKeyWrong(WRONG_KEY)
        try:
            blob = _unb64(sealed[len(ENVELOPE) :])
            plain = self._aead.decrypt(blob[:_NONCE], blob[_NONCE:], aad.encode("utf-8"))
        except (InvalidTag, ValueError) as exc:
            raise DataKeyWrong(WRONG_KEY) from exc
        return json.loads(plain)

    def blind_index(self, kind: str, normalized: str) -> str:
        """HMAC-SHA256 (128 bits, hex) of a normalized full number: exact search without storing it."""
        mac = hmac.new(self._index_key, f"{kind}:{normalized}".encode(), hashlib.sha256)
        return mac.hexdigest()[:32]

    # -- files ----------------------------------------------------------------------------------------------------

    def seal_bytes(self, data: bytes, aad: str) -> bytes:
        nonce = os.urandom(_NONCE)
        return BLOB_MAGIC + nonce + self._aead.encrypt(nonce, data, aad.encode("utf-8"))

    def open_bytes(self, data: bytes, aad: str) -> bytes:
        body = data[len(BLOB_MAGIC) :]
        try:
            return self._aead.decrypt(body[:_NONCE], body[_NONCE:], aad.encode("utf-8"))
        except (InvalidTag, ValueError) as exc:
            raise DataKeyWrong(WRONG_KEY) from exc

    # -- proof that a key is the right one --------------------------------------------------------------------------

    def check_value(self) -> str:
        """A sealed constant kept with the database: a key from elsewhere is checked against it."""
        return self.seal(_CHECK.decode(), f"key-check:{self.key_id}")

    def matches(self, check: str) -> bool:
        try:
            return bool(self.open(check, f"key-check:{self.key_id}") == _CHECK.decode())
        except DataKeyWrong:
            return False


def is_sealed(value: object) -> bool:
    return isinstance(value, str) and value.startswith(ENVELOPE)


class KeySlot:
    """Holds a database's data key once it is unlocked (shared by all its sessions)."""

    def __init__(self) -> None:
        self.key: DataKey | None = None
        #: Why the key is not available, when it is known to be wrong (shown instead of LOCKED).
        self.problem: str = ""

    def require(self) -> DataKey:
        if self.key is None:
            if self.problem:
                raise DataKeyWrong(self.problem)
            raise DataLocked(LOCKED)
        return self.key

    def unlock(self, key: DataKey) -> None:
        self.key = key
        self.problem = ""


def key_slot(session: Session) -> KeySlot:
    """The slot of the database this session belongs to (an empty one for a bare session)."""
    slot = session.info.get("key_slot")
    return slot if isinstance(slot, KeySlot) else KeySlot()
