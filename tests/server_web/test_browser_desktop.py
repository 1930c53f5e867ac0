"""End to end with a real station: a desktop store registers and delivers a case and syncs; a window
clerk accepts and completes it in headless Chromium; after its next sync the station's own
projection shows the case 已办结 with the center's result."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from desktop.services.casework.cases import get_case, register_case
from desktop.services.casework.workflow import deliver
from desktop.services.context import ServiceContext
from desktop.services.station import setup_station
from desktop.services.syncing import center_sync
from sync.domain.case_rules import CaseState
from tests.desktop.conftest import complete_draft
from tests.sync.live_server import ServerHandle, issue_enrollment_code

from .browser import chromium
from .helpers import PASSWORD, make_staff


@pytest.fixture
def desktop(tmp_path: Path, live_server: ServerHandle) -> Iterator[ServiceContext]:
    code = f"E{uuid.uuid4().hex[:6].upper()}"
    ctx = ServiceContext.open(tmp_path / "station")
    setup_station(ctx, code=code, name="城南村代办站", village="城南村", town="城关镇", clerk="李代办")
    enrollment = issue_enrollment_code(live_server.database_url, code, "城南村代办站")
    center_sync.connect_center(ctx, live_server.url, enrollment)
    yield ctx
    ctx.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


def test_desktop_case_accepted_and_completed_in_the_browser(
    browser: Any, live_server: ServerHandle, desktop: ServiceContext
) -> None:
    case_id = register_case(desktop, complete_draft(desktop)).case_ids[0]
    deliver(desktop, case_id)
    center_sync.sync_now(desktop)
    case_no = get_case(desktop, case_id).case_no

    username = make_staff(live_server.database_url, "window", "张窗口")
    page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page.goto(live_server.url + "/center/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('登录')")
    page.click(f"a:has-text('{case_no}')")
    page.click("button:has-text('受理')")
    page.wait_for_selector("p.ok")
    page.fill("textarea[name=result]", "已办结，证件已制发")
    page.click("form:has(input[value=center_complete]) button:has-text('办结')")
    page.wait_for_selector("p.ok")
    assert "已办结" in page.inner_text("h1")
    page.close()

    changed = center_sync.sync_now(desktop)
    assert case_id in changed.case_ids
    view = get_case(desktop, case_id)
    assert view.state is CaseState.COMPLETED and view.result == "已办结，证件已制发"
