"""The sync credential on a PC without a keyring: sealed with the data key the login opens, never plain."""

from __future__ import annotations

import json
from pathlib import Path

import keyring
import pytest

from desktop.services import accounts
from desktop.services.context import ServiceContext
from desktop.services.safety import credential_store
from desktop.services.safety.credential_store import PasswordNeeded
from desktop.services.station import require_station, setup_station
from sync.client import credentials
from sync.client.errors import WrongPassword
from sync.domain.errors import DomainError
from tests.keyring_backend import NoKeyring

TOKEN = "tok-" + "x" * 40
PASSWORD = "mima-123456"


def test_keyring_is_used_when_present(ctx: ServiceContext) -> None:
    station_id = require_station(ctx).station_id
    credential_store.store_token(ctx, station_id, TOKEN)
    assert keyring.get_password("daibantong", station_id) == TOKEN
    assert not credential_store.token_file(ctx).exists()
    assert credential_store.load_token(ctx, station_id) == TOKEN


def test_without_keyring_the_token_is_sealed_with_the_data_key_the_login_opens(tmp_path: Path) -> None:
    keyring.set_keyring(NoKeyring())
    ctx = ServiceContext.open(tmp_path / "data")
    setup_station(
        ctx, code="CS01", name="城南村代办站", village="城南村", town="城关镇", clerk="李代办", password=PASSWORD
    )
    accounts.create_clerk(ctx, "wang", "王代办", "wang-123456")
    station_id = require_station(ctx).station_id
    assert not credential_store.keyring_available()
    credential_store.check_can_store(ctx)  # the data key is open: no second password
    credential_store.store_token(ctx, station_id, TOKEN)
    raw = credential_store.token_file(ctx).read_bytes()
    assert TOKEN.encode() not in raw and b"mima" not in raw
    assert credential_store.load_token(ctx, station_id) == TOKEN
    ctx.close()

    ctx = ServiceContext.open(tmp_path / "data")  # next start of the app
    with pytest.raises(PasswordNeeded, match="解锁"):
        credential_store.load_token(ctx, station_id)
    with pytest.raises(PasswordNeeded, match="请先登录"):
        credential_store.check_can_store(ctx)
    with pytest.raises(DomainError, match="登录名或密码不正确"):
        accounts.login(ctx, "admin", "wrong-password")
    assert ctx.unlocked_token is None
    accounts.login(ctx, "wang", "wang-123456")  # any clerk's login opens it
    assert ctx.unlocked_token == TOKEN
    assert credential_store.load_token(ctx, station_id) == TOKEN
    ctx.close()


def test_an_earlier_release_file_is_opened_by_its_password_and_sealed_again(tmp_path: Path) -> None:
    keyring.set_keyring(NoKeyring())
    ctx = ServiceContext.open(tmp_path / "data")
    setup_station(
        ctx, code="CS01", name="城南村代办站", village="城南村", town="城关镇", clerk="李代办", password=PASSWORD
    )
    accounts.create_clerk(ctx, "wang", "王代办", "wang-123456")
    station_id = require_station(ctx).station_id
    path = credential_store.token_file(ctx)
    credentials.save_token_encrypted(path, station_id, TOKEN, PASSWORD)  # as the release before kept it
    ctx.close()

    ctx = ServiceContext.open(tmp_path / "data")
    accounts.login(ctx, "wang", "wang-123456")  # not the password it was kept with: stays locked
    with pytest.raises(PasswordNeeded):
        credential_store.load_token(ctx, station_id)
    with pytest.raises(DomainError, match="密码不正确"):
        accounts.unlock_sync(ctx, "wrong-password")
    with pytest.raises(DomainError, match="连接镇中心的代办员的密码"):
        accounts.unlock_sync(ctx, "wang-123456")
    with pytest.raises(WrongPassword):
        credential_store.unlock(ctx, station_id, "wrong-password")
    assert json.loads(path.read_text(encoding="utf-8"))["v"] == 1  # nothing changed by the refusals
    accounts.unlock_sync(ctx, PASSWORD)
    assert credential_store.load_token(ctx, station_id) == TOKEN
    assert json.loads(path.read_text(encoding="utf-8"))["v"] == 2
    ctx.close()
