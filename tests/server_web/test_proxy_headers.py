"""Behind a trusted reverse proxy: the audit log records the client's address, staff cookies are ``Secure``
under https; the headers of anyone else (or with ``DAIBANTONG_TRUSTED_PROXIES=none``) are ignored."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import requests
import sqlalchemy as sa

from sync.server.web.deps import COOKIE
from tests.sync.live_server import ServerHandle, serving

from .helpers import PASSWORD, make_staff

CLIENT = "203.0.113.7"  # TEST-NET-3: the villager's town office PC, as nginx reports it
PROXIED = {"X-Forwarded-For": CLIENT, "X-Forwarded-Proto": "https"}


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _login(server: ServerHandle, username: str) -> tuple[list[str], list[str]]:
    """Log in through a pretend proxy; the Set-Cookie lines of the login page and of the login answer.
    Cookies are passed by hand: a client does not send ``Secure`` cookies back over plain http."""
    page = requests.get(server.url + "/center/login", headers=PROXIED, timeout=30)
    page_cookies = page.raw.headers.getlist("Set-Cookie")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert csrf
    reply = requests.post(
        server.url + "/center/login",
        data={"username": username, "password": PASSWORD, "csrf_token": csrf[1], "next": "/center/"},
        headers=PROXIED | {"Cookie": "; ".join(c.split(";", 1)[0] for c in page_cookies)},
        allow_redirects=False,
        timeout=30,
    )
    assert reply.status_code == 303, reply.text
    return page_cookies, reply.raw.headers.getlist("Set-Cookie")


def _login_addresses(server: ServerHandle, username: str) -> list[str]:
    engine = sa.create_engine(server.database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text("SELECT ip FROM staff_audit WHERE username = :u AND action = '登录'"), {"u": username}
            )
            return [str(ip) for ip in rows.scalars()]
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def behind_proxy(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerHandle]:
    with serving(backend, tmp_path_factory, env={"DAIBANTONG_TRUSTED_PROXIES": "127.0.0.1"}) as server:
        yield server


def test_a_trusted_proxy_gives_the_client_address_and_secure_cookies(behind_proxy: ServerHandle) -> None:
    username = make_staff(behind_proxy.database_url, "director")
    page_cookies, login_cookies = _login(behind_proxy, username)
    assert page_cookies and all("secure" in c.lower() for c in page_cookies)
    session_cookie = [c for c in login_cookies if c.startswith(COOKIE + "=")]
    assert len(session_cookie) == 1 and "secure" in session_cookie[0].lower()
    assert _login_addresses(behind_proxy, username) == [CLIENT]


def test_the_proxy_headers_of_an_untrusted_peer_are_ignored(
    backend: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    for trusted in ("none", "192.0.2.1"):  # headers off; a proxy elsewhere (the test client is not it)
        with serving(backend, tmp_path_factory, env={"DAIBANTONG_TRUSTED_PROXIES": trusted}) as server:
            username = make_staff(server.database_url, "director")
            page_cookies, login_cookies = _login(server, username)
            assert not any("secure" in c.lower() for c in page_cookies + login_cookies)
            assert _login_addresses(server, username) == ["127.0.0.1"]
