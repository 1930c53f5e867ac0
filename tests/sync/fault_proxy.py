"""A TCP proxy for fault tests: cuts connections at random byte offsets in either direction."""

from __future__ import annotations

import contextlib
import random
import socket
import threading
from dataclasses import dataclass, field


@dataclass
class CuttingProxy:
    """Forwards 127.0.0.1:<port> to ``target_port``, cutting every connection somewhere.

    Each connection is closed after a random number of bytes in one direction:
    towards the server (a request lost half-way) or towards the client (the
    server acted, the reply is lost). With probability ``cut_rate`` the offset
    is within ``max_offset`` (the first request or so), otherwise up to three
    times that, so kept-alive connections carry a few requests before dying.
    ``enabled = False`` lets everything through.
    """

    target_port: int
    seed: int = 1
    cut_rate: float = 0.6
    max_offset: int = 3000
    #: Range of cuts towards the client, when replies are much smaller than requests (None: ``max_offset``).
    max_offset_down: int | None = None
    enabled: bool = True
    cuts: int = 0
    connections: int = 0
    _rng: random.Random = field(init=False)
    _listener: socket.socket = field(init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)
    _stopped: bool = field(default=False, init=False)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)
        self._listener = socket.socket()
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}"

    def stop(self) -> None:
        self._stopped = True
        self._listener.close()

    def _plan(self) -> tuple[int | None, int | None]:
        with self._lock:
            self.connections += 1
            if not self.enabled:
                return None, None
            upstream = self._rng.random() < 0.5
            limit = self.max_offset if upstream or self.max_offset_down is None else self.max_offset_down
            near = self._rng.random() < self.cut_rate
            offset = self._rng.randint(0, limit) if near else self._rng.randint(0, 3 * limit)
            return (offset, None) if upstream else (None, offset)

    def _accept(self) -> None:
        while not self._stopped:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=5)
            except OSError:
                client.close()
                continue
            to_server, to_client = self._plan()
            pair = _Pair(client, upstream, self)
            threading.Thread(target=pair.pump, args=(client, upstream, to_server), daemon=True).start()
            threading.Thread(target=pair.pump, args=(upstream, client, to_client), daemon=True).start()


class _Pair:
    def __init__(self, a: socket.socket, b: socket.socket, proxy: CuttingProxy) -> None:
        self.sockets = (a, b)
        self.proxy = proxy
        self.closed = False
        self.lock = threading.Lock()

    def close(self) -> None:
        with self.lock:
            if self.closed:
                return
            self.closed = True
        for sock in self.sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def pump(self, source: socket.socket, target: socket.socket, cut_after: int | None) -> None:
        sent = 0
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                if cut_after is not None and sent + len(data) >= cut_after:
                    target.sendall(data[: cut_after - sent])
                    with self.proxy._lock:
                        self.proxy.cuts += 1
                    break
                target.sendall(data)
                sent += len(data)
        except OSError:
            pass
        self.close()
