"""A plain http:// center address is refused unless allowed; the allowance is stored with the address."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.services.context import ServiceContext
from desktop.services.station import require_station
from desktop.services.syncing import center_address, center_sync
from desktop.store import settings
from sync.client.address import is_loopback, is_unencrypted
from sync.client.client import Enrollment, SyncClient
from sync.client.errors import InsecureAddress
from sync.domain.clock import FixedClock
from tests.desktop.conftest import TODAY

LAN = "http://192.168.10.5:8000"


@pytest.fixture
def enrolls(monkeypatch: pytest.MonkeyPatch, ctx: ServiceContext) -> list[str]:
    """The center's answer to an enrollment, without a center: the addresses enrolled with."""
    asked: list[str] = []
    station_id = require_station(ctx).station_id

    def enroll(client: SyncClient, code: str, **_kwargs: object) -> Enrollment:
        asked.append(client.base_url)
        client.token = "dbt_test-token"
        return Enrollment(station_id, client.token)

    monkeypatch.setattr(SyncClient, "enroll", enroll)
    return asked


def test_http_on_the_network_is_refused_in_chinese_before_anything_is_sent(
    ctx: ServiceContext, enrolls: list[str]
) -> None:
    with pytest.raises(InsecureAddress) as caught:
        center_sync.connect_center(ctx, LAN, "AAAA-BBBB-CCCC")
    assert "https://" in caught.value.message and "允许使用不加密的 http 地址（仅限镇内局域网）" in caught.value.message
    assert enrolls == []  # the one-time code was not sent in clear
    assert not center_sync.status(ctx).enrolled


def test_allowed_http_is_kept_with_the_address_across_a_restart(
    ctx: ServiceContext, enrolls: list[str], tmp_path: Path
) -> None:
    center_sync.connect_center(ctx, LAN + "/", "AAAA-BBBB-CCCC", allow_http=True)
    assert enrolls == [LAN]
    assert center_address.link_warning(ctx) == center_address.UNENCRYPTED_WARNING
    ctx.close()
    again = ServiceContext.open(tmp_path / "data", FixedClock.on(TODAY))  # the station app restarted
    try:
        assert center_sync.make_client(again).base_url == LAN
        assert "未加密" in center_address.link_warning(again)
        with again.db.transaction() as session:  # the allowance is what lets every later connection through
            settings.put(session, center_sync.SERVER, {"url": LAN, "allow_http": False})
        with pytest.raises(InsecureAddress):
            center_sync.make_client(again)
    finally:
        again.close()


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8000", "http://127.8.9.10", "http://localhost:8000", "http://[::1]:80"]
)
def test_loopback_needs_no_allowance(ctx: ServiceContext, enrolls: list[str], url: str) -> None:
    center_sync.connect_center(ctx, url, "AAAA-BBBB-CCCC")
    assert enrolls == [url]
    assert center_address.link_warning(ctx) == ""


def test_https_needs_no_allowance_and_shows_no_warning(ctx: ServiceContext, enrolls: list[str]) -> None:
    center_sync.connect_center(ctx, "https://zhongxin.example.gov.cn", "AAAA-BBBB-CCCC")
    assert center_address.link_warning(ctx) == ""
    assert center_sync.make_client(ctx).base_url == "https://zhongxin.example.gov.cn"


def test_a_station_connected_before_the_allowance_keeps_its_http_address_with_a_warning(ctx: ServiceContext) -> None:
    """Stored before this check existed ({"url": ...} only): refusing it would stop the station's sync until a
    new code came from the center; it goes on, and the main window says the link is unencrypted."""
    from sync.client import credentials

    station_id = require_station(ctx).station_id
    credentials.save_token(station_id, "dbt_old")
    with ctx.db.transaction() as session:
        settings.put(session, center_sync.SERVER, {"url": LAN})
    assert center_sync.make_client(ctx).base_url == LAN
    assert center_address.link_warning(ctx)


def test_address_rules() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("LOCALHOST")
    assert not is_loopback("10.0.0.1") and not is_loopback("localhost.example.com") and not is_loopback("")
    assert is_unencrypted("HTTP://10.0.0.1") and not is_unencrypted("https://10.0.0.1")
    assert not is_unencrypted("http://127.0.0.1:8000")
    with pytest.raises(InsecureAddress):
        SyncClient("http://zhongxin.local")
    assert SyncClient("http://zhongxin.local", allow_http=True).base_url == "http://zhongxin.local"
