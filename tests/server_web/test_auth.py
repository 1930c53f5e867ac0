"""Login, logout, CSRF, station tokens vs staff cookies, and the role rules of every staff endpoint."""

from __future__ import annotations

import re
import uuid

import pytest
import requests

from tests.sync.conftest import Station
from tests.sync.live_server import ServerHandle

from .helpers import PASSWORD, Staff, csrf_of, login, login_first_time, make_staff, staff_as

NO_CASE = str(uuid.uuid4())
ALL = ("director", "window", "supervisor")

# (method, path, form, {role: status}); "{case}" is a real case of a station.
MATRIX: list[tuple[str, str, dict[str, str], dict[str, int]]] = [
    ("GET", "/", {}, dict.fromkeys(ALL, 200)),
    ("GET", "/inbox/counts", {}, dict.fromkeys(ALL, 200)),
    ("POST", "/search", {"q": ""}, dict.fromkeys(ALL, 303)),
    ("GET", "/deadlines", {}, dict.fromkeys(ALL, 200)),
    ("GET", "/cases/{case}", {}, dict.fromkeys(ALL, 200)),
    ("POST", "/cases/{case}/reveal", {}, {"director": 200, "window": 200, "supervisor": 403}),
    ("POST", "/cases/{case}/evidence", {}, {"director": 404, "window": 404, "supervisor": 403}),
    (
        "POST",
        f"/cases/{NO_CASE}/decide",
        {"action": "center_accept"},
        {"director": 404, "window": 404, "supervisor": 403},
    ),
    (
        "POST",
        f"/cases/{NO_CASE}/receive",
        {"handover_id": "x"},
        {"director": 404, "window": 404, "supervisor": 403},
    ),
    ("GET", "/visits", {}, {"director": 200, "window": 200, "supervisor": 403}),
    ("GET", "/visits/receipt.pdf?day=2026-11-23", {}, {"director": 404, "window": 404, "supervisor": 403}),
    ("GET", "/visits/return.pdf?day=2026-11-23", {}, {"director": 404, "window": 404, "supervisor": 403}),
    ("GET", "/review", {}, dict.fromkeys(ALL, 200)),
    ("GET", "/review.xlsx", {}, dict.fromkeys(ALL, 200)),
    ("GET", "/review.pdf", {}, dict.fromkeys(ALL, 200)),
    ("GET", "/review/trend", {}, dict.fromkeys(ALL, 200)),
    ("GET", "/followups", {}, dict.fromkeys(ALL, 200)),
    ("GET", f"/followups/{NO_CASE}.pdf", {}, {"director": 404, "window": 404, "supervisor": 403}),
    ("POST", f"/followups/{NO_CASE}/close", {"outcome": "已回访"}, {"director": 404, "window": 404, "supervisor": 403}),
    ("GET", "/stations", {}, dict.fromkeys(ALL, 200)),
    ("POST", "/stations/code", {"station_code": "", "name": ""}, {"director": 422, "window": 403, "supervisor": 403}),
    ("POST", f"/stations/{NO_CASE}/revoke", {"reason": "测试"}, {"director": 404, "window": 403, "supervisor": 403}),
    (
        "POST",
        f"/stations/{NO_CASE}/signing-key",
        {"fingerprint": "1234", "shown": "1234"},
        {"director": 422, "window": 403, "supervisor": 403},
    ),
    ("GET", "/publish/catalog", {}, {"director": 200, "window": 403, "supervisor": 403}),
    ("GET", "/publish/calendar", {}, {"director": 200, "window": 403, "supervisor": 403}),
    ("POST", "/publish/catalog", {"document": "{}"}, {"director": 422, "window": 403, "supervisor": 403}),
    ("POST", "/publish/calendar", {"document": "不是JSON"}, {"director": 422, "window": 403, "supervisor": 403}),
    ("GET", "/calendar", {}, {"director": 200, "window": 403, "supervisor": 403}),
    ("POST", "/calendar/day", {"year": "2027", "day": "x"}, {"director": 422, "window": 403, "supervisor": 403}),
    ("POST", "/calendar/import", {"year": "2027"}, {"director": 422, "window": 403, "supervisor": 403}),
    ("POST", "/calendar/preview", {"document": "{}"}, {"director": 422, "window": 403, "supervisor": 403}),
    ("GET", "/catalog/export.xlsx", {}, {"director": 200, "window": 403, "supervisor": 403}),
    ("GET", "/catalog/template.xlsx", {}, {"director": 200, "window": 403, "supervisor": 403}),
    ("POST", "/catalog/import", {"version": "x"}, {"director": 422, "window": 403, "supervisor": 403}),
    ("GET", "/catalog/item", {}, {"director": 200, "window": 403, "supervisor": 403}),
    ("POST", "/catalog/item", {"code": ""}, {"director": 422, "window": 403, "supervisor": 403}),
    # 本镇事项 are a town's own once there are several towns (test_town_catalog); with one, everything is 事项清单
    ("GET", "/town-catalog", {}, dict.fromkeys(ALL, 403)),
    ("POST", "/town-catalog", {"document": "{}"}, dict.fromkeys(ALL, 403)),
    ("GET", "/town-catalog/export.xlsx", {}, dict.fromkeys(ALL, 403)),
    ("GET", "/town-catalog/template.xlsx", {}, dict.fromkeys(ALL, 403)),
    ("POST", "/town-catalog/import", {"version": "x"}, dict.fromkeys(ALL, 403)),
    ("GET", "/town-catalog/item", {}, dict.fromkeys(ALL, 403)),
    ("POST", "/town-catalog/item", {"code": ""}, dict.fromkeys(ALL, 403)),
    ("GET", "/town-catalog/item/remove", {}, dict.fromkeys(ALL, 403)),
    ("GET", "/retention", {}, {"director": 200, "window": 403, "supervisor": 403}),
    ("POST", "/retention", {"closed_case_days": "0"}, {"director": 422, "window": 403, "supervisor": 403}),
    ("GET", "/town", {}, {"director": 200, "window": 403, "supervisor": 403}),
    ("POST", "/town", {"center_name": ""}, {"director": 422, "window": 403, "supervisor": 403}),
    ("GET", "/audit", {}, {"director": 200, "window": 403, "supervisor": 403}),
    ("GET", "/station-audit", {}, {"director": 200, "window": 403, "supervisor": 200}),
    ("GET", "/staff", {}, {"director": 200, "window": 403, "supervisor": 403}),
    (
        "POST",
        "/staff",
        {"username": "", "name": "", "role": "window"},
        {"director": 422, "window": 403, "supervisor": 403},
    ),
    ("POST", "/staff/999999/deactivate", {}, {"director": 422, "window": 403, "supervisor": 403}),
    ("POST", "/staff/999999/activate", {}, {"director": 422, "window": 403, "supervisor": 403}),
    ("POST", "/staff/999999/unlock", {}, {"director": 422, "window": 403, "supervisor": 403}),
    ("POST", "/staff/999999/reset", {}, {"director": 422, "window": 403, "supervisor": 403}),
    ("GET", "/towns", {}, dict.fromkeys(ALL, 403)),
    ("POST", "/towns", {"name": "新镇"}, dict.fromkeys(ALL, 403)),
    ("POST", "/towns/999999/rename", {"name": "新镇"}, dict.fromkeys(ALL, 403)),
    ("POST", "/towns/999999/director", {"username": "x"}, dict.fromkeys(ALL, 403)),
    ("GET", "/password", {}, dict.fromkeys(ALL, 200)),
    ("POST", "/password", {"old_password": "wrong"}, dict.fromkeys(ALL, 422)),
]
#: Routes tested on their own (not in the matrix).
OWN_TESTS = {("GET", "/login"), ("POST", "/login"), ("POST", "/logout"), ("POST", "/cases/{case_id}/decide")}


def _case(station: Station) -> str:
    case_id = station.chain.new_case()
    station.client.push_all(station.chain.events)
    return case_id


def _request(staff: Staff, method: str, path: str, form: dict[str, str]) -> requests.Response:
    return staff.get(path) if method == "GET" else staff.post(path, form)


def test_every_staff_route_is_in_the_role_matrix(live_server: ServerHandle) -> None:
    spec = requests.get(live_server.url + "/openapi.json", timeout=10).json()
    routes = {
        (method.upper(), path.removeprefix("/center"))
        for path, ops in spec["paths"].items()
        if path.startswith("/center")
        for method in ops
    }
    matrix = {(m, p.replace("{case}", "{case_id}").replace(NO_CASE, "{case_id}")) for m, p, _f, _e in MATRIX}
    matrix = {(m, p.replace("/stations/{case_id}/", "/stations/{station_id}/")) for m, p in matrix}
    matrix |= {(m, p.replace("/publish/catalog", "/publish/{kind}")) for m, p in matrix}
    matrix |= {(m, p.replace("/towns/999999/", "/towns/{town_id}/")) for m, p in matrix}
    matrix |= {(m, p.replace("/999999/", "/{staff_id}/")) for m, p in matrix}
    matrix |= {(m, p.split("?")[0].replace("/visits/receipt.pdf", "/visits/{kind}.pdf")) for m, p in matrix}
    assert routes <= matrix | OWN_TESTS, routes - matrix - OWN_TESTS


@pytest.mark.parametrize("role", ALL)
def test_role_matrix(live_server: ServerHandle, station: Station, role: str) -> None:
    staff = staff_as(live_server, role)
    case_id = _case(station)
    for method, path, form, expected in MATRIX:
        reply = _request(staff, method, path.replace("{case}", case_id), form)
        assert reply.status_code == expected[role], (role, method, path, reply.status_code, reply.text[-300:])
        if reply.status_code == 403:
            assert "主任" in reply.text or "督查" in reply.text  # the Chinese reason is shown


def test_anonymous_is_sent_to_login(live_server: ServerHandle, station: Station) -> None:
    case_id = _case(station)
    anon = requests.Session()
    for method, path, form, _expected in MATRIX:
        url = live_server.url + "/center" + path.replace("{case}", case_id)
        reply = anon.request(method, url, data=form, allow_redirects=False, timeout=10)
        assert reply.status_code == 303, (method, path)
        assert reply.headers["location"].startswith("/center/login")


def test_login_logout_and_bad_password(live_server: ServerHandle) -> None:
    username = make_staff(live_server.database_url, "window", "赵窗口")
    http = requests.Session()
    page = http.get(live_server.url + "/center/login", timeout=10)
    assert "工作人员登录" in page.text
    bad = http.post(
        live_server.url + "/center/login",
        data={"username": username, "password": "wrong-password", "csrf_token": csrf_of(page.text)},
        allow_redirects=False,
        timeout=10,
    )
    assert bad.status_code == 401 and "用户名或密码不正确" in bad.text
    staff = login(live_server, username)
    cookie = staff.http.cookies.get("dbt_staff")
    assert cookie and "赵窗口" in staff.get("/").text
    set_cookie = requests.get(live_server.url + "/center/login", timeout=10)
    assert set_cookie.status_code == 200
    out = staff.post("/logout")
    assert out.status_code == 303 and out.headers["location"] == "/center/login"
    replay = requests.get(
        live_server.url + "/center/", cookies={"dbt_staff": cookie}, allow_redirects=False, timeout=10
    )
    assert replay.status_code == 303  # the old cookie is dead on the server


def test_session_cookie_is_httponly_and_samesite(live_server: ServerHandle) -> None:
    username = make_staff(live_server.database_url, "supervisor")
    http = requests.Session()
    page = http.get(live_server.url + "/center/login", timeout=10)
    reply = http.post(
        live_server.url + "/center/login",
        data={"username": username, "password": PASSWORD, "csrf_token": csrf_of(page.text)},
        allow_redirects=False,
        timeout=10,
    )
    header = reply.headers["set-cookie"]
    assert "dbt_staff=" in header and "HttpOnly" in header and "SameSite=lax" in header


def test_login_without_csrf_is_refused(live_server: ServerHandle) -> None:
    username = make_staff(live_server.database_url, "director")
    reply = requests.post(
        live_server.url + "/center/login",
        data={"username": username, "password": PASSWORD, "csrf_token": "forged"},
        allow_redirects=False,
        timeout=10,
    )
    assert reply.status_code == 403 and "dbt_staff" not in reply.headers.get("set-cookie", "")


def test_post_without_or_with_wrong_csrf_is_refused(live_server: ServerHandle, station: Station) -> None:
    window = staff_as(live_server, "window")
    case_id = _case(station)
    for token in ("", "forged-token"):
        reply = window.post(f"/cases/{case_id}/decide", {"action": "center_accept", "csrf_token": token})
        assert reply.status_code == 403 and "CSRF" in reply.text
    assert station.client.pull().events == []  # nothing was decided


def test_station_token_opens_no_staff_page(live_server: ServerHandle, station: Station) -> None:
    token = station.client.token
    assert token
    for path in ("/", "/review", "/review.pdf", "/audit", "/station-audit", "/stations"):
        reply = requests.get(
            live_server.url + "/center" + path,
            headers={"Authorization": f"Bearer {token}"},
            allow_redirects=False,
            timeout=10,
        )
        assert reply.status_code == 303 and reply.headers["location"].startswith("/center/login")


def test_staff_cookie_cannot_use_the_sync_api(live_server: ServerHandle, director: Staff) -> None:
    for method, path in (("POST", "/api/v1/sync/push"), ("GET", "/api/v1/sync/pull")):
        reply = director.http.request(method, live_server.url + path, json={}, timeout=10)
        assert reply.status_code == 401


def test_actions_are_audited_with_ip(live_server: ServerHandle, station: Station) -> None:
    director = staff_as(live_server, "director")
    case_id = _case(station)
    assert director.post(f"/cases/{case_id}/reveal").status_code == 200
    audit = director.get("/audit").text
    assert director.username in audit and "查看完整身份证号" in audit and "127.0.0.1" in audit


def test_nul_characters_are_refused_not_a_crash(live_server: ServerHandle, window: Staff) -> None:
    reply = window.get("/?clerk=%00a&matter=b")
    assert reply.status_code in (200, 422)
    anon = requests.Session()
    page = anon.get(live_server.url + "/center/login", timeout=10)
    bad = anon.post(
        live_server.url + "/center/login",
        data={"username": "a\x00b", "password": "x", "csrf_token": csrf_of(page.text)},
        allow_redirects=False,
        timeout=10,
    )
    assert bad.status_code in (401, 422)


def test_director_creates_and_deactivates_an_account(live_server: ServerHandle, director: Staff) -> None:
    username = f"new_{uuid.uuid4().hex[:6]}"
    form = {"username": username, "name": "孙窗口", "role": "window", "password": "short"}
    refused = director.post("/staff", form)
    assert refused.status_code == 422 and "密码至少8位" in refused.text
    assert director.post("/staff", form | {"password": PASSWORD}).status_code == 303
    new = login_first_time(live_server, username)
    assert "孙窗口（窗口）" in new.get("/").text

    page = director.get("/staff").text
    row = next(r for r in page.split("<tr") if username in r)
    staff_id = re.search(r"/center/staff/(\d+)/deactivate", row)
    assert staff_id
    assert director.post(f"/staff/{staff_id[1]}/deactivate").status_code == 303
    assert new.get("/").status_code == 303  # its session ended at once
    assert "停用账号" in director.get("/audit").text


def test_repeated_failures_lock_the_username(live_server: ServerHandle) -> None:
    username = make_staff(live_server.database_url, "window")
    http = requests.Session()

    def attempt(password: str) -> requests.Response:
        page = http.get(live_server.url + "/center/login", timeout=10)
        data = {"username": username, "password": password, "csrf_token": csrf_of(page.text)}
        return http.post(live_server.url + "/center/login", data=data, allow_redirects=False, timeout=10)

    for _ in range(4):
        assert attempt("wrong-password").status_code == 401
    fifth = attempt("wrong-password")
    assert fifth.status_code == 429 and "密码错误次数过多，账号已锁定至" in fifth.text
    locked = attempt(PASSWORD)
    assert locked.status_code == 429 and "请中心主任解除锁定" in locked.text


def test_server_root_leads_to_login_or_inbox(live_server: ServerHandle, window: Staff) -> None:
    anon = requests.get(live_server.url + "/", timeout=10)
    assert anon.status_code == 200 and "工作人员登录" in anon.text
    assert anon.url.endswith("/center/login?next=/center/")
    inbox = window.http.get(live_server.url + "/", timeout=10)
    assert inbox.status_code == 200 and inbox.url == live_server.url + "/center/" and "退出" in inbox.text
