"""Screenshots of the 节假日日历 editor for docs/screenshots (run with DAIBANTONG_SCREENSHOTS=1): a year's month
grid (center_calendar.png) and the difference before publishing an imported year (center_calendar_preview.png),
both at a director's 1366×768.

DAIBANTONG_SCREENSHOTS=1 .venv/bin/python -m pytest tests/server_web/test_calendar_screenshots.py
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sync.server.core.config import FIXED_TIME_ENV
from tests.sync.live_server import sqlite_url, start_server

from .browser import chromium
from .helpers import PASSWORD, make_staff
from .test_screenshots import CLOCK, OUT

pytestmark = pytest.mark.skipif(not os.environ.get("DAIBANTONG_SCREENSHOTS"), reason="DAIBANTONG_SCREENSHOTS not set")
NOTICE = (
    "一、元旦：1月1日（周五）至3日（周日）放假，共3天。\n二、春节：2月6日至12日放假调休，共7天。2月14日、2月20日上班。"
)


def test_calendar_screenshots(tmp_path: Path) -> None:
    server = start_server(sqlite_url(tmp_path), env={FIXED_TIME_ENV: CLOCK.now().isoformat()})
    try:
        user = make_staff(server.database_url, "director", "王主任")
        OUT.mkdir(parents=True, exist_ok=True)
        with chromium() as browser:
            page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="zh-CN")  # type: ignore[attr-defined]
            page.goto(server.url + "/center/login")
            page.fill("input[name=username]", user)
            page.fill("input[name=password]", PASSWORD)
            page.click("button:has-text('登录')")
            page.wait_for_url(server.url + "/center/")
            page.click("nav summary:has-text('中心管理')")
            page.click("nav a:has-text('节假日')")
            page.wait_for_load_state()
            assert "2026年：放假33天，调休上班6天" in page.inner_text("h1")
            page.screenshot(path=str(OUT / "center_calendar.png"))
            page.goto(server.url + "/center/calendar?year=2027")
            page.fill("textarea[name=notice]", NOTICE)
            page.click("button:has-text('导入到草稿')")
            page.wait_for_load_state()
            page.fill("input[name=version]", "2027.1")
            page.click("button:has-text('核对差异')")
            page.wait_for_load_state()
            assert "共12天有变化" in page.content()
            page.screenshot(path=str(OUT / "center_calendar_preview.png"))
    finally:
        server.stop()
