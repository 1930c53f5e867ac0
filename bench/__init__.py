"""Benchmarks that print figures; see ``python -m bench`` and docs/performance.md."""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable, Sequence
from typing import Any


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
