"""Transport failures become SyncErrors with Chinese messages (no server of ours needed)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from sync.client.batching import event_bytes, split_batches
from sync.client.client import SyncClient
from sync.client.errors import BadResponse, ConnectionFailed, ServerError, TimedOut

from .factories import Chain
from .live_server import free_port


class _Canned(BaseHTTPRequestHandler):
    status = 500
    body = b"oops"

    def do_GET(self) -> None:
        self.send_response(self.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def canned() -> Iterator[tuple[str, type[_Canned]]]:
    handler = type("Handler", (_Canned,), {})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", handler
    server.shutdown()
    server.server_close()


def test_refused_connection() -> None:
    with pytest.raises(ConnectionFailed) as caught:
        SyncClient(f"http://127.0.0.1:{free_port()}").health()
    assert caught.value.message == "无法连接镇中心服务器，请检查网络"
    assert caught.value.retryable


def test_timeout() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        with pytest.raises(TimedOut) as caught:
            SyncClient(f"http://127.0.0.1:{port}", timeout=(0.5, 0.5)).health()
    assert "超时" in caught.value.message


def test_server_error(canned: tuple[str, type[_Canned]]) -> None:
    url, handler = canned
    handler.status, handler.body = 502, b"<html>bad gateway</html>"
    with pytest.raises(ServerError) as caught:
        SyncClient(url).health()
    assert caught.value.status == 502
    assert "502" in caught.value.message and caught.value.retryable


def test_bad_json_on_success(canned: tuple[str, type[_Canned]]) -> None:
    url, handler = canned
    handler.status, handler.body = 200, b"{not json"
    with pytest.raises(BadResponse) as caught:
        SyncClient(url).health()
    assert "无法识别" in caught.value.message


def test_wrong_shape_on_success(canned: tuple[str, type[_Canned]]) -> None:
    url, handler = canned
    handler.status, handler.body = 200, b'{"hello": 1}'
    with pytest.raises(BadResponse):
        SyncClient(url).health()


def test_unknown_4xx_without_error_body(canned: tuple[str, type[_Canned]]) -> None:
    url, handler = canned
    handler.status, handler.body = 404, b"not found"
    with pytest.raises(BadResponse) as caught:
        SyncClient(url).health()
    assert caught.value.status == 404


def test_bad_url() -> None:
    with pytest.raises(ConnectionFailed):
        SyncClient("htp:/nowhere").health()


def test_split_batches_bounds_count_and_bytes() -> None:
    chain = Chain("s")
    for n in range(10):
        chain.new_case(n)
    events = chain.events
    by_count = list(split_batches(events, 7, 10**9))
    assert [len(b) for b in by_count] == [7, 7, 7, 7, 2]
    limit = sum(event_bytes(e) for e in events[:4])
    by_bytes = list(split_batches(events, 1000, limit))
    assert all(sum(event_bytes(e) for e in b) <= limit for b in by_bytes)
    assert [e for b in by_bytes for e in b] == events
    assert list(split_batches(events[:1], 5, 1)) == [events[:1]]  # an oversize event still goes alone
