"""Staff accounts: argon2 passwords (old scrypt hashes upgraded at login), the lock after wrong passwords and
the director lifting it, changing one's own password, the director's reset and reactivation; all audited."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from collections.abc import Iterator
from datetime import timedelta

import pytest
import requests
import sqlalchemy as sa
from fastapi.testclient import TestClient

from sync.domain.clock import FixedClock, beijing
from sync.server.core.config import LoginLimits, Settings
from sync.server.core.db import make_engine
from sync.server.main import create_app
from tests.sync.live_server import CENTER_CLOCK, ServerHandle

from .helpers import PASSWORD, Staff, csrf_of, login, make_staff

NEW_PASSWORD = "新的密码-another-2"


def _stored_hash(database_url: str, username: str) -> str:
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            query = sa.text("SELECT password_hash FROM staff WHERE username = :u")
            return str(connection.execute(query, {"u": username}).scalar_one())
    finally:
        engine.dispose()


def _set_hash(database_url: str, username: str, stored: str) -> None:
    engine = make_engine(database_url)
    try:
        with engine.begin() as connection:
            query = sa.text("UPDATE staff SET password_hash = :h WHERE username = :u")
            connection.execute(query, {"h": stored, "u": username})
    finally:
        engine.dispose()


def _scrypt_hash(password: str) -> str:
    """What ``services.staff.hash_password`` wrote before argon2 (n=2**14, r=8, p=1, 32 bytes)."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=2**14, r=8, p=1, dklen=32)
    return "scrypt$" + base64.b64encode(salt).decode() + "$" + base64.b64encode(digest).decode()


def _attempt(server: ServerHandle, username: str, password: str) -> requests.Response:
    http = requests.Session()
    page = http.get(server.url + "/center/login", timeout=30)
    data = {"username": username, "password": password, "csrf_token": csrf_of(page.text)}
    return http.post(server.url + "/center/login", data=data, allow_redirects=False, timeout=30)


def _row_of(page: str, username: str) -> str:
    return next(r for r in page.split("<tr") if username in r)


def _staff_id(director: Staff, username: str) -> str:
    match = re.search(r'id="staff-(\d+)"', _row_of(director.get("/staff").text, username))
    assert match
    return match[1]


def test_an_old_scrypt_hash_logs_in_and_becomes_argon2(live_server: ServerHandle) -> None:
    username = make_staff(live_server.database_url, "window")
    _set_hash(live_server.database_url, username, _scrypt_hash(PASSWORD))
    assert _attempt(live_server, username, "wrong-password").status_code == 401
    assert _stored_hash(live_server.database_url, username).startswith("scrypt$")  # a wrong one changes nothing
    staff = login(live_server, username)
    assert staff.get("/").status_code == 200
    upgraded = _stored_hash(live_server.database_url, username)
    assert upgraded.startswith("$argon2id$")
    login(live_server, username)  # and the argon2 hash logs in
    assert _stored_hash(live_server.database_url, username) == upgraded


def test_new_passwords_are_argon2(live_server: ServerHandle) -> None:
    username = make_staff(live_server.database_url, "supervisor")
    assert _stored_hash(live_server.database_url, username).startswith("$argon2id$")


class Center:
    """The town center in this process, on a clock the test moves (the live server's own runs on real time)."""

    def __init__(self, database_url: str) -> None:
        self.clock = FixedClock(CENTER_CLOCK.now(), tick=False)
        settings = Settings(database_url=database_url, clock=self.clock, login_limits=LoginLimits(max_failures=3))
        self.app = create_app(settings, migrate=False)

    def browser(self) -> TestClient:
        return TestClient(self.app, base_url="http://127.0.0.1", follow_redirects=False)


@pytest.fixture
def center(live_server: ServerHandle) -> Iterator[Center]:
    made = Center(live_server.database_url)
    yield made
    made.app.state.engine.dispose()


def _log_in(client: TestClient, username: str, password: str) -> tuple[int, str]:
    page = client.get("/center/login")
    data = {"username": username, "password": password, "csrf_token": csrf_of(page.text)}
    reply = client.post("/center/login", data=data)
    return reply.status_code, reply.text


def _lock_text(center: Center) -> str:
    until = beijing(center.clock.now() + timedelta(minutes=15))
    return f"密码错误次数过多，账号已锁定至{until:%H:%M}（北京时间）"


def test_wrong_passwords_lock_the_account_until_the_director_unlocks(live_server: ServerHandle, center: Center) -> None:
    """3 wrong passwords (the limit set to 3) lock for 15 minutes; the message says until when."""
    username = make_staff(live_server.database_url, "window")
    boss = make_staff(live_server.database_url, "director")
    user, director = center.browser(), center.browser()
    assert _log_in(director, boss, PASSWORD)[0] == 303
    csrf = csrf_of(director.get("/center/staff").text)
    assert _log_in(user, username, "wrong-password")[0] == 401
    assert _log_in(user, username, "wrong-password")[0] == 401
    status, text = _log_in(user, username, "wrong-password")
    assert status == 429 and _lock_text(center) in text
    center.clock.advance(minutes=1)
    status, text = _log_in(user, username, PASSWORD)  # even the right password, until then
    assert status == 429 and "密码错误次数过多" in text

    row = _row_of(director.get("/center/staff").text, username)
    assert "已锁定至" in row and "解除锁定" in row
    staff_id = re.search(r'id="staff-(\d+)"', row)
    assert staff_id
    assert director.post(f"/center/staff/{staff_id[1]}/unlock", data={"csrf_token": csrf}).status_code == 303
    assert "已锁定至" not in _row_of(director.get("/center/staff").text, username)
    assert _log_in(user, username, PASSWORD)[0] == 303
    audit = director.get("/center/audit").text
    for action in ("账号锁定", "解除锁定", "登录被拒（账号已锁定）"):
        assert action in audit
    assert any("解除锁定" in r and username in r for r in audit.split("<tr"))


def test_the_lock_ends_by_itself_after_the_lock_time(live_server: ServerHandle, center: Center) -> None:
    username = make_staff(live_server.database_url, "supervisor")
    user = center.browser()
    for _ in range(3):
        _log_in(user, username, "wrong-password")
    center.clock.advance(minutes=14, seconds=59)
    assert _log_in(user, username, PASSWORD)[0] == 429
    center.clock.advance(seconds=2)
    assert _log_in(user, username, PASSWORD)[0] == 303


def test_wrong_passwords_far_apart_do_not_add_up(live_server: ServerHandle, center: Center) -> None:
    username = make_staff(live_server.database_url, "window")
    user = center.browser()
    for _ in range(2):
        assert _log_in(user, username, "wrong-password")[0] == 401
        center.clock.advance(minutes=16)
    assert _log_in(user, username, "wrong-password")[0] == 401
    assert _log_in(user, username, PASSWORD)[0] == 303


def test_a_name_that_is_no_account_is_locked_alike(center: Center) -> None:
    """The lock message does not tell which usernames exist."""
    user = center.browser()
    name = f"nobody_{secrets.token_hex(4)}"
    assert _log_in(user, name, "wrong-password")[0] == 401
    assert _log_in(user, name, "wrong-password")[0] == 401
    status, text = _log_in(user, name, "wrong-password")
    assert status == 429 and _lock_text(center) in text
    assert _log_in(user, name, "wrong-password")[0] == 429
    center.clock.advance(minutes=16)
    assert _log_in(user, name, "wrong-password")[0] == 401


def test_change_own_password(live_server: ServerHandle) -> None:
    username = make_staff(live_server.database_url, "window")
    staff, elsewhere = login(live_server, username), login(live_server, username)
    page = staff.get("/password")
    assert page.status_code == 200 and "修改我的密码" in page.text
    wrong_old = staff.post("/password", {"old_password": "wrong", "password": NEW_PASSWORD, "again": NEW_PASSWORD})
    assert wrong_old.status_code == 422 and "原密码不正确" in wrong_old.text
    mismatch = staff.post("/password", {"old_password": PASSWORD, "password": NEW_PASSWORD, "again": "other-123"})
    assert mismatch.status_code == 422 and "两次输入的新密码不一致" in mismatch.text
    short = staff.post("/password", {"old_password": PASSWORD, "password": "short", "again": "short"})
    assert short.status_code == 422 and "密码至少8位" in short.text
    done = staff.post("/password", {"old_password": PASSWORD, "password": NEW_PASSWORD, "again": NEW_PASSWORD})
    assert done.status_code == 303 and done.headers["location"] == "/center/password?done=1"
    assert "密码已修改" in staff.get("/password?done=1").text
    assert staff.get("/").status_code == 200  # this browser stays logged in
    assert elsewhere.get("/").status_code == 303  # the others are logged out
    assert _attempt(live_server, username, PASSWORD).status_code == 401
    login(live_server, username, NEW_PASSWORD)
    assert _stored_hash(live_server.database_url, username).startswith("$argon2id$")


def test_director_resets_a_password_which_must_be_changed_at_next_login(
    live_server: ServerHandle, director: Staff
) -> None:
    username = make_staff(live_server.database_url, "window", "钱窗口")
    before = login(live_server, username)
    reset = director.post(f"/staff/{_staff_id(director, username)}/reset")
    assert reset.status_code == 200 and reset.headers["cache-control"] == "no-store"
    match = re.search(r'id="one-time-password">([A-Z0-9]{10})<', reset.text)
    assert match and "钱窗口" in reset.text
    one_time = match[1]
    assert before.get("/").status_code == 303  # logged out at once
    assert _attempt(live_server, username, PASSWORD).status_code == 401

    http = requests.Session()
    page = http.get(live_server.url + "/center/login", timeout=30)
    data = {"username": username, "password": one_time, "csrf_token": csrf_of(page.text), "next": "/center/review"}
    first = http.post(live_server.url + "/center/login", data=data, allow_redirects=False, timeout=30)
    assert first.status_code == 303 and first.headers["location"] == "/center/password"
    staff = Staff(live_server, username, http)
    blocked = staff.get("/review")
    assert blocked.status_code == 303 and blocked.headers["location"] == "/center/password"
    page_text = staff.get("/password").text
    assert "主任告诉您的密码" in page_text
    staff.csrf = csrf_of(page_text)
    changed = staff.post("/password", {"old_password": one_time, "password": NEW_PASSWORD, "again": NEW_PASSWORD})
    assert changed.status_code == 303 and changed.headers["location"] == "/center/"
    assert staff.get("/review").status_code == 200
    audit = director.get("/audit").text
    assert "重置密码" in audit and one_time not in audit and "修改密码" in audit
    assert "等待本人修改临时密码" not in _row_of(director.get("/staff").text, username)


def test_director_cannot_reset_or_reactivate_own_account(director: Staff) -> None:
    own = _staff_id(director, director.username)
    assert "不能重置自己的账号" in director.post(f"/staff/{own}/reset").text
    assert "不能启用自己的账号" in director.post(f"/staff/{own}/activate").text


def test_director_reactivates_a_deactivated_account(live_server: ServerHandle, director: Staff) -> None:
    username = make_staff(live_server.database_url, "supervisor")
    staff_id = _staff_id(director, username)
    assert director.post(f"/staff/{staff_id}/deactivate").status_code == 303
    row = _row_of(director.get("/staff").text, username)
    assert "已停用" in row and "重新启用" in row
    refused = _attempt(live_server, username, PASSWORD)
    assert refused.status_code == 403 and "账号已停用" in refused.text
    assert _attempt(live_server, username, "wrong-password").status_code == 401  # a wrong one tells nothing
    again = director.post(f"/staff/{staff_id}/activate")
    assert again.status_code == 303 and again.headers["location"] == "/center/staff?done=activated"
    assert "已重新启用账号" in director.get("/staff?done=activated").text
    login(live_server, username)
    assert "启用账号" in director.get("/audit").text
    assert "没有停用" in director.post(f"/staff/{staff_id}/activate").text


def test_an_account_made_on_the_staff_page_changes_its_password_first(
    live_server: ServerHandle, director: Staff
) -> None:
    username = f"new_{secrets.token_hex(3)}"
    form = {"username": username, "name": "吴窗口", "role": "window", "password": PASSWORD}
    assert director.post("/staff", form).status_code == 303
    first = _attempt(live_server, username, PASSWORD)
    assert first.status_code == 303 and first.headers["location"] == "/center/password"
