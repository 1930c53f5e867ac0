"""``python -m bench bench_sync`` starts with what a push costs on the wire; its first figures need no server.

Bytes, not seconds: the same for the same code on any machine, so they may be checked here. The benchmark
once failed at its first line (its client was refused an http address), which no test noticed.
"""

from __future__ import annotations

from itertools import islice

from bench import bench_sync


def test_the_sync_benchmark_starts_and_a_case_stays_within_its_wire_target() -> None:
    figures = list(islice(bench_sync.run(), 3))
    assert [f["name"] for f in figures] == [
        "sync_wire_bytes_per_case",
        "sync_wire_bytes_per_case_in_day_batch",
        "sync_wire_bytes_per_case_5_signatures",
    ]
    for f in figures:
        assert 0 < f["value"] <= f["target"], f
