"""Staff accounts in a real headless Chromium at 1366×768: the lock message after wrong passwords, the
director lifting the lock and resetting the password, and the colleague setting their own at next login."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.sync.live_server import ServerHandle

from .browser import chromium
from .helpers import PASSWORD, make_staff

VIEWPORT = {"width": 1366, "height": 768}
NEW_PASSWORD = "我自己的密码-2026"
#: Where the pages are saved for a person to look at (DAIBANTONG_SHOTS=/some/folder), else nowhere.
SHOTS = os.environ.get("DAIBANTONG_SHOTS", "")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


def _shot(page: Any, name: str) -> None:
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"))


def _fill_login(page: Any, server: ServerHandle, username: str, password: str) -> None:
    page.goto(server.url + "/center/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button:has-text('登录')")


def _in_view(page: Any, selector: str) -> None:
    box = page.locator(selector).bounding_box()
    assert box and box["y"] >= 0 and box["y"] + box["height"] <= VIEWPORT["height"], box
    assert box["x"] >= 0 and box["x"] + box["width"] <= VIEWPORT["width"], box


def test_lock_unlock_reset_and_own_password(browser: Any, live_server: ServerHandle) -> None:
    username = make_staff(live_server.database_url, "window", "郑窗口")
    boss = make_staff(live_server.database_url, "director", "王主任")
    clerk = browser.new_page(viewport=VIEWPORT, locale="zh-CN")
    for _ in range(5):
        _fill_login(clerk, live_server, username, "wrong-password")
    message = clerk.inner_text("p.error")
    locked = r"密码错误次数过多，账号已锁定至\d\d:\d\d（北京时间）。请到时再试，或请中心主任解除锁定"
    assert re.fullmatch(locked, message)
    _in_view(clerk, "p.error")
    _in_view(clerk, "button:has-text('登录')")
    _shot(clerk, "login_locked")

    director = browser.new_page(viewport=VIEWPORT, locale="zh-CN")
    director.on("dialog", lambda dialog: dialog.accept())
    _fill_login(director, live_server, boss, PASSWORD)
    director.wait_for_url(live_server.url + "/center/")
    director.goto(live_server.url + "/center/staff")
    row = director.locator("tr", has=director.locator(f"td:text-is('{username}')"))
    assert "已锁定至" in row.inner_text()
    _shot(director, "staff_locked")
    row.locator("button:has-text('解除锁定')").click()
    assert "已解除锁定" in director.inner_text("p.ok")
    assert "已锁定至" not in row.inner_text()
    row.locator("button:has-text('重置密码')").click()
    one_time = director.inner_text("#one-time-password")
    assert re.fullmatch(r"[A-Z2-9]{10}", one_time)
    _in_view(director, "#one-time-password")
    _shot(director, "staff_reset")

    _fill_login(clerk, live_server, username, one_time)
    clerk.wait_for_url(live_server.url + "/center/password")
    assert "请先设置只有您自己知道的新密码" in clerk.inner_text("main")
    assert clerk.locator("header nav a").count() == 0  # every other page leads back here until then
    _shot(clerk, "password_first_login")
    clerk.fill("input[name=old_password]", one_time)
    clerk.fill("input[name=password]", NEW_PASSWORD)
    clerk.fill("input[name=again]", NEW_PASSWORD + "x")
    clerk.click("button:has-text('修改密码')")
    assert clerk.inner_text("p.error") == "两次输入的新密码不一致"
    _in_view(clerk, "p.error")
    clerk.fill("input[name=old_password]", one_time)
    clerk.fill("input[name=password]", NEW_PASSWORD)
    clerk.fill("input[name=again]", NEW_PASSWORD)
    clerk.click("button:has-text('修改密码')")
    clerk.wait_for_url(live_server.url + "/center/")

    # later, the same person changes it again: the header of every page leads there (its account menu)
    clerk.click("header details.who summary")
    clerk.click("header a:has-text('修改密码')")
    clerk.wait_for_url(live_server.url + "/center/password")
    clerk.fill("input[name=old_password]", NEW_PASSWORD)
    clerk.fill("input[name=password]", NEW_PASSWORD + "-2")
    clerk.fill("input[name=again]", NEW_PASSWORD + "-2")
    clerk.click("button:has-text('修改密码')")
    assert "密码已修改" in clerk.inner_text("p.ok")
    _shot(clerk, "password_changed")
    clerk.close()
    director.close()
