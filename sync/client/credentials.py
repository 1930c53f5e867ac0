"""The station's bearer token lives in the OS keyring (Windows Credential Manager), never in a file."""

from __future__ import annotations

import logging

import keyring
from keyring.errors import KeyringError, NoKeyringError, PasswordDeleteError

from .errors import KeyringUnavailable

log = logging.getLogger(__name__)

SERVICE = "daibantong"
_NO_BACKEND = "本机没有可用的系统凭据库（如 Windows 凭据管理器），无法安全保存同步凭证，请联系技术人员"


def _unavailable(exc: Exception) -> KeyringUnavailable:
    log.warning("keyring unavailable: %s", exc)
    return KeyringUnavailable(_NO_BACKEND)


def save_token(station_id: str, token: str) -> None:
    try:
        keyring.set_password(SERVICE, station_id, token)
    except (NoKeyringError, KeyringError) as exc:
        raise _unavailable(exc) from exc


def load_token(station_id: str) -> str | None:
    """The saved token, or None when this station has not enrolled on this PC."""
    try:
        return keyring.get_password(SERVICE, station_id)
    except (NoKeyringError, KeyringError) as exc:
        raise _unavailable(exc) from exc


def delete_token(station_id: str) -> None:
    try:
        keyring.delete_password(SERVICE, station_id)
    except PasswordDeleteError:
        return
    except (NoKeyringError, KeyringError) as exc:
        raise _unavailable(exc) from exc
