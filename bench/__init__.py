"""Benchmarks that print figures; see ``python -m bench`` and docs/performance.md."""

from __future__ import annotations

import math
import os
import re
import socket
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

#: The PostgreSQL the benchmarks fill throw-away schemas of (the test database).
POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def registered_payload(case_id: str | None = None, case_no: str = "CS01-20261123-0001") -> dict[str, Any]:
    """A ``case.registered`` payload as a station writes it: 张三's 城乡居民养老保险参保登记, one original (the
    benchmarks' and the tests' one definition, ``tests.sync.factories``)."""
    return {
        "case_id": case_id or str(uuid.uuid4()),
        "case_no": case_no,
        "kind": "agency",
        "case_type": "promised",
        "applicant": {
            "name": "张三",
            "id_number": "11010519491231002X",
            "phone": "13800138000",
            "address": "一组",
            "special_groups": [],
        },
        "item": {"code": "YL001", "name": "城乡居民养老保险参保登记", "department": "镇社保所", "promised_days": 5},
        "materials": [{"name": "身份证", "original": True, "copies": 1, "required": True, "present": True}],
    }


def figure(name: str, value: float, unit: str, target: float | None = None, **extra: Any) -> dict[str, Any]:
    """One result line: ``{"name", "value", "unit", "target"}`` plus any extra context."""
    return {"name": name, "value": round(value, 3), "unit": unit, "target": target, **extra}


def best_ms(fn: Callable[[], object], repeat: int = 5) -> float:
    """Best wall time of ``fn`` over ``repeat`` runs, in milliseconds."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, (time.perf_counter() - start) * 1000)
    return best


def percentile(values: Sequence[float], p: float) -> float:
    """The ``p``-th percentile (0-100) of ``values``, nearest rank: a value that was measured."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def log_in(client: Any, username: str = "bench", password: str = "bench-password") -> str:
    """Log ``client`` (a ``TestClient`` of the center's app) in to the staff pages; returns the CSRF token that
    the pages' forms carry (for ``POST /center/search``)."""
    page = client.get("/center/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token, page.text[-300:]
    client.post("/center/login", data={"username": username, "password": password, "csrf_token": token[1]})
    form = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/center/").text)
    assert form, "not logged in"
    return form[1]


@contextmanager
def postgres_schema(prefix: str = "bench") -> Iterator[str | None]:
    """The URL of a throw-away schema of ``POSTGRES_URL`` (None when PostgreSQL does not answer), dropped after."""
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    schema = f"{prefix}_{uuid.uuid4().hex[:10]}"
    try:
        admin = sa.create_engine(POSTGRES_URL)
        with admin.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    except sa.exc.OperationalError:
        yield None
        return
    try:
        url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def postgres_available() -> bool:
    """Whether ``POSTGRES_URL`` answers."""
    import sqlalchemy as sa

    try:
        engine = sa.create_engine(POSTGRES_URL)
        with engine.connect() as conn:
            conn.execute(sa.text("select 1"))
        engine.dispose()
        return True
    except sa.exc.OperationalError:
        return False


def free_port() -> int:
    """A TCP port of 127.0.0.1 free at the moment (for a server the benchmark starts)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
