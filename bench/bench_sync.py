"""Sync: push latency, wire bytes per typical case, push throughput over loopback.

Starts ``python -m sync.server`` on a free port (SQLite in a temp dir; also
PostgreSQL when ``TEST_POSTGRES_URL``/the default test database answers) and
pushes with the real ``SyncClient``. See docs/performance.md.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import requests

from bench import figure, free_port, postgres_schema, registered_payload
from sync.client.client import SyncClient
from sync.domain.clock import FixedClock
from sync.domain.custody import HandoverItem, handover_content
from sync.domain.entrustment import DEFAULT_SCOPE, registration_content
from sync.domain.events import GENESIS_HASH, Event, new_event
from sync.domain.feedback import feedback_content
from sync.domain.signature import APPLICANT, CLERK, Signature
from sync.domain.signing import content_hash
from sync.protocol import encoding

ROOT = Path(__file__).resolve().parents[1]
#: The benchmark station's clock (events and signatures are stamped from it, as a station's are).
CLOCK = FixedClock.on(date(2026, 11, 23))


def _signed(seed: int, signer: str, role: str, content: dict[str, Any]) -> tuple[dict[str, str], dict[str, Any]]:
    """A pad signature over ``content`` as the station records it: the reference and the ink
    (``Signature.from_pad`` over a smooth pen trace of 3 strokes × 80 raw points at 100 Hz)."""
    strokes = []
    for s in range(3):
        x0 = 60 + 160 * s
        strokes.append(
            [
                (x0 + 1.8 * i + 14 * math.sin(i / 5 + seed + s), 100 + 35 * math.sin(i / 7 + 0.3 * seed + s), 10 * i)
                for i in range(80)
            ]
        )
    signature = Signature.from_pad(signer, role, strokes, captured_at=CLOCK.stamp())
    ref = {
        "signer": signer,
        "role": role,
        "signature_sha256": signature.digest(),
        "content_sha256": content_hash(content),
    }
    return ref, signature.to_dict()


def _handover(case_id: str, seed: int, route: tuple[str, str], items: list[HandoverItem]) -> dict[str, Any]:
    content = handover_content(case_id, route[0], route[1], items)
    refs, ink = [], {}
    for n, (signer, role) in enumerate((("张三", APPLICANT), ("李代办", CLERK))):
        ref, data = _signed(seed + n, signer, role, content)
        refs.append(ref)
        ink[ref["signature_sha256"]] = data
    return content | {"signatures": refs, "signature_data": ink}


def _entrustment_signatures(registered: dict[str, Any], seed: int) -> dict[str, Any]:
    """The 委托书 signed on the pad by the applicant and the clerk, as ``desktop.services.casework.cases.register_case``
    records it: the scope, references over ``registration_content`` and the ink."""
    registered = registered | {"scope": DEFAULT_SCOPE}
    content = registration_content(registered)
    refs, ink = [], {}
    for n, (signer, role) in enumerate((("张三", APPLICANT), ("李代办", CLERK))):
        ref, data = _signed(seed + 10 + n, signer, role, content)
        refs.append(ref)
        ink[ref["signature_sha256"]] = data
    return registered | {"signatures": refs, "signature_data": ink}


def typical_case(
    station_id: str,
    start_seq: int,
    prev_hash: str,
    n: int,
    *,
    full: bool = False,
    entrustment_signatures: bool = False,
) -> list[Event]:
    """A station's events for one case: registered with 3 materials, a signed handover of the originals
    (villager → clerk), accept, deliver. ``full`` adds the signed handover back (clerk → villager), the
    signed feedback and archiving: valid only after the center completed the case, so not pushed alone.
    ``entrustment_signatures`` adds the 委托书 the applicant and the clerk sign on the pad at registration
    (as the app records it now: scope, 2 references, ink)."""
    case_id = str(uuid.uuid4())
    materials = [
        {"name": "身份证", "original": True, "copies": 1, "required": True, "present": True},
        {"name": "户口本", "original": True, "copies": 1, "required": True, "present": True},
        {"name": "一寸照片", "original": True, "copies": 2, "required": False, "present": True},
    ]
    originals = [HandoverItem("身份证"), HandoverItem("户口本")]
    registered = {**registered_payload(case_id, f"CS01-20261123-{n:04d}"), "materials": materials}
    if entrustment_signatures:
        registered = _entrustment_signatures(registered, n)
    payloads: list[tuple[str, dict[str, Any]]] = [
        ("case.registered", registered),
        ("case.handover", _handover(case_id, n, ("villager", "clerk"), originals)),
        ("case.accept", {"case_id": case_id, "accepted_on": "2026-11-23", "due_on": "2026-11-30"}),
        ("case.deliver", {"case_id": case_id}),
    ]
    if full:
        payloads.append(("case.handover", _handover(case_id, n + 2, ("clerk", "villager"), originals)))
        content = feedback_content(case_id, True, 5, {})
        ref, ink = _signed(n + 4, "张三", APPLICANT, content)
        feedback = {"case_id": case_id, "result_confirmed": True, "rating": 5, "comments": {}, "signature": ref}
        payloads.append(("case.give_feedback", feedback | {"signature_data": {ref["signature_sha256"]: ink}}))
        payloads.append(("case.archive", {"case_id": case_id}))
    events: list[Event] = []
    for offset, (kind, payload) in enumerate(payloads):
        event = new_event(
            station_id=station_id,
            seq=start_seq + offset,
            prev_hash=events[-1].hash if events else prev_hash,
            type=kind,
            payload=payload,
            actor="李代办",
            occurred_at=CLOCK.stamp(),
        )
        events.append(event)
    return events


def wire_bytes(events: list[Event], coding: str | None = None) -> int:
    """Bytes of the push body ``SyncClient.push`` sends for ``events`` (``encoding.encode_push`` with the
    client's coding, a uuid batch id as ``push_all`` gives)."""
    coding = coding or SyncClient("http://bench.invalid", allow_http=True).push_encoding
    return len(encoding.encode_push(str(uuid.uuid4()), events[0].station_id, events, coding))


def day_batch(station_id: str, cases: int = 15, **options: bool) -> list[Event]:
    """A day's work: ``cases`` full typical cases in one chain (one push batch)."""
    events: list[Event] = []
    for n in range(cases):
        prev = events[-1].hash if events else GENESIS_HASH
        events += typical_case(station_id, len(events) + 1, prev, n + 1, full=True, **options)
    return events


@contextmanager
def running_server(database_url: str, workers: int = 1) -> Iterator[str]:
    port = free_port()
    env = os.environ | {"DATABASE_URL": database_url, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "sync.server", "--port", str(port), "--log-level", "warning", "--workers", str(workers)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120  # several workers on a busy 2-core machine took over 30 s
        while True:
            try:
                if requests.get(url + "/api/v1/health", timeout=1).ok:
                    break
            except requests.RequestException:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
            time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


def enrolled_clients(url: str, database_url: str, count: int) -> list[tuple[SyncClient, str]]:
    from sync.server.core.db import make_engine, make_sessionmaker
    from sync.server.services.enrollment import issue_code

    engine = make_engine(database_url)
    prefix = uuid.uuid4().hex[:4].upper()
    with make_sessionmaker(engine)() as session, session.begin():
        codes = [issue_code(session, f"M{prefix}{i:04d}", f"并发测试站{i}") for i in range(count)]
    engine.dispose()
    clients = []
    for code in codes:
        client = SyncClient(url)
        station_id, _ = client.enroll(code)
        clients.append((client, station_id))
    return clients


def _many_stations(url: str, database_url: str, count: int) -> tuple[float, float, int]:
    """``count`` stations push one case each, all released at once: (wall s, p95 ms, errors)."""
    from concurrent.futures import ThreadPoolExecutor

    from sync.client.errors import SyncError

    clients = enrolled_clients(url, database_url, count)
    barrier = threading.Barrier(count)

    def one(pair: tuple[SyncClient, str]) -> float:
        client, station_id = pair
        events = typical_case(station_id, 1, GENESIS_HASH, 1)
        barrier.wait()
        start = time.perf_counter()
        try:
            client.push(events)
            client.pull()
        except SyncError:
            return -1.0
        return (time.perf_counter() - start) * 1000

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=count) as pool:
        times = list(pool.map(one, clients))
    wall = time.perf_counter() - start
    ok = sorted(t for t in times if t >= 0)
    p95 = ok[int(len(ok) * 0.95) - 1] if ok else float("nan")
    return wall, p95, len(times) - len(ok)


def enrolled_client(url: str, database_url: str) -> tuple[SyncClient, str]:
    from sync.server.core.db import make_engine, make_sessionmaker
    from sync.server.services.enrollment import issue_code

    engine = make_engine(database_url)
    code_name = f"B{uuid.uuid4().hex[:6].upper()}"
    with make_sessionmaker(engine)() as session, session.begin():
        code = issue_code(session, code_name, "基准测试代办站")
    engine.dispose()
    client = SyncClient(url)
    station_id, _ = client.enroll(code)
    return client, station_id


def make_events(station_id: str, count: int) -> list[Event]:
    events: list[Event] = []
    n = 0
    while len(events) < count:
        n += 1
        events += typical_case(station_id, len(events) + 1, events[-1].hash if events else GENESIS_HASH, n)
    return events[:count]


def _throughput(url: str, database_url: str, count: int, batch: int) -> float:
    client, station_id = enrolled_client(url, database_url)
    events = make_events(station_id, count)
    start = time.perf_counter()
    result = client.push_all(events, batch_size=batch)
    elapsed = time.perf_counter() - start
    assert result.acked_seq == count, result
    return count / elapsed


def _one_case_ms(url: str, database_url: str) -> float:
    client, station_id = enrolled_client(url, database_url)
    best = float("inf")
    prev, seq = GENESIS_HASH, 1
    for n in range(1, 8):
        events = typical_case(station_id, seq, prev, n)
        start = time.perf_counter()
        client.push(events)
        best = min(best, (time.perf_counter() - start) * 1000)
        prev, seq = events[-1].hash, seq + len(events)
    return best


def _naive_rate(url: str, database_url: str, count: int) -> float:
    """One request per record, uncompressed: the upload this design replaces."""
    client, station_id = enrolled_client(url, database_url)
    events = make_events(station_id, count)
    session = requests.Session()
    headers = {"Authorization": f"Bearer {client.token}"}
    start = time.perf_counter()
    for event in events:
        body = {"batch_id": event.id, "station_id": station_id, "events": [event.to_dict()]}
        session.post(url + "/api/v1/sync/push", json=body, headers=headers, timeout=30).raise_for_status()
    return count / (time.perf_counter() - start)


@contextmanager
def slow_link(target_port: int, bits_per_s: int = 64_000) -> Iterator[str]:
    """A loopback proxy that paces both directions to ``bits_per_s`` (a station's mobile link)."""
    listener = socket.create_server(("127.0.0.1", 0))

    def pump(source: socket.socket, target: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(512):
                time.sleep(len(data) * 8 / bits_per_s)
                target.sendall(data)
        for sock in (source, target):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def accept() -> None:
        with contextlib.suppress(OSError):
            while True:
                client, _ = listener.accept()
                upstream = socket.create_connection(("127.0.0.1", target_port))
                threading.Thread(target=pump, args=(client, upstream), daemon=True).start()
                threading.Thread(target=pump, args=(upstream, client), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        listener.close()


def _one_day_over_slow_link(url: str, database_url: str, cases: int = 15) -> tuple[float, int, int]:
    """The desktop's own ``sync_now`` for a day's work (``cases - 1`` new cases of 4 events, made through the
    services), after the first sync since start (greeting, yesterday's case) and a center decision, over
    64 kbit/s: (seconds, HTTP requests, bytes sent) of that day's sync, counted on the wire."""

    from bench.bench_cases import _case_with_events
    from desktop.services.casework.workflow import deliver
    from desktop.services.context import ServiceContext
    from desktop.services.station import require_station, setup_station
    from desktop.services.syncing import center_sync
    from sync.server.core.db import make_engine, make_sessionmaker
    from sync.server.services.center_events import record_center_event
    from sync.server.services.enrollment import issue_code

    code_name = f"D{uuid.uuid4().hex[:6].upper()}"
    engine = make_engine(database_url)
    with make_sessionmaker(engine)() as session, session.begin():
        code = issue_code(session, code_name, "基准测试代办站")
    port = int(url.rsplit(":", 1)[1])
    with tempfile.TemporaryDirectory() as tmp, slow_link(port) as slow:
        ctx = ServiceContext.open(Path(tmp), FixedClock.on(date(2026, 11, 23)))
        try:
            # with a clerk's password: the data key is made and unlocked even on a PC without a keyring
            setup_station(
                ctx,
                code=code_name,
                name="基准测试代办站",
                village="基准村",
                town="基准镇",
                clerk="李代办",
                password="bench-mima",
            )
            station_id = require_station(ctx).station_id
            # the token stays in memory (no keyring): sync_now gets the client make_client would build
            token = SyncClient(slow).enroll(code, station_id=station_id, station_code=code_name).token
            case_id = _case_with_events(ctx, 3)
            deliver(ctx, case_id)  # handed over at the town window: the center can accept it
            center_sync.sync_now(ctx, SyncClient(slow, token=token))  # first sync since start: greeting + yesterday
            with make_sessionmaker(engine)() as session, session.begin():
                record_center_event(session, station_id, "case.center_accept", {"case_id": case_id}, "镇窗口")
            for _ in range(cases - 1):
                _case_with_events(ctx, 4)
            link = SyncClient(slow, token=token, timeout=(10, 120))
            requests_made: list[int] = []
            link.http.hooks["response"].append(lambda r, *a, **k: requests_made.append(len(r.request.body or b"")))
            start = time.perf_counter()
            center_sync.sync_now(ctx, link)
            elapsed = time.perf_counter() - start
            assert center_sync.status(ctx).pending == 0
        finally:
            ctx.close()
            engine.dispose()
    return elapsed, len(requests_made), sum(requests_made)


def run() -> Iterator[dict[str, Any]]:
    station = "00000000-0000-4000-8000-000000000001"
    coding = SyncClient("http://bench.invalid", allow_http=True).push_encoding
    # the case as the app records it now: the 委托书 signed at registration, 7 signatures in all
    case = typical_case(station, 1, GENESIS_HASH, 1, full=True, entrustment_signatures=True)
    raw = len(json.dumps([e.to_dict() for e in case], ensure_ascii=False).encode("utf-8"))
    yield figure(
        "sync_wire_bytes_per_case",
        wire_bytes(case),
        "bytes",
        2048,
        events=len(case),
        signatures=7,
        uncompressed=raw,
        coding=coding,
        zdict_1=wire_bytes(case, encoding.DICT_V1),
        gzip_full=wire_bytes(case, encoding.GZIP),
    )
    day = day_batch(station, entrustment_signatures=True)
    yield figure(
        "sync_wire_bytes_per_case_in_day_batch",
        wire_bytes(day) / 15,
        "bytes",
        2048,
        cases=15,
        events=len(day),
        signatures=7,
        coding=coding,
        zdict_1=round(wire_bytes(day, encoding.DICT_V1) / 15),
        gzip_full=round(wire_bytes(day, encoding.GZIP) / 15),
    )
    # the case before the 委托书 was signed on screen: 5 signatures (the figure of protocol 1.1's first coding)
    unsigned = typical_case(station, 1, GENESIS_HASH, 1, full=True)
    yield figure(
        "sync_wire_bytes_per_case_5_signatures",
        wire_bytes(unsigned),
        "bytes",
        2048,
        signatures=5,
        coding=coding,
        zdict_1=wire_bytes(unsigned, encoding.DICT_V1),
        gzip_full=wire_bytes(unsigned, encoding.GZIP),
        in_day_batch=round(wire_bytes(day_batch(station)) / 15),
    )
    with tempfile.TemporaryDirectory() as tmp:
        database_url = f"sqlite:///{Path(tmp) / 'bench_center.db'}"
        with running_server(database_url) as url:
            yield figure("sync_push_one_case_ms", _one_case_ms(url, database_url), "ms", None, db="sqlite")
            rate = _throughput(url, database_url, 10_000, 500)
            yield figure("sync_push_10k_events_per_s", rate, "events/s", None, db="sqlite", batch=500)
            naive = _naive_rate(url, database_url, 500)
            yield figure("sync_push_naive_events_per_s", naive, "events/s", None, db="sqlite", note="1 request/event")
            seconds, round_trips, sent = _one_day_over_slow_link(url, database_url)
            yield figure(
                "sync_round_trips_one_day",
                round_trips,
                "requests",
                2,
                note="desktop sync_now: 1 push + 1 pull, 14 cases (handshake only on the first sync after start)",
            )
            yield figure("sync_one_day_64kbps_s", seconds, "s", None, bytes_up=sent, link="64 kbit/s both ways")
            wall, p95, errors = _many_stations(url, database_url, 500)
            yield figure(
                "sync_500_stations_errors", errors, "errors", 0, db="sqlite", wall_s=round(wall, 2), p95_ms=round(p95)
            )
    with postgres_schema("bench_sync") as postgres_url:
        if postgres_url is None:
            return
        with running_server(postgres_url) as url:
            yield figure("sync_push_one_case_ms", _one_case_ms(url, postgres_url), "ms", None, db="postgresql")
            rate = _throughput(url, postgres_url, 10_000, 500)
            yield figure("sync_push_10k_events_per_s", rate, "events/s", 2000, db="postgresql", batch=500)
            wall, p95, errors = _many_stations(url, postgres_url, 500)
            yield figure(
                "sync_500_stations_errors",
                errors,
                "errors",
                0,
                db="postgresql",
                wall_s=round(wall, 2),
                p95_ms=round(p95),
            )
