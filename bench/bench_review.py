"""考核 at a county-year (docs/performance.md, 考核与导出): the review page, its Excel and its PDF for a month
and a year, time and peak memory, on PostgreSQL.

The cases projection is filled directly (``bench_center._fill``: 600 stations, two clerks each, 190,000 cases
over last year, every state, 0.5 % 差评, rated dimensions); each figure is then measured in a fresh process
(``review_probe``) so that its peak RSS is that of a worker that served it. With ``BENCH_BASELINE`` set to
another checkout (``git archive <commit> | tar -x -C /tmp/before``) every figure is measured with that code too,
in turn: before and after side by side on a machine whose speed drifts. That checkout fills a schema of its own
with the same cases, through its own migrations and code (its ``cases`` table as it made it: ``json`` before
0111), and after the figures this code upgrades it, which times the upgrade at that size
(``review_upgrade_s``). ``BENCH_REVIEW_CASES`` and ``BENCH_REVIEW_STATIONS`` change the size.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench import figure, postgres_schema
from bench.bench_center import _fill

CASES = int(os.environ.get("BENCH_REVIEW_CASES", "190000"))
STATIONS = int(os.environ.get("BENCH_REVIEW_STATIONS", "600"))
#: The county targets (issue 17): staff pages 300 ms, a year's PDF 5 s, its Excel 3 s, a worker 400 MB.
TARGETS_MS = {"page": 300.0, "xlsx": 3000.0, "pdf": 5000.0}
TARGET_MB = 400.0
PROBE = Path(__file__).with_name("review_probe.py")
ROOT = Path(__file__).resolve().parent.parent


def _probe(url: str, path: str, repeat: int, tree: Path, now: str) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    argv = [sys.executable, str(PROBE), url, path, str(repeat), now]
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(done.stderr[-2000:])
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    if not result["code"].startswith(str(tree)):
        raise RuntimeError(f"measured {result['code']}, not {tree}")
    return result


def _prepare(url: str, tree: Path, start: datetime) -> None:
    """Fill and settle ``url``'s schema with ``tree``'s code (its migrations, its way of storing a case)."""
    step = (timedelta(days=365) / CASES).total_seconds()
    script = (
        "import sys; from datetime import datetime, timedelta; from bench.bench_center import _fill; "
        "from bench.bench_review import _settle; "
        "_fill(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), datetime.fromisoformat(sys.argv[4]), "
        "timedelta(seconds=float(sys.argv[5]))); _settle(sys.argv[1]); import sync; print(sync.__file__)"
    )
    argv = [sys.executable, "-c", script, url, str(CASES), str(STATIONS), start.isoformat(), repr(step)]
    # cwd: ``-c`` puts the working directory first on the path, before PYTHONPATH
    env = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run(argv, env=env, cwd=tree, capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(done.stderr[-2000:])
    if not done.stdout.strip().splitlines()[-1].startswith(str(tree)):
        raise RuntimeError(f"filled by {done.stdout.strip()}, not {tree}")


def _settle(url: str) -> None:
    """A staff account to log in with; the table vacuumed and analysed as a running center's is (else the first
    figures pay for the hint bits and statistics of the freshly loaded rows)."""
    import sqlalchemy as sa

    from sync.server.core.db import make_engine, make_sessionmaker
    from sync.server.services.staff import create_staff

    engine = make_engine(url)
    with make_sessionmaker(engine)() as session, session.begin():
        create_staff(session, "bench", "测试窗口", "window", "bench-password")
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM ANALYZE cases"))
    engine.dispose()


def run() -> Iterator[dict[str, Any]]:
    trees = {"after": ROOT}
    if os.environ.get("BENCH_BASELINE"):
        trees["before"] = Path(os.environ["BENCH_BASELINE"]).resolve()
    year = datetime.now(UTC).year - 1
    start = datetime(year, 1, 1, tzinfo=UTC)
    with ExitStack() as stack:
        urls = {code: stack.enter_context(postgres_schema("bench_review")) for code in trees}
        if urls["after"] is None:
            return
        _fill(urls["after"], CASES, STATIONS, start, timedelta(days=365) / CASES)
        _settle(urls["after"])
        if "before" in trees:
            _prepare(str(urls["before"]), trees["before"], start)
        extra: dict[str, Any] = {"database": "postgresql", "cases": CASES, "stations": STATIONS}
        now = f"{year + 1}-01-02T10:00:00+08:00"  # the center's clock: the trend's 12 months are the filled year
        figures = [
            (kind, f"{path}?period={period}", repeat, f"review_{kind}_{'year' if label == 'year' else 'month'}")
            for label, period, repeat in ((f"{year}-06", f"{year}-06", 3), ("year", f"{year}", 2))
            for kind, path in (
                ("page", "/center/review"),
                ("xlsx", "/center/review.xlsx"),
                ("pdf", "/center/review.pdf"),
            )
        ] + [("page", "/center/review/trend", 3, "review_trend_page")]
        for kind, path, repeat, name in figures:
            for code, tree in trees.items():
                got = _probe(str(urls[code]), path, repeat, tree, now)
                yield figure(f"{name}_ms", got["ms"], "ms", TARGETS_MS[kind], path=path, code=code, **extra)
                yield figure(
                    f"{name}_peak_rss_mb",
                    got["peak_mb"],
                    "MB",
                    TARGET_MB,
                    base_mb=got["base_mb"],
                    code=code,
                    **extra,
                )
        if "before" in trees:  # this code's migrations over the baseline's database: the upgrade at this size
            from sync.server.core.db import make_engine
            from sync.server.core.migrate import upgrade_head

            engine = make_engine(str(urls["before"]))
            began = time.perf_counter()
            upgrade_head(engine)
            engine.dispose()
            yield figure("review_upgrade_s", time.perf_counter() - began, "s", None, code="after", **extra)


if __name__ == "__main__":
    for line in run():
        sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
