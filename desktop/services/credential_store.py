"""Where the station's sync credential lives: the OS keyring, or an encrypted file as a fallback.

Station PCs normally have a keyring (Windows Credential Manager). Where none
exists, the token is kept in the data folder encrypted with a key derived
from the clerk's password (``sync.client.credentials``); it is unlocked once
per session into memory and never written in plain text.
"""

from __future__ import annotations

from pathlib import Path

import keyring
from keyring.errors import KeyringError, NoKeyringError

from sync.client import credentials
from sync.client.errors import KeyringUnavailable
from sync.domain.errors import DomainError

from .context import ServiceContext

TOKEN_FILE = Path("credentials") / "sync-token.json"


class PasswordNeeded(DomainError):
    """No keyring: the clerk's password is needed to encrypt or unlock the credential."""


def token_file(ctx: ServiceContext) -> Path:
    return ctx.db.data_dir / TOKEN_FILE


def keyring_available() -> bool:
    """True when the OS keyring answers (a probe read; nothing is written)."""
    try:
        keyring.get_password(credentials.SERVICE, "__probe__")
    except (NoKeyringError, KeyringError):
        return False
    return True


def check_can_store(ctx: ServiceContext, password: str | None) -> None:
    """Before spending a one-time code: make sure the token will have somewhere safe to go."""
    if password or keyring_available():
        return
    raise PasswordNeeded("本机没有系统凭据库（如 Windows 凭据管理器）。请输入代办员密码，同步凭证将加密保存在本机")


def store_token(ctx: ServiceContext, station_id: str, token: str, password: str | None = None) -> None:
    """Keep the token in the keyring, else (with the clerk's password) in the encrypted file."""
    try:
        credentials.save_token(station_id, token)
        return
    except KeyringUnavailable:
        if not password:
            raise PasswordNeeded(
                "本机没有系统凭据库（如 Windows 凭据管理器）。请输入代办员密码，同步凭证将加密保存在本机"
            ) from None
    credentials.save_token_encrypted(token_file(ctx), station_id, token, password)
    ctx.unlocked_token = token


def unlock(ctx: ServiceContext, station_id: str, password: str) -> None:
    """Open the encrypted credential for this session (raises WrongPassword with a Chinese message)."""
    token = credentials.load_token_encrypted(token_file(ctx), station_id, password)
    if token is None:
        raise DomainError("本机没有加密保存的同步凭证，请重新连接镇中心")
    ctx.unlocked_token = token


def load_token(ctx: ServiceContext, station_id: str) -> str | None:
    """The token from the keyring, else the one unlocked this session; None when not enrolled."""
    try:
        token = credentials.load_token(station_id)
    except KeyringUnavailable:
        token = None
    if token:
        return token
    if ctx.unlocked_token:
        return ctx.unlocked_token
    if token_file(ctx).exists():
        raise PasswordNeeded("同步凭证已加密保存在本机，请输入代办员密码解锁后再同步")
    return None
