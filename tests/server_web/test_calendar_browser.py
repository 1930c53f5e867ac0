"""The 节假日日历 editor in Chromium at 1366×768: a director turns to 2027, imports the State Council's notice
typed as lines (a bad line refused with its line number), clicks a day through 放假 → 调休上班 → as usual, checks
the difference and publishes; a station receives the year on its next pull."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from tests.sync.conftest import Station
from tests.sync.live_server import ServerHandle, publishes_undone

from .browser import chromium
from .helpers import PASSWORD, make_staff
from .test_calendar_editor import NOTICE_2027

VIEWPORT = {"width": 1366, "height": 768}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


def _day(page: Any, day: str) -> Any:
    return page.locator(f"button.day[name=day][value='{day}']")


def _kind(page: Any, day: str) -> str:
    """放假 (holiday), 调休上班 (workday) or as usual (normal), from the day's button."""
    classes = set((_day(page, day).get_attribute("class") or "").split())
    (kind,) = classes & {"holiday", "workday", "normal", "weekend"}
    return kind


def test_import_click_check_and_publish_a_year(browser: Any, live_server: ServerHandle, station: Station) -> None:
    with publishes_undone(live_server.database_url):
        username = make_staff(live_server.database_url, "director", "王主任")
        page = browser.new_page(viewport=VIEWPORT, locale="zh-CN")
        page.goto(live_server.url + "/center/login")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", PASSWORD)
        page.click("button:has-text('登录')")
        page.wait_for_url(live_server.url + "/center/")
        page.click("nav summary:has-text('中心管理')")
        page.click("nav a:has-text('节假日')")
        page.wait_for_url("**/center/calendar")
        assert "2026年：放假33天，调休上班6天" in page.inner_text("h1")
        assert page.locator("table.month").count() == 12
        assert _kind(page, "2026-10-01") == "holiday"
        assert "国庆" in (_day(page, "2026-10-01").get_attribute("title") or "")
        page.click("a:has-text('2027年 ▶')")
        page.wait_for_url("**/center/calendar?year=2027")
        assert _kind(page, "2027-02-08") == "normal" and _kind(page, "2027-02-06") == "weekend"

        # a notice with a day that does not exist: refused with its line, the draft unchanged
        page.fill("textarea[name=notice]", "元旦：1月1日至3日\n春节：2月30日放假")
        page.click("button:has-text('导入到草稿')")
        page.wait_for_load_state()
        problem = page.locator("table.problems tbody tr").first.locator("td")
        refused = ["2", "春节：2月30日放假", "2027年2月30日不是有效的日期"]
        assert [problem.nth(i).inner_text() for i in range(3)] == refused
        assert page.inner_text("p.error").startswith("未能导入：共1处问题")
        assert _kind(page, "2027-01-01") == "normal"

        page.fill("textarea[name=notice]", NOTICE_2027)
        page.click("button:has-text('导入到草稿')")
        page.wait_for_load_state()
        assert "2027年：放假11天，调休上班2天" in page.inner_text("h1")
        assert _kind(page, "2027-02-06") == "holiday" and _kind(page, "2027-02-12") == "holiday"
        assert _day(page, "2027-02-08").inner_text().replace("\n", "") == "8春节"
        assert _kind(page, "2027-02-14") == "workday" and _day(page, "2027-02-14").inner_text().endswith("班")
        assert _kind(page, "2027-04-05") == "holiday"
        calendar = page.locator("div.months").bounding_box()
        assert calendar and calendar["x"] + calendar["width"] <= VIEWPORT["width"], calendar

        # one click after another on Monday 3 May: 放假 (named 劳动节) → 调休上班 → as usual
        page.fill("input[name=name]", "劳动节")
        _day(page, "2027-05-03").click()
        page.wait_for_load_state()
        assert _kind(page, "2027-05-03") == "holiday"
        assert _day(page, "2027-05-03").get_attribute("title") == "2027-05-03 劳动节"
        assert "放假12天，调休上班2天" in page.inner_text("h1")
        _day(page, "2027-05-03").click()
        page.wait_for_load_state()
        assert _kind(page, "2027-05-03") == "workday" and "放假11天，调休上班3天" in page.inner_text("h1")
        _day(page, "2027-05-03").click()
        page.wait_for_load_state()
        assert _kind(page, "2027-05-03") == "normal" and "放假11天，调休上班2天" in page.inner_text("h1")

        version = f"2027.{uuid.uuid4().hex[:6]}"
        page.fill("input[name=version]", version)
        page.click("button:has-text('核对差异')")
        page.wait_for_load_state()
        assert page.inner_text("p.notice") == "与已发布版本相比共13天有变化。"
        rows = page.locator("table.diff tbody tr")
        changes = {rows.nth(i).locator("td").nth(1).inner_text(): rows.nth(i).locator("td").nth(2).inner_text()
                   for i in range(rows.count())}  # fmt: skip
        assert len(changes) == 13 and all(day.startswith(("1月", "2月", "4月")) for day in changes), changes
        assert any(v == "周末 → 调休上班" for v in changes.values()), changes
        page.click(f"button:has-text('确认发布版本 {version}')")
        page.wait_for_url(f"**/center/publish/calendar?done={version}")
        assert page.inner_text("p.ok") == f"已发布版本{version}。"
        assert page.locator("h2:text-is('发布记录') + table tbody tr td").first.inner_text() == version
        page.close()

    (event,) = [e for e in station.client.pull().events if e.type == "calendar.published"]
    year = event.payload["calendar"]["years"]["2027"]
    assert {"name": "春节", "start": "2027-02-06", "end": "2027-02-12"} in year["holidays"]
    assert year["workdays"] == ["2027-02-14", "2027-02-20"]
