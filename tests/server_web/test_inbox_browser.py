"""The inbox as a window clerk meets it in Chromium at 1366×768: the work queue first, the header's search box,
and the notice of newly arrived cases (the page's poll, at a test's interval, while a station pushes)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import pytest

from sync.domain.validation import id_check_char
from tests.sync.conftest import Station
from tests.sync.factories import registered_payload
from tests.sync.live_server import ServerHandle

from .browser import chromium
from .helpers import PASSWORD, make_staff

NAME = "𠮷田秀英"


def _unique_id_number() -> str:
    """A valid 身份证 number no other test's villager has (the test server is shared)."""
    first = f"43052119{random.randrange(50, 99)}0{random.randrange(1, 10)}{random.randrange(10, 28)}"
    first += f"{random.randrange(1000):03d}"
    return first + id_check_char(first)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


def _login(browser: Any, server: ServerHandle, poll_ms: int | None = None) -> Any:
    username = make_staff(server.database_url, "window", "李窗口")
    page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    if poll_ms is not None:
        page.add_init_script(f"window.DBT_POLL_MS = {poll_ms};")
    page.goto(server.url + "/center/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('登录')")
    page.wait_for_url(server.url + "/center/")
    return page


def _case(station: Station, n: int, *, name: str = "张三", due_on: str = "2026-11-30", deliver: bool = True) -> str:
    payload = registered_payload(case_no=f"{station.code}-20261123-{n:04d}")
    payload["applicant"] |= {"name": name, "id_number": _unique_id_number()}
    case_id = str(payload["case_id"])
    station.chain.add("case.registered", payload)
    station.chain.add("case.accept", {"case_id": case_id, "accepted_on": "2026-11-16", "due_on": due_on})
    if deliver:
        station.chain.add("case.deliver", {"case_id": case_id})
    return case_id


def test_work_queue_first_and_the_header_search(browser: Any, live_server: ServerHandle, station: Station) -> None:
    later = _case(station, 1, due_on="2026-12-04")
    sooner = _case(station, 2, name=NAME, due_on="2026-11-25")
    id_number = station.chain.events[-3].payload["applicant"]["id_number"]
    waiting = _case(station, 3, due_on="2026-11-24", deliver=False)  # still at the station, clock running
    station.client.push_all(station.chain.events)
    page = _login(browser, live_server)
    assert page.inner_text("h1").startswith("待办")
    assert page.locator("select[name=view]").input_value() == ""  # 待办, the default
    # this station's cases in the queue: the sooner deadline first; not the one still at the station
    page.goto(f"{live_server.url}/center/?view=queue&station={station.station_id}")
    links = page.locator("table.cases tbody tr td:first-child a")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert hrefs == [f"/center/cases/{sooner}", f"/center/cases/{later}"], hrefs
    assert "待受理" in page.locator("table.cases tbody tr").first.inner_text()
    # a filter chosen on the unfiltered page looks at 全部: the case still at the station is there
    page.goto(f"{live_server.url}/center/")
    page.select_option("select[name=station]", station.station_id)
    page.click("button:has-text('筛选')")
    page.wait_for_load_state()
    assert page.inner_text("h1").startswith("收件箱 · 全部")
    assert page.locator(f"a[href='/center/cases/{waiting}']").count() == 1
    # once filtered, 待办 in 范围 narrows to the queue again
    page.select_option("select[name=view]", "queue")
    page.click("button:has-text('筛选')")
    page.wait_for_load_state()
    assert page.inner_text("h1").startswith("待办 共2件")
    assert page.locator(f"a[href='/center/cases/{waiting}']").count() == 0
    # a 办件编号 never wraps at 1366 px
    for link in page.locator("table.cases tbody td:first-child a").all():
        assert link.evaluate("(a) => a.getClientRects().length") == 1, link.inner_text()
    # the header's box, from another page: a part of a rare name
    page.click("nav a:has-text('期限看板')")
    page.fill("header input[name=q]", "𠮷田")
    page.press("header input[name=q]", "Enter")
    page.wait_for_load_state()
    assert page.inner_text("h1").startswith("搜索“𠮷田”")
    row = page.locator("table.cases tr", has=page.locator(f"a[href='/center/cases/{sooner}']"))
    masked = f"{id_number[:6]}********{id_number[-4:]}"
    assert NAME in row.inner_text() and masked in row.inner_text()
    # a whole 身份证 number: answered without the number in the address bar
    page.fill("header input[name=q]", id_number.lower())
    page.click("header button:has-text('搜索')")
    page.wait_for_load_state()
    assert id_number[:17] not in page.url and page.url.endswith("/center/search")
    assert page.inner_text("h1").startswith(f"搜索“身份证号 {masked}”")
    assert id_number not in page.content()
    assert page.locator(f"a[href='/center/cases/{sooner}']").count() == 1
    assert page.input_value("header input[name=q]") == ""
    page.close()


def test_new_cases_are_announced_without_a_reload(browser: Any, live_server: ServerHandle, station: Station) -> None:
    page = _login(browser, live_server, poll_ms=300)
    notice = page.locator("#new-cases")
    assert notice.is_hidden()
    incoming = page.locator("a.tile[data-count=incoming] b")
    before = int(incoming.inner_text())
    page.wait_for_timeout(700)  # a poll or two with nothing new: still hidden
    assert notice.is_hidden()
    _case(station, 1)
    _case(station, 2)
    station.client.push_all(station.chain.events)
    page.wait_for_selector("#new-cases:not([hidden])", timeout=15_000)
    assert notice.inner_text() == "有 2 件新到办件，点击刷新"
    page.wait_for_function(
        f"document.querySelector('a.tile[data-count=incoming] b').textContent === '{before + 2}'", timeout=15_000
    )
    with page.expect_navigation():
        notice.locator("a").click()
    assert page.locator("#new-cases").is_hidden()
    assert int(page.locator("a.tile[data-count=incoming] b").inner_text()) == before + 2
    page.close()
