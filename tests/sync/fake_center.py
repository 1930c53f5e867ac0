"""A fake town center on loopback for tests of the client against older servers."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class JsonCenter(BaseHTTPRequestHandler):
    """Answers JSON; subclasses implement ``do_POST``/``do_GET`` and append to ``codings``."""

    codings: list[str]

    def _answer(self, status: int, reply: dict[str, object], accept: str = "") -> None:
        out = json.dumps(reply).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        if accept:
            self.send_header("Accept-Encoding", accept)
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    def log_message(self, format: str, *args: object) -> None:
        return


@contextmanager
def serving(handler: type[JsonCenter]) -> Iterator[tuple[str, list[str]]]:
    """(url, the Content-Encoding of each push received) of ``handler`` served on a free port."""
    codings: list[str] = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), type("Handler", (handler,), {"codings": codings}))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", codings
    finally:
        server.shutdown()
        server.server_close()
