"""One serving process, every staff page of a loaded county: ``python -m bench.county_probe URL NOW YEAR REPEAT PROBE``.

Run by ``bench_county`` in a fresh process so that the peak RSS is that of a worker that served all of them.
The real app in-process (``fastapi.testclient``: routing, session check, queries, templates), its clock at ``NOW``
(an ISO instant: the morning after the loaded year), logged in as a window clerk; each page once to warm up, then
``REPEAT`` times. Prints one JSON line per page: p50, p95 and max in ms, the bytes of the last answer, and what
the page found ("共N件" when it says); then one line with the RSS before the first page and the peak.
"""

from __future__ import annotations

import json
import re
import resource
import sys
import time
from datetime import datetime
from typing import Any

from bench import log_in, percentile


def pages(probe: dict[str, str], year: int) -> list[tuple[str, str, dict[str, str] | None]]:
    """(figure name, path, form for a POST or None): every staff page a town's staff open, and the exports."""
    station, day = probe["station_id"], probe.get("day", f"{year}-06-30")
    search = {
        "search_case_no_part": probe["case_no"][6:],
        "search_name_part": "秀英",
        "search_full_name": probe["name"],
        "search_full_id_number": probe["id_number"],
        "search_full_phone": probe["phone"],
        "search_station": probe["station_name"],
    }
    return [
        ("work_queue", "/center/", None),
        ("inbox_counts", "/center/inbox/counts", None),
        ("inbox_overdue", "/center/?view=overdue", None),
        ("inbox_due_soon", "/center/?view=due_soon", None),
        ("inbox_done", "/center/?view=done", None),
        ("inbox_all_page_20", "/center/?view=all&page=20", None),
        ("inbox_station", f"/center/?station={station}&view=all", None),
        ("inbox_matter", f"/center/?matter={probe['matter']}&view=all", None),
        ("inbox_clerk", f"/center/?clerk={probe['clerk']}&view=all", None),
        ("inbox_state", "/center/?state=in_progress", None),
        *((name, "/center/search", {"q": text}) for name, text in search.items()),
        ("case_page", f"/center/cases/{probe['case_id']}", None),
        ("deadline_board", "/center/deadlines", None),
        ("stations_page", "/center/stations", None),
        ("visits_page", f"/center/visits?station={station}&day={day}", None),
        ("followups_page", "/center/followups", None),
        ("station_audit_page", "/center/station-audit", None),
        ("review_month", f"/center/review?period={year}-06", None),
        ("review_year", f"/center/review?period={year}", None),
        ("review_trend", f"/center/review/trend?period={year}", None),
        ("visit_receipt_pdf", f"/center/visits/receipt.pdf?station={station}&day={day}", None),
        ("review_xlsx_month", f"/center/review.xlsx?period={year}-06", None),
        ("review_pdf_month", f"/center/review.pdf?period={year}-06", None),
        ("review_xlsx_year", f"/center/review.xlsx?period={year}", None),
        ("review_pdf_year", f"/center/review.pdf?period={year}", None),
    ]


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


def main(argv: list[str]) -> int:
    url, now, year, repeat, probe = argv[1], argv[2], int(argv[3]), int(argv[4]), json.loads(argv[5])
    from fastapi.testclient import TestClient

    from sync.domain.clock import FixedClock
    from sync.server.core.config import Settings
    from sync.server.main import create_app

    settings = Settings(database_url=url, clock=FixedClock(datetime.fromisoformat(now)))
    with TestClient(create_app(settings, migrate=False)) as client:
        csrf = log_in(client)
        base = _rss_mb()
        for name, path, form in pages(probe, year):
            times: list[float] = []
            for n in range(repeat + 1):
                start = time.perf_counter()
                reply = client.get(path) if form is None else client.post(path, data=form | {"csrf_token": csrf})
                if n:  # the first request warms up (templates, the plan cache)
                    times.append((time.perf_counter() - start) * 1000)
                if reply.status_code != 200:
                    raise SystemExit(f"{name} {path}: {reply.status_code} {reply.text[-300:]}")
            found = re.search(r"共(\\d+)件", reply.text) if "text/html" in reply.headers["content-type"] else None
            out: dict[str, Any] = {
                "name": name,
                "path": path,
                "p50_ms": round(percentile(times, 50), 1),
                "p95_ms": round(percentile(times, 95), 1),
                "max_ms": round(max(times), 1),
                "bytes": len(reply.content),
                "status": reply.status_code,
                "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            }
            if found:
                out["found"] = int(found[1])
            sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
            sys.stdout.flush()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    sys.stdout.write(json.dumps({"name": "rss", "base_mb": round(base, 1), "peak_mb": round(peak, 1)}) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
