"""代办站设置 services: clerks with their 身份证 and phone, passwords, the recovery code, the station's data."""

from __future__ import annotations

from pathlib import Path

import keyring
import pytest

from desktop.services import accounts, clerk_identity, station_admin
from desktop.services.casework.cases import get_case
from desktop.services.context import ServiceContext
from desktop.services.safety import credential_store
from desktop.services.safety.audit import reveal_id_number
from desktop.services.station import current_station, setup_station
from sync.domain.clock import FixedClock
from sync.domain.errors import DomainError, ValidationError

from ..conftest import TODAY
from .test_clerk_identity import CLERK_PHONE, clerk_id
from .test_personal_data import ID, PHONE, NoKeyring
from .workflow_helpers import registered


def _keyringless_station(data_dir: Path) -> tuple[ServiceContext, station_admin.FirstClerk]:
    keyring.set_keyring(NoKeyring())
    ctx = ServiceContext.open(data_dir, FixedClock.on(TODAY))
    setup_station(ctx, code="CS01", name="城南村代办站", village="城南村", town="城关镇", clerk="李代办")
    first = station_admin.first_clerk(ctx, "admin", "李代办", "mima123456", clerk_id(), CLERK_PHONE)
    return ctx, first


def test_deactivation_refuses_the_last_active_clerk_and_oneself(ctx: ServiceContext) -> None:
    accounts.create_clerk(ctx, "admin", "李代办", "mima123456")
    accounts.create_clerk(ctx, "zhang", "张代办", "zhang-mima-1")
    accounts.login(ctx, "admin", "mima123456")
    with pytest.raises(DomainError, match="当前登录"):
        accounts.set_active(ctx, "admin", False)
    accounts.set_active(ctx, "zhang", False)
    with pytest.raises(DomainError, match="已停用"):
        accounts.login(ctx, "zhang", "zhang-mima-1")
    accounts.login(ctx, "admin", "mima123456")
    ctx.clerk = None  # nobody logged in for this session: the count alone refuses
    with pytest.raises(DomainError, match="至少需要保留一个"):
        accounts.set_active(ctx, "admin", False)
    assert accounts.set_active(ctx, "zhang", True).active


def test_first_clerk_gets_identity_and_a_recovery_code(tmp_path: Path) -> None:
    ctx, first = _keyringless_station(tmp_path / "data")
    try:
        assert first.clerk.username == "admin" and first.clerk.phone_masked == "139****5678"
        assert len(first.recovery_code) == 29 and station_admin.has_recovery_code(ctx)
        assert clerk_identity.identity_of(ctx, "admin").id_number == clerk_id()
    finally:
        ctx.close()


def test_a_bad_phone_at_first_setup_creates_no_account(tmp_path: Path) -> None:
    ctx = ServiceContext.open(tmp_path / "data", FixedClock.on(TODAY))
    setup_station(ctx, code="CS01", name="城南村代办站", village="城南村", town="城关镇", clerk="李代办")
    try:
        with pytest.raises(ValidationError) as err:
            station_admin.first_clerk(ctx, "admin", "李代办", "mima123456", "", "12345")
        assert err.value.field == "clerk_phone" and not accounts.has_accounts(ctx)
    finally:
        ctx.close()


def test_change_own_password_then_the_old_one_fails(ctx: ServiceContext) -> None:
    accounts.create_clerk(ctx, "admin", "李代办", "mima123456")
    accounts.login(ctx, "admin", "mima123456")
    with pytest.raises(ValidationError, match="不一致"):
        station_admin.change_own_password(ctx, "mima123456", "new-mima-1", "new-mima-2")
    with pytest.raises(ValidationError, match="原密码不正确"):
        station_admin.change_own_password(ctx, "wrong-one", "new-mima-1", "new-mima-1")
    station_admin.change_own_password(ctx, "mima123456", "new-mima-1", "new-mima-1")
    with pytest.raises(DomainError, match="登录名或密码不正确"):
        accounts.login(ctx, "admin", "mima123456")
    accounts.login(ctx, "admin", "new-mima-1")


def test_forgotten_password_with_the_recovery_code_keeps_cases_and_sync_credential(tmp_path: Path) -> None:
    """No keyring: the data key opens only with a password copy, so the reset must wrap it under the new one."""
    data_dir = tmp_path / "data"
    ctx, first = _keyringless_station(data_dir)
    station_id = current_station(ctx).station_id  # type: ignore[union-attr]
    case_id = registered(ctx)
    credential_store.store_token(ctx, station_id, "station-token-123")
    ctx.close()

    ctx = ServiceContext.open(data_dir, FixedClock.on(TODAY))  # the clerk forgot the password
    try:
        with pytest.raises(ValidationError, match="恢复码不正确"):
            station_admin.reset_password(ctx, "admin", "0" * 24, "xin-mima-2026")
        with pytest.raises(ValidationError, match="24位"):
            station_admin.reset_password(ctx, "admin", "1234", "xin-mima-2026")
        typed = "　".join(first.recovery_code.split("-"))  # spaces instead of dashes, as typed
        station_admin.reset_password(ctx, "admin", typed, "xin-mima-2026")
        with pytest.raises(DomainError, match="登录名或密码不正确"):
            accounts.login(ctx, "admin", "mima123456")
    finally:
        ctx.close()

    ctx = ServiceContext.open(data_dir, FixedClock.on(TODAY))
    try:
        accounts.login(ctx, "admin", "xin-mima-2026")
        assert reveal_id_number(ctx, case_id, "核对委托书") == ID
        assert get_case(ctx, case_id).applicant.phone == PHONE
        assert credential_store.load_token(ctx, station_id) == "station-token-123"
        assert clerk_identity.identity_of(ctx, "admin").phone == CLERK_PHONE
    finally:
        ctx.close()


def test_a_new_recovery_code_replaces_the_old_one(ctx: ServiceContext) -> None:
    accounts.create_clerk(ctx, "admin", "李代办", "mima123456")
    accounts.create_clerk(ctx, "zhang", "张代办", "zhang-mima-1")
    accounts.login(ctx, "admin", "mima123456")
    old = station_admin.new_recovery_code(ctx)
    new = station_admin.new_recovery_code(ctx)
    with pytest.raises(ValidationError, match="恢复码不正确"):
        station_admin.reset_password(ctx, "zhang", old, "zhang-mima-2")
    station_admin.reset_password(ctx, "zhang", new, "zhang-mima-2")
    accounts.login(ctx, "zhang", "zhang-mima-2")


def test_without_a_recovery_code_a_reset_says_what_to_do(ctx: ServiceContext) -> None:
    accounts.create_clerk(ctx, "admin", "李代办", "mima123456")
    accounts.login(ctx, "admin", "mima123456")
    with pytest.raises(DomainError, match="还没有设置恢复码"):
        station_admin.reset_password(ctx, "admin", "1" * 24, "xin-mima-2026")
