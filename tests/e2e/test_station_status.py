"""A real station store with unsent events syncs over HTTP; the center's stations page shows its version and backlog."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from desktop.services.casework.cases import register_case
from desktop.services.context import ServiceContext
from desktop.services.syncing import center_sync
from sync import __version__
from sync.client.client import SyncClient
from sync.client.errors import ConnectionFailed
from sync.domain.clock import FixedClock
from sync.domain.events import Event
from sync.protocol.models import PushReply
from tests.desktop.conftest import TODAY, complete_draft
from tests.server_web.helpers import staff_as
from tests.sync.live_server import ServerHandle

from .conftest import connect_station


@pytest.fixture
def station(tmp_path: Path, server: ServerHandle) -> Iterator[tuple[ServiceContext, str]]:
    code = f"V{uuid.uuid4().hex[:6].upper()}"
    ctx = ServiceContext.open(tmp_path / "station", FixedClock.on(TODAY))
    connect_station(ctx, server, code, "城北村", "赵代办")
    yield ctx, code
    ctx.close()


class LinkDropsBeforePush(SyncClient):
    """The handshake gets through, then the village's link goes down."""

    def push(self, events: Sequence[Event], batch_id: str | None = None, *, station_id: str | None = None) -> PushReply:
        raise ConnectionFailed("无法连接镇中心（测试：网络中断）")


def _row(html: str, code: str) -> str:
    match = re.search(rf"<tr[^>]*>\s*<td>{code}</td>.*?</tr>", html, re.S)
    assert match, html
    return match[0]


def test_stations_page_shows_the_version_and_what_the_station_still_has_to_send(
    station: tuple[ServiceContext, str], server: ServerHandle
) -> None:
    ctx, code = station
    register_case(ctx, complete_draft(ctx))
    register_case(ctx, complete_draft(ctx, applicant_name="李桂兰"))
    pending = center_sync.status(ctx).pending
    assert pending == 4
    box = center_sync.outbox(ctx)
    assert box.events == 4 and box.last_seq == 4 and box.bytes > 4 * 200
    staff = staff_as(server, "supervisor")
    row = _row(staff.get("/stations").text, code)
    assert "从未同步" in row and "未知" in row

    real = center_sync.make_client(ctx)
    with pytest.raises(ConnectionFailed):
        center_sync.sync_now(ctx, LinkDropsBeforePush(real.base_url, token=real.token))
    assert center_sync.status(ctx).pending == 4
    row = _row(staff.get("/stations").text, code)
    assert f'<b class="due">{pending} 条</b>' in row and "KB" in row and "报告于" in row
    assert __version__ in row and "从未同步" in row

    center_sync.sync_now(ctx)
    assert center_sync.status(ctx).pending == 0
    row = _row(staff.get("/stations").text, code)
    assert '<b class="">0 条</b>' in row and "从未同步" not in row and "上传 " in row and "接收 " in row
    assert __version__ in row and 'class="overdue"' not in row
