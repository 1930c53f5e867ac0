"""Nothing lost: a link cut at random byte offsets, and a server killed (-9) mid-batch.

A simulated station keeps recording events and syncing through a proxy that
cuts connections in both directions; afterwards one clean sync must leave
every event on the server exactly once, chains intact, nothing pending.

The server is killed while a proxy holds one push at a chosen point (``KillPointProxy``), so every
kill interrupts that push however fast or slow the machine is.
"""

from __future__ import annotations

import contextlib
import random
import socket
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from sync.client.batching import split_batches
from sync.client.client import SyncClient
from sync.client.errors import SequenceGap, SyncError
from sync.domain.events import GENESIS_HASH, Event, chain_digest, verify_chain
from sync.protocol import MAX_BATCH_BYTES
from sync.server.core.db import make_engine
from sync.server.services.audit import verify_station
from tests.sync.live_server import center_sessions

from .conftest import Station, enroll_station
from .factories import Chain
from .fault_proxy import CuttingProxy
from .live_server import ServerHandle, postgres_schema_url, record_center, row_counts, sqlite_url, start_server

pytestmark = pytest.mark.slow


@dataclass
class StationSim:
    """The station's side of sync: an event log, the acknowledged seq, the pulled center chain."""

    BATCH = 7

    client: SyncClient
    chain: Chain
    acked: int = 0
    center: list[Event] = field(default_factory=list)
    errors: int = 0

    def sync_once(self) -> bool:
        pending = self.chain.events[self.acked :]
        try:
            if pending:
                result = self.client.push_all(pending, batch_size=self.BATCH)
                self.acked = max(self.acked, result.acked_seq)
            head = self.center[-1].hash if self.center else GENESIS_HASH
            self.center += self.client.pull_events(after=len(self.center), after_hash=head, page=3)
        except SequenceGap as exc:
            self.acked = exc.expected_seq - 1
            self.errors += 1
            return False
        except SyncError:
            self.errors += 1
            return False
        return True


def _assert_exactly_once(sim: StationSim, server: ServerHandle) -> None:
    clean = SyncClient(server.url, token=sim.client.token)
    stored = list(clean.iter_events(page=250))
    assert [e.to_dict() for e in stored] == [e.to_dict() for e in sim.chain.events]
    verify_chain(stored)
    digest = clean.digest()
    assert (digest.count, digest.hash) == chain_digest(sim.chain.events)
    assert row_counts(server.database_url, sim.chain.station_id)["events"] == len(sim.chain.events)
    assert sim.acked == len(sim.chain.events)
    engine = make_engine(server.database_url)
    with center_sessions(engine)() as session, session.begin():
        report = verify_station(session, sim.chain.station_id)  # the stored chains, re-verified row by row
    engine.dispose()
    assert report.ok, report.problems


def test_link_cut_at_random_bytes_loses_nothing(station: Station) -> None:
    proxy = CuttingProxy(station.server.port, seed=5, cut_rate=0.6, max_offset=1200)
    sim = StationSim(SyncClient(proxy.url, token=station.client.token, timeout=(2, 5)), station.chain)
    clean = SyncClient(station.server.url, token=station.client.token)
    rng = random.Random(7)
    delivered: list[tuple[str, int]] = []  # (case id, seq of its deliver event)
    answered: list[Event] = []
    try:
        for round_no in range(200):
            for _ in range(rng.randint(0, 2)):
                case_id = sim.chain.new_case(round_no)
                delivered.append((case_id, len(sim.chain.events)))
            if delivered and rng.random() < 0.3 and delivered[0][1] <= clean.digest().last_seq:
                case_id, _seq = delivered.pop(0)  # the center answers a case that has arrived
                answered.append(
                    record_center(
                        station.server.database_url,
                        station.station_id,
                        "case.center_accept",
                        {"case_id": case_id},
                        "镇窗口",
                    )
                )
            sim.sync_once()
        assert proxy.cuts > 50, f"the proxy should really have cut connections ({proxy.cuts})"
        proxy.enabled = False
        assert sim.sync_once(), "a clean link must sync everything in one go"
    finally:
        proxy.stop()
    _assert_exactly_once(sim, station.server)
    assert answered, "the center should have answered some cases"
    assert [e.to_dict() for e in sim.center] == [e.to_dict() for e in answered]
    verify_chain(sim.center)
    assert sim.errors > 0


#: Where a held push stops: half its body sent (the server is still reading it); all of it sent while the
#: test holds what the server's push transaction waits for (``_push_transaction_held``), no reply let
#: through; the server's reply begun (the batch is stored) and held back (the station never hears of it).
REQUEST_CUT, IN_THE_SERVER, REPLY_LOST = "request cut", "in the server", "reply lost"
PUSH_PATH = b"/api/v1/sync/push"


@dataclass
class Hold:
    """One push the proxy stops: it waits at the proxy (``arrived``) until ``go``, then at ``point``
    (``reached``) until ``released``."""

    push_no: int
    point: str
    arrived: threading.Event = field(default_factory=threading.Event)
    go: threading.Event = field(default_factory=threading.Event)
    reached: threading.Event = field(default_factory=threading.Event)
    released: threading.Event = field(default_factory=threading.Event)


class _Stream:
    """Buffered reads from a socket: whole HTTP request heads and bodies."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buf = b""

    def _more(self) -> bool:
        data = self.sock.recv(65536)
        self.buf += data
        return bool(data)

    def until(self, marker: bytes) -> bytes | None:
        while marker not in self.buf:
            if not self._more():
                return None
        end = self.buf.index(marker) + len(marker)
        head, self.buf = self.buf[:end], self.buf[end:]
        return head

    def exactly(self, size: int) -> bytes | None:
        while len(self.buf) < size:
            if not self._more():
                return None
        body, self.buf = self.buf[:size], self.buf[size:]
        return body


class KillPointProxy:
    """Forwards 127.0.0.1:<port> to ``target_port`` request by request; ``hold()`` stops one push.

    Requests are read as a head and a ``Content-Length`` body (``requests`` sends a bytes body so).
    The station's client sends a request only once the previous reply has arrived, so every byte the
    server sends after a held push went up belongs to that push's reply. A held connection is closed
    (the station's push fails) once the hold is released, or when the server's side closes.
    """

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self._hold: Hold | None = None
        self._holds: list[Hold] = []
        self._pushes = 0
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}"

    def hold(self, push_no: int, point: str) -> Hold:
        """Stop the ``push_no``-th push from now on at ``point``."""
        with self._lock:
            self._hold = Hold(push_no, point)
            self._holds.append(self._hold)
            self._pushes = 0
            return self._hold

    def stop(self) -> None:
        self._listener.close()
        for hold in self._holds:
            hold.go.set()
            hold.released.set()

    def _claim(self, head: bytes) -> Hold | None:
        if not head.startswith(b"POST " + PUSH_PATH):
            return None
        with self._lock:
            self._pushes += 1
            hold = self._hold
            if hold is None or self._pushes != hold.push_no:
                return None
            self._hold = None
            return hold

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(("127.0.0.1", self.target_port), timeout=5)
            except OSError:  # the server is down: the station's request fails at once
                client.close()
                continue
            server.settimeout(None)
            _HeldPair(self, client, server).start()


class _HeldPair:
    def __init__(self, proxy: KillPointProxy, client: socket.socket, server: socket.socket) -> None:
        self.proxy = proxy
        self.client = client
        self.server = server
        self.held: Hold | None = None  # set before the held push's last byte goes up: no reply passes after it
        self._closed = threading.Lock()

    def start(self) -> None:
        threading.Thread(target=self._up, daemon=True).start()
        threading.Thread(target=self._down, daemon=True).start()

    def close(self) -> None:
        if not self._closed.acquire(blocking=False):
            return
        for sock in (self.client, self.server):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def _up(self) -> None:
        stream = _Stream(self.client)
        with contextlib.suppress(OSError):
            while (head := stream.until(b"\r\n\r\n")) is not None:
                length = next(
                    (
                        int(line.split(b":", 1)[1])
                        for line in head.split(b"\r\n")
                        if line.lower().startswith(b"content-length:")
                    ),
                    0,
                )
                body = stream.exactly(length)
                if body is None:
                    break
                hold = self.proxy._claim(head)
                if hold is None:
                    self.server.sendall(head + body)
                    continue
                hold.arrived.set()
                hold.go.wait()
                if hold.point == REQUEST_CUT:
                    self.server.sendall(head + body[: len(body) // 2])
                else:
                    self.held = hold
                    self.server.sendall(head + body)
                if hold.point != REPLY_LOST:
                    hold.reached.set()
                hold.released.wait()
                break
        self.close()

    def _down(self) -> None:
        with contextlib.suppress(OSError):
            while data := self.server.recv(65536):
                hold = self.held
                if hold is None:
                    self.client.sendall(data)
                    continue
                if hold.point == REPLY_LOST:
                    hold.reached.set()  # the server answers: it has stored the batch
                hold.released.wait()
                break
        self.close()


@contextlib.contextmanager
def _push_transaction_held(database_url: str, station_id: str) -> Iterator[Callable[[], bool]]:
    """Hold what a push transaction of the server needs until the block ends (then roll back).

    PostgreSQL: the station's row, locked, which ``ingest.lock_station`` waits for inside the push's
    transaction; the check yielded tells when a server backend waits for this one. SQLite: the write
    lock, so nothing the server does can be stored; where the server is cannot be seen (the check says yes).
    """
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        connection = sqlite3.connect(str(url.database), isolation_level=None, timeout=30)
        try:
            connection.execute("BEGIN IMMEDIATE")
            yield lambda: True
            connection.execute("ROLLBACK")
        finally:
            connection.close()
        return
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT id FROM stations WHERE id = :id FOR UPDATE"), {"id": station_id})
            pid = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()

            def server_waits() -> bool:
                with engine.connect() as probe:
                    waiting = "SELECT count(*) FROM pg_stat_activity WHERE :pid = ANY(pg_blocking_pids(pid))"
                    return bool(probe.execute(text(waiting), {"pid": pid}).scalar_one())

            yield server_waits
            connection.rollback()
    finally:
        engine.dispose()


def _wait_until(condition: Callable[[], bool], what: str, timeout: float = 120) -> None:
    """Poll ``condition`` until it holds; the timeout only guards against a hang."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"{what}: still waiting after {timeout} s"
        time.sleep(0.01)


@pytest.fixture(params=["sqlite", "postgres"])
def own_server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ServerHandle]:
    """A server of the test's own, since this test kills it."""
    if request.param == "sqlite":
        handle = start_server(sqlite_url(tmp_path))
        yield handle
        handle.stop()
        return
    from tests.conftest import require_postgres

    with postgres_schema_url(require_postgres()) as url:
        handle = start_server(url)
        yield handle
        handle.stop()


def test_server_killed_mid_batch_loses_nothing(own_server: ServerHandle) -> None:
    station = enroll_station(own_server)
    proxy = KillPointProxy(own_server.port)
    # A long read timeout: the held push must end by the cut, never by the client giving up first.
    sim = StationSim(SyncClient(proxy.url, token=station.client.token, timeout=(5, 120)), station.chain)
    rng = random.Random(11)
    points = [REQUEST_CUT, IN_THE_SERVER, REPLY_LOST, rng.choice([REQUEST_CUT, IN_THE_SERVER, REPLY_LOST])]
    try:
        for kill_no, point in enumerate(points):
            for n in range(120):  # 360 events: several batches in flight
                sim.chain.new_case(kill_no * 1000 + n)
            hold = proxy.hold(push_no=rng.randint(1, 8), point=point)
            what = f"kill {kill_no}: push {hold.push_no}, {point}"
            # The batches the next sync sends (as push_all splits them); the server holds seq 1..n, contiguous.
            batches = list(split_batches(sim.chain.events[sim.acked :], sim.BATCH, MAX_BATCH_BYTES // 2))
            held_before = row_counts(own_server.database_url, station.station_id)["events"]
            before = max([held_before] + [b[-1].seq for b in batches[: hold.push_no - 1]])
            through = max(before, batches[hold.push_no - 1][-1].seq)
            errors = sim.errors
            worker = threading.Thread(target=lambda: [sim.sync_once() for _ in range(3)])
            worker.start()
            # The timeouts below only guard against a hang: every step waits for the one before it.
            assert hold.arrived.wait(120), f"{what}: the push never reached the proxy"
            with contextlib.ExitStack() as held:
                # The pushes before this one are answered, so stored: what the test holds blocks only this one.
                server_waits = (
                    held.enter_context(_push_transaction_held(own_server.database_url, station.station_id))
                    if point == IN_THE_SERVER
                    else None
                )
                hold.go.set()
                assert hold.reached.wait(120), f"{what}: the push never got there"
                if server_waits is not None:
                    _wait_until(server_waits, f"{what}: the server's push transaction should wait for the test")
                own_server.kill()
                hold.released.set()  # the proxy cuts the station's connection: the push gets no answer
            worker.join(120)
            assert not worker.is_alive(), what
            assert sim.errors > errors, f"{what}: the kill should have interrupted the sync"
            # The batches before the held one are stored; the held one only if the server answered it.
            expected = through if point == REPLY_LOST else before
            assert row_counts(own_server.database_url, station.station_id)["events"] == expected, what
            own_server.restart()
        for _ in range(3):
            if sim.sync_once():
                break
    finally:
        proxy.stop()
    _assert_exactly_once(sim, own_server)


def test_blob_upload_resumes_through_a_cutting_link(station: Station) -> None:
    import hashlib
    import os

    data = os.urandom(300_000)
    proxy = CuttingProxy(station.server.port, seed=3, cut_rate=0.7, max_offset=40_000, max_offset_down=600)
    client = SyncClient(proxy.url, token=station.client.token, timeout=(2, 5))
    attempts = 0
    try:
        while True:
            attempts += 1
            assert attempts < 200, "the upload should finish"
            try:
                status = client.upload_blob(data, chunk_size=32 * 1024)
            except SyncError:
                continue
            break
    finally:
        proxy.stop()
    assert status.complete and proxy.cuts > 3, (attempts, proxy.cuts)
    assert station.client.fetch_blob(hashlib.sha256(data).hexdigest()) == data
