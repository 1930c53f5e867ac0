"""A data key and what it does: AES-256-GCM envelopes and keyed blind indexes (station and center).

One random 256-bit key per database: the station's (``desktop.store.crypto``) and the town center's
(``sync.server.core.sealing``). Two sub-keys are derived from
it with HKDF, one for AES-GCM and one for the HMAC blind index, so the index
reveals nothing about the ciphertexts. Every ciphertext is bound by associated
data to where it is stored (``event:<id>``, ``case:<id>``, ``blob:<sha256>``),
so ciphertexts cannot be swapped between rows unnoticed.

Where the key comes from is each side's business: a station's is in the keyring
or wrapped with a clerk's password (``desktop.services.safety.data_key``), the center's
is in a key file outside its database.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import uuid
from collections.abc import Mapping
from typing import Any, ClassVar, Self

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from sync.domain.errors import DomainError
from sync.domain.personal_data import normalized_phone, split
from sync.domain.validation import normalize_id_number

#: Prefix of a sealed value (a string, so it fits wherever JSON text goes).
ENVELOPE = "enc1:"
#: First bytes of an encrypted blob file.
BLOB_MAGIC = b"DBTENC1\x00"
_NONCE = 12
_CHECK = b"daibantong personal data key"

#: Said when a sealed value does not open (each side may say more: ``DataKey.unreadable``).
UNREADABLE = "个人信息无法解密：数据密钥与这个数据库不符，或记录已被改动"


class DataKeyWrong(DomainError):
    """A ciphertext does not open with this key: wrong key, or the stored value was altered."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text.encode("ascii"))


def _subkey(raw: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"daibantong/" + purpose).derive(raw)


class DataKey:
    """An unlocked data key. ``raw`` leaves memory only wrapped, in the OS keyring or in the center's key file."""

    #: The message of ``DataKeyWrong`` when a value does not open.
    unreadable: ClassVar[str] = UNREADABLE

    def __init__(self, raw: bytes, key_id: str) -> None:
        if len(raw) != 32:
            raise ValueError("a data key is 32 bytes")
        self.raw = raw
        self.key_id = key_id
        self._aead = AESGCM(_subkey(raw, b"field-encryption"))
        self._index_key = _subkey(raw, b"blind-index")

    @classmethod
    def generate(cls) -> Self:
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
            raise DataKeyWrong(self.unreadable)
        try:
            blob = _unb64(sealed[len(ENVELOPE) :])
            plain = self._aead.decrypt(blob[:_NONCE], blob[_NONCE:], aad.encode("utf-8"))
        except (InvalidTag, ValueError) as exc:
            raise DataKeyWrong(self.unreadable) from exc
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
            raise DataKeyWrong(self.unreadable) from exc

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


# -- personal data in rows (``sync.domain.personal_data`` says which values) ------------------------------------------


def seal_tree(key: DataKey, tree: Mapping[str, Any], aad: str) -> tuple[dict[str, Any], str | None]:
    """(masked tree, envelope of the real values or None when there is nothing personal)."""
    masked, secrets = split(tree)
    return masked, (key.seal(secrets, aad) if secrets else None)


def event_aad(event_id: str) -> str:
    return f"event:{event_id}"


def case_aad(case_id: str) -> str:
    return f"case:{case_id}"


def id_index(key: DataKey, id_number: str) -> str:
    """The blind index of a whole 身份证 number (normalised first, so 11010519491231002x finds …002X)."""
    return key.blind_index("id", normalize_id_number(id_number))


def phone_index(key: DataKey, phone: str) -> str:
    """The blind index of a whole phone number, spaces and hyphens left out (0731-5551234 = 07315551234)."""
    return key.blind_index("phone", normalized_phone(phone))


def sealed_case(key: DataKey, case_id: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """A case projection's columns that hold personal data: ``data`` masked, ``sealed``, and the blind indexes of
    the applicant's whole 身份证 number and phone (``id_number_index``, ``phone_index``; None when not given)."""
    found = data.get("applicant")
    applicant: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
    id_number, phone = str(applicant.get("id_number") or ""), str(applicant.get("phone") or "")
    masked, sealed = seal_tree(key, data, case_aad(case_id))
    return {
        "data": masked,
        "sealed": sealed,
        "id_number_index": id_index(key, id_number) if id_number else None,
        "phone_index": phone_index(key, phone) if phone else None,
    }
