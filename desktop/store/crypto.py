"""The station's data key in its database: the ``KeySlot`` its sessions share.

The key itself, its envelopes and blind indexes are ``sync.crypto`` (the town center seals with the
same code). Where the key comes from (keyring, or wrapped with a clerk's password) is the services'
business (``desktop.services.safety.data_key``); the store only needs the unlocked key, which a ``KeySlot``
on the ``Database`` holds for its sessions.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from sync import crypto
from sync.crypto import BLOB_MAGIC, ENVELOPE, DataKeyWrong, is_sealed
from sync.domain.errors import DomainError

__all__ = [
    "BLOB_MAGIC",
    "ENVELOPE",
    "LOCKED",
    "WRONG_KEY",
    "DataKey",
    "DataKeyWrong",
    "DataLocked",
    "KeySlot",
    "is_sealed",
    "key_slot",
]

LOCKED = "个人信息已加密保存，需要先登录代办员账号解锁后才能查看或登记"
WRONG_KEY = (
    "个人信息无法解密：本机的数据密钥与这个数据库不符，或记录已被改动。请用代办员账号重新登录；仍不行请联系技术人员"
)


class DataLocked(DomainError):
    """The data key is not unlocked yet (no keyring and no login so far)."""


class DataKey(crypto.DataKey):
    """The station's data key: a value that does not open says what the clerk can do."""

    unreadable = WRONG_KEY


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
