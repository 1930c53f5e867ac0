"""Kept-alive requests and ingest of ``python -m sync.server`` by worker count (docs/performance.md, 服务进程数).

Keep-alive: the real server on a temporary SQLite database with 1 and 2 workers; 200 requests one after
another on one kept-alive connection (``requests.Session``) to ``/api/v1/live`` (no database) and
``/api/v1/health`` (a ``SELECT 1``); the median time of one request. Without ``TCP_NODELAY`` on the
workers' sockets each request waited for the client's delayed ACK: about 40 ms more with 2 workers.

Ingest: with 1, 2 and 4 workers on PostgreSQL (SQLite when it does not answer), ``BENCH_WORKERS_STATIONS``
stations (default 4) push ``BENCH_WORKERS_EVENTS`` typical events each (default 2,500, batches of 500)
at once with the real ``SyncClient``; events stored per second over the whole burst.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

import requests

from bench import figure, free_port

ROOT = Path(__file__).resolve().parents[1]
REQUESTS = 200
TARGET_MS = 5.0
STATIONS = int(os.environ.get("BENCH_WORKERS_STATIONS", "4"))
EVENTS = int(os.environ.get("BENCH_WORKERS_EVENTS", "2500"))


def _start(database: Path, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = os.environ | {"DATABASE_URL": f"sqlite:///{database}", "PYTHONPATH": str(ROOT)}
    args = [sys.executable, "-m", "sync.server", "--port", str(port), "--workers", str(workers)]
    process = subprocess.Popen(
        [*args, "--log-level", "warning"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            if requests.get(url + "/api/v1/health", timeout=1).ok:
                return process, url
        except requests.RequestException:
            pass
        time.sleep(0.2)
    process.kill()
    raise RuntimeError("server did not start within 60 s")


def _median_ms(session: requests.Session, url: str) -> float:
    for _ in range(20):  # warm up every worker's imports and the connection
        session.get(url, timeout=10).raise_for_status()
    times = []
    for _ in range(REQUESTS):
        start = time.perf_counter()
        session.get(url, timeout=10).raise_for_status()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _ingest_rate(database_url: str, workers: int, stations: int = STATIONS, events: int = EVENTS) -> float:
    """Events stored per second while ``stations`` stations push ``events`` events each, all at once."""
    from bench.bench_sync import enrolled_client, make_events, running_server

    with running_server(database_url, workers) as url:
        clients = [enrolled_client(url, database_url) for _ in range(stations)]
        loads = [(client, make_events(station_id, events)) for client, station_id in clients]
        barrier = threading.Barrier(stations + 1)

        def push(load: tuple[Any, list[Any]]) -> int:
            client, events = load
            barrier.wait()
            return int(client.push_all(events, batch_size=500).acked_seq)

        with ThreadPoolExecutor(stations) as pool:
            results = [pool.submit(push, load) for load in loads]
            barrier.wait()
            start = time.perf_counter()
            acked = [r.result() for r in results]
            elapsed = time.perf_counter() - start
    assert acked == [events] * stations, acked
    return stations * events / elapsed


def _ingest_database(tmp: str, workers: int) -> AbstractContextManager[str]:
    from bench import postgres_available, postgres_schema

    if postgres_available():
        return postgres_schema("bench_workers")  # type: ignore[return-value]  # it answers: never None
    return nullcontext(f"sqlite:///{Path(tmp) / f'ingest_{workers}.db'}")


def run() -> Iterator[dict[str, Any]]:
    with tempfile.TemporaryDirectory(prefix="bench_workers_") as tmp:
        for workers in (1, 2):
            process, url = _start(Path(tmp) / f"center_{workers}.db", workers)
            try:
                with requests.Session() as session:
                    for path in ("/api/v1/live", "/api/v1/health"):
                        name = f"keepalive_request_{path.rsplit('/', 1)[1]}_workers_{workers}"
                        yield figure(name, _median_ms(session, url + path), "ms", TARGET_MS, requests=REQUESTS)
            finally:
                process.terminate()
                process.wait(30)
        for workers in (1, 2, 4):
            with _ingest_database(tmp, workers) as database_url:
                rate = _ingest_rate(database_url, workers)
            db = database_url.split(":", 1)[0].split("+", 1)[0]
            yield figure(f"ingest_events_per_s_workers_{workers}", rate, "events/s", None, db=db, stations=STATIONS)
