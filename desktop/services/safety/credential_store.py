"""Where the station's sync credential lives: the OS keyring, or a file sealed with the station's data key.

Station PCs normally have a keyring (Windows Credential Manager). Where none
exists, the token is kept in the data folder sealed (AES-GCM) with the
station's data key (``data_key``), which every clerk's password unwraps at
login: so the login that opens the personal data opens the credential too,
for whichever clerk logs in, with one password and one prompt. It lives in
memory for the session and is never written in plain text.

A station connected by an earlier release kept the file encrypted with the
password of the clerk who connected (``sync.client.credentials``, version 1):
that password opens it once (at login or when asked) and it is sealed again
with the data key.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

import keyring
from keyring.errors import KeyringError, NoKeyringError

from desktop.store.crypto import DataKey, DataKeyWrong
from sync.client import credentials
from sync.client.errors import KeyringUnavailable
from sync.domain.errors import DomainError

from ..context import ServiceContext

log = logging.getLogger(__name__)

TOKEN_FILE = Path("credentials") / "sync-token.json"
SEALED_VERSION = 2
LOCKED = "同步凭证已加密保存在本机，请输入代办员密码解锁后再同步"
NEEDS_LOGIN = "本机没有系统凭据库，同步凭证要用代办员密码加密保存：请先登录，再连接镇中心"
DAMAGED = "本机保存的同步凭证无法打开（文件损坏或不属于本站的数据），请重新“连接镇中心”"


class PasswordNeeded(DomainError):
    """The credential is kept encrypted on this PC and not unlocked yet: ask the clerk's password."""


def token_file(ctx: ServiceContext) -> Path:
    return ctx.db.data_dir / TOKEN_FILE


def keyring_available() -> bool:
    """True when the OS keyring answers (a probe read; nothing is written)."""
    try:
        keyring.get_password(credentials.SERVICE, "__probe__")
    except (NoKeyringError, KeyringError):
        return False
    return True


def _aad(station_id: str) -> str:
    return f"sync-token:{station_id}"


def _read(path: Path) -> dict[str, Any] | None:
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise KeyringUnavailable(DAMAGED) from exc
    if not isinstance(record, dict):
        raise KeyringUnavailable(DAMAGED)
    return record


def _write_sealed(path: Path, station_id: str, token: str, key: DataKey) -> None:
    record = {
        "v": SEALED_VERSION,
        "station_id": station_id,
        "key_id": key.key_id,
        "sealed": key.seal(token, _aad(station_id)),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_suffix(path.suffix + ".tmp")
    temp.write_text(json.dumps(record), encoding="utf-8")
    os.replace(temp, path)


def _open_sealed(record: dict[str, Any], station_id: str, key: DataKey) -> str:
    if record.get("station_id") != station_id:
        raise KeyringUnavailable("本机保存的同步凭证属于另一个代办站，请重新“连接镇中心”")
    if record.get("key_id") != key.key_id:
        raise KeyringUnavailable(DAMAGED)
    try:
        token = key.open(str(record.get("sealed", "")), _aad(station_id))
    except DataKeyWrong as exc:
        raise KeyringUnavailable(DAMAGED) from exc
    if not isinstance(token, str) or not token:
        raise KeyringUnavailable(DAMAGED)
    return token


def check_can_store(ctx: ServiceContext) -> None:
    """Before spending a one-time code: make sure the token will have somewhere safe to go."""
    if keyring_available() or ctx.db.key_slot.key is not None:
        return
    raise PasswordNeeded(NEEDS_LOGIN)


def store_token(ctx: ServiceContext, station_id: str, token: str) -> None:
    """Keep the token in the keyring, else sealed with the (unlocked) data key in the data folder."""
    try:
        credentials.save_token(station_id, token)
        return
    except KeyringUnavailable:
        pass
    key = ctx.db.key_slot.key
    if key is None:
        raise PasswordNeeded(NEEDS_LOGIN)
    _write_sealed(token_file(ctx), station_id, token, key)
    ctx.unlocked_token = token


def _from_file(ctx: ServiceContext, station_id: str, password: str | None) -> str | None:
    """The token kept in the file: with the data key, or (version 1) with ``password``; None without a file.

    Raises ``PasswordNeeded`` when the file needs a password not given, ``WrongPassword`` when it does not open.
    """
    path = token_file(ctx)
    record = _read(path)
    if record is None:
        return None
    key = ctx.db.key_slot.key
    if record.get("v") == SEALED_VERSION:
        if key is None:
            raise PasswordNeeded(LOCKED)
        return _open_sealed(record, station_id, key)
    if password is None:
        raise PasswordNeeded(LOCKED)
    token = credentials.load_token_encrypted(path, station_id, password)
    if token is not None and key is not None:
        _write_sealed(path, station_id, token, key)  # from now on every clerk's login opens it
        log.info("sync credential sealed again with the data key")
    return token


def unlock(ctx: ServiceContext, station_id: str, password: str | None = None) -> None:
    """Open the credential kept in the file for this session (``WrongPassword`` with a Chinese message)."""
    token = _from_file(ctx, station_id, password)
    if token is None:
        raise DomainError("本机没有加密保存的同步凭证，请重新连接镇中心")
    ctx.unlocked_token = token


def unlock_with_earlier_password(ctx: ServiceContext, station_id: str, password: str) -> bool:
    """An earlier release's file (version 1) opened with the password it was encrypted with; False otherwise."""
    try:
        record = _read(token_file(ctx))
    except KeyringUnavailable:
        return False
    if record is None or record.get("v") == SEALED_VERSION:
        return False
    try:
        unlock(ctx, station_id, password)
    except KeyringUnavailable:
        return False
    return True


def unlock_at_login(ctx: ServiceContext, station_id: str, password: str) -> None:
    """At login, after the data key is open: open the credential too where no keyring holds it.

    Never refuses the login: a credential that stays locked (an earlier release's file of another
    clerk's password, a damaged file) is asked for, or reported, when a sync needs it.
    """
    if ctx.unlocked_token or not token_file(ctx).exists():
        return
    try:
        ctx.unlocked_token = _from_file(ctx, station_id, password)
    except (DomainError, KeyringUnavailable) as exc:
        log.warning("sync credential not unlocked at login: %s", type(exc).__name__)


def load_token(ctx: ServiceContext, station_id: str) -> str | None:
    """The token from the keyring, else the one unlocked this session; None when not enrolled.

    ``PasswordNeeded`` when it is kept on this PC but still locked.
    """
    try:
        token = credentials.load_token(station_id)
    except KeyringUnavailable:
        token = None
    if token:
        return token
    if ctx.unlocked_token:
        return ctx.unlocked_token
    token = _from_file(ctx, station_id, None)
    if token:
        ctx.unlocked_token = token
    return token
