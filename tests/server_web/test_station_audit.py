"""代办站个人信息审计: the stations' synced audit events on a center page, for the 主任 and the 督查 only.

The events are pushed by enrolled stations over the real sync API (SQLite and PostgreSQL servers);
their sentences are those of ``sync.domain.audit_events``, which the station's own list uses too.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import requests

from sync.domain.audit_events import EXPORT, ID_NUMBER_READ, audit_sentence
from sync.domain.clock import CHINA
from sync.domain.events import new_event
from tests.sync.conftest import Station, enroll_station
from tests.sync.factories import registered_payload
from tests.sync.live_server import CENTER_TODAY, ServerHandle

from .helpers import Staff

APPLICANT = registered_payload()["applicant"]  # 张三, 11010519491231002X, 13800138000


def _add(station: Station, type_: str, payload: dict[str, Any], occurred_at: str | None = None) -> None:
    """The station's next event, at ``occurred_at`` (default: now on the chain's clock)."""
    chain = station.chain
    chain.events.append(
        new_event(
            station_id=chain.station_id,
            seq=len(chain.events) + 1,
            prev_hash=chain.head,
            type=type_,
            payload=payload,
            actor=chain.actor,
            occurred_at=occurred_at or chain.clock.stamp(),
        )
    )


def _case_no(station: Station, case_id: str) -> str:
    return next(e.payload["case_no"] for e in station.chain.events if e.payload.get("case_id") == case_id)


def _audited_station(server: ServerHandle) -> tuple[Station, str, dict[str, dict[str, Any]]]:
    """A station with one synced case, a read of its full number, a ledger file, the case's form printed,
    and a read about a case the center never received; returns the station, the case and the payloads."""
    station = enroll_station(server)
    case_id = station.chain.new_case()
    case_no = _case_no(station, case_id)
    one_case = {"subject_case_id": case_id, "case_no": case_no}
    payloads: dict[str, dict[str, Any]] = {
        "read": {**one_case, "purpose": "核对社保参保信息"},
        "ledger": {
            "what": "ledger_xlsx",
            "title": "代办台账 2026-11-01至2026-11-23",
            "case_count": 12,
            "file_name": "代办台账.xlsx",
            "folder": "E:\\台账",
        },
        "print": {
            "what": "case_form_print",
            "title": f"代办服务委托书 {case_no}",
            "case_count": 1,
            "printer": "HP LaserJet 1020",
            "pages": 2,
            **one_case,
        },
        "unsynced": {"subject_case_id": "not-at-the-center", "case_no": "CS01-20261123-0099", "purpose": "补打回执"},
    }
    _add(station, ID_NUMBER_READ, payloads["read"])
    _add(station, EXPORT, payloads["ledger"])
    _add(station, EXPORT, payloads["print"])
    _add(station, ID_NUMBER_READ, payloads["unsynced"])
    station.client.push_all(station.chain.events)
    return station, case_id, payloads


def _rows(page: str) -> list[str]:
    body = page.split('<table class="station-audit">')[1].split("</table>")[0]
    return [html.unescape(r) for r in body.split("<tr>")[2:] if 'class="empty"' not in r]


def test_synced_audit_events_are_listed_in_chinese_without_personal_data(
    live_server: ServerHandle, director: Staff, supervisor: Staff
) -> None:
    station, case_id, payloads = _audited_station(live_server)
    for staff in (director, supervisor):
        reply = staff.get(f"/station-audit?station={station.station_id}")
        assert reply.status_code == 200
        page = reply.text
        assert "代办站个人信息审计" in page and 'href="/center/station-audit"' in page  # in the navigation
        for value in (APPLICANT["name"], APPLICANT["id_number"], APPLICANT["phone"], APPLICANT["address"]):
            assert value not in page
        rows = _rows(page)
        assert len(rows) == 4  # the case's own steps are not audit events
        unsynced, printed, ledger, read = rows  # newest first
        station_label = f"测试代办站{station.code}（{station.code}）"
        assert all(station_label in r and "李代办" in r for r in rows)
        assert "查看完整身份证号码" in read and "用途：核对社保参保信息" in read
        assert f'<a href="/center/cases/{case_id}">{_case_no(station, case_id)}</a>' in read
        assert "导出个人信息" in ledger and audit_sentence(EXPORT, payloads["ledger"]) in ledger
        sentence = "导出代办台账（Excel）“代办台账 2026-11-01至2026-11-23”，含12件办件，文件：代办台账.xlsx（E:\\台账）"
        assert sentence in ledger
        assert "打印个人信息" in printed
        assert "打印表单“代办服务委托书" in printed and "打印机：HP LaserJet 1020，共2页" in printed
        assert f"/center/cases/{case_id}" in printed
        assert "CS01-20261123-0099" in unsynced and "/center/cases/" not in unsynced  # no such case here


def test_filters_by_station_kind_and_day(live_server: ServerHandle, director: Staff) -> None:
    station, _case_id, _payloads = _audited_station(live_server)
    other, _c, _p = _audited_station(live_server)
    mine = f"/station-audit?station={station.station_id}"
    assert len(_rows(director.get(mine).text)) == 4
    everyone = _rows(director.get("/station-audit").text)
    assert any(other.code in r for r in everyone) and any(station.code in r for r in everyone)
    reads = _rows(director.get(mine + "&kind=id_number_read").text)
    assert len(reads) == 2 and all("查看完整身份证号码" in r for r in reads)
    (ledger,) = _rows(director.get(mine + "&kind=export").text)
    assert "代办台账.xlsx" in ledger
    (printed,) = _rows(director.get(mine + "&kind=print").text)
    assert "HP LaserJet 1020" in printed
    assert 'value="print" selected' in director.get(mine + "&kind=print").text

    # Days are Beijing days: 2020-01-05 00:30 in Beijing is still the 4th in UTC.
    beijing = datetime(2020, 1, 5, 0, 30, tzinfo=CHINA).astimezone(UTC).isoformat(timespec="milliseconds")
    _add(station, ID_NUMBER_READ, {"subject_case_id": "x", "case_no": "CS01-20200105-0077", "purpose": "补录"}, beijing)
    station.client.push_all(station.chain.events[-1:])
    (old,) = _rows(director.get(mine + "&date_from=2020-01-05&date_to=2020-01-05").text)
    assert "CS01-20200105-0077" in old and "2020-01-05 00:30" in old  # the local time
    assert _rows(director.get(mine + "&date_to=2020-01-04").text) == []
    assert len(_rows(director.get(mine + f"&date_from={CENTER_TODAY.isoformat()}").text)) == 4
    assert len(_rows(director.get(mine + "&date_from=0001-01-01&date_to=9999-12-31").text)) == 5
    # Nonsense in the filters is ignored, not a crash.
    assert director.get(mine + "&kind=nonsense&date_from=2026-13-45&page=1").status_code == 200


def test_pages_newest_first(live_server: ServerHandle, director: Staff) -> None:
    station = enroll_station(live_server)
    start = datetime(2026, 10, 1, 1, 0, tzinfo=UTC)
    for n in range(101):
        at = (start + timedelta(minutes=n)).isoformat(timespec="milliseconds")
        _add(station, ID_NUMBER_READ, {"subject_case_id": f"c{n}", "case_no": f"CS01-20261001-{n:04d}"}, at)
    station.client.push_all(station.chain.events)
    first = director.get(f"/station-audit?station={station.station_id}&kind=id_number_read").text
    rows = _rows(first)
    assert len(rows) == 100 and "CS01-20261001-0100" in rows[0] and "CS01-20261001-0001" in rows[-1]
    older = re.search(r'href="([^"]+)">更早的记录', first)
    assert older and html.unescape(older[1]).endswith("&page=2")
    second = director.get("/station-audit" + html.unescape(older[1])).text
    (last,) = _rows(second)  # the filters go along
    assert "CS01-20261001-0000" in last and "更早的记录" not in second and "较新的记录" in second


def test_window_staff_and_station_tokens_are_refused(live_server: ServerHandle, window: Staff) -> None:
    refused = window.get("/station-audit")
    assert refused.status_code == 403 and "只有中心主任和督查人员" in refused.text
    assert "/center/station-audit" not in window.get("/").text  # not in the window's navigation
    station = enroll_station(live_server)
    for headers in ({"Authorization": f"Bearer {station.client.token}"}, {}):
        reply = requests.get(
            live_server.url + "/center/station-audit", headers=headers, allow_redirects=False, timeout=10
        )
        assert reply.status_code == 303 and reply.headers["location"] == "/center/login?next=/center/station-audit"
