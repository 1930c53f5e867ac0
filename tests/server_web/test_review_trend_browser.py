"""The review's month-by-month trend in Chromium at 1366×768: a station's cases registered in three months and
rated at the station, and the chart and tables read back from the page show those months and those rates."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from sync.domain.clock import FixedClock
from tests.sync.conftest import Station
from tests.sync.factories import registered_payload
from tests.sync.live_server import ServerHandle

from .browser import chromium
from .helpers import PASSWORD, Staff, make_staff

VIEWPORT = {"width": 1366, "height": 768}
ON_TIME, LATE = "2026-12-01", "2026-10-31"  # the window completes every case on the center's 2026-11-23
#: (registered on, rating, due on) per case: 2026-09 满意率 50% 按时 50%, 2026-10 75% / 50%, 2026-11 100% / 100%.
CASES = [
    (date(2026, 9, 15), 5, ON_TIME),
    (date(2026, 9, 16), 1, LATE),
    (date(2026, 10, 8), 5, ON_TIME),
    (date(2026, 10, 9), 4, LATE),
    (date(2026, 10, 12), 2, LATE),
    (date(2026, 10, 20), 4, ON_TIME),
    (date(2026, 11, 2), 4, ON_TIME),
]
MONTHS = ["25-12", *[f"26-{m:02d}" for m in range(1, 12)]]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


def _push_rated_cases(station: Station, window: Staff) -> None:
    """Each case registered on its day at the station, completed by the window, then rated at the station."""
    ids = []
    for n, (registered, _rating, due) in enumerate(CASES, start=1):
        station.chain.clock = FixedClock.on(registered)
        payload = registered_payload(case_no=f"{station.code}-{registered:%Y%m%d}-{n:04d}")
        case_id = str(payload["case_id"])
        station.chain.add("case.registered", payload)
        station.chain.add("case.accept", {"case_id": case_id, "accepted_on": registered.isoformat(), "due_on": due})
        station.chain.add("case.deliver", {"case_id": case_id})
        ids.append(case_id)
    station.client.push_all(station.chain.events)
    station.chain.clock = FixedClock.on(date(2026, 11, 23))
    for case_id, (_day, rating, _due) in zip(ids, CASES, strict=True):
        assert window.post(f"/cases/{case_id}/decide", {"action": "center_accept"}).status_code == 303
        done = window.post(f"/cases/{case_id}/decide", {"action": "center_complete", "result": "已办结"})
        assert done.status_code == 303
        station.chain.add("case.give_feedback", {"case_id": case_id, "rating": rating})
    station.client.push_all(station.chain.events)


def _texts(page: Any, selector: str) -> list[str]:
    return [str(t) for t in page.eval_on_selector_all(selector, "(els) => els.map((e) => e.textContent)")]


def _points(page: Any, css: str) -> list[tuple[float, float, str]]:
    """The chart's points of one line: x, y and the tooltip each carries."""
    found = page.eval_on_selector_all(
        f"svg.trend circle.{css}",
        "(els) => els.map((c) => [+c.getAttribute('cx'), +c.getAttribute('cy'), c.textContent])",
    )
    return [(float(x), float(y), str(title)) for x, y, title in found]


def test_the_trend_chart_draws_the_months_and_rates_pushed(
    browser: Any, live_server: ServerHandle, station: Station, window: Staff
) -> None:
    _push_rated_cases(station, window)
    page = browser.new_page(viewport=VIEWPORT, locale="zh-CN")
    page.goto(live_server.url + "/center/login?next=/center/review")
    page.fill("input[name=username]", make_staff(live_server.database_url, "supervisor", "赵督查"))
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('登录')")
    page.wait_for_url(live_server.url + "/center/review")
    page.click("a:has-text('月度趋势')")
    page.wait_for_url("**/center/review/trend")
    page.select_option("select[name=station]", station.station_id)
    page.click("button:has-text('查看')")
    page.wait_for_url(f"**/center/review/trend?station={station.station_id}")
    label = f"测试代办站{station.code}（{station.code}）"
    assert page.inner_text("h1").endswith(f"{label}，近12个月（按登记月份）")

    chart = page.locator("svg.trend")
    box = chart.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= VIEWPORT["width"], box  # no sideways scrolling
    assert _texts(page, "svg.trend text.tick[text-anchor=middle]") == MONTHS
    ticks = page.eval_on_selector_all(
        "svg.trend text.tick[text-anchor=middle]", "(els) => els.map((t) => +t.getAttribute('x'))"
    )
    satisfaction = _points(page, "line-satisfaction")
    on_time = _points(page, "line-on-time")
    assert [t for _x, _y, t in satisfaction] == [
        "满意率 2026-09：50.0%",
        "满意率 2026-10：75.0%",
        "满意率 2026-11：100.0%",
    ]
    assert [t for _x, _y, t in on_time] == [
        "承诺件按时办结率 2026-09：50.0%",
        "承诺件按时办结率 2026-10：50.0%",
        "承诺件按时办结率 2026-11：100.0%",
    ]
    # each point above its month, and higher for a higher rate (SVG's y grows downwards)
    assert [x for x, _y, _t in satisfaction] == ticks[-3:] == [x for x, _y, _t in on_time]
    s_sep, s_oct, s_nov = (y for _x, y, _t in satisfaction)
    assert s_nov < s_oct < s_sep
    assert on_time[0][1] == on_time[1][1] == s_sep and on_time[2][1] == s_nov
    # one unbroken line per series over the three months; nothing drawn for the months without data
    lines = page.eval_on_selector_all(
        "svg.trend polyline.line", "(els) => els.map((p) => p.getAttribute('points').trim().split(/\\s+/).length)"
    )
    assert lines == [3, 3]
    assert "目标98%" in _texts(page, "svg.trend text.target-label")

    # the tables below: this station's row, month by month, the rates under the target in red
    for table, expected in ((0, ["50.0%", "75.0%", "100.0%"]), (1, ["50.0%", "50.0%", "100.0%"])):
        row = page.locator("table.trend-table").nth(table).locator("tr", has=page.locator(f"a:text-is('{label}')"))
        cells = row.locator("td.num")
        values = [cells.nth(i).inner_text() for i in range(cells.count())]
        assert values == ["—"] * 9 + expected, values
        assert [("late" in (cells.nth(i).get_attribute("class") or "")) for i in (9, 10, 11)] == [True, True, False]
    assert page.locator("table.trend-table").first.locator("th").all_inner_texts()[1:] == MONTHS
    page.close()
