"""A county-year on PostgreSQL, loaded with real events (issue 17; docs/performance.md, 县域一年的真实事件).

``bench.county.load`` fills a throw-away schema: ``BENCH_COUNTY_STATIONS`` stations (600) enrolled through the
enrollment service, ``BENCH_COUNTY_CASES`` cases (190,000) of ``BENCH_COUNTY_YEAR`` (2025), each through its
lifecycle, every event chained, signed where the station has it signed, and stored through ``ingest`` (one push
per station and day) and ``record_center_event``, the projection folded as they go; then the real
``python -m sync.server verify-chains`` must pass (else the benchmark fails). Then, on that database:

* every staff page and the exports, p50/p95 over ``BENCH_COUNTY_REPEAT`` requests (10) after one to warm up, the
  real app in one fresh process (``bench.county_probe``), its clock the morning after the year, logged in as the
  town's director; that process's peak RSS is a worker's that served them all;
* ingest through the real server (``python -m sync.server --workers N``, N = 1, 2, 4):
  ``BENCH_COUNTY_INGEST_STATIONS`` new stations (8) push ``BENCH_COUNTY_INGEST_EVENTS`` events each (1,500) at
  once with the real ``SyncClient`` (``bench_workers._ingest_rate``);
* a burst: ``BENCH_COUNTY_BURST`` stations (1,000), enrolled beforehand, each does a handshake and pushes one
  case (4 events, signed) at the same moment: errors, p50/p95 of one station's exchange, stations per second.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from bench import county, figure, percentile, postgres_schema

REPEAT = int(os.environ.get("BENCH_COUNTY_REPEAT", "10"))
INGEST_STATIONS = int(os.environ.get("BENCH_COUNTY_INGEST_STATIONS", "8"))
INGEST_EVENTS = int(os.environ.get("BENCH_COUNTY_INGEST_EVENTS", "1500"))
BURST = int(os.environ.get("BENCH_COUNTY_BURST", "1000"))
WORKERS = tuple(int(n) for n in os.environ.get("BENCH_COUNTY_WORKERS", "1,2,4").split(","))
#: The county targets (issue 17): a staff page's p95 300 ms, a year's PDF 5 s and Excel 3 s, a worker 400 MB.
TARGET_MS = {"review_pdf_year": 5000.0, "review_xlsx_year": 3000.0}
PAGE_TARGET_MS = 300.0
TARGET_MB = 400.0


def pages(url: str, probe: dict[str, str], year: int, repeat: int = REPEAT) -> list[dict[str, Any]]:
    """Every page's timings from one fresh serving process (``county_probe``); the last line is its RSS."""
    argv = [sys.executable, "-m", "bench.county_probe", url, county.now_of(year).isoformat(), str(year)]
    argv += [str(repeat), json.dumps(probe, ensure_ascii=False)]
    env = {**os.environ, "PYTHONPATH": str(county.ROOT)}
    done = subprocess.run(argv, env=env, cwd=county.ROOT, capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"county_probe: {done.stdout[-1000:]} {done.stderr[-2000:]}")
    return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]


def burst(url: str, database_url: str, count: int) -> dict[str, float]:
    """``count`` enrolled stations, each a handshake and a push of one case (4 events), all released at once."""
    import requests

    from bench.bench_sync import typical_case
    from sync.client.client import SyncClient
    from sync.client.errors import SyncError
    from sync.domain.events import GENESIS_HASH
    from sync.server.core.db import make_engine, make_sessionmaker

    engine = make_engine(database_url)
    with make_sessionmaker(engine)() as session, session.begin():
        stations = county.enroll_stations(session, count, random.Random(count), prefix="B")
    engine.dispose()
    loads = [
        (SyncClient(url, token=s.token), s.id, typical_case(s.id, 1, GENESIS_HASH, n)) for n, s in enumerate(stations)
    ]
    barrier = threading.Barrier(count + 1)

    def one(load: tuple[SyncClient, str, Any]) -> float:
        client, station_id, events = load
        barrier.wait()
        start = time.perf_counter()
        try:
            client.handshake(station_id)
            client.push(events)
        except (SyncError, requests.RequestException):
            return -1.0
        return (time.perf_counter() - start) * 1000

    with ThreadPoolExecutor(max_workers=count) as pool:
        results = [pool.submit(one, load) for load in loads]
        barrier.wait()
        start = time.perf_counter()
        times = [r.result() for r in results]
        wall = time.perf_counter() - start
    ok = [t for t in times if t >= 0]
    return {
        "errors": len(times) - len(ok),
        "p50_ms": percentile(ok, 50) if ok else float("nan"),
        "p95_ms": percentile(ok, 95) if ok else float("nan"),
        "wall_s": wall,
        "stations_per_s": len(ok) / wall,
        "events_per_s": 4 * len(ok) / wall,
    }


def measure(
    url: str,
    stats: county.Stats,
    *,
    year: int = county.YEAR,
    repeat: int = REPEAT,
    workers: tuple[int, ...] = WORKERS,
    ingest_stations: int = INGEST_STATIONS,
    ingest_events: int = INGEST_EVENTS,
    burst_size: int = BURST,
) -> Iterator[dict[str, Any]]:
    """The figures of a loaded county at ``url`` (``county.load``'s ``stats``); fails when a chain does not verify."""
    from bench.bench_sync import running_server
    from bench.bench_workers import _ingest_rate

    scale = {"database": "postgresql", "stations": stats.stations, "cases": stats.cases}
    yield figure(
        "county_load_events_per_s",
        stats.events / stats.seconds,
        "events/s",
        None,
        events=stats.events,
        station_events=stats.station_events,
        center_events=stats.center_events,
        pushes=stats.batches,
        seconds=round(stats.seconds),
        by_type=stats.by_type,
        **scale,
    )
    began = time.perf_counter()
    code, report = county.verify_chains(url)
    if code != 0:
        raise RuntimeError(f"verify-chains failed ({code}): {report[-2000:]}")
    yield figure("county_verify_chains_s", time.perf_counter() - began, "s", None, **scale)
    county.settle(url)
    for line in pages(url, stats.probe, year, repeat):
        if line["name"] == "rss":
            yield figure(
                "county_worker_peak_rss_mb", line["peak_mb"], "MB", TARGET_MB, base_mb=line["base_mb"], **scale
            )
            continue
        name = line.pop("name")
        target = TARGET_MS.get(
            name, None if name.startswith(("review_pdf", "review_xlsx", "visit_")) else PAGE_TARGET_MS
        )
        yield figure(f"county_{name}_p95_ms", line.pop("p95_ms"), "ms", target, repeat=repeat, **line, **scale)
    for n in workers:
        rate = _ingest_rate(url, n, ingest_stations, ingest_events)
        yield figure(
            f"county_ingest_events_per_s_workers_{n}",
            rate,
            "events/s",
            None,
            pushing_stations=ingest_stations,
            events_each=ingest_events,
            **scale,
        )
    if burst_size:
        with running_server(url, max(workers)) as server:
            got = burst(server, url, burst_size)
        yield figure(
            "county_burst_errors",
            got.pop("errors"),
            "errors",
            0,
            burst=burst_size,
            workers=max(workers),
            **got,
            **scale,
        )


def run() -> Iterator[dict[str, Any]]:
    with postgres_schema("bench_county") as url:
        if url is None:
            return

        def progress(line: str) -> None:
            sys.stderr.write(line + "\n")

        _stations, stats = county.load(url, progress=progress)
        yield from measure(url, stats)
