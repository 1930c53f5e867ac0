"""The center's own Ed25519 signing key, for the return files it writes to stations.

It lives in a key file **outside the database** (``Settings.signing_key_file``): whoever reads a copy
of the database (a ``pg_dump``, a stolen backup) cannot sign as the center, and no station can forge
a "center decision" for itself. Its public half goes to every station at enrollment and at each
handshake. The file is made on first need (owner-only permissions) and must be kept with the
center's backups: a center that loses it makes a new one, and stations then take the new public key
at their next handshake (the operator sees that in the log).
"""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sync.protocol.transfer import public_key_hex

from .config import Settings
from .key_files import key_file_path, write_new_key_file

log = logging.getLogger(__name__)

KEY_FILE_NAME = "center_signing_key.pem"


def signing_key_path(settings: Settings) -> Path:
    """``DAIBANTONG_SIGNING_KEY_FILE`` when set; else beside a SQLite database file; else in the center's
    data folder of the user the server runs as (``core.key_files``)."""
    return key_file_path(settings.database_url, settings.signing_key_file, ".signing-key.pem", KEY_FILE_NAME)


@cache
def center_key(path: Path) -> Ed25519PrivateKey:
    """The key kept in ``path``, made there (mode 0600) when the file does not exist yet."""
    try:
        return _load(path)
    except FileNotFoundError:
        return _create(path)


def _load(path: Path) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except ValueError as exc:
        raise SystemExit(f"签名密钥文件 {path} 已损坏：{exc}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise SystemExit(f"签名密钥文件 {path} 不是 Ed25519 私钥")
    return key


def center_public_key(path: Path) -> str:
    return public_key_hex(center_key(path))


def _create(path: Path) -> Ed25519PrivateKey:
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    if not write_new_key_file(path, pem):
        return _load(path)
    log.warning("已生成镇中心签名密钥文件 %s（请与数据库备份一并妥善保管）", path)
    return key
