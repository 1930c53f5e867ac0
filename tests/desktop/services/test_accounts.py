from __future__ import annotations

from pathlib import Path

import pytest

from desktop.services import accounts
from desktop.services.casework.cases import get_case
from desktop.services.context import ServiceContext
from desktop.services.safety.passwords import hash_password, verify_password
from desktop.services.station import current_station, setup_station
from desktop.store import settings
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


def test_the_logged_in_clerk_lives_in_memory_for_the_session(ctx: ServiceContext, tmp_path: Path) -> None:
    """The session's clerk is the actor; the settings keep only who logged in last, to prefill the login."""
    accounts.create_clerk(ctx, "admin", "李代办", "mima123456")
    accounts.create_clerk(ctx, "zhang", "张代办", "zhang-mima-1")
    accounts.login(ctx, "zhang", "zhang-mima-1")
    station = current_station(ctx)
    assert station is not None and (station.clerk, station.username) == ("张代办", "zhang")
    clerk = accounts.current_clerk(ctx)
    assert clerk is not None and clerk.username == "zhang"
    with ctx.db.reading() as session:
        assert settings.get(session, settings.STATION)["clerk"] == "李代办"  # the station's record is untouched
    again = ServiceContext.open(tmp_path / "data", ctx.clock)  # the next start of the app
    try:
        assert accounts.current_clerk(again) is None
        assert accounts.last_username(again) == "zhang"
    finally:
        again.close()


def test_a_station_from_an_earlier_release_keeps_its_last_clerk(ctx: ServiceContext) -> None:
    """Earlier releases wrote the logged-in clerk into the station's settings: before a login that clerk still
    prefills the login and names the station's clerk; the first login takes over in memory."""
    accounts.create_clerk(ctx, "zhang", "张代办", "zhang-mima-1")
    with ctx.db.transaction() as session:
        old = dict(settings.get(session, settings.STATION))
        settings.put(session, settings.STATION, {**old, "clerk": "张代办", "username": "zhang"})
    assert accounts.current_clerk(ctx) is None
    assert accounts.last_username(ctx) == "zhang"
    station = current_station(ctx)
    assert station is not None and station.clerk == "张代办"
    accounts.login(ctx, "zhang", "zhang-mima-1")
    clerk = accounts.current_clerk(ctx)
    assert clerk is not None and clerk.display_name == "张代办"
