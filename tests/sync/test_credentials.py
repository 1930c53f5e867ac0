"""The token lives in the OS keyring (an in-memory one in tests)."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from sync.client import credentials
from sync.client.errors import KeyringUnavailable, WeakPassword, WrongPassword

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


def test_encrypted_fallback_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "credentials" / "token.json"
    assert credentials.load_token_encrypted(path, "station-1", "secret1") is None
    credentials.save_token_encrypted(path, "station-1", "dbt_secret", "开门密码123")
    stored = path.read_text(encoding="utf-8")
    assert "dbt_secret" not in stored
    assert credentials.load_token_encrypted(path, "station-1", "开门密码123") == "dbt_secret"
    with pytest.raises(WrongPassword) as caught:
        credentials.load_token_encrypted(path, "station-1", "wrong-password")
    assert "密码不正确" in caught.value.message
    with pytest.raises(KeyringUnavailable):  # bound to its station
        credentials.load_token_encrypted(path, "station-2", "开门密码123")


def test_encrypted_fallback_refuses_weak_password_and_tampering(tmp_path: Path) -> None:
    path = tmp_path / "token.json"
    with pytest.raises(WeakPassword):
        credentials.save_token_encrypted(path, "s", "dbt_x", "123")
    credentials.save_token_encrypted(path, "s", "dbt_x", "123456")
    record = json.loads(path.read_text(encoding="utf-8"))
    sealed = bytearray(base64.b64decode(record["ciphertext"]))
    sealed[0] ^= 1
    record["ciphertext"] = base64.b64encode(bytes(sealed)).decode()
    path.write_text(json.dumps(record), encoding="utf-8")
    with pytest.raises(WrongPassword):
        credentials.load_token_encrypted(path, "s", "123456")
    path.write_text("{broken", encoding="utf-8")
    with pytest.raises(KeyringUnavailable):
        credentials.load_token_encrypted(path, "s", "123456")
