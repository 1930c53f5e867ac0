"""节假日日历 as a calendar: toggle days, import the State Council's notice typed as lines, see the difference,
publish, and a station receives it on its next pull."""

from __future__ import annotations

import html
import re
import uuid

from tests.domain.test_holiday_notice import NOTICE_2026
from tests.sync.conftest import Station
from tests.sync.live_server import ServerHandle

from .helpers import Staff

NOTICE_2027 = (
    "元旦：1月1日至3日放假，共3天。\n春节：2月6日至12日放假调休，共7天。2月14日、2月20日上班。\n2027-04-05 清明节"
)


def _field(page: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert match, name
    return html.unescape(match[1])


def test_import_a_year_check_the_difference_and_publish_it_to_a_station(
    live_server: ServerHandle, station: Station, director: Staff
) -> None:
    page = director.get("/calendar?year=2027")
    assert page.status_code == 200 and "节假日日历" in page.text and "12月" in page.text
    document = _field(page.text, "document")

    imported = director.post("/calendar/import", {"year": "2027", "document": document, "notice": NOTICE_2027})
    assert imported.status_code == 200, imported.text[-400:]
    assert "放假11天，调休上班2天" in imported.text
    assert 'value="2027-02-06" class="day holiday"' in imported.text
    assert 'value="2027-02-14" class="day workday"' in imported.text

    # a click marks 2027-05-03 a holiday named 劳动节, a second click makes it a 调休 working day, a third undoes it
    draft = _field(imported.text, "document")
    marked = director.post("/calendar/day", {"year": "2027", "document": draft, "day": "2027-05-03", "name": "劳动节"})
    assert 'value="2027-05-03" class="day holiday" title="2027-05-03 劳动节"' in marked.text
    twice = director.post(
        "/calendar/day", {"year": "2027", "document": _field(marked.text, "document"), "day": "2027-05-03"}
    )
    assert 'value="2027-05-03" class="day workday"' in twice.text
    thrice = director.post(
        "/calendar/day", {"year": "2027", "document": _field(twice.text, "document"), "day": "2027-05-03"}
    )
    assert 'value="2027-05-03" class="day normal"' in thrice.text
    assert _field(thrice.text, "document") == draft

    version = f"2027.{uuid.uuid4().hex[:6]}"
    preview = director.post("/calendar/preview", {"document": draft, "version": version})
    assert preview.status_code == 200 and f"确认发布版本 {version}" in preview.text
    assert "2月6日" in preview.text and "周末 → 放假（春节）" in preview.text and "周末 → 调休上班" in preview.text
    published = director.post("/publish/calendar", {"document": _field(preview.text, "document")})
    assert published.status_code == 303, published.text[-300:]
    (event,) = [e for e in station.client.pull().events if e.type == "calendar.published"]
    year = event.payload["calendar"]["years"]["2027"]
    assert {"name": "春节", "start": "2027-02-06", "end": "2027-02-12"} in year["holidays"]
    assert year["workdays"] == ["2027-02-14", "2027-02-20"]
    assert "2026" in event.payload["calendar"]["years"]  # the other years stay
    assert "发布节假日日历" in director.get("/audit").text


def test_the_2026_notice_changes_nothing_and_bad_lines_are_refused(live_server: ServerHandle, director: Staff) -> None:
    document = _field(director.get("/calendar?year=2026").text, "document")
    same = director.post("/calendar/import", {"year": "2026", "document": document, "notice": NOTICE_2026})
    assert same.status_code == 200 and "放假33天，调休上班6天" in same.text
    preview = director.post("/calendar/preview", {"document": _field(same.text, "document"), "version": "x-2026"})
    assert "与已发布版本没有差别" in preview.text

    bad = director.post(
        "/calendar/import", {"year": "2027", "document": document, "notice": "元旦：1月1日至3日\n春节：2月30日放假"}
    )
    assert bad.status_code == 422 and "未能导入：共1处问题" in bad.text
    assert "<td>2</td><td>春节：2月30日放假</td><td>2027年2月30日不是有效的日期</td>" in bad.text
    assert (
        director.post("/calendar/day", {"year": "2027", "document": "不是JSON", "day": "2027-01-01"}).status_code == 422
    )


def test_window_and_supervisor_cannot_edit(live_server: ServerHandle, window: Staff, supervisor: Staff) -> None:
    for staff in (window, supervisor):
        assert staff.get("/calendar").status_code == 403
        refused = staff.post("/calendar/import", {"year": "2027", "notice": NOTICE_2027})
        assert refused.status_code == 403 and "只有中心主任" in refused.text
