"""Every route's body is bounded before it is parsed: declared, chunked and compressed, over real HTTP.

Raw sockets, so that a request can declare 200 MB and the test sees what the server answers without
sending it all. The server's own memory is read from ``/proc/<pid>/status`` (VmRSS, VmHWM).
"""

from __future__ import annotations

import gzip
import json
import logging
import socket
import threading
import zlib
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from bench.bench_hostile import ROUTES
from sync.server.api.body_limit import LIMITS, limit_for

from .conftest import Station
from .live_server import ServerHandle

log = logging.getLogger(__name__)
MB = 1024 * 1024


def _answer(sock: socket.socket) -> tuple[int, dict[str, Any]]:
    sock.settimeout(30)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = next(
        (int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")), 0
    )
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return status, json.loads(body) if body.startswith(b"{") else {}


def _send_all(sock: socket.socket, data: bytes) -> bool:
    """False once the server stopped listening (it answered and closed: what a refusal does)."""
    try:
        sock.sendall(data)
    except (BrokenPipeError, ConnectionResetError):
        return False
    return True


def _request(
    server: ServerHandle, path: str, size: int, *, chunked: bool = False, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, Any]]:
    """POST (PUT for blobs) ``size`` bytes of body, declared or chunked, and the server's answer."""
    method = "PUT" if "/blobs/" in path else "POST"
    kind = "application/x-www-form-urlencoded" if path.startswith("/center/") else "application/json"
    lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{server.port}", f"Content-Type: {kind}"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    lines.append("Transfer-Encoding: chunked" if chunked else f"Content-Length: {size}")
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        piece = b"x" * 65536
        sent = 0
        while sent < size:
            part = piece[: size - sent]
            frame = b"%x\r\n%s\r\n" % (len(part), part) if chunked else part
            if not _send_all(sock, frame):
                break
            sent += len(part)
        else:
            if chunked:
                _send_all(sock, b"0\r\n\r\n")
        return _answer(sock)


def _refused(status: int, body: dict[str, Any]) -> None:
    assert status == 413, (status, body)
    assert body["code"] == "too_large"
    assert "过大" in body["message"]


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_an_oversize_declared_body_is_refused_unread(live_server: ServerHandle, route: str) -> None:
    path = ROUTES[route]
    status, body = _request(live_server, path, 200 * MB)
    _refused(status, body)


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_an_oversize_chunked_body_is_refused_as_it_streams(live_server: ServerHandle, route: str) -> None:
    path = ROUTES[route]
    status, body = _request(live_server, path, limit_for(path) + 2 * 65536, chunked=True)
    _refused(status, body)


def test_bodies_within_the_limit_pass_on_to_the_route(live_server: ServerHandle) -> None:
    """Just under the limit, a route answers for itself (a refusal of its own, not a 413)."""
    for path in (ROUTES["enroll"], ROUTES["staff-login"]):
        status, _ = _request(live_server, path, limit_for(path) - 10, chunked=True)
        assert status not in (413, 500), path


def test_the_limits_fit_the_real_publish_document() -> None:
    demo = (Path(__file__).resolve().parents[2] / "resources" / "catalog" / "demo.json").read_text("utf-8")
    assert len(urlencode({"document": demo, "csrf_token": "x" * 43})) * 4 < limit_for("/center/publish/catalog")
    assert dict(LIMITS)["/api/v1/enroll"] == 16 * 1024


def _gzip_bomb(inflated: int, raw_limit: int) -> bytes:
    """A gzip stream of ``inflated`` zeros, no longer than ``raw_limit`` bytes."""
    squeeze = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = bytes(MB)
    data = b"".join(squeeze.compress(zeros) for _ in range(inflated // MB)) + squeeze.flush()
    assert len(data) <= raw_limit
    return data


@pytest.mark.parametrize(("route", "inflated"), [("enroll", 15 * MB), ("push", 1024 * MB)])
def test_a_gzip_bomb_is_refused_after_inflating_no_further_than_the_limit(
    station: Station, route: str, inflated: int
) -> None:
    path = ROUTES[route]
    bomb = _gzip_bomb(inflated, limit_for(path))
    headers = {"Content-Encoding": "gzip", "Authorization": f"Bearer {station.client.token}"}
    with socket.create_connection(("127.0.0.1", station.server.port), timeout=30) as sock:
        head = [f"POST {path} HTTP/1.1", "Host: x", "Content-Type: application/json", f"Content-Length: {len(bomb)}"]
        head += [f"{k}: {v}" for k, v in headers.items()]
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode() + bomb)
        status, body = _answer(sock)
    _refused(status, body)


def test_a_gzip_body_on_a_staff_form_is_not_inflated(live_server: ServerHandle) -> None:
    bomb = gzip.compress(bytes(10 * MB))
    status, _ = _request(live_server, ROUTES["staff-login"], 0, headers={"Content-Encoding": "gzip"})
    assert status < 500
    with socket.create_connection(("127.0.0.1", live_server.port), timeout=30) as sock:
        head = ["POST /center/login HTTP/1.1", "Host: x", "Content-Encoding: gzip", f"Content-Length: {len(bomb)}"]
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode() + bomb)
        status, _ = _answer(sock)
    assert status < 500


def _memory_kib(pid: int) -> dict[str, int]:
    lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    return {k: int(v.split()[0]) for k, v in (line.split(":", 1) for line in lines) if k in ("VmRSS", "VmHWM")}


#: What four concurrent 200 MB requests to each route group may add to the server's memory.
RSS_BOUND_KIB = 50 * 1024


def test_four_concurrent_200mb_requests_leave_the_server_small(live_server: ServerHandle) -> None:
    pid = live_server.process.pid
    before = _memory_kib(pid)
    answers: list[int] = []

    def hammer(path: str, chunked: bool) -> None:
        answers.append(_request(live_server, path, 200 * MB, chunked=chunked)[0])

    for chunked in (False, True):
        for path in (ROUTES["enroll"], ROUTES["push"], ROUTES["staff-login"], ROUTES["publish"]):
            threads = [threading.Thread(target=hammer, args=(path, chunked)) for _ in range(4)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(120)
    after = _memory_kib(pid)
    assert answers == [413] * 32
    assert after["VmRSS"] - before["VmRSS"] < RSS_BOUND_KIB, (before, after)
    assert after["VmHWM"] - before["VmHWM"] < RSS_BOUND_KIB, (before, after)
    log.info("server memory around 32 refused 200 MB requests: %s -> %s KiB", before, after)
