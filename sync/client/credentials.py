"""The station's bearer token lives in the OS keyring (Windows Credential Manager), never in a plain file.

On a PC with no keyring backend, ``save_token`` raises ``KeyringUnavailable``
(a clear Chinese message); the app may then offer ``save_token_encrypted``:
the token in a file encrypted with a key derived from the clerk's password.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
from pathlib import Path

import keyring
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from keyring.errors import KeyringError, NoKeyringError, PasswordDeleteError

from .errors import KeyringUnavailable, WeakPassword, WrongPassword

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


# -- encrypted file fallback (no keyring backend on this PC) -----------------------------------------------------------

_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**15, 8, 1
MIN_PASSWORD = 6


def _derive(password: str, salt: bytes) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P, maxmem=64 * 1024 * 1024, dklen=32
    )


#: How ``password_key`` derives (recorded next to what it encrypts).
PASSWORD_KDF = {"name": "scrypt", "n": _SCRYPT_N, "r": _SCRYPT_R, "p": _SCRYPT_P}


def password_key(password: str, salt: bytes) -> bytes:
    """An AES-256 key from the clerk's password (scrypt); also wraps the station's data key."""
    return _derive(password, salt)


def save_token_encrypted(path: Path, station_id: str, token: str, password: str) -> None:
    """Keep the token in ``path``, encrypted (AES-256-GCM, key from the clerk's password by scrypt).

    For PCs without a keyring backend only; the station id is bound as associated data.
    """
    if len(password) < MIN_PASSWORD:
        raise WeakPassword(f"密码至少需要{MIN_PASSWORD}位")
    salt, nonce = os.urandom(16), os.urandom(12)
    sealed = AESGCM(_derive(password, salt)).encrypt(nonce, token.encode("utf-8"), station_id.encode("utf-8"))
    record = {
        "v": 1,
        "kdf": {"name": "scrypt", "n": _SCRYPT_N, "r": _SCRYPT_R, "p": _SCRYPT_P},
        "station_id": station_id,
        "salt": base64.b64encode(salt).decode("ascii"),
        "nonce": base64.b64encode(nonce).decode("ascii"),
        "ciphertext": base64.b64encode(sealed).decode("ascii"),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_suffix(path.suffix + ".tmp")
    temp.write_text(json.dumps(record), encoding="utf-8")
    os.replace(temp, path)


def load_token_encrypted(path: Path, station_id: str, password: str) -> str | None:
    """The token from ``path`` (None if the file does not exist); ``WrongPassword`` if it does not open."""
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise KeyringUnavailable("本机保存的同步凭证文件已损坏，请重新登记本站") from exc
    try:
        salt = base64.b64decode(record["salt"])
        nonce = base64.b64decode(record["nonce"])
        sealed = base64.b64decode(record["ciphertext"])
    except (KeyError, TypeError, ValueError) as exc:
        raise KeyringUnavailable("本机保存的同步凭证文件已损坏，请重新登记本站") from exc
    if record.get("station_id") != station_id:
        raise KeyringUnavailable("本机保存的同步凭证属于另一个代办站，请重新登记本站")
    try:
        plain = AESGCM(_derive(password, salt)).decrypt(nonce, sealed, station_id.encode("utf-8"))
    except InvalidTag as exc:
        raise WrongPassword("密码不正确，无法打开本机保存的同步凭证") from exc
    return plain.decode("utf-8")
