"""The station's data key: made once, kept in the OS keyring, and wrapped with each clerk's password.

The key (``desktop.store.crypto.DataKey``) seals 身份证 numbers, phones,
signature ink and attachment files. Its record in the database (settings
``data_key``) holds the key id, a check value and one copy of the key per
clerk, wrapped (AES-GCM) with a key derived from that clerk's password by
scrypt, as the sync credential is where no keyring exists
(``sync.client.credentials.password_key``).

Lifecycle:

1. Opening the database (``ServiceContext.open``): the key is taken from the
   keyring and checked against the record. A database without a record gets a
   new key at once when a keyring exists; the record is written *before* the
   migration, so sealed rows never exist without their key on record.
2. Migration 0005 seals existing rows with that key (``personal_data``);
   ``finish_open`` seals whatever an earlier run had to leave in plain text.
3. Login: where no keyring had the key, the clerk's password unwraps it (on a
   new database, or one upgraded without a keyring, the key is made now and
   the rows sealed in the login's transaction). Every clerk who logs in gets
   a wrapped copy, so the database and its backups open on another PC with
   any clerk's password. The key then goes into the keyring if there is one.
4. A new account or a changed password gets its copy in the same transaction.
5. The station's recovery code (``station_admin``) wraps one more copy
   (``recovery`` in the record): a forgotten password is reset with it, and
   the new password gets its copy from the key the code opened, so no case,
   signature or sync credential is lost.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import keyring
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from keyring.errors import KeyringError, NoKeyringError
from sqlalchemy import inspect
from sqlalchemy.exc import DatabaseError as SQLDatabaseError
from sqlalchemy.orm import Session

from desktop.store import blob_store, personal_data, settings
from desktop.store.backup import migrate_with_backup
from desktop.store.crypto import WRONG_KEY, DataKey, DataKeyWrong, DataLocked, KeySlot
from desktop.store.db import Database, read_only_uri
from sync.client import credentials
from sync.domain.clock import SYSTEM_CLOCK, Clock

log = logging.getLogger(__name__)

RECORD = personal_data.KEY_RECORD
NO_COPY = "本机没有保存个人信息密钥，这个账号也还没有密钥副本。请先用本站其他代办员账号登录一次，再用这个账号登录"
COPY_DAMAGED = "这个账号的个人信息密钥副本无法打开（可能被改动），请用本站其他代办员账号登录"


def _keyring_name(key_id: str) -> str:
    return f"data-key:{key_id}"


def _keyring_get(key_id: str) -> bytes | None:
    try:
        value = keyring.get_password(credentials.SERVICE, _keyring_name(key_id))
    except (NoKeyringError, KeyringError):
        return None
    try:
        return base64.b64decode(value) if value else None
    except ValueError:
        return b""


def _keyring_put(key: DataKey) -> bool:
    try:
        keyring.set_password(credentials.SERVICE, _keyring_name(key.key_id), base64.b64encode(key.raw).decode())
    except (NoKeyringError, KeyringError):
        return False
    return True


def _keyring_available() -> bool:
    try:
        keyring.get_password(credentials.SERVICE, "__probe__")
    except (NoKeyringError, KeyringError):
        return False
    return True


def _new_record(key: DataKey) -> dict[str, Any]:
    return {"v": 1, "key_id": key.key_id, "check": key.check_value(), "wrapped": {}}


def _wrap(key: DataKey, username: str, password: str) -> dict[str, Any]:
    salt, nonce = os.urandom(16), os.urandom(12)
    aad = f"{_keyring_name(key.key_id)}:{username}".encode()
    sealed = AESGCM(credentials.password_key(password, salt)).encrypt(nonce, key.raw, aad)
    b64 = base64.b64encode
    return {
        "kdf": credentials.PASSWORD_KDF,
        "salt": b64(salt).decode(),
        "nonce": b64(nonce).decode(),
        "ciphertext": b64(sealed).decode(),
    }


def _unwrap(record: dict[str, Any], username: str, password: str) -> DataKey:
    copy = record["wrapped"][username]
    key_id = str(record["key_id"])
    try:
        salt, nonce = base64.b64decode(copy["salt"]), base64.b64decode(copy["nonce"])
        aad = f"{_keyring_name(key_id)}:{username}".encode()
        raw = AESGCM(credentials.password_key(password, salt)).decrypt(nonce, base64.b64decode(copy["ciphertext"]), aad)
        key = DataKey(raw, key_id)
    except (InvalidTag, KeyError, TypeError, ValueError) as exc:
        raise DataKeyWrong(COPY_DAMAGED) from exc
    if not key.matches(str(record.get("check", ""))):
        raise DataKeyWrong(COPY_DAMAGED)
    return key


def _from_keyring(record: dict[str, Any], slot: KeySlot) -> DataKey | None:
    raw = _keyring_get(str(record["key_id"]))
    if raw is None:
        return None
    try:
        key = DataKey(raw, str(record["key_id"]))
    except ValueError:
        key = None
    if key is None or not key.matches(str(record.get("check", ""))):
        log.warning("the data key in the keyring does not fit this database")
        slot.problem = WRONG_KEY
        return None
    return key


# -- opening the database --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenedKey:
    """The key found or made at open; ``new_record`` is stored with the first rows it seals."""

    key: DataKey | None
    new_record: dict[str, Any] | None = None


def unlock_at_open(db: Database) -> OpenedKey:
    """Before migrating: the key from the keyring, or a new one kept there (no key: wait for a login)."""
    try:
        with db.reading() as session:
            has_settings = inspect(session.connection()).has_table("settings")
            record = settings.get(session, RECORD) if has_settings else None
    except SQLDatabaseError:
        return OpenedKey(None)  # damaged: Database.migrate's check reports it
    if record:
        key = _from_keyring(record, db.key_slot)
        if key is not None:
            db.key_slot.unlock(key)
        return OpenedKey(key)
    if not _keyring_available():
        return OpenedKey(None)
    key = DataKey.generate()
    if not _keyring_put(key):
        return OpenedKey(None)
    db.key_slot.unlock(key)
    return OpenedKey(key, _new_record(key))


def open_database(data_dir: Path, clock: Clock = SYSTEM_CLOCK) -> Database:
    """Open, migrate and unlock (where a keyring has the key) the station database in ``data_dir``."""
    db = Database(data_dir, clock)
    opened = unlock_at_open(db)
    upgraded = migrate_with_backup(db, data_key=opened.key, key_record=opened.new_record)
    finish_open(db, opened, upgraded)
    return db


def finish_open(db: Database, opened: OpenedKey, upgraded: bool) -> None:
    """After migrating: seal what is still plain (with a new key's record), rewrite the file after an upgrade."""
    key = db.key_slot.key
    first, changed = False, 0
    if key is not None:
        with db.transaction() as session:
            if personal_data.sealed_with(session.connection()) != key.key_id:
                first = True
                changed = personal_data.seal_existing_rows(session.connection(), key, opened.new_record)
        if first or upgraded:
            blobs = blob_store.seal_existing(db.data_dir, key)
            log.info("personal data sealed: %d rows and %d files written before encryption", changed, blobs)
    if upgraded or changed:
        db.purge_free_pages()


# -- clerks ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Unlocked:
    key: DataKey
    sealed_now: bool


def unlock_with_password(session: Session, slot: KeySlot, username: str, password: str) -> Unlocked:
    """At login (password already checked), in the login's transaction: open or make the key, add this clerk's copy.

    Call ``after_unlock`` once the transaction has committed.
    """
    record = settings.get(session, RECORD)
    key = slot.key
    if key is None:
        if record is None:
            key = DataKey.generate()
        elif username in (record.get("wrapped") or {}):
            key = _unwrap(record, username, password)
        else:
            raise DataLocked(NO_COPY)
    if record is None or record.get("key_id") != key.key_id:
        record = _new_record(key)
    wrapped = dict(record.get("wrapped") or {})
    if username not in wrapped:
        wrapped[username] = _wrap(key, username, password)
        settings.put(session, RECORD, {**record, "wrapped": wrapped})
    sealed_now = False
    if personal_data.sealed_with(session.connection()) != key.key_id:
        personal_data.seal_existing_rows(session.connection(), key)
        sealed_now = True
    return Unlocked(key, sealed_now)


def after_unlock(db: Database, unlocked: Unlocked) -> None:
    """The key is on record: use it, keep it in the keyring if there is one, finish sealing."""
    fresh = db.key_slot.key is None
    db.key_slot.unlock(unlocked.key)
    if fresh and _keyring_put(unlocked.key):
        log.info("data key kept in the keyring")
    if unlocked.sealed_now:
        blobs = blob_store.seal_existing(db.data_dir, unlocked.key)
        log.info("personal data sealed at login (%d files written before encryption)", blobs)
        db.purge_free_pages()


def add_copy(session: Session, slot: KeySlot, username: str, password: str) -> None:
    """A wrapped copy of the (unlocked) key for a new account; nothing while the key is locked."""
    record = settings.get(session, RECORD)
    if slot.key is None or record is None:
        return
    wrapped = {**(record.get("wrapped") or {}), username: _wrap(slot.key, username, password)}
    settings.put(session, RECORD, {**record, "wrapped": wrapped})


def rewrap(session: Session, slot: KeySlot, username: str, old_password: str, new_password: str) -> None:
    """After a password change: the clerk's copy under the new password."""
    record = settings.get(session, RECORD)
    if record is None:
        return
    key = slot.key
    if key is None and username in (record.get("wrapped") or {}):
        key = _unwrap(record, username, old_password)
    if key is None:
        return
    wrapped = {**(record.get("wrapped") or {}), username: _wrap(key, username, new_password)}
    settings.put(session, RECORD, {**record, "wrapped": wrapped})


# -- the station's recovery code -----------------------------------------------------------------------------------

#: The wrapped copy of the key under the recovery code is named so (no login name can be: ``[a-z0-9_.]``).
RECOVERY_SLOT = "#recovery"


def has_recovery(session: Session) -> bool:
    record = settings.get(session, RECORD) or {}
    return isinstance(record.get("recovery"), dict)


def wrap_for_recovery(session: Session, slot: KeySlot, code: str, made_at: str) -> None:
    """One more copy of the (open) key, under the recovery code; it replaces any earlier code's copy."""
    key = slot.require()
    record = settings.get(session, RECORD)
    if record is None or record.get("key_id") != key.key_id:
        raise DataLocked(NO_COPY)
    settings.put(session, RECORD, {**record, "recovery": {**_wrap(key, RECOVERY_SLOT, code), "made_at": made_at}})


def unwrap_recovery(session: Session, code: str) -> DataKey:
    """The key opened with the recovery code (``DataKeyWrong`` for a wrong code, ``DataLocked`` without one)."""
    record = settings.get(session, RECORD) or {}
    copy = record.get("recovery")
    if not isinstance(copy, dict):
        raise DataLocked("本站还没有设置恢复码")
    return _unwrap({**record, "wrapped": {RECOVERY_SLOT: copy}}, RECOVERY_SLOT, code)


def put_copy(session: Session, key: DataKey, username: str, password: str) -> None:
    """The clerk's copy under a new password, made with a key opened otherwise (a reset)."""
    record = settings.get(session, RECORD)
    if record is None or record.get("key_id") != key.key_id:
        raise DataLocked(NO_COPY)
    wrapped = {**(record.get("wrapped") or {}), username: _wrap(key, username, password)}
    settings.put(session, RECORD, {**record, "wrapped": wrapped})


# -- backups ---------------------------------------------------------------------------------------------------------


def key_for_file(db_path: Path, known: DataKey | None = None) -> DataKey | None:
    """The data key of another database file (a backup): ``known`` if it is the same key, else the keyring's."""
    try:
        conn = sqlite3.connect(read_only_uri(db_path), uri=True)
        try:
            row = conn.execute("SELECT value FROM settings WHERE key = ?", (RECORD,)).fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    if row is None:
        return None
    try:
        record = json.loads(row[0])
    except (TypeError, ValueError):
        return None
    if known is not None and known.key_id == record.get("key_id"):
        return known
    return _from_keyring(record, KeySlot())
