"""The sync credential on a PC without a keyring: encrypted with the clerk's password, never plain."""

from __future__ import annotations

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.errors import NoKeyringError

from desktop.services import credential_store
from desktop.services.context import ServiceContext
from desktop.services.credential_store import PasswordNeeded
from desktop.services.station import require_station
from sync.client.errors import WrongPassword

TOKEN = "tok-" + "x" * 40


class NoKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        raise NoKeyringError("none")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise NoKeyringError("none")

    def delete_password(self, service: str, username: str) -> None:
        raise NoKeyringError("none")


def test_keyring_is_used_when_present(ctx: ServiceContext) -> None:
    station_id = require_station(ctx).station_id
    credential_store.store_token(ctx, station_id, TOKEN)
    assert keyring.get_password("daibantong", station_id) == TOKEN
    assert not credential_store.token_file(ctx).exists()
    assert credential_store.load_token(ctx, station_id) == TOKEN


def test_without_keyring_the_password_is_asked_for_and_the_file_is_encrypted(ctx: ServiceContext) -> None:
    keyring.set_keyring(NoKeyring())
    station_id = require_station(ctx).station_id
    assert not credential_store.keyring_available()
    with pytest.raises(PasswordNeeded, match="请输入代办员密码"):
        credential_store.check_can_store(ctx, None)
    with pytest.raises(PasswordNeeded):
        credential_store.store_token(ctx, station_id, TOKEN)
    credential_store.store_token(ctx, station_id, TOKEN, password="mima-123456")
    raw = credential_store.token_file(ctx).read_bytes()
    assert TOKEN.encode() not in raw and b"mima" not in raw
    assert credential_store.load_token(ctx, station_id) == TOKEN  # unlocked for this session

    ctx.unlocked_token = None  # next start of the app
    with pytest.raises(PasswordNeeded, match="解锁"):
        credential_store.load_token(ctx, station_id)
    with pytest.raises(WrongPassword, match="密码不正确"):
        credential_store.unlock(ctx, station_id, "wrong-password")
    credential_store.unlock(ctx, station_id, "mima-123456")
    assert credential_store.load_token(ctx, station_id) == TOKEN
