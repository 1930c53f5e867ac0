"""本镇事项: with several towns, a town's director publishes the town's own 事项 beside the county's 事项清单.

A station gets the county's list merged with its own town's 事项 (``sync.domain.catalog.merged_catalog``), by
the real pull path; another town's station never sees them; a county republish keeps them; a code the county's
list uses is refused, listed, nothing changes; only a town's director publishes them, only the county the
county's list. Both backends, real HTTP.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import requests

import resources
from desktop.services.casework.item_search import find_items, item_choices
from desktop.services.context import ServiceContext
from desktop.services.station import setup_station
from desktop.services.syncing import center_sync
from sync.domain.clock import FixedClock
from sync.domain.reference import CATALOG_PUBLISHED
from sync.server.core.config import FIXED_TIME_ENV
from sync.server.services.catalog_xlsx import catalog_workbook
from sync.server.services.enrollment import issue_code
from sync.server.services.towns import create_town, rename_town
from tests.sync.conftest import Station
from tests.sync.live_server import ServerHandle, in_center, serving, sqlite_url, start_server

from .browser import chromium
from .helpers import Staff
from .test_towns import OUT, _browser_login, staff_in, station_in

COUNTY_CODE = "SB001"  # a code of the shipped (county) list
#: One 事项 past the most a town may add, as small as a 事项 can be written.
MANY = [{"code": f"Y{n}", "name": "s", "department": "d", "promised_days": 1} for n in range(2001)]


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def county(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerHandle]:
    with serving(request.param, tmp_path_factory) as handle:
        yield handle


@dataclass
class World:
    server: ServerHandle
    county: Staff
    b_director: Staff
    b_window: Staff
    a_director: Staff
    a_station: Station
    b_station: Station
    town_b: int


@pytest.fixture(scope="module")
def world(county: ServerHandle) -> World:
    town_b = in_center(county.database_url, lambda s: create_town(s, "乙镇").id, migrate=True)
    tag = uuid.uuid4().hex[:6].upper()
    return World(
        county,
        staff_in(county, "county", None),
        staff_in(county, "director", town_b),
        staff_in(county, "window", town_b),
        staff_in(county, "director", 1),
        station_in(county, 1, f"JA{tag}"),
        station_in(county, town_b, f"YB{tag}"),
        town_b,
    )


def _county_list(version: str, extra: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(resources.read_text("catalog/demo.json"))
    return {**document, "version": version, "items": [*document["items"], *(extra or [])]}


def _item(code: str, name: str) -> dict[str, Any]:
    return {
        "code": code,
        "name": name,
        "department": "乙镇农业农村办公室",
        "case_type": "promised",
        "promised_days": 5,
        "materials": [{"name": "居民身份证", "original": True, "copies": 1, "required": True}],
    }


def _doc(document: dict[str, Any]) -> dict[str, str]:
    return {"document": json.dumps(document, ensure_ascii=False)}


def _catalog_at(station: Station) -> dict[str, Any] | None:
    """The catalog the station was last sent, by the real (verified) pull."""
    sent = [e for e in station.client.pull_events() if e.type == CATALOG_PUBLISHED]
    return dict(sent[-1].payload["catalog"]) if sent else None


def _codes(catalog: dict[str, Any] | None) -> list[str]:
    return [str(i["code"]) for i in (catalog or {}).get("items", [])]


def test_a_towns_own_items_reach_its_stations_and_survive_a_county_republish(world: World) -> None:
    tag = uuid.uuid4().hex[:6]
    county_v1 = _county_list(f"县{tag}-1")
    assert world.county.post("/publish/catalog", _doc(county_v1)).status_code == 303
    own = {"version": f"{tag}-1", "items": [_item(f"YZ{tag}", "乙镇特色种植补贴申请")]}
    reply = world.b_director.post("/town-catalog", _doc(own))
    assert reply.status_code == 303, reply.text
    assert reply.headers["location"].endswith(f"/town-catalog?done={tag}-1")

    at_b = _catalog_at(world.b_station)
    assert at_b is not None and at_b["version"] == f"县{tag}-1+本镇{tag}-1"
    assert _codes(at_b) == [*_codes(county_v1), f"YZ{tag}"]  # the county's first, then the town's
    at_a = _catalog_at(world.a_station)
    assert at_a == county_v1 and f"YZ{tag}" not in json.dumps(at_a)  # another town never sees it

    county_v2 = _county_list(f"县{tag}-2", [_item(f"XJ{tag}", "县级新增事项")])
    assert world.county.post("/publish/catalog", _doc(county_v2)).status_code == 303
    at_b = _catalog_at(world.b_station)
    assert at_b is not None and at_b["version"] == f"县{tag}-2+本镇{tag}-1"
    assert _codes(at_b) == [*_codes(county_v2), f"YZ{tag}"]
    assert _catalog_at(world.a_station) == county_v2

    page = world.b_director.get("/town-catalog")
    assert page.status_code == 200 and "乙镇特色种植补贴申请" in page.text and "县级新增事项" in page.text
    assert "由县级中心发布，本镇只能查看" in page.text
    assert "乙镇特色种植补贴申请" not in world.a_director.get("/town-catalog").text


def test_a_code_of_the_county_list_is_refused_and_nothing_changes(world: World) -> None:
    tag = uuid.uuid4().hex[:6]
    kept = {"version": f"{tag}-1", "items": [_item(f"YK{tag}", "乙镇保留事项")]}
    assert world.b_director.post("/town-catalog", _doc(kept)).status_code == 303
    before = _catalog_at(world.b_station)
    clash = {"version": f"{tag}-2", "items": [_item(COUNTY_CODE, "冒用县级编码"), _item(f"YN{tag}", "新事项")]}
    reply = world.b_director.post("/town-catalog", _doc(clash))
    assert reply.status_code == 422
    assert f"本镇事项的编码与县级事项清单重复：{COUNTY_CODE}。" in reply.text and "未发布任何内容" in reply.text
    assert _catalog_at(world.b_station) == before
    assert "乙镇保留事项" in world.b_director.get("/town-catalog").text


def test_the_town_page_names_its_items_the_county_took(world: World) -> None:
    tag = uuid.uuid4().hex[:6]
    own = {"version": f"{tag}-1", "items": [_item(f"YT{tag}", "乙镇被收录事项")]}
    assert world.b_director.post("/town-catalog", _doc(own)).status_code == 303
    taken = _county_list(f"县{tag}", [_item(f"YT{tag}", "县级收录事项")])
    preview = world.county.http.post(
        world.county.base + "/catalog/import",
        data={"csrf_token": world.county.csrf, "version": f"县{tag}"},
        files={"file": ("县级事项清单.xlsx", catalog_workbook(taken), "application/octet-stream")},
        timeout=60,
    )
    assert preview.status_code == 200 and f"乙镇（YT{tag}）" in preview.text  # the county is told first
    assert world.county.post("/publish/catalog", _doc(taken)).status_code == 303
    at_b = _catalog_at(world.b_station)
    assert (
        at_b is not None
        and _codes(at_b).count(f"YT{tag}") == 1
        and "县级收录事项" in json.dumps(at_b, ensure_ascii=False)
    )
    page = world.b_director.get("/town-catalog").text
    assert f"县级事项清单已使用编码 YT{tag}" in page and 'class="shadowed"' in page


def test_only_a_towns_director_publishes_its_items_and_only_the_county_the_county_list(world: World) -> None:
    own = _doc({"version": "x", "items": [_item("YQ1", "乙镇事项")]})
    county = world.county.post("/town-catalog", own)
    assert county.status_code == 403 and "县级中心账号只能查看" in county.text
    assert world.county.get("/town-catalog").status_code == 403
    window = world.b_window.post("/town-catalog", own)
    assert window.status_code == 403 and "只有中心主任" in window.text
    refused = world.b_director.post("/publish/catalog", _doc(_county_list("镇改县级")))
    assert refused.status_code == 403 and "由县级中心统一发布" in refused.text
    menu = world.b_director.get("/").text
    assert "/town-catalog" in menu and "本镇事项" in menu and "/publish/catalog" not in menu
    assert "/town-catalog" not in world.county.get("/").text


def test_a_station_enrolled_later_gets_its_towns_merged_list(world: World) -> None:
    tag = uuid.uuid4().hex[:6]
    own = {"version": f"{tag}-1", "items": [_item(f"YL{tag}", "乙镇后来事项")]}
    assert world.b_director.post("/town-catalog", _doc(own)).status_code == 303
    late = station_in(world.server, world.town_b, f"YL{tag.upper()}")
    at_late = _catalog_at(late)
    assert at_late is not None and f"YL{tag}" in _codes(at_late) and COUNTY_CODE in _codes(at_late)


def test_the_station_app_offers_its_towns_own_items(world: World, tmp_path: Path) -> None:
    """A real station (the desktop services) of town B syncs and finds the town's own 事项 by name."""
    tag = uuid.uuid4().hex[:6]
    own = {"version": f"{tag}-1", "items": [_item(f"YD{tag}", "乙镇茶园改造补助申请")]}
    assert world.b_director.post("/town-catalog", _doc(own)).status_code == 303
    code = f"YD{tag.upper()}"
    enrollment = in_center(world.server.database_url, lambda s: issue_code(s, code, "茶村代办站", town_id=world.town_b))
    ctx = ServiceContext.open(tmp_path / "station", FixedClock.on(date(2026, 11, 23)))
    try:
        setup_station(ctx, code=code, name="茶村代办站", village="茶村", town="乙镇", clerk="钱代办")
        assert not find_items(item_choices(ctx), "茶园改造")
        center_sync.connect_center(ctx, world.server.url, enrollment)
        center_sync.sync_now(ctx)
        assert ctx.catalog.version.endswith(f"+本镇{tag}-1")
        found = find_items(item_choices(ctx), "茶园改造")
        assert [c.code for c in found] == [f"YD{tag}"]
        assert ctx.catalog.get(COUNTY_CODE).name  # the county's list is there too
    finally:
        ctx.close()


def _upload(staff: Staff, content: bytes, name: str = "本镇事项.xlsx", version: str = "") -> requests.Response:
    return staff.http.post(
        staff.base + "/town-catalog/import",
        data={"csrf_token": staff.csrf, "version": version},
        files={"file": (name, content, "application/octet-stream")},
        allow_redirects=False,
        timeout=60,
    )


def test_excel_round_trip_of_the_towns_own_part(world: World) -> None:
    tag = uuid.uuid4().hex[:6]
    own = {"version": f"{tag}-1", "items": [_item(f"YX{tag}", "乙镇导出事项")]}
    assert world.b_director.post("/town-catalog", _doc(own)).status_code == 303
    exported = world.b_director.get("/town-catalog/export.xlsx")
    assert exported.status_code == 200 and "spreadsheetml" in exported.headers["content-type"]
    assert world.b_director.get("/town-catalog/template.xlsx").status_code == 200
    preview = _upload(world.b_director, exported.content, version=f"{tag}-2")
    assert preview.status_code == 200, preview.text[-500:]
    assert "核对本镇事项" in preview.text and 'action="/center/town-catalog"' in preview.text
    assert "与已发布版本没有差别" in preview.text


@pytest.mark.parametrize(
    "content",
    [
        b"PK\x03\x04" + os.urandom(2000),  # a garbled zip
        "不是Excel".encode("gbk"),  # not even UTF-8
        b"\x00" * (5 * 1024 * 1024 + 1),  # past the upload limit
    ],
    ids=["garbled", "gbk", "oversized"],
)
def test_hostile_uploads_get_a_chinese_refusal(world: World, content: bytes) -> None:
    reply = _upload(world.b_director, content, "恶意.xlsx")
    if reply.status_code == 413:  # past the server's body limit, before the route
        assert "上传的数据过大" in reply.text
    else:
        assert reply.status_code == 422 and "未能采用" in reply.text


def test_a_workbook_with_a_county_code_is_refused_at_import(world: World) -> None:
    own = {"version": "t", "items": [_item(COUNTY_CODE, "冒用县级编码")]}
    reply = _upload(world.b_director, catalog_workbook(own))
    assert reply.status_code == 422 and f"本镇事项的编码与县级事项清单重复：{COUNTY_CODE}" in reply.text


@pytest.mark.parametrize(
    "form",
    [
        {"document": '{"version": "1", "items": "很多"}'},
        {"document": "不是JSON"},
        {"document": json.dumps({"version": "big", "items": MANY}, separators=(",", ":"))},  # within the body limit
        {"document": json.dumps({"version": "", "items": []})},
    ],
    ids=["items-not-a-list", "not-json", "too-many", "no-version"],
)
def test_hostile_documents_get_a_chinese_refusal(world: World, form: dict[str, str]) -> None:
    before = _catalog_at(world.b_station)
    reply = world.b_director.post("/town-catalog", form)
    assert reply.status_code == 422, reply.text[-300:]
    assert any(
        word in reply.text for word in ("事项清单格式不正确", "不是有效的JSON", "不能超过2000个", "请填写版本号")
    )
    assert _catalog_at(world.b_station) == before


def test_non_utf8_form_bytes_get_no_server_error(world: World) -> None:
    body = b"csrf_token=" + world.b_director.csrf.encode() + b"&document=" + "版本".encode("gbk")
    reply = world.b_director.http.post(
        world.b_director.base + "/town-catalog",
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        allow_redirects=False,
        timeout=30,
    )
    assert reply.status_code < 500


@pytest.mark.skipif(not os.environ.get("DAIBANTONG_SCREENSHOTS"), reason="DAIBANTONG_SCREENSHOTS not set")
def test_town_catalog_screenshot(tmp_path: Path) -> None:
    """docs/screenshots/center_town_catalog.png: a town's director on 本镇事项, and center_town_catalog_item.png:
    the form of one of the town's own 事项 (编辑), at 1366×768."""
    clock = FixedClock.beijing(2026, 11, 27, 16)
    server = start_server(sqlite_url(tmp_path), env={FIXED_TIME_ENV: clock.now().isoformat()})
    try:
        in_center(server.database_url, lambda s: rename_town(s, 1, "城关镇"), migrate=True)
        town = in_center(server.database_url, lambda s: create_town(s, "东湖镇").id)
        director = staff_in(server, "director", town, "李主任")
        own = {
            "version": "1",
            "items": [
                _item("DH001", "东湖镇莲藕种植补贴申请") | {"department": "东湖镇农业农村办公室"},
                _item("DH002", "东湖镇渔船停泊证明")
                | {"department": "东湖镇综合执法队", "case_type": "immediate", "promised_days": 0},
            ],
        }
        assert director.post("/town-catalog", _doc(own)).status_code == 303
        OUT.mkdir(parents=True, exist_ok=True)
        with chromium() as browser:
            page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="zh-CN")  # type: ignore[attr-defined]
            _browser_login(page, server.url, director.username)
            page.goto(server.url + "/center/town-catalog")
            assert page.locator("table.town-items tbody tr").count() == 2
            page.screenshot(path=str(OUT / "center_town_catalog.png"))
            page.click("table.town-items tbody tr:first-child a:has-text('编辑')")  # the form of one 事项
            page.wait_for_url("**/town-catalog/item?code=DH001")
            assert page.locator("input[name=name]").input_value() == "东湖镇莲藕种植补贴申请"
            page.screenshot(path=str(OUT / "center_town_catalog_item.png"))
    finally:
        server.stop()
