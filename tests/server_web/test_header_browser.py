"""The staff header in Chromium at a window PC's 1366×768: one line for every role, a director with every link
and a long name included (the settings and the account's links in menus that open, lead and close), and the
director's inbox with its 办件编号 on one line."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.sync.conftest import Station
from tests.sync.live_server import ServerHandle

from .browser import chromium
from .helpers import PASSWORD, make_staff

VIEWPORT = {"width": 1366, "height": 768}
SETTINGS = ["事项清单", "节假日", "保存期限", "本镇信息", "工作人员", "操作日志"]
#: One line of the header: its 15 px text, the search box and its padding (two lines were 66 px).
ONE_LINE = 50


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


def _login(browser: Any, server: ServerHandle, role: str, name: str) -> Any:
    page = browser.new_page(viewport=VIEWPORT, locale="zh-CN")
    page.goto(server.url + "/center/login")
    page.fill("input[name=username]", make_staff(server.database_url, role, name))
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('登录')")
    page.wait_for_url(server.url + "/center/")
    return page


def _one_line(page: Any) -> None:
    """The header is one row: its height, every item's middle on one level, no label broken, nothing past the
    window's right edge."""
    header = page.locator("header.top").bounding_box()
    assert header and header["height"] <= ONE_LINE, header
    items = page.eval_on_selector_all(
        "header.top .brand, header.top nav > a, header.top summary, header.top form.search",
        """(els) => els.map((e) => { const r = e.getBoundingClientRect();
            return [e.textContent.trim(), (r.top + r.bottom) / 2, r.right, e.getClientRects().length]; })""",
    )
    middles = [middle for _text, middle, _right, _rects in items]
    assert max(middles) - min(middles) <= 4, items
    assert all(rects == 1 for _text, _middle, _right, rects in items), items
    assert max(right for _text, _middle, right, _rects in items) <= VIEWPORT["width"], items


ROLES = {"director": "主任", "window": "窗口", "supervisor": "督查"}


@pytest.mark.parametrize(
    ("role", "name"),
    [("director", "王主任"), ("director", "阿依古丽·买买提"), ("window", "李窗口"), ("supervisor", "赵督查")],
)
def test_the_header_is_one_line_at_1366(browser: Any, live_server: ServerHandle, role: str, name: str) -> None:
    page = _login(browser, live_server, role, name)
    _one_line(page)
    links = page.locator("header.top nav > a").all_inner_texts()
    assert links[:2] == ["收件箱", "期限看板"] and "代办站" in links
    assert page.locator("header.top nav a[aria-current=page]").inner_text() == "收件箱"
    assert (page.locator("summary:has-text('中心管理')").count() == 1) == (role == "director")
    summary = page.locator("details.who summary")
    assert summary.get_attribute("title") == f"{name}（{ROLES[role]}）"
    page.goto(live_server.url + "/center/review/trend")
    _one_line(page)
    page.close()


def test_the_director_menus_open_lead_and_close(browser: Any, live_server: ServerHandle, station: Station) -> None:
    page = _login(browser, live_server, "director", "王主任")
    menu = page.locator("header details.menu:has(summary:has-text('中心管理'))")
    listed = menu.locator(".menu-list a")
    assert listed.first.is_hidden()
    menu.locator("summary").click()
    assert listed.all_inner_texts() == SETTINGS
    for i in range(listed.count()):
        box = listed.nth(i).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= VIEWPORT["width"], box
    page.keyboard.press("Escape")
    assert listed.first.is_hidden()
    menu.locator("summary").click()
    page.click("h1")  # a click elsewhere closes it too
    assert listed.first.is_hidden()
    menu.locator("summary").click()
    who = page.locator("header details.who")
    who.locator("summary").click()  # one menu open at a time
    assert listed.first.is_hidden() and who.locator("a:has-text('修改密码')").is_visible()
    assert who.locator(".menu-head").inner_text() == "王主任（主任）"
    page.keyboard.press("Escape")

    menu.locator("summary").click()
    menu.locator("a:has-text('事项清单')").click()
    page.wait_for_url("**/center/publish/catalog")
    assert page.inner_text("h1").startswith("事项清单")
    assert "current" in (menu.locator("summary").get_attribute("class") or "")  # where the director is
    _one_line(page)
    assert page.locator("header.top nav > a[aria-current=page]").count() == 0

    # the director's inbox, every case: a 办件编号 on one line
    station.chain.new_case(7)
    station.client.push_all(station.chain.events)
    page.goto(f"{live_server.url}/center/?view=all&station={station.station_id}")
    numbers = page.locator("table.cases tbody td:first-child a")
    assert numbers.count() == 1
    assert numbers.first.evaluate("(a) => a.getClientRects().length") == 1, numbers.first.inner_text()

    who.locator("summary").click()
    who.locator("button:has-text('退出')").click()
    page.wait_for_url("**/center/login**")
    page.close()
