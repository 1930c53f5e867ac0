"""Towns as tenants of one deployment: a town's staff never reach another town's case, station, follow-up,
account or audit line, by id, search, filter, export or URL; the county role sees every town.

Each backend gets a server of its own (two towns in the shared one would show the town names to every test).
The walk goes through every staff route of the role matrix (``test_auth.MATRIX``) as town A's staff with town
B's ids put in: each answers what it answers for an id that does not exist, and no page, export or print shows
anything of town B.
"""

from __future__ import annotations

import io
import os
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
import sqlalchemy as sa
from openpyxl import load_workbook
from pypdf import PdfReader

from sync.client.client import SyncClient
from sync.domain.clock import FixedClock
from sync.server.core.config import FIXED_TIME_ENV
from sync.server.services.enrollment import issue_code
from sync.server.services.staff import create_staff
from sync.server.services.towns import create_town, rename_town
from tests.forms import glyphs
from tests.sync.conftest import Station
from tests.sync.factories import Chain, registered_payload
from tests.sync.live_server import ServerHandle, in_center, serving, sqlite_url, start_server

from .browser import chromium
from .helpers import PASSWORD, Staff, login
from .test_auth import MATRIX, NO_CASE

DAY = "2026-11-23"
#: What every town shares, published by the county once there are several towns.
COUNTY_DOCUMENTS = ("/publish/", "/catalog/", "/calendar", "/retention")
#: What a town's director gets on 本镇事项 with several towns: the page and Excel, a refused empty publish/import.
TOWN_OWN = {"GET": 200, "POST": 422}
#: Town-page routes whose matrix request names no 事项 of the town: removing nothing is "没有这个事项".
TOWN_OWN_MISSING = {"/town-catalog/item/remove": 404}
OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def county(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerHandle]:
    with serving(request.param, tmp_path_factory) as handle:
        yield handle


def staff_in(server: ServerHandle, role: str, town_id: int | None, name: str = "") -> Staff:
    username = f"{role}_{uuid.uuid4().hex[:8]}"
    in_center(
        server.database_url,
        lambda s: create_staff(s, username, name or f"测试{role}", role, PASSWORD, town_id=town_id),
        migrate=True,
    )
    return login(server, username)


def station_in(server: ServerHandle, town_id: int, code: str) -> Station:
    name = f"{code}村代办站"
    enrollment = in_center(server.database_url, lambda s: issue_code(s, code, name, town_id=town_id))
    client = SyncClient(server.url, timeout=(5, 30))
    station_id, _token = client.enroll(enrollment, station_code=code)
    return Station(client, station_id, code, Chain(station_id), server)


def bad_case(station: Station, decider: Staff, name: str, id_number: str, phone: str) -> tuple[str, str]:
    """A case of ``station`` decided by ``decider``, rated 1 (a 差评: a follow-up opens); (case id, case no)."""
    case_no = f"{station.code}-20261123-0001"
    payload = registered_payload(case_no=case_no)
    payload["applicant"] |= {"name": name, "id_number": id_number, "phone": phone}
    case_id = str(payload["case_id"])
    station.chain.add("case.registered", payload)
    station.chain.add("case.accept", {"case_id": case_id, "accepted_on": DAY, "due_on": "2026-11-30"})
    station.chain.add("case.deliver", {"case_id": case_id})
    station.client.push_all(station.chain.events)
    assert decider.post(f"/cases/{case_id}/decide", {"action": "center_accept"}).status_code == 303
    done = decider.post(f"/cases/{case_id}/decide", {"action": "center_complete", "result": "已办结"})
    assert done.status_code == 303
    station.chain.add("case.give_feedback", {"case_id": case_id, "rating": 1})
    station.client.push_all(station.chain.events)
    assert decider.get("/followups").status_code == 200  # opens the follow-up
    return case_id, case_no


@dataclass
class Towns:
    server: ServerHandle
    a: dict[str, Staff]
    b_director: Staff
    county: Staff
    a_case: str
    a_case_no: str
    b_station: Station
    b_case: str
    b_case_no: str
    b_id_number: str
    b_phone: str
    b_staff_id: int

    def b_markers(self) -> list[str]:
        """What of town B must never show to town A: its case, villager, station and director (not the ids: town
        A's own audit log rightly shows the ids it typed)."""
        b = self.b_station
        return [self.b_case_no, "欧阳乙镇", b.code, f"{b.code}村代办站", self.b_director.username]


@pytest.fixture(scope="module")
def towns(county: ServerHandle) -> Towns:
    town_b = in_center(county.database_url, lambda s: create_town(s, "乙镇").id, migrate=True)
    a = {role: staff_in(county, role, 1) for role in ("director", "window", "supervisor")}
    b_director = staff_in(county, "director", town_b)
    tag = uuid.uuid4().hex[:6].upper()
    a_station = station_in(county, 1, f"JA{tag}")
    b_station = station_in(county, town_b, f"YB{tag}")
    a_case, a_case_no = bad_case(a_station, a["window"], "张甲镇", "11010519491231002X", "13800138000")
    b_case, b_case_no = bad_case(b_station, b_director, "欧阳乙镇", "110105194912310038", "13900139000")
    assert b_director.post(f"/cases/{b_case}/reveal", {"field": "id"}).status_code == 200  # an audit line of B
    find = sa.text("SELECT id FROM staff WHERE username = :u")
    b_staff_id = in_center(county.database_url, lambda s: s.execute(find, {"u": b_director.username}).scalar_one())
    return Towns(
        county,
        a,
        b_director,
        staff_in(county, "county", None),
        a_case,
        a_case_no,
        b_station,
        b_case,
        b_case_no,
        "110105194912310038",
        "13900139000",
        int(b_staff_id),
    )


def _text(reply: requests.Response) -> str:
    """What a page, an Excel export or a PDF shows, as text."""
    kind = reply.headers.get("content-type", "")
    if kind.startswith("application/pdf"):
        return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(reply.content)).pages)
    if "spreadsheetml" in kind:
        book = load_workbook(io.BytesIO(reply.content), read_only=True)
        return "\n".join(
            str(value) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for value in row
        )
    return reply.text


def _b_path(path: str, t: Towns) -> str:
    """A matrix route with town B's ids where it names a case, a station or an account."""
    path = path.replace("{case}", t.b_case).replace(f"/stations/{NO_CASE}/", f"/stations/{t.b_station.station_id}/")
    return path.replace(NO_CASE, t.b_case).replace("/999999/", f"/{t.b_staff_id}/")


@pytest.mark.parametrize("role", ["director", "window", "supervisor"])
def test_town_staff_reach_nothing_of_another_town_on_any_route(towns: Towns, role: str) -> None:
    staff = towns.a[role]
    markers = towns.b_markers()
    for method, path, form, expected in MATRIX:
        wanted = expected[role]
        if "{case}" in path and wanted == 200:
            wanted = 404  # another town's case is a case that does not exist
        if path.startswith(COUNTY_DOCUMENTS) and role == "director":
            wanted = 403  # with several towns the county publishes what they share
        if path.startswith("/town-catalog") and role == "director":
            wanted = TOWN_OWN_MISSING.get(path, TOWN_OWN[method])  # and each town's director its own 事项
        target = _b_path(path, towns)
        reply = staff.get(target) if method == "GET" else staff.post(target, form)
        assert reply.status_code == wanted, (role, method, target, reply.status_code, reply.text[-300:])
        shown = _text(reply)
        assert not [m for m in markers if m in shown], (role, method, target)


def test_town_staff_find_nothing_of_another_town_by_search_filter_or_export(towns: Towns) -> None:
    director = towns.a["director"]
    markers = towns.b_markers()
    b = towns.b_station
    queries = [f"q={towns.b_case_no}", "q=欧阳乙镇", f"q={b.code}", f"station={b.station_id}", "view=all"]
    queries += ["view=done", "clerk=李代办", "matter=城乡居民养老保险参保登记"]
    # (answer, what was typed: a search box shows its own text again)
    pages = [(director.get("/?" + q), q) for q in queries]
    pages += [(director.post("/search", {"q": q}), "") for q in (towns.b_id_number, towns.b_phone)]
    for path in ("/review?period=2026", "/review.xlsx?period=2026", "/review.pdf?period=2026", "/review/trend"):
        pages.append((director.get(path), ""))
    for path in ("/followups", "/deadlines", "/stations", "/audit", "/staff", "/inbox/counts"):
        pages.append((director.get(path), ""))
    pages.append((director.get(f"/station-audit?station={b.station_id}"), ""))
    for reply, typed in pages:
        assert reply.status_code == 200, (reply.url, reply.status_code)
        assert towns.b_case not in reply.text, reply.url  # no link to it
        shown = _text(reply)
        assert not [m for m in markers if m in shown and m not in typed], reply.url
    assert director.get(f"/review/trend?station={b.station_id}").status_code == 404
    assert director.get(f"/visits?station={b.station_id}").status_code == 404
    assert director.get(f"/visits/receipt.pdf?station={b.station_id}&day={DAY}").status_code == 404
    assert director.get(f"/followups/{towns.b_case}.pdf").status_code == 404
    # town A's own case is there, so the empty answers above are not a broken page
    assert towns.a_case_no in director.get(f"/?q={towns.a_case_no}").text
    assert director.get(f"/cases/{towns.a_case}").status_code == 200


def test_a_town_counts_only_its_own_cases(towns: Towns) -> None:
    a = towns.a["director"].get("/inbox/counts").json()
    b = towns.b_director.get("/inbox/counts").json()
    everyone = towns.county.get("/inbox/counts").json()
    assert {key: a[key] + b[key] for key in a} == everyone


def test_town_b_and_the_county_see_town_b(towns: Towns) -> None:
    for staff in (towns.b_director, towns.county):
        assert staff.get(f"/cases/{towns.b_case}").status_code == 200
        assert towns.b_case_no in staff.get(f"/?q={towns.b_case_no}").text
    assert towns.b_director.get(f"/cases/{towns.a_case}").status_code == 404
    assert towns.county.get(f"/cases/{towns.a_case}").status_code == 200


def test_the_county_only_looks(towns: Towns) -> None:
    """The county role reads every town but decides nothing and sees no whole number (docs/operations.md)."""
    county = towns.county
    refused = county.post(f"/cases/{towns.b_case}/decide", {"action": "center_return", "reason": "测试"})
    assert refused.status_code == 403 and "县级中心" in refused.text
    assert county.post(f"/cases/{towns.b_case}/reveal", {"field": "id"}).status_code == 403
    assert county.post(f"/followups/{towns.b_case}/close", {"outcome": "已回访"}).status_code == 403


def test_the_countys_stations_page_names_each_stations_town(towns: Towns) -> None:
    page = towns.county.get("/stations").text
    assert "<th>所属镇</th>" in page
    row = page[page.index(towns.b_station.code) :]
    assert row[: row.index("</tr>")].count('<td class="town">乙镇</td>') == 1
    assert "所属镇" not in towns.b_director.get("/stations").text  # a town's own page lists its own stations


def test_station_codes_are_unique_across_towns(towns: Towns) -> None:
    director = towns.a["director"]
    page = director.get("/stations")
    reply = director.post("/stations/code", {"station_code": towns.b_station.code, "name": "冒名代办站"})
    assert page.status_code == 200 and reply.status_code == 422
    assert "已被另一个镇的代办站使用" in reply.text


def test_the_county_publishes_what_every_town_shares(towns: Towns) -> None:
    for path in ("/publish/catalog", "/calendar", "/retention", "/catalog/item"):
        assert towns.county.get(path).status_code == 200, path
        refused = towns.b_director.get(path)
        assert refused.status_code == 403 and "由县级中心统一发布" in refused.text, path
    assert towns.b_director.get("/town").status_code == 200  # its own 本镇信息 stays the town's
    menu = towns.b_director.get("/").text  # and its menu offers only what it may do
    assert "/publish/catalog" not in menu and "/calendar" not in menu and "/retention" not in menu
    assert "/town" in menu and "/staff" in menu
    county_menu = towns.county.get("/").text
    assert "/publish/catalog" in county_menu and "/calendar" in county_menu and "/retention" in county_menu


def test_town_staff_make_accounts_of_their_own_town_only(towns: Towns) -> None:
    b_director = towns.b_director
    username = f"w_{uuid.uuid4().hex[:8]}"
    made = b_director.post("/staff", {"username": username, "name": "乙镇窗口", "role": "window", "password": PASSWORD})
    assert made.status_code == 303
    assert username in b_director.get("/staff").text and username not in towns.a["director"].get("/staff").text
    county_role = {"username": f"c_{uuid.uuid4().hex[:8]}", "name": "冒充", "role": "county", "password": PASSWORD}
    refused = b_director.post("/staff", county_role)
    assert refused.status_code == 422 and "角色应为主任、窗口或督查" in refused.text
    assert 'value="county"' not in b_director.get("/staff").text


def test_the_county_compares_towns_and_drills_down_to_stations_and_clerks(towns: Towns) -> None:
    county = towns.county
    page = county.get("/review?period=2026-11")
    assert page.status_code == 200 and "全县合计" in page.text and "按镇" in page.text
    town_b = in_center(
        towns.server.database_url, lambda s: s.execute(sa.text("SELECT id FROM towns WHERE name = '乙镇'")).scalar_one()
    )
    assert f'href="?period=2026-11&amp;town={town_b}">乙镇</a>' in page.text
    assert towns.b_station.code not in page.text  # the county level compares towns, not stations
    drilled = county.get(f"/review?period=2026-11&town={town_b}")
    assert drilled.status_code == 200 and "乙镇合计" in drilled.text and "按代办员" in drilled.text
    assert f"{towns.b_station.code}村代办站" in drilled.text and towns.a_case_no.split("-")[0] not in drilled.text
    assert county.get("/review?town=999999").status_code == 404
    # a town's staff cannot look into another town through the parameter: it is the county's only
    a_view = towns.a["director"].get(f"/review?period=2026-11&town={town_b}")
    assert a_view.status_code == 200 and towns.b_station.code not in a_view.text


def _town_id(towns: Towns, name: str) -> int:
    find = sa.text("SELECT id FROM towns WHERE name = :n")
    return int(in_center(towns.server.database_url, lambda s: s.execute(find, {"n": name}).scalar_one()))


def test_the_county_exports_its_towns_compared_and_each_town_drilled_into(towns: Towns) -> None:
    """The county's Excel and PDF carry what its page shows: the towns compared (the Excel lists the stations and
    the clerks too, each named with its town, since two towns may each have a 新村); with ``town``, that town's own
    review, as its director would export it, and nothing of another town."""
    county, b = towns.county, towns.b_station
    a_station = towns.a_case_no.split("-")[0]
    first_town = in_center(
        towns.server.database_url, lambda s: s.execute(sa.text("SELECT name FROM towns WHERE id = 1")).scalar_one()
    )
    whole = county.get("/review.xlsx?period=2026-11")
    assert whole.status_code == 200 and "%E5%85%A8%E5%8E%BF-2026-11.xlsx" in whole.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(whole.content), read_only=True)["考核"]
    sections: dict[str, list[tuple[object, ...]]] = {}
    title = ""
    for row in sheet.iter_rows(values_only=True):
        cells = [v for v in row if v is not None]
        if len(cells) == 1:
            title = str(cells[0])
            sections[title] = []
        elif cells and cells[0] != "名称":
            sections[title].append(tuple(row))
    assert list(sections)[:5] == ["全县考核统计（2026年11月）", "全县", "按镇", "按代办站", "按代办员"]
    total, *_ = sections["全县"]
    by_town = {row[0]: row for row in sections["按镇"]}
    assert total[0] == "全县合计" and set(by_town) == {first_town, "乙镇"}
    assert by_town["乙镇"][1] == 1 and by_town["乙镇"][6] == 1  # 乙镇: one case, one 差评
    assert total[1] == sum(int(str(row[1])) for row in by_town.values()) and total[6] == 2
    names = [row[0] for row in sections["按代办站"]]
    assert f"乙镇 · {b.code}村代办站（{b.code}）" in names
    assert any(str(n).startswith(f"{first_town} · {a_station}") for n in names)
    clerks = [str(row[0]) for row in sections["按代办员"]]  # a clerk is named with the station and its town
    assert clerks and all(" · 乙镇 · " in c or f" · {first_town} · " in c for c in clerks)
    assert any(c.endswith(f" · 乙镇 · {b.code}村代办站（{b.code}）") for c in clerks)

    pdf = _text(county.get("/review.pdf?period=2026-11"))
    assert "各镇满意率" in pdf and "按镇统计" in pdf and "全县合计" in pdf and "乙镇" in pdf
    assert b.code not in pdf and a_station not in pdf  # the county's paper compares towns, not stations

    town_b = _town_id(towns, "乙镇")
    drilled = county.get(f"/review.xlsx?period=2026-11&town={town_b}")
    assert "%E4%B9%99%E9%95%87-2026-11.xlsx" in drilled.headers["content-disposition"]  # 乙镇-2026-11
    shown = _text(drilled)
    assert "乙镇考核统计（2026年11月）" in shown and f"{b.code}村代办站" in shown and "按镇" not in shown
    assert a_station not in shown and "张甲镇" not in shown
    drilled_pdf = _text(county.get(f"/review.pdf?period=2026-11&town={town_b}"))
    assert "乙镇合计" in drilled_pdf and "按代办员统计" in drilled_pdf and b.code in drilled_pdf
    assert a_station not in drilled_pdf and "各镇满意率" not in drilled_pdf
    assert county.get("/review.pdf?period=2026-11&town=999999").status_code == 404
    assert county.get("/review.xlsx?period=2026-11&town=甲").status_code == 422
    # a town's own staff export their town as before: the parameter is the county's only
    own = _text(towns.a["director"].get(f"/review.xlsx?period=2026-11&town={town_b}"))
    assert own.startswith("镇为民服务中心考核统计") and b.code not in own


def test_the_county_manages_towns(towns: Towns) -> None:
    county = towns.county
    name = f"丙镇{uuid.uuid4().hex[:4]}"
    assert county.post("/towns", {"name": name}).status_code == 303
    assert county.post("/towns", {"name": name}).status_code == 422  # the same name twice
    assert "请填写镇名称" in county.post("/towns", {"name": "  "}).text
    town_id = in_center(
        towns.server.database_url,
        lambda s: s.execute(sa.text("SELECT id FROM towns WHERE name = :n"), {"n": name}).scalar_one(),
    )
    assert county.post(f"/towns/{town_id}/rename", {"name": name + "新"}).status_code == 303
    assert county.post("/towns/999999/rename", {"name": "无此镇"}).status_code == 422
    for hostile in ("99999999999", "-1", "甲"):  # no town, never a database error
        assert county.post(f"/towns/{hostile}/rename", {"name": "无此镇"}).status_code in (404, 422), hostile
    assert county.get("/review?town=99999999999").status_code == 422
    username = f"d_{uuid.uuid4().hex[:8]}"
    form = {"username": username, "name": "丙镇主任", "password": PASSWORD}
    assert county.post(f"/towns/{town_id}/director", form).status_code == 303
    page = county.get("/towns").text
    assert name + "新" in page
    refused = towns.a["director"].get("/towns")
    assert refused.status_code == 403 and "只有县级中心" in refused.text


def _browser_login(page: Any, url: str, username: str) -> None:
    page.goto(url + "/center/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('登录')")
    page.wait_for_url(url + "/center/")


def test_in_the_browser_a_town_window_cannot_open_or_find_another_towns_case(towns: Towns) -> None:
    url = towns.server.url
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="zh-CN")  # type: ignore[attr-defined]
        _browser_login(page, url, towns.a["window"].username)
        assert towns.b_case_no not in page.inner_text("main")
        opened = page.goto(f"{url}/center/cases/{towns.b_case}")
        assert opened is not None and opened.status == 404 and "没有这个办件" in page.inner_text("main")
        for typed in (towns.b_case_no, "欧阳乙镇", towns.b_id_number, towns.b_phone):
            page.fill("header input[name=q]", typed)
            page.press("header input[name=q]", "Enter")
            page.wait_for_load_state()
            assert page.locator("table.cases tbody td:first-child a").count() == 0, typed
            assert "欧阳乙镇" not in page.inner_text("main").replace(typed, "")
        printed = page.request.get(f"{url}/center/followups/{towns.b_case}.pdf")
        assert printed.status == 404
        exported = page.request.get(f"{url}/center/review.xlsx?period=2026")
        assert exported.status == 200 and towns.b_station.code not in _xlsx_text(exported.body())
        # and town A's own case is found the same way
        page.fill("header input[name=q]", towns.a_case_no)
        page.press("header input[name=q]", "Enter")
        page.wait_for_load_state()
        assert page.locator("table.cases tbody td:first-child a").count() == 1


def _xlsx_text(content: bytes) -> str:
    book = load_workbook(io.BytesIO(content), read_only=True)
    return "\n".join(str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for v in row)


#: The county's screenshot: three towns, their stations, a month of rated cases.
SHOT_TOWNS = {
    "城关镇": [("CG01", "东街社区代办站", "陈代办"), ("CG02", "西关村代办站", "刘代办")],
    "东湖镇": [
        ("DH01", "东湖村代办站", "黄代办"),
        ("DH02", "湖滨村代办站", "吴代办"),
        ("DH03", "渔港村代办站", "周代办"),
    ],
    "西山镇": [("XS01", "西山村代办站", "郑代办"), ("XS02", "茶园村代办站", "孙代办")],
}


def test_a_long_center_name_keeps_the_header_on_one_line(towns: Towns) -> None:
    """A town's staff see their own center in the header; a long name (the whole 四川省…镇为民服务中心) is cut
    with an ellipsis and kept whole in its title, so the header stays one line at a window PC's 1366 px."""
    long_town = f"四川省遂宁市蓬溪县青溪镇{uuid.uuid4().hex[:4]}"
    town_id = in_center(towns.server.database_url, lambda s: create_town(s, long_town).id)
    director = staff_in(towns.server, "director", town_id).username
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="zh-CN")  # type: ignore[attr-defined]
        _browser_login(page, towns.server.url, director)
        brand = page.locator("header.top .brand")
        assert brand.get_attribute("title") == f"{long_town}为民服务中心"
        assert brand.evaluate("e => e.scrollWidth > e.clientWidth")  # cut, not wrapped
        assert page.locator("header.top").bounding_box()["height"] <= 50  # one line (two were 66 px)
        usual = browser.new_page(viewport={"width": 1366, "height": 768}, locale="zh-CN")  # type: ignore[attr-defined]
        _browser_login(usual, towns.server.url, towns.b_director.username)
        assert usual.locator("header.top .brand").evaluate("e => e.scrollWidth <= e.clientWidth")  # not cut
        assert usual.inner_text("header.top .brand") == "代办通 · 乙镇为民服务中心"


@pytest.mark.skipif(not os.environ.get("DAIBANTONG_SCREENSHOTS"), reason="DAIBANTONG_SCREENSHOTS not set")
def test_county_review_screenshot(tmp_path: Path) -> None:
    """docs/screenshots/center_county_review.png (the county compares its towns) and center_county_town.png
    (one town drilled down to its stations and clerks), at 1366×768."""
    clock = FixedClock.beijing(2026, 11, 27, 16)
    server = start_server(sqlite_url(tmp_path), env={FIXED_TIME_ENV: clock.now().isoformat()})
    rng = random.Random(17)
    try:
        in_center(server.database_url, lambda s: rename_town(s, 1, "城关镇"))
        for n, (town, villages) in enumerate(SHOT_TOWNS.items()):
            town_id = 1 if n == 0 else in_center(server.database_url, lambda s, t=town: create_town(s, t).id)
            window = staff_in(server, "window", town_id)
            for code, name, clerk in villages:
                enrollment = in_center(
                    server.database_url, lambda s, c=code, m=name, t=town_id: issue_code(s, c, m, town_id=t)
                )
                client = SyncClient(server.url, timeout=(5, 30))
                station_id, _ = client.enroll(enrollment, station_code=code)
                chain = Chain(station_id, actor=clerk)
                for i in range(rng.randrange(4, 8)):
                    payload = registered_payload(case_no=f"{code}-20261123-{i + 1:04d}")
                    case_id = str(payload["case_id"])
                    chain.add("case.registered", payload)
                    accept = {"case_id": case_id, "accepted_on": DAY, "due_on": "2026-11-30"}
                    chain.add("case.accept", accept)
                    chain.add("case.deliver", {"case_id": case_id})
                    client.push_all(chain.events)
                    window.post(f"/cases/{case_id}/decide", {"action": "center_accept"})
                    window.post(f"/cases/{case_id}/decide", {"action": "center_complete", "result": "已办结"})
                    rating = rng.choice([5, 5, 5, 4, 5, 3] if town != "西山镇" else [5, 4, 2, 5, 3])
                    chain.add("case.give_feedback", {"case_id": case_id, "rating": rating})
                    client.push_all(chain.events)
        county = staff_in(server, "county", None, "张科长").username
        OUT.mkdir(parents=True, exist_ok=True)
        with chromium() as browser:
            page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="zh-CN")  # type: ignore[attr-defined]
            _browser_login(page, server.url, county)
            page.goto(server.url + "/center/review?period=2026-11")
            assert page.locator("table.rates").first.locator("tbody tr").count() == 3
            page.screenshot(path=str(OUT / "center_county_review.png"))
            page.click("table.rates >> text=东湖镇")
            page.wait_for_load_state()
            assert page.inner_text("h1").startswith("东湖镇")
            assert "县级政务服务中心" in page.inner_text("header")
            page.screenshot(path=str(OUT / "center_county_town.png"))
    finally:
        server.stop()


def test_a_town_prints_its_own_name(towns: Towns) -> None:
    """Before its 本镇信息 is published, a town of a county deployment prints "<town>为民服务中心", not the
    deployment's setting; the 本镇信息 page starts from that name."""
    pdf = towns.b_director.get("/review.pdf?period=2026-11")
    assert pdf.status_code == 200 and "乙镇为民服务中心" in glyphs.pdftotext(pdf.content)
    assert 'value="乙镇为民服务中心"' in towns.b_director.get("/town").text
    # and its pages name it in the header: 乙镇's staff work at 乙镇为民服务中心, the county at the county
    assert ">代办通 · 乙镇为民服务中心</span>" in towns.b_director.get("/").text
    refused = towns.b_director.get("/cases/no-such-case")  # an error page is framed as every other page
    assert refused.status_code == 404 and ">代办通 · 乙镇为民服务中心</span>" in refused.text
    assert ">代办通 · 县级政务服务中心</span>" in towns.county.get("/").text
