"""Nothing lost: a link cut at random byte offsets, and a server killed (-9) mid-batch.

A simulated station keeps recording events and syncing through a proxy that
cuts connections in both directions; afterwards one clean sync must leave
every event on the server exactly once, chains intact, nothing pending.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from sync.client.client import SyncClient
from sync.client.errors import SequenceGap, SyncError
from sync.domain.events import GENESIS_HASH, Event, chain_digest, verify_chain
from sync.server.core.db import make_engine
from sync.server.services.audit import verify_station
from tests.sync.live_server import center_sessions

from .conftest import Station, enroll_station
from .factories import Chain
from .fault_proxy import CuttingProxy
from .live_server import ServerHandle, postgres_schema_url, record_center, row_counts, sqlite_url, start_server

pytestmark = pytest.mark.slow


@dataclass
class StationSim:
    """The station's side of sync: an event log, the acknowledged seq, the pulled center chain."""

    client: SyncClient
    chain: Chain
    acked: int = 0
    center: list[Event] = field(default_factory=list)
    errors: int = 0

    def sync_once(self) -> bool:
        pending = self.chain.events[self.acked :]
        try:
            if pending:
                result = self.client.push_all(pending, batch_size=7)
                self.acked = max(self.acked, result.acked_seq)
            head = self.center[-1].hash if self.center else GENESIS_HASH
            self.center += self.client.pull_events(after=len(self.center), after_hash=head, page=3)
        except SequenceGap as exc:
            self.acked = exc.expected_seq - 1
            self.errors += 1
            return False
        except SyncError:
            self.errors += 1
            return False
        return True


def _assert_exactly_once(sim: StationSim, server: ServerHandle) -> None:
    clean = SyncClient(server.url, token=sim.client.token)
    stored = list(clean.iter_events(page=250))
    assert [e.to_dict() for e in stored] == [e.to_dict() for e in sim.chain.events]
    verify_chain(stored)
    digest = clean.digest()
    assert (digest.count, digest.hash) == chain_digest(sim.chain.events)
    assert row_counts(server.database_url, sim.chain.station_id)["events"] == len(sim.chain.events)
    assert sim.acked == len(sim.chain.events)
    engine = make_engine(server.database_url)
    with center_sessions(engine)() as session, session.begin():
        report = verify_station(session, sim.chain.station_id)  # the stored chains, re-verified row by row
    engine.dispose()
    assert report.ok, report.problems


def test_link_cut_at_random_bytes_loses_nothing(station: Station) -> None:
    proxy = CuttingProxy(station.server.port, seed=5, cut_rate=0.6, max_offset=1200)
    sim = StationSim(SyncClient(proxy.url, token=station.client.token, timeout=(2, 5)), station.chain)
    clean = SyncClient(station.server.url, token=station.client.token)
    rng = random.Random(7)
    delivered: list[tuple[str, int]] = []  # (case id, seq of its deliver event)
    answered: list[Event] = []
    try:
        for round_no in range(200):
            for _ in range(rng.randint(0, 2)):
                case_id = sim.chain.new_case(round_no)
                delivered.append((case_id, len(sim.chain.events)))
            if delivered and rng.random() < 0.3 and delivered[0][1] <= clean.digest().last_seq:
                case_id, _seq = delivered.pop(0)  # the center answers a case that has arrived
                answered.append(
                    record_center(
                        station.server.database_url,
                        station.station_id,
                        "case.center_accept",
                        {"case_id": case_id},
                        "镇窗口",
                    )
                )
            sim.sync_once()
        assert proxy.cuts > 50, f"the proxy should really have cut connections ({proxy.cuts})"
        proxy.enabled = False
        assert sim.sync_once(), "a clean link must sync everything in one go"
    finally:
        proxy.stop()
    _assert_exactly_once(sim, station.server)
    assert answered, "the center should have answered some cases"
    assert [e.to_dict() for e in sim.center] == [e.to_dict() for e in answered]
    verify_chain(sim.center)
    assert sim.errors > 0


@pytest.fixture(params=["sqlite", "postgres"])
def own_server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ServerHandle]:
    """A server of the test's own, since this test kills it."""
    if request.param == "sqlite":
        handle = start_server(sqlite_url(tmp_path))
        yield handle
        handle.stop()
        return
    from tests.conftest import require_postgres

    with postgres_schema_url(require_postgres()) as url:
        handle = start_server(url)
        yield handle
        handle.stop()


def test_server_killed_mid_batch_loses_nothing(own_server: ServerHandle) -> None:
    station = enroll_station(own_server)
    sim = StationSim(SyncClient(own_server.url, token=station.client.token, timeout=(2, 10)), station.chain)
    rng = random.Random(11)
    for kill_no in range(4):
        for n in range(120):  # 360 events: several batches in flight
            sim.chain.new_case(kill_no * 1000 + n)
        worker = threading.Thread(target=lambda: [sim.sync_once() for _ in range(3)])
        worker.start()
        time.sleep(rng.uniform(0.02, 0.25))
        own_server.kill()
        worker.join(60)
        own_server.restart()
    assert sim.errors > 0, "the kills should have interrupted some syncs"
    for _ in range(3):
        if sim.sync_once():
            break
    _assert_exactly_once(sim, own_server)


def test_blob_upload_resumes_through_a_cutting_link(station: Station) -> None:
    import hashlib
    import os

    data = os.urandom(300_000)
    proxy = CuttingProxy(station.server.port, seed=3, cut_rate=0.7, max_offset=40_000, max_offset_down=600)
    client = SyncClient(proxy.url, token=station.client.token, timeout=(2, 5))
    attempts = 0
    try:
        while True:
            attempts += 1
            assert attempts < 200, "the upload should finish"
            try:
                status = client.upload_blob(data, chunk_size=32 * 1024)
            except SyncError:
                continue
            break
    finally:
        proxy.stop()
    assert status.complete and proxy.cuts > 3, (attempts, proxy.cuts)
    assert station.client.fetch_blob(hashlib.sha256(data).hexdigest()) == data
