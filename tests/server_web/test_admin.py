"""Director pages: publish catalog/calendar (broadcast to stations), enroll and revoke stations."""

from __future__ import annotations

import json
import re
import uuid

import requests

from sync import __version__
from sync.client.client import SyncClient
from sync.protocol.models import PROTOCOL_VERSION
from tests.sync.conftest import Station
from tests.sync.live_server import ServerHandle

from .helpers import Staff


def _textarea(html: str) -> str:
    match = re.search(r'<textarea name="document"[^>]*>(.*?)</textarea>', html, re.S)
    assert match
    import html as html_lib

    return html_lib.unescape(match[1])


def test_publish_calendar_with_2027_reaches_stations(
    live_server: ServerHandle, station: Station, director: Staff
) -> None:
    calendar = json.loads(_textarea(director.get("/publish/calendar").text))
    calendar["version"] = f"2027.{uuid.uuid4().hex[:6]}"
    calendar["years"]["2027"] = {
        "holidays": [{"name": "元旦", "start": "2027-01-01", "end": "2027-01-03"}],
        "workdays": [],
    }
    reply = director.post("/publish/calendar", {"document": json.dumps(calendar, ensure_ascii=False)})
    assert reply.status_code == 303
    assert calendar["version"] in director.get("/publish/calendar").text
    (event,) = [e for e in station.client.pull().events if e.type == "calendar.published"]
    assert "2027" in event.payload["calendar"]["years"]
    same = director.post("/publish/calendar", {"document": json.dumps(calendar, ensure_ascii=False)})
    assert same.status_code == 422 and "已发布过" in same.text


def test_publish_catalog_validates(live_server: ServerHandle, station: Station, director: Staff) -> None:
    bad = director.post("/publish/catalog", {"document": '{"version": "x", "items": [{"code": "A"}]}'})
    assert bad.status_code == 422 and 'class="error"' in bad.text
    broken = director.post("/publish/catalog", {"document": '{"version": '})
    assert broken.status_code == 422 and "不是有效的JSON" in broken.text
    catalog = json.loads(_textarea(director.get("/publish/catalog").text))
    catalog["version"] = f"cat-{uuid.uuid4().hex[:6]}"
    assert director.post("/publish/catalog", {"document": json.dumps(catalog)}).status_code == 303
    types = [e.type for e in station.client.pull().events]
    assert "catalog.published" in types


def test_enroll_a_station_from_the_page_and_revoke_it(live_server: ServerHandle, director: Staff) -> None:
    code_name = f"W{uuid.uuid4().hex[:6].upper()}"
    page = director.post("/stations/code", {"station_code": code_name, "name": "三组代办站"})
    assert page.status_code == 200 and "只显示这一次" in page.text
    code = re.search(r'id="enroll-code">([A-Z0-9-]+)<', page.text)
    assert code
    client = SyncClient(live_server.url, timeout=(5, 30))
    station_id, _token = client.enroll(code[1], station_code=code_name)
    listing = director.get("/stations").text
    assert code_name in listing and "三组代办站" in listing and code[1] not in listing
    assert director.post(f"/stations/{station_id}/revoke", {"reason": "合并到其他站"}).status_code == 303
    assert "已停用（合并到其他站）" in director.get("/stations").text
    pulled = requests.get(
        live_server.url + "/api/v1/sync/pull", headers={"Authorization": f"Bearer {client.token}"}, timeout=10
    )
    assert pulled.status_code == 403


def _station_row(html: str, code: str) -> str:
    match = re.search(rf"<tr[^>]*>\s*<td>{code}</td>.*?</tr>", html, re.S)
    assert match, f"no row for {code}"
    return match[0]


def test_stations_page_shows_last_sync_unsent_events_and_version(station: Station, supervisor: Staff) -> None:
    row = _station_row(supervisor.get("/stations").text, station.code)
    assert "从未同步" in row and "未知" in row  # enrolled, never pushed, never reported
    station.chain.new_case(1)
    station.chain.new_case(2)  # 6 events
    station.client.handshake(station.station_id, pending_events=6, pending_bytes=3 * 1024, last_seq=6)
    station.client.push(station.chain.events[:3])
    page = supervisor.get("/stations")
    assert page.status_code == 200
    row = _station_row(page.text, station.code)
    assert "3 条" in row and "约1.5 KB" in row and "报告于" in row  # 6 reported, 3 arrived since
    assert __version__ in row and f"协议 {PROTOCOL_VERSION}" in row and "上传 " in row and "从未同步" not in row
    assert 'class="overdue"' not in row
    station.client.push(station.chain.events[3:])
    station.client.pull()
    row = _station_row(supervisor.get("/stations").text, station.code)
    assert '<b class="">0 条</b>' in row and "接收 " in row
    # a station token opens no staff page
    as_station = requests.get(
        station.server.url + "/center/stations",
        headers={"Authorization": f"Bearer {station.client.token}"},
        allow_redirects=False,
        timeout=10,
    )
    assert as_station.status_code in (303, 307) and "login" in as_station.headers["location"]
