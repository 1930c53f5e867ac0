"""Kept-alive requests to ``python -m sync.server`` with 1 and 2 workers (docs/performance.md, 服务进程数).

Starts the real server on a temporary SQLite database for each worker count, then sends 200 requests one
after another on one kept-alive connection (``requests.Session``) to ``/api/v1/live`` (no database) and
``/api/v1/health`` (a ``SELECT 1``) and prints the median time of one request. Without ``TCP_NODELAY`` on
the workers' sockets each request waited for the client's delayed ACK: about 40 ms more with 2 workers.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import requests

from bench import figure

ROOT = Path(__file__).resolve().parents[1]
REQUESTS = 200
TARGET_MS = 5.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start(database: Path, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
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
