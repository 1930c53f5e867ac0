from __future__ import annotations

from pathlib import Path

import pytest

from desktop.services import accounts
from desktop.services.casework.cases import get_case
from desktop.services.context import ServiceContext
from desktop.services.safety.passwords import hash_password, verify_password
from desktop.services.station import current_station, setup_station
from desktop.store.models import ClerkRow
from sync.domain.errors import DomainError, ValidationError

from .workflow_helpers import registered


@pytest.fixture
def fresh(tmp_path: Path) -> ServiceContext:
    return ServiceContext.open(tmp_path / "fresh")


def test_first_run_creates_station_and_first_clerk_account(fresh: ServiceContext) -> None:
    info = setup_station(
        fresh,
        code="cs02",
        name="城北村代办站",
        village="城北村",
        town="城关镇",
        clerk="张代办",
        username="zhang",
        password="secret123",
    )
    assert info.username == "zhang"
    assert accounts.list_clerks(fresh) == [accounts.ClerkInfo("zhang", "张代办", True)]
    with fresh.db.reading() as session:
        row = session.get(ClerkRow, "zhang")
        assert row is not None and "secret123" not in row.password_hash and row.password_hash.startswith("scrypt$")
    assert accounts.login(fresh, "zhang", "secret123").display_name == "张代办"


def test_bad_password_at_setup_saves_nothing(fresh: ServiceContext) -> None:
    with pytest.raises(ValidationError, match="至少需要6位") as err:
        setup_station(
            fresh, code="CS02", name="城北村代办站", village="城北村", town="城关镇", clerk="张代办", password="123"
        )
    assert err.value.field == "password"
    assert current_station(fresh) is None and not accounts.has_accounts(fresh)


def test_wrong_password_and_unknown_user_get_the_same_message(ctx: ServiceContext) -> None:
    accounts.create_clerk(ctx, "li", "李代办", "password1")
    with pytest.raises(DomainError) as wrong:
        accounts.login(ctx, "li", "nope-nope")
    with pytest.raises(DomainError) as unknown:
        accounts.login(ctx, "nobody", "nope-nope")
    assert wrong.value.message == unknown.value.message == "登录名或密码不正确"


def test_switch_user_makes_the_new_clerk_the_actor_of_events(ctx: ServiceContext) -> None:
    accounts.create_clerk(ctx, "li", "李代办", "password1")
    accounts.create_clerk(ctx, "wang", "王代办", "password2")
    accounts.switch_user(ctx, "wang", "password2")
    assert current_station(ctx).clerk == "王代办"  # type: ignore[union-attr]
    assert accounts.current_clerk(ctx) == accounts.ClerkInfo("wang", "王代办", True)
    case_id = registered(ctx)
    assert get_case(ctx, case_id).clerk == "王代办"


def test_duplicate_username_inactive_account_and_last_active(ctx: ServiceContext) -> None:
    accounts.create_clerk(ctx, "li", "李代办", "password1")
    with pytest.raises(ValidationError, match="已被使用"):
        accounts.create_clerk(ctx, "LI", "另一个", "password1")
    with pytest.raises(ValidationError, match="登录名应为"):
        accounts.create_clerk(ctx, "李", "李", "password1")
    with pytest.raises(DomainError, match="至少需要保留"):
        accounts.set_active(ctx, "li", False)
    accounts.create_clerk(ctx, "wang", "王代办", "password2")
    accounts.set_active(ctx, "li", False)
    with pytest.raises(DomainError, match="已停用"):
        accounts.login(ctx, "li", "password1")
    accounts.login(ctx, "wang", "password2")
    with pytest.raises(DomainError, match="当前登录"):
        accounts.set_active(ctx, "wang", False)


def test_change_password(ctx: ServiceContext) -> None:
    accounts.create_clerk(ctx, "li", "李代办", "password1")
    with pytest.raises(ValidationError, match="原密码不正确"):
        accounts.change_password(ctx, "li", "bad", "password9")
    accounts.change_password(ctx, "li", "password1", "password9")
    accounts.login(ctx, "li", "password9")


def test_hash_is_salted_and_verifies() -> None:
    first, second = hash_password("同一个密码"), hash_password("同一个密码")
    assert first != second
    assert verify_password("同一个密码", first) and not verify_password("别的", first)
    assert not verify_password("x", "garbage")
