"""Staff accounts in a live server's database and a logged-in browser-like HTTP client."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

import requests

from sync.server.core.db import make_engine
from sync.server.core.migrate import upgrade_head
from sync.server.services.staff import create_staff
from tests.sync.live_server import ServerHandle, center_sessions

PASSWORD = "测试密码-secret-1"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def make_staff(database_url: str, role: str, name: str = "") -> str:
    """A new staff account with ``role``; returns its username."""
    username = f"{role}_{uuid.uuid4().hex[:8]}"
    engine = make_engine(database_url)
    try:
        upgrade_head(engine)
        with center_sessions(engine)() as session, session.begin():
            create_staff(session, username, name or f"测试{role}", role, PASSWORD)
    finally:
        engine.dispose()
    return username


def csrf_of(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "page has no CSRF token"
    return match[1]


@dataclass
class Staff:
    """A requests session logged in as one staff member."""

    server: ServerHandle
    username: str
    http: requests.Session
    csrf: str = ""

    @property
    def base(self) -> str:
        return self.server.url + "/center"

    def get(self, path: str, **kw: Any) -> requests.Response:
        return self.http.get(self.base + path, allow_redirects=False, timeout=30, **kw)

    def post(self, path: str, data: dict[str, str] | None = None, *, csrf: bool = True) -> requests.Response:
        body = dict(data or {})
        if csrf:
            body.setdefault("csrf_token", self.csrf)
        return self.http.post(self.base + path, data=body, allow_redirects=False, timeout=30)


def login(server: ServerHandle, username: str, password: str = PASSWORD) -> Staff:
    http = requests.Session()
    page = http.get(server.url + "/center/login", timeout=30)
    reply = http.post(
        server.url + "/center/login",
        data={"username": username, "password": password, "csrf_token": csrf_of(page.text), "next": "/center/"},
        allow_redirects=False,
        timeout=30,
    )
    assert reply.status_code == 303, reply.text
    staff = Staff(server, username, http)
    staff.csrf = csrf_of(staff.get("/").text)
    return staff


def login_first_time(server: ServerHandle, username: str, password: str = PASSWORD) -> Staff:
    """Log in an account the director made on the staff page: it sets ``PASSWORD`` + "-own" first."""
    http = requests.Session()
    page = http.get(server.url + "/center/login", timeout=30)
    data = {"username": username, "password": password, "csrf_token": csrf_of(page.text)}
    reply = http.post(server.url + "/center/login", data=data, allow_redirects=False, timeout=30)
    assert reply.status_code == 303 and reply.headers["location"] == "/center/password", reply.text
    staff = Staff(server, username, http)
    staff.csrf = csrf_of(staff.get("/password").text)
    own = password + "-own"
    changed = staff.post("/password", {"old_password": password, "password": own, "again": own})
    assert changed.status_code == 303, changed.text
    staff.csrf = csrf_of(staff.get("/").text)
    return staff


def staff_as(server: ServerHandle, role: str) -> Staff:
    return login(server, make_staff(server.database_url, role))
