"""Benchmarks that print figures; see ``python -m bench`` and docs/performance.md."""

from __future__ import annotations

import time
from collections.abc import Callable
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
