"""kill -9 of a process writing cases: no committed case lost, no half case, the chain verifies.

Where the kill lands is drawn from a seeded generator: ``CRASH_SEED`` (default below) replays a run,
and every failure message names the seed.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from desktop.services.context import ServiceContext
from desktop.store import event_log
from desktop.store.models import CaseRow, EventRow
from sync.domain.clock import FixedClock
from tests.conftest import child_pythonpath

ROOT = Path(__file__).resolve().parents[3]
#: Seed of the kill delays; a round ``r`` draws from ``random.Random(CRASH_SEED + r)``.
CRASH_SEED = int(os.environ.get("CRASH_SEED", "20261123"))


def _run_and_kill(data_dir: Path, cases_before_kill: int, rng: random.Random) -> list[str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.desktop.store.crash_writer", str(data_dir)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": child_pythonpath()},
    )
    assert proc.stdout is not None
    committed: list[str] = []
    try:
        while len(committed) < cases_before_kill:
            line = proc.stdout.readline()
            if not line:
                break
            committed.append(line.strip())
        time.sleep(rng.uniform(0, 0.02))  # land somewhere inside the next transaction
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    return committed


@pytest.mark.slow
@pytest.mark.parametrize("round_", range(3))
def test_kill_minus_nine_while_saving_loses_no_committed_case(tmp_path: Path, round_: int) -> None:
    seed = CRASH_SEED + round_
    replay = f"(CRASH_SEED={CRASH_SEED}, round {round_}: random.Random({seed}))"
    print("kill delays drawn with", replay)  # noqa: T201 - pytest shows it with a failure
    rng = random.Random(seed)
    data_dir = tmp_path / "data"
    committed = _run_and_kill(data_dir, 10 + 7 * round_, rng)
    committed += _run_and_kill(data_dir, 5, rng)  # a second life after the first crash, then killed again
    assert len(committed) >= 15, replay
    ctx = ServiceContext.open(data_dir, FixedClock.on(date(2026, 11, 23)))
    try:
        with ctx.db.reading() as session:
            event_log.verify(session)
            types: dict[str, list[str]] = {}
            for row in session.scalars(select(EventRow).order_by(EventRow.seq)):
                types.setdefault(str(row.case_id), []).append(row.type)
            stored = set(session.scalars(select(CaseRow.case_id)))
        assert set(committed) <= stored, f"a committed case was lost {replay}"
        for case_id in stored:
            assert types[case_id][0] == "case.registered", replay
            assert types[case_id][1] in ("case.accept", "case.request_correction"), f"half a case {replay}"
            assert len(types[case_id]) == 2, replay
        assert set(types) == stored, replay
        before = {c.case_id: c for c in _all_cases(ctx)}
        with ctx.db.transaction() as session:
            assert event_log.rebuild_projection(session) == len(stored), replay
        assert {c.case_id: c for c in _all_cases(ctx)} == before, replay
    finally:
        ctx.close()


def _all_cases(ctx: ServiceContext) -> list:  # type: ignore[type-arg]
    with ctx.db.reading() as session:
        return [event_log.view_from_dict(r.data) for r in session.scalars(select(CaseRow))]
