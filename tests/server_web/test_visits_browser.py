"""收件回执 in Chromium at 1366×768: the window opens 收件回执 from the menu, chooses a station's visit by
station and day, and prints the 收件回执; the downloaded PDF, read back with pdftotext, lists the visit's case
numbers and its villagers with their 身份证 masked (the rare-character name drawn as text)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.forms import glyphs
from tests.sync.conftest import Station, enroll_station
from tests.sync.live_server import ServerHandle

from .browser import chromium
from .helpers import PASSWORD, make_staff
from .test_visit_receipts import DAY, RARE, _visit

VIEWPORT = {"width": 1366, "height": 768}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


def test_the_window_chooses_a_visit_and_prints_its_receipt(
    browser: Any, live_server: ServerHandle, station: Station, tmp_path: Path
) -> None:
    _visit(station)
    other = enroll_station(live_server)  # a second station, listed first or not: the page must be told which
    other.chain.new_case(7)
    other.client.push_all(other.chain.events)

    page = browser.new_page(viewport=VIEWPORT, locale="zh-CN", accept_downloads=True)
    page.goto(live_server.url + "/center/login")
    page.fill("input[name=username]", make_staff(live_server.database_url, "window", "李窗口"))
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('登录')")
    page.wait_for_url(live_server.url + "/center/")
    page.click("nav a:has-text('收件回执')")
    page.wait_for_url("**/center/visits")

    page.select_option("select[name=station]", station.station_id)
    page.fill("input[name=day]", DAY)
    page.click("form.filters button:has-text('查看')")
    page.wait_for_url(f"**/center/visits?station={station.station_id}&day={DAY}")
    listed = page.locator("table.visit-list").first.locator("td.case-no").all_inner_texts()
    assert listed == ["CS01-20261123-0001", "CS01-20261123-0002"], listed
    names = page.locator("table.visit-list").first.locator("tbody tr td:nth-child(3)").all_inner_texts()
    assert names == ["张三", RARE], names
    for link in page.locator("td.case-no a").all():  # a 办件编号 on one line at 1366 px
        assert link.evaluate("(a) => a.getClientRects().length") == 1, link.inner_text()

    with page.expect_download() as download:
        page.click("a:has-text('打印收件回执')")
    saved = tmp_path / "receipt.pdf"
    download.value.save_as(saved)
    assert download.value.suggested_filename == f"收件回执-{station.code}-{DAY.replace('-', '')}.pdf"
    pdf = saved.read_bytes()
    assert pdf.startswith(b"%PDF-")
    text = glyphs.pdftotext(pdf)
    assert "收件回执" in text and "CS01-20261123-0001" in text and "CS01-20261123-0002" in text
    assert "张三" in text and RARE in text
    assert text.count("110105********002X") == 2 and "11010519491231002X" not in text  # both villagers masked
    assert "CS01-20261123-0007" not in text  # the other station's case is not on this visit
    page.close()
