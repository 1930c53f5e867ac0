"""kill -9 of the station app in the middle of a push: after a restart everything arrives exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from datetime import date
from pathlib import Path

import pytest

from desktop.services.casework.cases import register_case
from desktop.services.context import ServiceContext
from desktop.services.station import require_station
from desktop.services.syncing import center_sync
from desktop.store import event_log
from sync.client import credentials
from sync.domain.clock import FixedClock
from sync.domain.events import chain_digest, verify_chain
from tests.conftest import child_pythonpath
from tests.desktop.conftest import complete_draft
from tests.sync.live_server import (
    ServerHandle,
    row_counts,
)

from .conftest import connect_station

ROOT = Path(__file__).resolve().parents[2]
CASES = 700  # 1,400 events: three batches of at most 500


@pytest.mark.parametrize("kill_after_batches", [1, 2])
def test_station_killed_during_push_loses_and_duplicates_nothing(
    server: ServerHandle, tmp_path: Path, kill_after_batches: int
) -> None:
    code = f"K{uuid.uuid4().hex[:6].upper()}"
    data_dir = tmp_path / "station"
    ctx = ServiceContext.open(data_dir, FixedClock.on(date(2026, 11, 23)))
    connect_station(ctx, server, code, "河口村", "郑代办")
    for i in range(CASES):
        register_case(ctx, complete_draft(ctx, applicant_name=f"村民{i}"))
    token = credentials.load_token(require_station(ctx).station_id)
    assert token
    ctx.close()

    child = subprocess.Popen(
        [sys.executable, "-m", "tests.e2e.push_child", str(data_dir), server.url, token],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": child_pythonpath()},
    )
    assert child.stdin is not None and child.stdout is not None
    try:
        for batch in range(1, kill_after_batches + 1):
            line = child.stdout.readline()  # the center has acknowledged this batch; the child now waits
            assert line == f"BATCH {500 * batch}\n", line
            if batch < kill_after_batches:
                child.stdin.write("next\n")  # record it and send the next one
                child.stdin.flush()
        # Never told to go on, the child is blocked before recording the last acknowledgement: kill it there.
        child.send_signal(signal.SIGKILL)
        assert child.wait(10) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(10)
        child.stdin.close()
        child.stdout.close()

    ctx = ServiceContext.open(data_dir, FixedClock.on(date(2026, 11, 23)))
    try:
        station_id = require_station(ctx).station_id
        held = row_counts(server.database_url, station_id)["events"]
        assert held == 500 * kill_after_batches < 2 * CASES  # killed with the push half done
        # The acknowledgements before the last were recorded; the last was lost with the process: resent.
        assert center_sync.status(ctx).pending == 2 * CASES - (held - 500)
        center_sync.sync_now(ctx)
        assert center_sync.status(ctx).pending == 0
        client = center_sync.make_client(ctx)
        remote = list(client.iter_events(0))
        with ctx.db.reading() as session:
            local = list(event_log.iter_events(session))
        assert [e.id for e in remote] == [e.id for e in local]  # each exactly once, in order
        verify_chain(remote)
        digest = client.digest()
        assert (digest.count, digest.hash) == chain_digest(local)
    finally:
        ctx.close()
