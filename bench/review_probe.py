"""One process, one 考核 request: ``python bench/review_probe.py DATABASE_URL PATH REPEAT [NOW]``.

Run by ``bench_review`` in a fresh process per figure so that the peak RSS is that request's own (a worker that
served it); with ``PYTHONPATH`` set to another checkout it measures that code on the same database. Prints one
JSON line: the best time in ms, the RSS before the first request and the peak RSS, in MB, and where ``sync`` came
from. ``NOW`` (ISO-8601, aware) pins the center's clock: the 12-month trend is of the months before it.
"""

from __future__ import annotations

import json
import re
import resource
import sys
import time


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


def main(argv: list[str]) -> int:
    url, path, repeat = argv[1], argv[2], int(argv[3])
    from datetime import datetime

    from fastapi.testclient import TestClient

    import sync
    from sync.domain.clock import SYSTEM_CLOCK, FixedClock
    from sync.server.core.config import Settings
    from sync.server.main import create_app

    clock = FixedClock(datetime.fromisoformat(argv[4])) if len(argv) > 4 else SYSTEM_CLOCK
    with TestClient(create_app(Settings(database_url=url, clock=clock), migrate=False)) as client:
        page = client.get("/center/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert token
        client.post("/center/login", data={"username": "bench", "password": "bench-password", "csrf_token": token[1]})
        client.get("/center/review?period=2000-01")  # templates, fonts and the session warm, nothing counted
        base = _rss_mb()
        best = float("inf")
        for _ in range(repeat):
            start = time.perf_counter()
            reply = client.get(path)
            best = min(best, (time.perf_counter() - start) * 1000)
            assert reply.status_code == 200, reply.text[-300:]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out = {"ms": round(best, 1), "base_mb": round(base, 1), "peak_mb": round(peak, 1), "bytes": len(reply.content)}
    sys.stdout.write(json.dumps({**out, "code": sync.__file__}) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
