"""Shared test set-up: headless Qt, an in-memory keyring, the PostgreSQL URL."""

from __future__ import annotations

import os
from pathlib import Path

import keyring
import pytest

from tests.keyring_backend import PATH_VARIABLE, MemoryKeyring

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@pytest.fixture(autouse=True)
def memory_keyring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> MemoryKeyring:
    """A fresh keyring per test, shared with the test's child processes through a file."""
    path = tmp_path / "test-keyring.json"
    monkeypatch.setenv(PATH_VARIABLE, str(path))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "tests.keyring_backend.MemoryKeyring")
    backend = MemoryKeyring(path)
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
