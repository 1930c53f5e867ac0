"""Shared test set-up: headless Qt, an in-memory keyring, the PostgreSQL URL."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

from bench import POSTGRES_URL, postgres_available
from tests.keyring_backend import PATH_VARIABLE, MemoryKeyring

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parents[1]
__all__ = ["POSTGRES_URL", "postgres_available"]  # the benchmarks' (bench/__init__.py), one definition


@pytest.fixture(autouse=True)
def memory_keyring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> MemoryKeyring:
    """A fresh keyring per test, shared with the test's child processes through a file."""
    path = tmp_path / "test-keyring.json"
    monkeypatch.setenv(PATH_VARIABLE, str(path))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "tests.keyring_backend.MemoryKeyring")
    backend = MemoryKeyring(path)
    keyring.set_keyring(backend)
    return backend


def require_postgres() -> str:
    """The PostgreSQL URL; in CI (CI=true) a missing server fails, elsewhere it skips."""
    if postgres_available():
        return POSTGRES_URL
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail("CI 需要 PostgreSQL（127.0.0.1:5432，数据库 test），但无法连接")
    pytest.skip("PostgreSQL not reachable on 127.0.0.1:5432")


@pytest.fixture(params=["UTC", "Asia/Shanghai", "America/Los_Angeles"])
def process_tz(request: pytest.FixtureRequest) -> Iterator[str]:
    """The test runs with the process's own time zone set to each of these (a station PC set to UTC, one set
    right, one far off): nothing the station or the center records may depend on it."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = request.param
    time.tzset()
    yield request.param
    if before is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = before
    time.tzset()


def child_pythonpath() -> str:
    """PYTHONPATH for a child Python process of a test: the checkout first, then what this run was given
    (CI's faked-date run puts a sitecustomize there that every process of the run must load)."""
    return os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])
