"""Phones and 身份证 numbers in Chromium at 1366×768: every role sees them masked on the case page, in search
results and on the inbox; 主任 and 窗口 may click for the full phone, which the audit log then shows; 督查 has no
such button. And the server's bare address leads to the staff login, then to the inbox."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.sync.conftest import Station
from tests.sync.live_server import ServerHandle

from .browser import chromium
from .helpers import PASSWORD, make_staff

VIEWPORT = {"width": 1366, "height": 768}
PHONE, PHONE_MASKED = "13800138000", "138****8000"
ID_NUMBER, ID_MASKED = "11010519491231002X", "110105********002X"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


def _login(browser: Any, server: ServerHandle, username: str) -> Any:
    page = browser.new_page(viewport=VIEWPORT, locale="zh-CN")
    page.goto(server.url + "/center/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('登录')")
    page.wait_for_url(server.url + "/center/")
    return page


def _shown(page: Any) -> str:
    return str(page.inner_text("body"))


@pytest.mark.parametrize("role", ("director", "window", "supervisor"))
def test_every_role_sees_phones_masked_and_a_full_view_is_audited(
    browser: Any, live_server: ServerHandle, station: Station, role: str
) -> None:
    case_id = station.chain.new_case()
    station.client.push_all(station.chain.events)
    username = make_staff(live_server.database_url, role)
    page = _login(browser, live_server, username)
    assert PHONE not in page.content() and ID_NUMBER not in page.content()  # the inbox

    page.fill("form.search input[name=q]", station.code)  # the header's search box, by station
    with page.expect_navigation():
        page.keyboard.press("Enter")
    found = [row.locator("td").all_inner_texts() for row in page.locator("table.cases tbody tr").all()]
    assert [(r[0], r[3]) for r in found] == [("CS01-20261123-0001", ID_MASKED)], found  # the case, masked
    assert PHONE not in page.content() and ID_NUMBER not in page.content()
    page.goto(f"{live_server.url}/center/cases/{case_id}")
    phone = page.locator("dt:text-is('联系电话') + dd")
    assert phone.inner_text().startswith(PHONE_MASKED), phone.inner_text()
    assert ID_MASKED in _shown(page)
    assert PHONE not in page.content() and ID_NUMBER not in page.content()  # nor hidden in the HTML

    reveal = phone.locator("button:has-text('查看完整号码')")
    if role == "supervisor":
        assert reveal.count() == 0 and page.locator("button:has-text('查看完整号码')").count() == 0
        page.close()
        return
    reveal.click()
    page.wait_for_url(f"**/center/cases/{case_id}/reveal")
    assert page.locator("dt:text-is('联系电话') + dd").inner_text() == f"{PHONE}（已留痕）"
    assert ID_NUMBER not in page.content()  # the phone only

    audit = _login(browser, live_server, make_staff(live_server.database_url, "director"))
    audit.goto(f"{live_server.url}/center/audit")
    rows = [r for r in audit.locator("table tbody tr").all_inner_texts() if username in r]
    assert any("查看完整联系电话" in r and "CS01-20261123-0001" in r for r in rows), rows
    audit.close()
    page.close()


def test_the_bare_address_leads_to_the_login_then_the_inbox(browser: Any, live_server: ServerHandle) -> None:
    page = browser.new_page(viewport=VIEWPORT, locale="zh-CN")
    page.goto(live_server.url + "/")
    assert page.url.startswith(live_server.url + "/center/login"), page.url
    assert page.locator("input[name=password]").is_visible() and "登录" in page.title() + _shown(page)
    page.fill("input[name=username]", make_staff(live_server.database_url, "window"))
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('登录')")
    page.wait_for_url(live_server.url + "/center/")
    page.goto(live_server.url + "/")  # logged in: the address alone opens the inbox
    assert page.url == live_server.url + "/center/"
    assert page.locator("nav a[aria-current=page]").inner_text() == "收件箱"
    page.close()
