"""Where the center keeps a key file outside its database, and how one is made (signing key, data key).

A key file lives at the path its setting names; else beside a SQLite database file; else in the center's data
folder of the user the server runs as (``~/.local/share/daibantong-center`` on Linux). It is made on first
need with owner-only permissions, and never over a file another process made at the same moment.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs
from sqlalchemy.engine import make_url

DATA_FOLDER = "daibantong-center"


def key_file_path(database_url: str, configured: Path | None, sqlite_suffix: str, file_name: str) -> Path:
    """``configured`` when set; else ``<database file><sqlite_suffix>`` for a SQLite file; else ``file_name`` in
    the center's data folder."""
    if configured is not None:
        return configured
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        database = Path(url.database)
        return database.with_name(database.name + sqlite_suffix)
    return platformdirs.user_data_path(DATA_FOLDER) / file_name


def write_new_key_file(path: Path, content: bytes) -> bool:
    """Write ``content`` to a new file at ``path`` (mode 0600); False when another process made it first
    (then read theirs)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(content)
    try:
        os.link(temp, path)  # never overwrite a key another process made at the same moment
    except FileExistsError:
        return False
    finally:
        os.unlink(temp)
    return True
