"""Issue #5: the requests of a desktop 立即同步 over real loopback HTTP, counted on the wire.

The first sync after start greets the center (handshake: versions, backlog, push codings) and asks it for a
new station version; every later one is a push per batch and a pull, with the station's backlog in their
``X-Station-*`` headers; with nothing to send, a pull alone.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests

from desktop.services.casework.cases import register_case
from desktop.services.context import ServiceContext
from desktop.services.syncing import center_sync
from desktop.store import settings
from sync.client.client import SyncClient
from sync.domain.clock import FixedClock
from tests.desktop.conftest import TODAY, complete_draft
from tests.server_web.helpers import staff_as
from tests.sync.live_server import ServerHandle

from .conftest import connect_station
from .test_station_status import _row


@pytest.fixture
def station(tmp_path: Path, server: ServerHandle) -> Iterator[tuple[ServiceContext, str]]:
    code = f"R{uuid.uuid4().hex[:6].upper()}"
    ctx = ServiceContext.open(tmp_path / "station", FixedClock.on(TODAY))
    connect_station(ctx, server, code, "城西村", "钱代办")
    yield ctx, code
    ctx.close()


@pytest.fixture
def wire(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str, dict[str, str]]]:
    """Every HTTP exchange of the clients ``sync_now`` makes: (method, path after /api/v1, request headers)."""
    seen: list[tuple[str, str, dict[str, str]]] = []
    make_client = center_sync.make_client

    def counting(ctx: ServiceContext) -> SyncClient:
        client = make_client(ctx)

        def hook(response: requests.Response, *args: Any, **kwargs: Any) -> None:
            path = urlsplit(response.request.url).path.removeprefix("/api/v1")
            seen.append((str(response.request.method), path, dict(response.request.headers)))

        client.http.hooks["response"].append(hook)
        return client

    monkeypatch.setattr(center_sync, "make_client", counting)
    return seen


def _calls(wire: list[tuple[str, str, dict[str, str]]]) -> list[str]:
    calls = [f"{method} {path}" for method, path, _ in wire]
    wire.clear()
    return calls


HANDSHAKE, PUSH, PULL = "POST /sync/handshake", "POST /sync/push", "GET /sync/pull"
RELEASE = "GET /releases/latest"  # with the greeting only (and while a download is unfinished)


def test_a_day_of_syncs_is_one_push_and_one_pull_after_the_first_greeting(
    station: tuple[ServiceContext, str], server: ServerHandle, wire: list[tuple[str, str, dict[str, str]]]
) -> None:
    ctx, code = station
    register_case(ctx, complete_draft(ctx))
    center_sync.sync_now(ctx)
    assert _calls(wire) == [HANDSHAKE, PUSH, PULL, RELEASE]

    for name in ("李桂兰", "王秀英", "张建国"):
        register_case(ctx, complete_draft(ctx, applicant_name=name))
    box = center_sync.outbox(ctx)
    assert box.events == 6
    center_sync.sync_now(ctx)
    calls, headers = [f"{m} {p}" for m, p, _ in wire], [h for _, _, h in wire]
    assert _calls(wire) == [PUSH, PULL], calls
    assert headers[0]["X-Station-Pending-Events"] == "6" and headers[0]["X-Station-Last-Seq"] == str(box.last_seq)
    assert int(headers[0]["X-Station-Pending-Bytes"]) == box.bytes
    assert headers[1]["X-Station-Pending-Events"] == "0" and headers[1]["X-Station-Pending-Bytes"] == "0"
    assert center_sync.status(ctx).pending == 0

    center_sync.sync_now(ctx)
    assert _calls(wire) == [PULL]  # nothing to send: no empty push

    row = _row(staff_as(server, "supervisor").get("/stations").text, code)
    assert '<b class="">0 条</b>' in row and "从未同步" not in row


def test_a_new_center_url_is_greeted_again(
    station: tuple[ServiceContext, str], server: ServerHandle, wire: list[tuple[str, str, dict[str, str]]]
) -> None:
    ctx, _ = station
    center_sync.sync_now(ctx)
    assert _calls(wire) == [HANDSHAKE, PULL, RELEASE]
    center_sync.sync_now(ctx)
    assert _calls(wire) == [PULL]
    with ctx.db.transaction() as session:
        settings.put(session, center_sync.SERVER, {"url": server.url.replace("127.0.0.1", "localhost")})
    center_sync.sync_now(ctx)
    assert _calls(wire) == [HANDSHAKE, PULL, RELEASE]
