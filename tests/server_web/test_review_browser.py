"""The review in Chromium at 1366×768: the 按代办站 table sorted by clicking its headers (station names in natural
order, "2组" before "10组"; 满意率 as numbers, "100.0%" above "66.7%"), and the 差评回访 ledger paged by its
下一页 links, every follow-up on exactly one page, phones masked."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from sync.client.client import SyncClient
from tests.sync.conftest import Station
from tests.sync.factories import Chain, registered_payload
from tests.sync.live_server import CENTER_TODAY, ServerHandle, issue_enrollment_code

from .browser import chromium
from .helpers import PASSWORD, Staff, make_staff

VIEWPORT = {"width": 1366, "height": 768}
PER_PAGE = 50  # the 差评回访 page's size (evaluation.followup_page)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


def _station(server: ServerHandle, name: str) -> Station:
    code = f"S{uuid.uuid4().hex[:8].upper()}"
    client = SyncClient(server.url, timeout=(5, 30))
    station_id, _token = client.enroll(issue_enrollment_code(server.database_url, code, name), station_code=code)
    return Station(client, station_id, code, Chain(station_id), server)


def _rated(station: Station, window: Staff, ratings: list[int]) -> list[str]:
    """One case per rating, registered today, completed on time by the window, then rated; their case numbers."""
    day = CENTER_TODAY.isoformat()
    ids, numbers = [], []
    for n, _rating in enumerate(ratings, start=1):
        payload = registered_payload(case_no=f"{station.code}-{n:04d}")
        case_id = str(payload["case_id"])
        station.chain.add("case.registered", payload)
        station.chain.add("case.accept", {"case_id": case_id, "accepted_on": day, "due_on": "2026-12-31"})
        station.chain.add("case.deliver", {"case_id": case_id})
        ids.append(case_id)
        numbers.append(str(payload["case_no"]))
    station.client.push_all(station.chain.events)
    for case_id, rating in zip(ids, ratings, strict=True):
        assert window.post(f"/cases/{case_id}/decide", {"action": "center_accept"}).status_code == 303
        done = window.post(f"/cases/{case_id}/decide", {"action": "center_complete", "result": "已办结"})
        assert done.status_code == 303
        station.chain.add("case.give_feedback", {"case_id": case_id, "rating": rating})
    station.client.push_all(station.chain.events)
    return numbers


def _logged_in(browser: Any, server: ServerHandle, role: str, path: str) -> Any:
    page = browser.new_page(viewport=VIEWPORT, locale="zh-CN")
    page.goto(f"{server.url}/center/login?next=/center{path}")
    page.fill("input[name=username]", make_staff(server.database_url, role))
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('登录')")
    page.wait_for_url(f"{server.url}/center{path}")
    return page


def _station_rows(page: Any, tag: str) -> list[tuple[str, str]]:
    """(station, 满意率) of this test's stations in the 按代办站 table, top to bottom."""
    rows = page.locator("table.rates").first.locator("tbody tr").all()
    found = []
    for row in rows:
        cells = row.locator("td").all_inner_texts()
        if cells and cells[0].startswith(tag):
            found.append((re.sub(r"（\w+）$", "", cells[0].removeprefix(tag)), cells[5]))  # without its code
    return found


def test_the_station_table_sorts_names_naturally_and_rates_as_numbers(
    browser: Any, live_server: ServerHandle, window: Staff
) -> None:
    tag = f"排序{uuid.uuid4().hex[:4]}村"
    _rated(_station(live_server, f"{tag}2组"), window, [5])  # 满意率 100.0%
    _rated(_station(live_server, f"{tag}10组"), window, [5, 5, 1])  # 66.7%
    _rated(_station(live_server, f"{tag}3组"), window, [5, 2])  # 50.0%

    page = _logged_in(browser, live_server, "supervisor", "/review")
    # by name: as people read them (as text "10组" would come before "2组")
    assert _station_rows(page, tag) == [("2组", "100.0%"), ("3组", "50.0%"), ("10组", "66.7%")]
    header = page.locator("table.rates").first.locator("thead th")
    assert header.first.get_attribute("aria-sort") == "ascending"

    page.locator("table.rates").first.locator("th a:has-text('满意率')").click()
    page.wait_for_url(re.compile(r".*sort=satisfaction&order=desc$"))
    # largest first, as numbers (as text "66.7%" would come before "50.0%" before "100.0%")
    assert _station_rows(page, tag) == [("2组", "100.0%"), ("10组", "66.7%"), ("3组", "50.0%")]
    sorted_header = page.locator("table.rates").first.locator("th[aria-sort]")
    assert sorted_header.inner_text() == "满意率 ▼" and sorted_header.get_attribute("aria-sort") == "descending"

    page.locator("table.rates").first.locator("th a:has-text('满意率')").click()  # again: the other way round
    page.wait_for_url(re.compile(r".*sort=satisfaction&order=asc$"))
    assert _station_rows(page, tag) == [("3组", "50.0%"), ("10组", "66.7%"), ("2组", "100.0%")]
    assert page.locator("table.rates").first.locator("th[aria-sort]").inner_text() == "满意率 ▲"

    page.locator("table.rates").first.locator("th a:has-text('名称')").click()
    page.wait_for_url(re.compile(r".*sort=name&order=asc$"))
    assert [name for name, _rate in _station_rows(page, tag)] == ["2组", "3组", "10组"]
    table = page.locator("table.rates").first.bounding_box()
    assert table and table["x"] + table["width"] <= VIEWPORT["width"], table
    page.close()


def test_the_followup_ledger_pages_through_every_bad_rating(
    browser: Any, live_server: ServerHandle, window: Staff
) -> None:
    station = _station(live_server, f"差评{uuid.uuid4().hex[:4]}村代办站")
    mine = set(_rated(station, window, [1, 2] * 26))  # 52 差评: more than one page on their own

    page = _logged_in(browser, live_server, "supervisor", "/followups")
    heading = re.search(r"共(\d+)条，待回访(\d+)条", page.inner_text("h1"))
    assert heading, page.inner_text("h1")
    total = int(heading[1])
    pages = -(-total // PER_PAGE)
    assert total >= len(mine) and pages >= 2
    seen: list[str] = []
    called: list[str] = []
    for number in range(1, pages + 1):
        assert f"第{number}页，共{pages}页" in page.inner_text("nav.pager")
        shown = page.locator("table.followups td.case-no").all_inner_texts()
        assert len(shown) == (PER_PAGE if number < pages else total - PER_PAGE * (pages - 1))
        seen += shown
        phones = page.locator("table.followups tbody tr td:nth-child(3)").all_inner_texts()
        assert all(not re.search(r"\d{11}", p) for p in phones), phones  # masked for every row
        for row in page.locator("table.followups tbody tr").all():  # whom to call: applicant and masked phone
            cells = row.locator("td").all_inner_texts()
            if cells[0] == f"{station.code}-0001":
                called += cells[1:3]
        if number < pages:
            page.click("nav.pager a:has-text('下一页')")
            page.wait_for_url(re.compile(rf".*/center/followups\?page={number + 1}$"))
    assert page.locator("nav.pager a:has-text('下一页')").count() == 0
    assert len(seen) == total and mine <= set(seen)  # every follow-up on exactly one page
    assert called == ["张三", "138****8000"]
    page.click("nav.pager a:has-text('上一页')")
    page.wait_for_url(re.compile(rf".*/center/followups\?page={pages - 1}$"))
    page.close()
