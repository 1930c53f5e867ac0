"""The tests' keyring: in memory, mirrored to a JSON file so that child processes share it.

The autouse fixture in ``tests/conftest.py`` installs it and points
``PYTHON_KEYRING_BACKEND`` at it, so a child process (``python -m tests....``)
started by a test sees the same entries (the station's data key, the sync token).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.errors import NoKeyringError

PATH_VARIABLE = "DAIBANTONG_TEST_KEYRING"


class MemoryKeyring(KeyringBackend):
    """Tests never touch the real OS keyring."""

    priority = 1  # type: ignore[assignment]

    def __init__(self, path: Path | None = None) -> None:
        super().__init__()
        self.path = path or (Path(os.environ[PATH_VARIABLE]) if os.environ.get(PATH_VARIABLE) else None)
        self.store: dict[tuple[str, str], str] = {}

    def _load(self) -> None:
        if self.path is not None and self.path.exists():
            self.store = {(s, u): p for s, u, p in json.loads(self.path.read_text(encoding="utf-8"))}

    def _save(self) -> None:
        if self.path is not None:
            tmp = self.path.with_suffix(".tmp")
            tmp.write_text(json.dumps([[s, u, p] for (s, u), p in self.store.items()]), encoding="utf-8")
            os.replace(tmp, self.path)

    def get_password(self, service: str, username: str) -> str | None:
        self._load()
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self._load()
        self.store[(service, username)] = password
        self._save()

    def delete_password(self, service: str, username: str) -> None:
        self._load()
        self.store.pop((service, username), None)
        self._save()


class NoKeyring(KeyringBackend):
    """A PC without any keyring backend: every call fails as keyring's fail backend does."""

    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        raise NoKeyringError("none")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise NoKeyringError("none")

    def delete_password(self, service: str, username: str) -> None:
        raise NoKeyringError("none")
