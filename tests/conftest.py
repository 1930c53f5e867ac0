"""Shared test set-up: headless Qt, an in-memory keyring, the PostgreSQL URL."""

from __future__ import annotations

import os

import keyring
import pytest
from keyring.backend import KeyringBackend

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


class MemoryKeyring(KeyringBackend):
    """Tests never touch the real OS keyring."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)


@pytest.fixture(autouse=True)
def memory_keyring() -> MemoryKeyring:
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    return backend


def postgres_available() -> bool:
    import sqlalchemy as sa

    try:
        engine = sa.create_engine(POSTGRES_URL)
        with engine.connect() as conn:
            conn.execute(sa.text("select 1"))
        engine.dispose()
        return True
    except sa.exc.OperationalError:
        return False


def require_postgres() -> str:
    """The PostgreSQL URL; in CI (CI=true) a missing server fails, elsewhere it skips."""
    if postgres_available():
        return POSTGRES_URL
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail("CI 需要 PostgreSQL（127.0.0.1:5432，数据库 test），但无法连接")
    pytest.skip("PostgreSQL not reachable on 127.0.0.1:5432")
