"""The token lives in the OS keyring (an in-memory one in tests)."""

from __future__ import annotations

import keyring
import pytest
from keyring.backends import fail

from sync.client import credentials
from sync.client.errors import KeyringUnavailable

from ..conftest import MemoryKeyring


def test_save_load_delete(memory_keyring: MemoryKeyring) -> None:
    assert credentials.load_token("station-1") is None
    credentials.save_token("station-1", "dbt_secret")
    assert memory_keyring.store[("daibantong", "station-1")] == "dbt_secret"
    assert credentials.load_token("station-1") == "dbt_secret"
    credentials.delete_token("station-1")
    assert credentials.load_token("station-1") is None
    credentials.delete_token("station-1")  # deleting twice is fine


def test_no_keyring_backend_is_a_clear_error() -> None:
    keyring.set_keyring(fail.Keyring())  # type: ignore[no-untyped-call]
    with pytest.raises(KeyringUnavailable) as caught:
        credentials.save_token("station-1", "dbt_secret")
    assert "凭据" in caught.value.message
    with pytest.raises(KeyringUnavailable):
        credentials.load_token("station-1")
