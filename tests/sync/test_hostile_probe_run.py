"""The hostile-input probe run of ``bench/bench_hostile.py``, scaled down, on SQLite and PostgreSQL (issue 15).

A few probes of every category (oversize bodies, compression bombs, hostile event fields, protocol versions,
wrong enrollment codes, cross-station access, replays, tampered chains, USB transfer files at the center and
at the station) against a real ``python -m sync.server``: no 500 (nor a crashing ``import-file``), every probe
refused or, for the controls, accepted, and no traceback in the server's log. Keeps the benchmark from
rotting; the full run's figures are in docs/security.md ("Probe run").
"""

from __future__ import annotations

import pytest

from bench.bench_hostile import SMALL, markdown, probe_run
from tests.conftest import require_postgres

#: What the scaled-down run may add to the server's peak memory (VmHWM); the full run's figure is documented.
PEAK_GROWTH_BOUND_KIB = 150 * 1024
CATEGORIES = {
    "oversize-declared",
    "oversize-chunked",
    "oversize-concurrent",
    "compression-bomb",
    "event-fields",
    "protocol-version",
    "enrollment",
    "cross-station",
    "replay",
    "tampered-chain",
    "transfer-center",
    "transfer-station",
}


@pytest.mark.timeout(600)
@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_small_probe_run_gets_no_500_and_only_the_expected_answers(backend: str) -> None:
    if backend == "postgresql":
        require_postgres()
    report = probe_run(backend, SMALL)
    table = markdown(report)
    assert {c.name for c in report.categories} == CATEGORIES
    assert all(c.tried > 0 and c.refused > 0 for c in report.categories), table
    assert report.errors == 0, table
    assert [u for c in report.categories for u in c.unexpected] == [], table
    assert report.tracebacks == 0, table
    fields = next(c for c in report.categories if c.name == "event-fields")
    assert fields.extra["cases_stored"] == 1, table  # only the control's case
    growth = report.memory_after["VmHWM"] - report.memory_before["VmHWM"]
    assert growth < PEAK_GROWTH_BOUND_KIB, table
