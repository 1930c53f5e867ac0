"""Hostile input: one probe run against the real town center, on SQLite and on PostgreSQL (issue 15).

Starts ``python -m sync.server`` (a throw-away SQLite file; a fresh PostgreSQL schema when the test database
answers) and fires at it over HTTP what an attacker or a buggy station sends: oversize bodies on every route
group (declared and chunked, and four at once), compression bombs in every accepted coding, NUL / lone
surrogate / control characters / wrong types / out-of-range dates / oversize texts in every field of every
station event type (``sync.domain.payloads.SCHEMAS``), malformed protocol versions, wrong enrollment codes in a
burst and malformed enrollments, cross-station access, replays, tampered chains, and USB transfer files (zip
bombs, bit flips, a file forged from a copy of the center's database) at the center (``import-file``) and at
the station (``read_center_file``).

Per category and backend: probes tried, refused (a 4xx, an event kept refused, ``import-file`` exit 1, a
``TransferFileError``), accepted (the expected-good controls, and harmless bit flips), 500s (or a crash of
the command: must be 0), and probes whose outcome was not the expected one. The server's memory is read from
``/proc/<pid>/status`` (VmRSS, VmHWM) before and after. See docs/security.md, "Probe run".

    python -m bench hostile            # JSON lines, as every bench
    python -m bench.bench_hostile      # the same run as Markdown tables (for docs/security.md)
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import uuid
import zipfile
import zlib
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import requests
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from bench import figure, free_port, postgres_available, postgres_schema, registered_payload
from bench.hostile_zip import MADE_AT, MB, manifest, zip_bomb, zip_of
from sync.client.client import SyncClient
from sync.client.errors import TransferFileError
from sync.client.transfer import export_unsent, read_center_file
from sync.domain.clock import CHINA, SYSTEM_CLOCK, FixedClock
from sync.domain.events import GENESIS_HASH, Event, new_event
from sync.domain.payload_fields import Kind, Spec
from sync.domain.payloads import SCHEMAS
from sync.protocol import encoding, transfer
from sync.protocol.models import PER_EVENT_REFUSALS, PER_EVENT_REFUSALS_HEADER
from sync.protocol.transfer import CENTER_TO_STATION, STATION_TO_CENTER, Signer, public_key_from_hex, public_key_hex
from sync.server.api.body_limit import limit_for
from sync.server.core.signing import center_key

ROOT = Path(__file__).resolve().parents[1]
#: The stations' clock, and the center's (pinned, running on from 10:00): events happen on this day.
DAY = date(2026, 11, 23)
CENTER_START = datetime(2026, 11, 23, 10, tzinfo=CHINA)
#: One path per route group (a body limit does not care whether the route would authenticate).
ROUTES = {
    "enroll": "/api/v1/enroll",
    "handshake": "/api/v1/sync/handshake",
    "push": "/api/v1/sync/push",
    "blob": "/api/v1/blobs/" + "0" * 64,
    "staff-login": "/center/login",
    "staff-form": "/center/stations/code",
    "publish": "/center/publish/catalog",
}
#: Every coding a route that inflates accepts (``encoding.decode``).
CODINGS = (encoding.GZIP, "x-gzip", encoding.DICT_V1, encoding.DICT_V2)
STATION_TYPES = sorted(t for t in SCHEMAS if not t.startswith("case.center_"))
GARBAGE_VERSIONS = ("1.1.1.1.1", "1", "v1.1", "1.1 beta", "１.１", "-1.1", "1.99999", "1.1.", ".1")

REFUSED, ACCEPTED, SERVER_ERROR = "refused", "accepted", "500"


@dataclass(frozen=True)
class Scale:
    """How hard to probe: the full run (the bench) or a few probes per category (tests/sync)."""

    oversize: int = 200 * MB  # declared body of an oversize request
    concurrent: int = 4  # oversize requests at once, per route and way (declared, chunked)
    bomb: int = 1024 * MB  # what a compression bomb to push inflates to
    fields_per_type: int | None = None  # fields probed per event type (None: all)
    surrogate_types: int | None = None  # event types probed with a lone surrogate (None: all)
    burst: int = 30  # wrong enrollment codes sent at once
    transfer_bomb: int = 1024 * MB  # what a USB zip bomb inflates to
    hostile_files: int | None = None  # hostile transfer files per side (None: all)
    flips: int = 24  # bit-flipped copies of a genuine file, per side


FULL = Scale()
SMALL = Scale(
    oversize=8 * MB,
    concurrent=2,
    bomb=64 * MB,
    fields_per_type=1,
    surrogate_types=2,
    burst=8,
    transfer_bomb=80 * MB,
    hostile_files=4,
    flips=3,
)


@dataclass
class Category:
    """What one category of probes got."""

    name: str
    tried: int = 0
    refused: int = 0
    accepted: int = 0
    errors: int = 0  # 500s (or a command that crashed)
    unexpected: list[str] = field(default_factory=list)  # probes whose outcome was not the expected one
    extra: dict[str, Any] = field(default_factory=dict)

    def add(self, probe: str, outcome: str, expect: tuple[str, ...] = (REFUSED,)) -> None:
        self.tried += 1
        if outcome == REFUSED:
            self.refused += 1
        elif outcome == ACCEPTED:
            self.accepted += 1
        else:
            self.errors += 1
        if outcome not in expect:
            self.unexpected.append(f"{probe}: {outcome}")


def status_outcome(status: int | None) -> str:
    if status is None or status >= 500:
        return SERVER_ERROR  # no answer at all counts as a failure of the server too
    return REFUSED if status >= 400 else ACCEPTED


# --- the server ---------------------------------------------------------------------------------------------------


@dataclass
class Center:
    url: str
    port: int
    database_url: str
    process: subprocess.Popen[bytes]
    env: dict[str, str]
    log_path: Path

    def memory_kib(self) -> dict[str, int]:
        lines = Path(f"/proc/{self.process.pid}/status").read_text().splitlines()
        return {k: int(v.split()[0]) for k, v in (line.split(":", 1) for line in lines) if k in ("VmRSS", "VmHWM")}

    def cli(self, *args: str, timeout: float = 300) -> tuple[int, str, str, int]:
        """``python -m sync.server ARGS`` on this center's database: (exit code, stdout, stderr, peak RSS KiB)."""
        done = subprocess.run(
            [sys.executable, "-c", _PEAK, sys.executable, "-m", "sync.server", *args],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        first, _, out = done.stdout.partition("\n")
        code, peak = first.split()
        return int(code), out, done.stderr, int(peak)

    def tracebacks(self) -> int:
        return self.log_path.read_text(encoding="utf-8", errors="replace").count("Traceback")


#: A parent whose only child is the command: its peak RSS (``ru_maxrss`` of the children), then its stdout.
_PEAK = (
    "import resource, subprocess, sys\n"
    "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
    "print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    "sys.stdout.write(done.stdout)\n"
    "sys.stderr.write(done.stderr)\n"
)


@contextmanager
def _database(backend: str, folder: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'town_center.db'}"
        return
    with postgres_schema("bench_hostile") as url:
        if url is None:
            raise RuntimeError("PostgreSQL does not answer")
        yield url


@contextmanager
def center(backend: str) -> Iterator[Center]:
    """``python -m sync.server`` on ``backend`` ("sqlite" or "postgresql"), its key files in a temp folder, its
    clock pinned to the stations' day (running on), default enrollment throttle."""
    with tempfile.TemporaryDirectory(prefix="bench_hostile_") as tmp, _database(backend, Path(tmp)) as database_url:
        port = free_port()
        env = os.environ | {
            "DATABASE_URL": database_url,
            "PYTHONPATH": str(ROOT),
            "DAIBANTONG_FIXED_TIME": f"{CENTER_START.isoformat()}@{SYSTEM_CLOCK.now().timestamp():.6f}",
            "DAIBANTONG_SIGNING_KEY_FILE": str(Path(tmp) / "center_signing_key.pem"),
            "DAIBANTONG_DATA_KEY_FILE": str(Path(tmp) / "center_data_key"),
        }
        log_path = Path(tmp) / "server.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "sync.server", "--port", str(port), "--log-level", "warning"],
                env=env,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        handle = Center(f"http://127.0.0.1:{port}", port, database_url, process, env, log_path)
        try:
            _wait_healthy(handle)
            yield handle
        finally:
            process.terminate()
            process.wait(10)


def _wait_healthy(handle: Center) -> None:
    import time

    deadline = time.monotonic() + 60
    while True:
        try:
            if requests.get(handle.url + "/api/v1/health", timeout=1).ok:
                return
        except requests.RequestException:
            pass
        if handle.process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("town center did not start:\n" + handle.log_path.read_text("utf-8", "replace"))
        time.sleep(0.1)


# --- stations -------------------------------------------------------------------------------------------------------


@dataclass
class Station:
    client: SyncClient
    station_id: str
    code: str
    events: list[Event] = field(default_factory=list)

    @property
    def token(self) -> str:
        return self.client.token or ""

    @property
    def api(self) -> str:
        return self.client.base_url + "/api/v1"

    @property
    def head(self) -> str:
        return self.events[-1].hash if self.events else GENESIS_HASH

    def event(self, type: str, payload: dict[str, Any], *, seq: int | None = None, prev: str | None = None) -> Event:
        """The next event of the chain (not added: see ``add``)."""
        return new_event(
            station_id=self.station_id,
            seq=len(self.events) + 1 if seq is None else seq,
            prev_hash=self.head if prev is None else prev,
            type=type,
            payload=payload,
            actor="李代办",
            occurred_at=FixedClock.on(DAY).stamp(),
        )

    def add(self, type: str, payload: dict[str, Any]) -> Event:
        event = self.event(type, payload)
        self.events.append(event)
        return event

    def new_case(self) -> list[Event]:
        """register → accept → deliver one case (added to the chain)."""
        case_id = str(uuid.uuid4())
        first = len(self.events)
        self.add("case.registered", registered_payload(case_id, f"CS01-20261123-{len(self.events) + 1:04d}"))
        self.add("case.accept", {"case_id": case_id, "accepted_on": "2026-11-23", "due_on": "2026-11-30"})
        self.add("case.deliver", {"case_id": case_id})
        return self.events[first:]

    def headers(self, **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", "X-Protocol-Version": "1.1"} | extra


def enroll(server: Center) -> Station:
    code = f"H{uuid.uuid4().hex[:8].upper()}"
    status, out, err, _ = server.cli("enroll-code", "--station-code", code, "--name", f"探测站{code}")
    if status != 0:
        raise RuntimeError(f"enroll-code failed: {err}")
    client = SyncClient(server.url, timeout=(5, 60))
    station_id, _ = client.enroll(out.strip().splitlines()[-1], station_code=code)
    return Station(client, station_id, code)


def push(
    station: Station, events: list[Event], *, coding: str = encoding.DICT_V2, batch: str = ""
) -> requests.Response:
    """A push as ``SyncClient.push`` sends it, in ``coding`` (``x-gzip``: gzip under its other name)."""
    made_as = encoding.GZIP if coding == "x-gzip" else coding
    body = encoding.encode_push(batch or str(uuid.uuid4()), station.station_id, events, made_as)
    headers = station.headers(**{"Content-Type": "application/json", "Content-Encoding": coding})
    headers[PER_EVENT_REFUSALS_HEADER] = PER_EVENT_REFUSALS
    return requests.post(station.api + "/sync/push", data=body, headers=headers, timeout=120)


def push_raw(station: Station, body: bytes, **headers: str) -> requests.Response:
    sent = station.headers(**{"Content-Type": "application/json"}) | headers
    return requests.post(station.api + "/sync/push", data=body, headers=sent, timeout=60)


# --- raw sockets: a request that declares more than it sends --------------------------------------------------------


def _answer(sock: socket.socket) -> int | None:
    sock.settimeout(60)
    data = b""
    try:
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    except OSError:
        return None
    head = data.partition(b"\r\n\r\n")[0]
    try:
        return int(head.split(b" ", 2)[1])
    except (IndexError, ValueError):
        return None


def _send(sock: socket.socket, data: bytes) -> bool:
    try:
        sock.sendall(data)
    except (BrokenPipeError, ConnectionResetError):
        return False
    return True


def raw_request(
    port: int,
    path: str,
    size: int,
    *,
    chunked: bool = False,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> int | None:
    """POST (PUT for blobs) ``body``, or ``size`` bytes of filler declared or chunked; the status answered."""
    method = "PUT" if "/blobs/" in path else "POST"
    kind = "application/x-www-form-urlencoded" if path.startswith("/center/") else "application/json"
    lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", f"Content-Type: {kind}"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    if body is not None:
        size = len(body)
    lines.append("Transfer-Encoding: chunked" if chunked else f"Content-Length: {size}")
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        if body is not None:
            _send(sock, body)
            return _answer(sock)
        piece = b"x" * 65536
        sent = 0
        while sent < size:
            part = piece[: size - sent]
            if not _send(sock, b"%x\r\n%s\r\n" % (len(part), part) if chunked else part):
                break
            sent += len(part)
        else:
            if chunked:
                _send(sock, b"0\r\n\r\n")
        return _answer(sock)


# --- the probes -------------------------------------------------------------------------------------------------------


def probe_oversize(server: Center, station: Station, scale: Scale) -> Iterator[Category]:
    declared, chunked = Category("oversize-declared"), Category("oversize-chunked")
    auth = {"Authorization": f"Bearer {station.token}"}
    for route, path in sorted(ROUTES.items()):
        declared.add(route, status_outcome(raw_request(server.port, path, scale.oversize, headers=auth)))
        over = limit_for(path) + 2 * 65536
        chunked.add(route, status_outcome(raw_request(server.port, path, over, chunked=True, headers=auth)))
    yield declared
    yield chunked
    at_once = Category("oversize-concurrent")
    before = server.memory_kib()
    outcomes: list[tuple[str, str]] = []

    def one(path: str, way: bool) -> None:
        size = scale.oversize
        outcomes.append((path, status_outcome(raw_request(server.port, path, size, chunked=way, headers=auth))))

    for way in (False, True):
        for route in ("enroll", "push", "staff-login", "publish"):
            threads = [threading.Thread(target=one, args=(ROUTES[route], way)) for _ in range(scale.concurrent)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(300)
    for path, outcome in outcomes:
        at_once.add(path, outcome)
    after = server.memory_kib()
    at_once.extra = {"rss_growth_mb": round((after["VmRSS"] - before["VmRSS"]) / 1024, 1)}
    yield at_once


@cache
def bomb(coding: str, inflated: int) -> bytes:
    """``inflated`` zeros compressed in ``coding`` at the best ratio."""
    if coding in (encoding.DICT_V1, encoding.DICT_V2):
        squeeze = zlib.compressobj(
            9, zlib.DEFLATED, -zlib.MAX_WBITS, 9, zlib.Z_DEFAULT_STRATEGY, encoding.dictionary(coding)
        )
    else:
        squeeze = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = bytes(MB)
    rest = inflated % MB
    parts = [squeeze.compress(zeros) for _ in range(inflated // MB)]
    return b"".join(parts) + squeeze.compress(bytes(rest)) + squeeze.flush()


def probe_compression(server: Center, station: Station, scale: Scale) -> Iterator[Category]:
    cat = Category("compression-bomb")
    auth = {"Authorization": f"Bearer {station.token}"}
    targets = (
        ("push", scale.bomb),
        ("enroll", min(scale.bomb, 15 * MB)),  # within the enrollment's 16 KB on the wire
        ("blob", min(scale.bomb, 512 * MB)),  # within a chunk's 1 MB + 64 KB on the wire
        ("handshake", min(scale.bomb, 256 * MB)),
    )
    for coding in CODINGS:
        for route, inflated in targets:
            data = bomb(coding, inflated)
            headers = auth | {"Content-Encoding": coding}
            cat.add(
                f"{route} {coding} {inflated // MB} MB",
                status_outcome(raw_request(server.port, ROUTES[route], 0, body=data, headers=headers)),
            )
        truncated = bomb(coding, 4 * MB)[:-40]
        status = raw_request(
            server.port, ROUTES["push"], 0, body=truncated, headers=auth | {"Content-Encoding": coding}
        )
        cat.add(f"push {coding} truncated", status_outcome(status))
    for coding in ("deflate", "br", "gzip, gzip", "identity, gzip", "x" * 300):
        data = bomb(encoding.GZIP, 4 * MB)
        status = raw_request(server.port, ROUTES["push"], 0, body=data, headers=auth | {"Content-Encoding": coding})
        cat.add(f"push {coding[:20]}", status_outcome(status))
    # a staff form never inflates: a gzip body there is a form of garbage
    status = raw_request(
        server.port, ROUTES["staff-login"], 0, body=bomb(encoding.GZIP, 64 * MB), headers={"Content-Encoding": "gzip"}
    )
    cat.add("staff-login gzip", status_outcome(status))
    # controls: a real case in every coding the center offers
    for coding in CODINGS:
        events = station.new_case()
        reply = push(station, events, coding=coding)
        cat.add(f"control push {coding}", _push_outcome(reply, events, expect_refused=False)[0], (ACCEPTED,))
    yield cat


def _push_outcome(reply: requests.Response, events: list[Event], *, expect_refused: bool) -> tuple[str, dict[str, Any]]:
    """One outcome for a batch: refused (4xx, or every event kept refused), accepted (stored, none refused)."""
    if reply.status_code >= 500:
        return SERVER_ERROR, {}
    if reply.status_code >= 400:
        return REFUSED, {}
    body = reply.json()
    refused = {n["event_id"] for n in body.get("refused", [])}
    ids = {e.id for e in events}
    if expect_refused:
        return (REFUSED if ids <= refused else ACCEPTED), body
    return (ACCEPTED if not ids & refused and body["acked_seq"] >= events[-1].seq else REFUSED), body


# event payloads


def valid_value(spec: Spec) -> Any:
    """A value ``spec`` accepts (the least of its kind)."""
    if spec.kind in (Kind.TEXT, Kind.NAME):
        return "甲"
    if spec.kind is Kind.CHOICE:
        return spec.choices[0]
    if spec.kind is Kind.DATE:
        return "2026-11-23"
    if spec.kind is Kind.INT:
        return max(spec.low, 1) if spec.high >= 1 else spec.low
    if spec.kind is Kind.BOOL:
        return True
    if spec.kind is Kind.TEXTS:
        return [spec.choices[0] if spec.choices else "甲"]
    if spec.kind is Kind.OBJECT:
        return minimal_payload(spec.fields)
    if spec.kind is Kind.LIST:
        return [minimal_payload(spec.fields)]
    return {"a": "甲"}


def minimal_payload(specs: tuple[Spec, ...]) -> dict[str, Any]:
    """A payload with only the required fields of ``specs``, each a valid value."""
    return {s.key: valid_value(s) for s in specs if s.required}


def bad_values(spec: Spec) -> list[tuple[str, Any]]:
    """(what, value): the hostile values for one field of ``spec``'s kind."""
    if spec.kind in (Kind.TEXT, Kind.NAME, Kind.CHOICE):
        return [
            ("nul", "城南村\x00三组"),
            ("control", "城南\x1b[2J"),
            ("del", "城南\x7f"),
            ("object", {"a": 1}),
            ("number", 5),
            ("list", [1]),
            ("oversize", "张" * 100_000),
        ]
    if spec.kind is Kind.DATE:
        return [("ancient", "0001-01-01"), ("far", "2999-01-01"), ("garbage", "23/11/2026"), ("number", 20261123)]
    if spec.kind is Kind.INT:
        return [("text", "5"), ("huge", 2**62), ("negative", -1), ("float", 1.5)]
    if spec.kind is Kind.BOOL:
        return [("text", "是"), ("number", 2)]
    if spec.kind in (Kind.TEXTS, Kind.LIST):
        return [("text", "身份证"), ("ints", [1, 2]), ("object", {"a": 1}), ("nul", ["\x00"]), ("many", ["甲"] * 5000)]
    if spec.kind is Kind.OBJECT:
        return [("text", "字符串"), ("list", [1]), ("nul", {"a": "\x00"})]
    return [("nul", {"a": "\x00"}), ("control", ["\x1b"]), ("deep", _deep(64))]


def _deep(depth: int) -> Any:
    value: Any = "甲"
    for _ in range(depth):
        value = [value]
    return value


def variants(event_type: str, fields_per_type: int | None) -> list[tuple[str, dict[str, Any]]]:
    """(field path, payload) with one hostile value each, the rest valid."""
    specs = SCHEMAS[event_type]
    base = minimal_payload(specs)
    out: list[tuple[str, dict[str, Any]]] = []
    chosen = specs if fields_per_type is None else specs[:fields_per_type]
    if fields_per_type is not None:  # the small run still reaches one nested field
        chosen = chosen + tuple(s for s in specs if s.kind is Kind.OBJECT)[:1]
    for spec in chosen:
        for what, value in bad_values(spec):
            out.append((f"{spec.key}:{what}", {**base, spec.key: value}))
        if spec.kind is Kind.OBJECT:
            inner_specs = spec.fields if fields_per_type is None else spec.fields[:fields_per_type]
            for inner in inner_specs:
                for what, value in bad_values(inner):
                    payload = {**base, spec.key: {**minimal_payload(spec.fields), inner.key: value}}
                    out.append((f"{spec.key}.{inner.key}:{what}", payload))
    return out


def probe_fields(server: Center, station: Station, scale: Scale) -> Iterator[Category]:
    cat = Category("event-fields")
    named = field_probes = 0
    for event_type in STATION_TYPES:
        probes = variants(event_type, scale.fields_per_type)
        field_probes += len(probes)
        start = len(station.events)
        events = [station.add(event_type, payload) for _path, payload in probes]
        reply = push(station, events)
        if reply.status_code >= 400:  # nothing stored: the chain goes on from before the batch
            del station.events[start:]
            for path, _payload in probes:
                cat.add(f"{event_type} {path}", status_outcome(reply.status_code))
            continue
        notes = {n["event_id"]: n for n in reply.json().get("refused", [])}
        for event, (path, _payload) in zip(events, probes, strict=True):
            note = notes.get(event.id)
            cat.add(f"{event_type} {path}", REFUSED if note else ACCEPTED)
            if note and (note.get("field") or "").startswith("payload." + path.split(":")[0]):
                named += 1
    # the event's own fields
    own = (
        ("actor nul", {"actor": "李\x00代办"}),
        ("actor oversize", {"actor": "李" * 5000}),
        ("occurred_at garbage", {"occurred_at": "yesterday"}),
        ("occurred_at ancient", {"occurred_at": "0001-01-01T00:00:00+08:00"}),
        ("type unknown", {"type": "case.nonsense"}),
        ("type nul", {"type": "case.\x00"}),
    )
    for name, change in own:
        cat.add(name, _push_one(station, station.event("case.withdraw", {"case_id": str(uuid.uuid4())}), change))
    # a payload that is not an object
    for name, payload in (("payload a list", [1, 2]), ("payload a text", "甲"), ("payload null", None)):
        cat.add(name, _push_one(station, station.event("case.withdraw", {}), {"payload": payload}))
    # lone surrogates: no station can hash them, so the whole batch is refused (422) and nothing is stored
    types = STATION_TYPES if scale.surrogate_types is None else STATION_TYPES[: scale.surrogate_types]
    for event_type in types:
        for spec in SCHEMAS[event_type]:
            if spec.kind not in (Kind.TEXT, Kind.NAME) or spec.key == "case_id":
                continue
            event = station.event(event_type, minimal_payload(SCHEMAS[event_type]))
            body = _batch(station, [event])
            body["events"][0]["payload"] = {**minimal_payload(SCHEMAS[event_type]), spec.key: "城南\ud800"}
            reply = push_raw(station, json.dumps(body, ensure_ascii=True).encode("ascii"))
            cat.add(f"{event_type} {spec.key}:surrogate", status_outcome(reply.status_code))
    # the control: the station's next real case goes through after all of the above
    events = station.new_case()
    cat.add(
        "control: next case after the refused ones",
        _push_outcome(push(station, events), events, expect_refused=False)[0],
        (ACCEPTED,),
    )
    cat.extra = {
        "field_probes": field_probes,
        "refusal_named_the_field": named,
        "cases_stored": _cases(server, station.station_id),
    }
    yield cat


def _push_one(station: Station, event: Event, change: dict[str, Any]) -> str:
    """Push ``event`` with ``change`` (resealed: the hash is right, the content is not); it stays in the
    station's chain only when the center kept it (refused)."""
    event = replace(event, **change).sealed()
    station.events.append(event)
    outcome, _ = _push_outcome(push(station, [event], coding=encoding.GZIP), [event], expect_refused=True)
    if not _kept(station, event):
        station.events.pop()
    return outcome


def _kept(station: Station, event: Event) -> bool:
    """Whether the center holds ``event`` in the chain (kept refused): the station's chain goes on after it."""
    digest = station.client.digest()
    return digest.last_seq >= event.seq


def _batch(station: Station, events: list[Event] | list[dict[str, Any]]) -> dict[str, Any]:
    wire = [e.to_dict() if isinstance(e, Event) else e for e in events]
    return {"batch_id": str(uuid.uuid4()), "station_id": station.station_id, "events": wire}


def _cases(server: Center, station_id: str) -> int:
    engine = sa.create_engine(server.database_url)
    try:
        with engine.connect() as conn:
            query = sa.text("SELECT count(*) FROM cases WHERE station_id = :s")
            return int(conn.execute(query, {"s": station_id}).scalar_one())
    finally:
        engine.dispose()


def probe_protocol(server: Center, station: Station, scale: Scale) -> Iterator[Category]:
    cat = Category("protocol-version")
    for version in GARBAGE_VERSIONS:
        headers = station.headers() | {"X-Protocol-Version": version}
        for method, path in (
            ("GET", "/sync/digest"),
            ("POST", "/enroll"),
            ("POST", "/sync/push"),
            ("GET", "/blobs/" + "0" * 64),
        ):
            reply = requests.request(
                method,
                station.api + path,
                headers={k: v.encode() for k, v in headers.items()},
                json={},
                timeout=10,
            )
            cat.add(f"{path} {version}", status_outcome(reply.status_code))
        body = {"protocol_version": version, "app_version": "0.1.0"}
        reply = requests.post(station.api + "/sync/handshake", json=body, timeout=10)
        cat.add(f"handshake body {version}", status_outcome(reply.status_code))
    reply = requests.post(
        station.api + "/sync/handshake", json={"protocol_version": 11, "app_version": "x"}, timeout=10
    )
    cat.add("handshake body a number", status_outcome(reply.status_code))
    reply = requests.get(station.api + "/sync/digest", headers=station.headers(), timeout=10)
    cat.add("control 1.1", status_outcome(reply.status_code), (ACCEPTED,))
    yield cat


def probe_enrollment(server: Center, scale: Scale) -> Iterator[Category]:
    cat = Category("enrollment")
    url = server.url + "/api/v1/enroll"
    station_code = f"Z{uuid.uuid4().hex[:8].upper()}"

    def wrong(n: int) -> int:
        body = {"code": f"WRONG-{n:06d}", "station_code": station_code}
        return requests.post(url, json=body, headers={"X-Forwarded-For": "10.9.0.1"}, timeout=60).status_code

    with ThreadPoolExecutor(max_workers=scale.burst) as pool:
        statuses = list(pool.map(wrong, range(scale.burst)))
    for n, status in enumerate(statuses):
        cat.add(f"wrong code {n}", status_outcome(status))
    malformed: list[tuple[str, bytes]] = [
        ("code a number", json.dumps({"code": 12345}).encode()),
        ("code nul", json.dumps({"code": "ABC\x00DEF"}).encode()),
        ("code surrogate", b'{"code": "AB\\ud800"}'),
        ("code 10k", json.dumps({"code": "A" * 10_000}).encode()),
        ("station_code control", json.dumps({"code": "A", "station_code": "C\x1bS"}).encode()),
        ("name oversize", json.dumps({"code": "A", "name": "名" * 5000}).encode()),
        ("station_id not a uuid", json.dumps({"code": "A", "station_id": "../../etc"}).encode()),
        ("a list", b"[1, 2, 3]"),
        ("not json", b"code=A"),
        ("deep json", b"[" * 5000 + b"]" * 5000),
        ("no body", b""),
    ]
    for n, (name, body) in enumerate(malformed):
        headers = {"Content-Type": "application/json", "X-Forwarded-For": f"10.9.1.{n + 1}"}
        cat.add(name, status_outcome(requests.post(url, data=body, headers=headers, timeout=30).status_code))
    statuses_429 = statuses.count(429)
    station = enroll(server)  # the control: a correct code from another address still works
    cat.add("control: correct code", ACCEPTED if station.token else REFUSED, (ACCEPTED,))
    cat.extra = {"burst_429": statuses_429, "burst_400": statuses.count(400)}
    yield cat


def probe_cross_station(server: Center, mine: Station, other: Station, scale: Scale) -> Iterator[Category]:
    cat = Category("cross-station")
    theirs = other.new_case()
    cat.add("control: their own push", _push_outcome(push(other, theirs), theirs, expect_refused=False)[0], (ACCEPTED,))
    scan = os.urandom(5000)
    other.client.upload_blob(scan)
    sha = hashlib.sha256(scan).hexdigest()
    cat.add("their events with my token", status_outcome(push(mine, theirs).status_code))
    body = json.dumps(_batch(other, theirs)).encode()
    cat.add("their station id in my batch", status_outcome(push_raw(mine, body).status_code))
    cat.add(
        "their scan with my token",
        status_outcome(
            requests.get(f"{server.url}/api/v1/blobs/{sha}", headers=mine.headers(), timeout=10).status_code
        ),
    )
    token_hash = _token_hash(server, other.station_id)
    for name, auth in (
        ("no token", {}),
        ("forged token", {"Authorization": "Bearer dbt_forged"}),
        ("token hash from the database", {"Authorization": f"Bearer {token_hash}"}),
        ("not a bearer", {"Authorization": f"Basic {other.token}"}),
    ):
        reply = requests.post(
            server.url + "/api/v1/sync/push", data=body, headers=auth | {"Content-Type": "application/json"}, timeout=10
        )
        cat.add(f"push, {name}", status_outcome(reply.status_code))
        reply = requests.get(server.url + "/api/v1/sync/events", headers=auth, timeout=10)
        cat.add(f"events, {name}", status_outcome(reply.status_code))
    seen = {e.id for e in mine.client.iter_events()}
    cat.add("control: my events only", ACCEPTED if not seen & {e.id for e in theirs} else REFUSED, (ACCEPTED,))
    yield cat


def _token_hash(server: Center, station_id: str) -> str:
    """What anyone holding a copy of the center's database reads."""
    engine = sa.create_engine(server.database_url)
    try:
        with engine.connect() as conn:
            query = sa.text("SELECT token_hash FROM tokens WHERE station_id = :s AND revoked_at IS NULL")
            return str(conn.execute(query, {"s": station_id}).scalar_one())
    finally:
        engine.dispose()


def probe_replay(server: Center, station: Station, scale: Scale) -> Iterator[Category]:
    """Replays: an identical batch is acknowledged as duplicates, storing nothing (counted refused); anything
    else under a known sequence number or event id is a 409."""
    cat = Category("replay")
    events = station.new_case()
    batch = str(uuid.uuid4())
    cat.add(
        "control: the batch",
        _push_outcome(push(station, events, batch=batch), events, expect_refused=False)[0],
        (ACCEPTED,),
    )
    for name, reply in (
        ("same batch", push(station, events, batch=batch)),
        ("same events, new batch", push(station, events)),
    ):
        stored = reply.status_code == 200 and reply.json()["accepted"] > 0
        cat.add(name, SERVER_ERROR if reply.status_code >= 500 else ACCEPTED if stored else REFUSED)
    last = events[-1]
    other_id = replace(last, id=str(uuid.uuid4())).sealed()
    cat.add("same seq, another id", status_outcome(push(station, [other_id]).status_code))
    other_content = replace(last, actor="王五").sealed()
    cat.add("same id, other content", status_outcome(push(station, [other_content]).status_code))
    yield cat


def probe_tampered(server: Center, station: Station, scale: Scale) -> Iterator[Category]:
    cat = Category("tampered-chain")
    case_id = str(uuid.uuid4())
    seq = len(station.events) + 1
    first = station.event("case.registered", registered_payload(case_id, f"CS01-20261123-{seq:04d}"))
    second = station.event(
        "case.accept",
        {"case_id": case_id, "accepted_on": "2026-11-23", "due_on": "2026-11-30"},
        seq=seq + 1,
        prev=first.hash,
    )
    good = [first, second]
    for coding in (encoding.DICT_V2, encoding.GZIP):
        changed = [first, replace(second, payload={**second.payload, "due_on": "2027-01-01"})]
        cat.add(
            f"payload changed, old hash ({coding})", status_outcome(push(station, changed, coding=coding).status_code)
        )
        forged_head = [first, replace(second, hash="e" * 64)]
        cat.add(f"forged head hash ({coding})", status_outcome(push(station, forged_head, coding=coding).status_code))
    broken = [first, replace(second, prev_hash="0" * 64).sealed()]
    cat.add("broken link", status_outcome(push(station, broken, coding=encoding.GZIP).status_code))
    wrong_start = replace(first, prev_hash="f" * 64).sealed()
    cat.add("wrong start of chain", status_outcome(push(station, [wrong_start], coding=encoding.GZIP).status_code))
    gap = replace(first, seq=seq + 5).sealed()
    cat.add("gap", status_outcome(push(station, [gap]).status_code))
    for name, bad_seq in (("seq 0", 0), ("seq negative", -3), ("seq huge", 2**62)):
        event = replace(first, seq=bad_seq).sealed()
        cat.add(name, status_outcome(push(station, [event], coding=encoding.GZIP).status_code))
    raw = [{**first.to_dict(), "hash": "zz"}]
    cat.add("hash not hex", status_outcome(push_raw(station, json.dumps(_batch(station, raw)).encode()).status_code))
    foreign = replace(first, station_id=str(uuid.uuid4())).sealed()
    body = _batch(station, [foreign])
    cat.add(
        "another station's id on an event", status_outcome(push_raw(station, json.dumps(body).encode()).status_code)
    )
    center_move = replace(station.event("case.center_complete", {"case_id": case_id}), origin="center").sealed()
    station.events.append(center_move)
    outcome, _ = _push_outcome(push(station, [center_move]), [center_move], expect_refused=True)
    if not _kept(station, center_move):
        station.events.pop()
    cat.add("a center event authored by the station", outcome)
    if station.events and station.events[-1] is center_move:  # kept refused: the good events follow it
        seq = len(station.events) + 1
        first = station.event("case.registered", registered_payload(case_id, f"CS01-20261123-{seq:04d}"))
        second = station.event("case.accept", dict(second.payload), seq=seq + 1, prev=first.hash)
        good = [first, second]
    station.events.extend(good)
    cat.add("control: the true chain", _push_outcome(push(station, good), good, expect_refused=False)[0], (ACCEPTED,))
    yield cat


# USB transfer files


def _zip_bomb(station_id: str, direction: str, signer: Signer, inflated: int, *, declared: int | None) -> bytes:
    """A signed manifest naming a ``inflated``-byte events member; ``declared``: the size the manifest and the
    zip's directory claim instead (a lie), None for the honest size."""
    size = inflated if declared is None else declared
    signed = _signed(manifest(station_id, direction, {"events.jsonl": (size, "0" * 64)}), signer)
    return zip_bomb(signed, inflated, declared=declared)


def _signed(made: bytes, signer: Signer) -> list[tuple[str, bytes]]:
    return [("manifest.json", made), ("manifest.sig", transfer._signature_file(made, signer).encode())]


def _names(station_id: str, direction: str, signer: Signer, *names: str) -> bytes:
    parts = {n: (0, hashlib.sha256(b"").hexdigest()) for n in names}
    return zip_of([*_signed(manifest(station_id, direction, parts), signer), *((n, b"") for n in names)])


def hostile_files(
    station_id: str, direction: str, signer: Signer, genuine: bytes, inflated: int
) -> dict[str, Callable[[], bytes]]:
    unsigned = Signer(b"not-the-key")
    return {
        "zip bomb, unsigned": lambda: _zip_bomb(station_id, direction, unsigned, inflated, declared=None),
        "zip bomb, signed, honest size": lambda: _zip_bomb(station_id, direction, signer, inflated, declared=None),
        "zip bomb, signed, lying size": lambda: _zip_bomb(station_id, direction, signer, inflated, declared=100),
        "manifest bomb": lambda: zip_of([("manifest.json", bytes(64 * MB)), ("manifest.sig", b"0")]),
        "empty": lambda: b"",
        "not a zip": lambda: "你好，这不是传输文件".encode(),
        "truncated": lambda: genuine[: len(genuine) // 2],
        "appended": lambda: genuine + b"tail",
        "10,001 members": lambda: zip_of([(f"blobs/{i:064x}", b"") for i in range(10_001)], zipfile.ZIP_STORED),
        "dot-dot name": lambda: _names(station_id, direction, signer, "events.jsonl", "../events.jsonl"),
        "absolute name": lambda: _names(station_id, direction, signer, "events.jsonl", "/etc/passwd"),
        "duplicate name": lambda: _names(station_id, direction, signer, "events.jsonl", "events.jsonl"),
        "deep json manifest": lambda: zip_of([("manifest.json", b"[" * 100_000), ("manifest.sig", b"0")]),
    }


def _flips(data: bytes, count: int) -> Iterator[tuple[int, bytes]]:
    """``count`` copies of ``data``, each with one bit flipped, spread evenly over the file."""
    for n in range(count):
        at = (n * len(data)) // count + n % 7
        flipped = bytearray(data)
        flipped[min(at, len(data) - 1)] ^= 0x01 << (n % 8)
        yield at, bytes(flipped)


def probe_transfer_center(server: Center, station: Station, scale: Scale, folder: Path) -> Iterator[Category]:
    """``python -m sync.server import-file`` of hostile station files: exit 1 with a Chinese message, never a
    traceback; the command's peak RSS."""
    cat = Category("transfer-center")
    key = Ed25519PrivateKey.generate()
    station.client.handshake(station.station_id, signing_public_key=public_key_hex(key))
    station.new_case()
    genuine = export_unsent(
        station_id=station.station_id, token=station.token, events=station.events, created_at=MADE_AT, private_key=key
    )
    path = folder / "station.dbt"
    peaks: list[int] = []

    def run(name: str, data: bytes, expect: tuple[str, ...] = (REFUSED,), *, fresh: bool = False) -> None:
        path.write_bytes(data)
        code, out, err, peak = server.cli("import-file", str(path))
        crashed = "Traceback" in err or code not in (0, 1)
        outcome = SERVER_ERROR if crashed else REFUSED if code == 1 else ACCEPTED
        if outcome == ACCEPTED and not fresh and "新增0条" not in out:
            cat.unexpected.append(f"{name}: stored events ({out.strip()})")
        cat.add(name, outcome, expect)
        peaks.append(peak)

    run("control: the genuine file", genuine, (ACCEPTED,), fresh=True)
    baseline = peaks[-1]
    signer = Signer(transfer.signing_key(station.token), key)
    files = hostile_files(station.station_id, STATION_TO_CENTER, signer, genuine, scale.transfer_bomb)
    names = sorted(files)[: scale.hostile_files] if scale.hostile_files else sorted(files)
    names = list(dict.fromkeys(["zip bomb, signed, lying size", *names]))
    for name in names:
        run(name, files[name]())
    # forged from a copy of the center's database: the HMAC key is the stored token hash
    station_next = station.event("case.withdraw", {"case_id": str(uuid.uuid4()), "reason": "伪造"})
    forged = transfer.write_transfer(
        direction=STATION_TO_CENTER,
        station_id=station.station_id,
        events=[*station.events, station_next],
        key=bytes.fromhex(_token_hash(server, station.station_id)),
        created_at=MADE_AT,
    )
    run("forged from a copy of the center database", forged)
    other_key = Signer(transfer.signing_key(station.token), Ed25519PrivateKey.generate())
    run(
        "signed by another key",
        transfer.write_transfer(
            direction=STATION_TO_CENTER,
            station_id=station.station_id,
            events=[*station.events, station_next],
            key=other_key,
            created_at=MADE_AT,
        ),
    )
    for at, flipped in _flips(genuine, scale.flips):
        run(f"bit flip at {at}", flipped, (REFUSED, ACCEPTED))
    cat.extra = {"import_peak_mb": round(max(peaks) / 1024, 1), "genuine_import_peak_mb": round(baseline / 1024, 1)}
    yield cat


def probe_transfer_station(server: Center, station: Station, scale: Scale, folder: Path) -> Iterator[Category]:
    """The station's ``read_center_file`` of hostile return files: ``TransferFileError``, never another error."""
    cat = Category("transfer-station")
    out = folder / "center.dbt"
    code, _, err, _ = server.cli("export-file", "--station-id", station.station_id, "--out", str(out))
    if code != 0:
        raise RuntimeError(f"export-file failed: {err}")
    genuine = out.read_bytes()
    public = public_key_from_hex(station.client.center_signing_key)

    def read(data: bytes) -> list[Event]:
        return read_center_file(data, station_id=station.station_id, token=station.token, center_key=public)

    good = read(genuine)
    cat.add("control: the genuine file", ACCEPTED, (ACCEPTED,))

    def run(name: str, data: bytes, expect: tuple[str, ...] = (REFUSED,)) -> None:
        try:
            events = read(data)
        except TransferFileError:
            outcome = REFUSED
        except Exception:  # noqa: BLE001 - anything but TransferFileError is what the probe looks for
            outcome = SERVER_ERROR
        else:
            outcome = ACCEPTED
            if events != good:
                cat.unexpected.append(f"{name}: read other contents")
        cat.add(name, outcome, expect)

    hmac_only = Signer(transfer.signing_key(station.token))
    as_center = Signer(hmac_only.hmac_key, center_key(Path(server.env["DAIBANTONG_SIGNING_KEY_FILE"])))
    files = hostile_files(station.station_id, CENTER_TO_STATION, as_center, genuine, scale.transfer_bomb)
    names = sorted(files)[: scale.hostile_files] if scale.hostile_files else sorted(files)
    for name in dict.fromkeys(["zip bomb, signed, lying size", *names]):
        run(name, files[name]())
    forged = transfer.write_transfer(
        direction=CENTER_TO_STATION, station_id=station.station_id, events=good, key=hmac_only, created_at=MADE_AT
    )
    run("a center decision forged by the station (HMAC)", forged)
    for at, flipped in _flips(genuine, scale.flips):
        run(f"bit flip at {at}", flipped, (REFUSED, ACCEPTED))
    yield cat


# --- the run --------------------------------------------------------------------------------------------------------


@dataclass
class Report:
    backend: str
    categories: list[Category]
    memory_before: dict[str, int]
    memory_after: dict[str, int]
    tracebacks: int

    @property
    def errors(self) -> int:
        return sum(c.errors for c in self.categories)


def probe_run(backend: str, scale: Scale = FULL) -> Report:
    """Every category against a fresh center on ``backend`` ("sqlite" or "postgresql"); the server's peak
    memory (VmHWM) is noted after each category (``server_peak_mb``)."""
    with center(backend) as server, tempfile.TemporaryDirectory(prefix="bench_hostile_files_") as tmp:
        main, other, fields, files = (enroll(server) for _ in range(4))
        before = server.memory_kib()
        runs: list[Iterator[Category]] = [
            probe_oversize(server, main, scale),
            probe_compression(server, main, scale),
            probe_fields(server, fields, scale),
            probe_protocol(server, main, scale),
            probe_cross_station(server, main, other, scale),
            probe_replay(server, main, scale),
            probe_tampered(server, main, scale),
            probe_transfer_center(server, files, scale, Path(tmp)),
            probe_transfer_station(server, files, scale, Path(tmp)),
            probe_enrollment(server, scale),  # last: it throttles an address
        ]
        categories: list[Category] = []
        for probes in runs:
            for category in probes:  # each generator runs its probes as it is iterated
                category.extra["server_peak_mb"] = round(server.memory_kib()["VmHWM"] / 1024, 1)
                categories.append(category)
        after = server.memory_kib()
        return Report(backend, categories, before, after, server.tracebacks())


def backends() -> list[str]:
    return ["sqlite", "postgresql"] if postgres_available() else ["sqlite"]


def run() -> Iterator[dict[str, Any]]:
    for backend in backends():
        report = probe_run(backend)
        for cat in report.categories:
            yield figure(
                f"hostile_{cat.name}_500s",
                cat.errors,
                "responses",
                0,
                db=backend,
                tried=cat.tried,
                refused=cat.refused,
                accepted=cat.accepted,
                unexpected=cat.unexpected,
                **cat.extra,
            )
        yield figure(
            "hostile_server_peak_rss_mb",
            report.memory_after["VmHWM"] / 1024,
            "MB",
            None,
            db=backend,
            peak_before_mb=round(report.memory_before["VmHWM"] / 1024, 1),
            rss_before_mb=round(report.memory_before["VmRSS"] / 1024, 1),
            rss_after_mb=round(report.memory_after["VmRSS"] / 1024, 1),
            probes=sum(c.tried for c in report.categories),
            server_500s=report.errors,
            tracebacks_in_log=report.tracebacks,
        )


def markdown(report: Report) -> str:
    lines = [
        f"**{report.backend}**",
        "",
        "| category | tried | refused | accepted | 500s | not as expected | notes |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for c in report.categories:
        notes = ", ".join(f"{k} {v}" for k, v in c.extra.items())
        lines.append(
            f"| {c.name} | {c.tried} | {c.refused} | {c.accepted} | {c.errors} | {len(c.unexpected)} | {notes} |"
        )
    total = report.categories
    lines.append(
        f"| **all** | {sum(c.tried for c in total)} | {sum(c.refused for c in total)} | "
        f"{sum(c.accepted for c in total)} | {report.errors} | {sum(len(c.unexpected) for c in total)} | |"
    )
    b, a = report.memory_before, report.memory_after
    lines += [
        "",
        f"Server VmRSS {b['VmRSS'] / 1024:.1f} → {a['VmRSS'] / 1024:.1f} MB, "
        f"VmHWM {b['VmHWM'] / 1024:.1f} → {a['VmHWM'] / 1024:.1f} MB; tracebacks in its log: {report.tracebacks}.",
    ]
    for c in report.categories:
        lines += [f"- {c.name}: {u}" for u in c.unexpected]
    return "\n".join(lines)


if __name__ == "__main__":
    for name in sys.argv[1:] or backends():
        sys.stdout.write(markdown(probe_run(name)) + "\n\n")
        sys.stdout.flush()
