"""The staff pages in a real headless Chromium: log in, accept and complete a pushed case, follow up a 差评."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.sync.conftest import Station
from tests.sync.live_server import ServerHandle

from .browser import chromium
from .helpers import PASSWORD, make_staff


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


def _login(browser: Any, server: ServerHandle, role: str) -> Any:
    username = make_staff(server.database_url, role, {"window": "李窗口", "supervisor": "周督查"}.get(role, "王主任"))
    page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page.goto(server.url + "/center/")
    assert "/center/login" in page.url
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('登录')")
    page.wait_for_url(server.url + "/center/")
    return page


def test_window_accepts_and_completes_a_pushed_case(browser: Any, live_server: ServerHandle, station: Station) -> None:
    case_id = station.chain.new_case(1)
    station.client.push_all(station.chain.events)
    case_no = station.chain.events[0].payload["case_no"]
    page = _login(browser, live_server, "window")
    page.select_option("select[name=state]", "delivered")
    page.click("button:has-text('筛选')")
    page.click(f"a[href='/center/cases/{case_id}']")
    assert page.inner_text("h1").startswith(f"办件 {case_no}")
    assert "110105********002X" in page.content()
    page.click("button:has-text('受理')")
    page.wait_for_selector("p.ok")
    assert "已记录：受理" in page.inner_text("p.ok")
    page.fill("textarea[name=result]", "已办理，社保卡三日后到代办站领取")
    page.click("form:has(input[value=center_complete]) button:has-text('办结')")
    page.wait_for_selector("p.ok")
    assert "已办结" in page.inner_text("h1")
    types = [e.type for e in station.client.pull().events]
    assert types == ["case.center_accept", "case.center_complete"]
    # the station's next push (the villager's 差评) opens a follow-up in the ledger
    station.chain.add("case.give_feedback", {"case_id": case_id, "rating": 1})
    station.client.push_all(station.chain.events)
    page.click("nav a:has-text('差评回访')")
    row = page.locator("tr", has=page.locator(f"a[href='/center/cases/{case_id}']"))
    assert "非常不满意" in row.inner_text()
    row.locator("textarea[name=outcome]").fill("已上门回访，重新讲解领取流程，申请人表示认可")
    row.locator("button:has-text('登记回访整改')").click()
    page.wait_for_load_state()
    row = page.locator("tr", has=page.locator(f"a[href='/center/cases/{case_id}']"))
    assert "已办结" in row.inner_text()
    assert station.client.pull(after=2).events[0].type == "case.center_close_rating"
    page.close()


def test_roles_in_the_browser(browser: Any, live_server: ServerHandle, station: Station) -> None:
    case_id = station.chain.new_case(1)
    station.client.push_all(station.chain.events)
    window = _login(browser, live_server, "window")
    assert window.locator("nav a:has-text('事项清单')").count() == 0
    window.goto(live_server.url + "/center/publish/catalog")
    assert "只有中心主任可以进行此操作" in window.inner_text("main")
    window.close()
    supervisor = _login(browser, live_server, "supervisor")
    supervisor.goto(f"{live_server.url}/center/cases/{case_id}")
    assert "督查人员只能查看" in supervisor.inner_text("main")
    assert supervisor.locator("button:has-text('受理')").count() == 0
    supervisor.close()


def test_window_confirms_receipt_with_a_discrepancy(browser: Any, live_server: ServerHandle, station: Station) -> None:
    from tests.domain.factories import signed_handover

    book = {"name": "户口簿", "original": True, "copies": 1}
    copies = {"name": "身份证复印件", "original": False, "copies": 2}
    case_id = station.chain.new_case(1)
    station.chain.add("case.handover", signed_handover(case_id, "villager", "clerk", [book, copies]))
    station.chain.add("case.handover", signed_handover(case_id, "clerk", "window", [book, copies]))
    station.client.push_all(station.chain.events)
    page = _login(browser, live_server, "window")
    page.goto(f"{live_server.url}/center/cases/{case_id}")
    assert "待镇窗口确认收件" in page.inner_text("main")
    form = page.locator("form.receive")
    form.get_by_label("户口簿", exact=True).uncheck()  # the 户口簿 original did not arrive
    form.get_by_label("身份证复印件实收份数").fill("1")
    form.locator("input[name=note]").fill("户口簿原件未随件送达，已电话告知代办员")
    form.locator("button:has-text('确认收件')").click()
    page.wait_for_selector("p.ok")
    assert "已记录：确认收件" in page.inner_text("p.ok")
    text = page.inner_text("main")
    assert "镇窗口收件有差异" in text and "户口簿（原件）未收到" in text and "应2份，实收1份" in text
    (event,) = station.client.pull().events
    assert event.type == "case.center_handover_received" and event.payload["received_by"] == "李窗口"
    page.close()
