"""Director pages: publish catalog/calendar (broadcast to stations), enroll and revoke stations."""

from __future__ import annotations

import json
import re
import uuid

import requests

from sync.client.client import SyncClient
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
