"""A stand-in for ZKTeco's ZKIDROnline reader service (see ``desktop.services.casework.id_reader``), over real HTTP.

``python -m tests.id_reader_simulator [PORT]`` serves a card for demos (default port 24010, the
vendor's); tests use ``running(scenario)``. Scenarios: ``card`` (the card in ``CARD``, or one given),
``no_reader`` and ``no_card`` (the service's error answers, ``ret`` not 0, the reason in ``data``),
``garbled`` (bytes that are not JSON), ``silent`` (never answers until the simulator stops: a
service waiting for a card). The error texts are this simulator's, in the style of the
service; the real service's exact wording was not available to check.
"""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

PATH = "/ZKIDROnline/ScanReadIdCardInfo"

CARD: dict[str, str] = {
    "Name": "王𠮷",
    "Sex": "男",
    "Nation": "汉",
    "Birthday": "1990-01-01",
    "Address": "山西省太原市小店区北格镇张花村3组12号",
    "IDNumber": "14010519900101018x",
    "IDIssued": "太原市公安局小店分局",
    "IssuedData": "20150101",
    "ValidDate": "20350101",
    "Base64Photo": "iVBORw0KGgo=",
}


@dataclass
class Simulator:
    scenario: str = "card"
    card: dict[str, str] = field(default_factory=lambda: dict(CARD))
    #: The query strings received, for the tests to check what the client asked.
    requests: list[dict[str, list[str]]] = field(default_factory=list)
    stopped: threading.Event = field(default_factory=threading.Event)

    def answer(self) -> bytes:
        body: dict[str, Any]
        if self.scenario == "silent":
            self.stopped.wait()
        if self.scenario == "garbled":
            return b"\xff\xfe{ret:0, Certificate:"
        if self.scenario == "no_reader":
            body = {"ret": -2, "data": "未找到设备，请检查读卡器连接"}
        elif self.scenario == "no_card":
            body = {"ret": -1, "data": "找卡失败"}
        else:
            body = {"ret": 0, "Certificate": self.card}
        return json.dumps(body, ensure_ascii=False).encode("utf-8")


def _handler(sim: Simulator) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            if parts.path != PATH:
                self.send_error(404)
                return
            sim.requests.append(parse_qs(parts.query))
            payload = sim.answer()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain;charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            return

    return Handler


@contextmanager
def running(scenario: str = "card", port: int = 0) -> Iterator[tuple[Simulator, str]]:
    """A simulator on 127.0.0.1 and its base URL (``http://127.0.0.1:<port>/ZKIDROnline``)."""
    sim = Simulator(scenario)
    server = ThreadingHTTPServer(("127.0.0.1", port), _handler(sim))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield sim, f"http://127.0.0.1:{server.server_address[1]}/ZKIDROnline"
    finally:
        sim.stopped.set()
        server.shutdown()
        server.server_close()


if __name__ == "__main__":
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 24010
    with running("card", port) as (_sim, url):
        sys.stderr.write(f"身份证读卡器模拟服务：{url}（Ctrl+C 退出）\n")
        with suppress(KeyboardInterrupt):
            threading.Event().wait()
