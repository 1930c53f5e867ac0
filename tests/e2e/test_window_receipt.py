"""窗口确认收件 end to end over real HTTP: a station store pushes its handover to the window, the window
confirms it on the center's case page, the station pulls it and its custody view shows the confirmation."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from desktop.services.casework import workflow
from desktop.services.casework.case_detail import case_detail
from desktop.services.casework.handovers import record_handover
from desktop.services.casework.home import home
from desktop.services.context import ServiceContext
from desktop.services.syncing import center_sync
from sync.domain.clock import FixedClock
from tests.desktop.services.workflow_helpers import handover, registered
from tests.server_web.helpers import Staff, login, make_staff
from tests.sync.live_server import ServerHandle

from .conftest import connect_station


@pytest.fixture
def station(tmp_path: Path, server: ServerHandle) -> Iterator[ServiceContext]:
    code = f"R{uuid.uuid4().hex[:6].upper()}"
    ctx = ServiceContext.open(tmp_path / "station", FixedClock.on(date(2026, 12, 28)))
    connect_station(ctx, server, code, "城北村", "李代办")
    yield ctx
    ctx.close()


def _handed_to_window(ctx: ServiceContext) -> str:
    case_id = registered(ctx)
    record_handover(ctx, case_id, handover(ctx, case_id, "villager", "clerk"))
    workflow.deliver(ctx, case_id, handover(ctx, case_id, "clerk", "window"))
    center_sync.sync_now(ctx)
    return case_id


def _form(page: str) -> dict[str, object]:
    """What the browser sends for the 确认收件 form as the page fills it (everything ticked as listed)."""
    form = page.split('class="decision receive"')[1].split("</form>")[0]
    selects = re.findall(r'<select name="form"[^>]*>(.*?)</select>', form, re.S)
    return {
        "handover_id": re.search(r'name="handover_id" value="([^"]+)"', form)[1],  # type: ignore[index]
        "received": re.findall(r'name="received" value="(\d+)"', form),
        "copies": re.findall(r'name="copies" value="(\d+)"', form),
        "form": [re.search(r'<option value="(\w+)" selected', s)[1] for s in selects],  # type: ignore[index]
    }


def test_window_confirms_a_pushed_handover_and_the_station_shows_it(
    server: ServerHandle, station: ServiceContext
) -> None:
    ctx = station
    case_id = _handed_to_window(ctx)
    window: Staff = login(server, make_staff(server.database_url, "window", "周窗口"))
    page = window.get(f"/cases/{case_id}").text
    assert "待镇窗口确认收件" in page
    form = _form(page)
    assert form["received"] and len(form["copies"]) == len(form["received"])  # type: ignore[arg-type]

    reply = window.post(f"/cases/{case_id}/receive", form)  # type: ignore[arg-type]
    assert reply.status_code == 303, reply.text[-400:]
    changed = center_sync.sync_now(ctx)
    assert case_id in changed.case_ids and "接收镇中心 1 条" in changed.message

    detail = case_detail(ctx, case_id)
    (line,) = detail.receipts
    assert line.status == "confirmed" and line.received_by == "周窗口"
    held = [c for c in detail.custody if c.holder == "window"]
    assert held and all(c.window_word.startswith("镇窗口已确认收件（周窗口，") for c in held)
    assert any(h.sentence == "镇窗口确认收件（周窗口）：全部收到" for h in detail.history)
    assert "镇窗口已确认收件（周窗口，" in window.get(f"/cases/{case_id}").text


def test_a_discrepancy_reaches_the_station_and_its_later_return_still_syncs(
    server: ServerHandle, station: ServiceContext
) -> None:
    ctx = station
    case_id = _handed_to_window(ctx)
    director = login(server, make_staff(server.database_url, "director", "王主任"))
    form = _form(director.get(f"/cases/{case_id}").text)
    form["received"] = form["received"][1:]  # type: ignore[index]  # the first item did not arrive
    # meanwhile the station, offline, records the window handing the originals back
    record_handover(ctx, case_id, handover(ctx, case_id, "window", "clerk"))
    assert director.post(f"/cases/{case_id}/receive", form).status_code == 303  # type: ignore[arg-type]

    changed = center_sync.sync_now(ctx)  # pushes window → clerk after the center's word, pulls the word after it
    assert "冲突" not in changed.message
    detail = case_detail(ctx, case_id)
    (line,) = detail.receipts
    assert line.problem and "未收到" in line.sentence and line.received_by == "王主任"
    assert [c.case_id for c in home(ctx).receipt_problems] == [case_id]
    assert {c.holder for c in detail.custody} == {"clerk"}
    assert detail.summary.sync_label == "已同步"
    page = director.get(f"/cases/{case_id}").text
    assert "镇窗口收件有差异" in page and "冲突" not in page
