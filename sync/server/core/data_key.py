"""The town center's data key (personal data at rest, ``core.sealing``): a key file outside the database.

``DAIBANTONG_DATA_KEY_FILE``, else beside a SQLite database file (``town_center.db.data-key.json``), else
``center_data_key.json`` in the center's data folder of the user the server runs as
(``~/.local/share/daibantong-center`` on Linux). Made on first start with owner-only permissions.
**Lose the file and the sealed 身份证 numbers, phones, ink and scans are lost**: back it up with the
database, stored apart from the dumps (docs/operations.md).
"""

from __future__ import annotations

import base64
import json
import logging
import os
from functools import cache
from pathlib import Path

from sqlalchemy import Engine

from sync.crypto import DataKey

from .config import Settings
from .key_files import key_file_path, write_new_key_file

log = logging.getLogger(__name__)

KEY_FILE_NAME = "center_data_key.json"
ENV = "DAIBANTONG_DATA_KEY_FILE"


class DataKeyMismatch(SystemExit):
    """The key file does not open this database's personal data, or cannot be read (the center does not start)."""


# -- where it is, and the key -----------------------------------------------------------------------------------


def data_key_path(settings: Settings) -> Path:
    """``DAIBANTONG_DATA_KEY_FILE`` when set; else beside a SQLite database file; else in the center's data
    folder of the user the server runs as (``core.key_files``)."""
    return key_file_path(settings.database_url, settings.data_key_file, ".data-key.json", KEY_FILE_NAME)


@cache
def center_data_key(path: Path) -> DataKey:
    """The key kept in ``path``, made there (mode 0600) when the file does not exist yet."""
    try:
        return _load(path)
    except FileNotFoundError:
        return _create(path)


def _load(path: Path) -> DataKey:
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        return DataKey(base64.urlsafe_b64decode(record["key"]), str(record["key_id"]))
    except (ValueError, KeyError, TypeError) as exc:
        raise DataKeyMismatch(f"个人信息密钥文件 {path} 已损坏：{exc}") from None


def _create(path: Path) -> DataKey:
    key = DataKey.generate()
    record = {"key_id": key.key_id, "key": base64.urlsafe_b64encode(key.raw).decode("ascii")}
    if not write_new_key_file(path, json.dumps(record).encode("ascii")):
        return _load(path)
    log.warning("已生成镇中心个人信息密钥文件 %s（请与数据库备份一并妥善保管，丢失后个人信息无法恢复）", path)
    return key


def engine_data_key(engine: Engine) -> tuple[DataKey, Path]:
    """The key (and its file) of the database ``engine`` opens, found as ``Settings.from_env`` would."""
    settings = Settings(
        database_url=engine.url.render_as_string(hide_password=False),
        data_key_file=Path(os.environ[ENV]) if os.environ.get(ENV) else None,
    )
    path = data_key_path(settings)
    return center_data_key(path), path
