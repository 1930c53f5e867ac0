"""Many stations syncing at once: every push succeeds first time, data stays per station."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sync.domain.events import chain_digest

from .conftest import Station, enroll_station
from .live_server import ServerHandle, sqlite_url, start_server

STATIONS = 30


def _work(station: Station) -> tuple[int, int]:
    for n in range(3):
        station.chain.new_case(n)
        station.client.push(station.chain.events[-3:])
    station.client.pull()
    digest = station.client.digest()
    return digest.count, int(digest.hash == chain_digest(station.chain.events)[1])


def test_thirty_stations_at_once(live_server: ServerHandle) -> None:
    stations = [enroll_station(live_server) for _ in range(STATIONS)]
    with ThreadPoolExecutor(max_workers=STATIONS) as pool:
        results = list(pool.map(_work, stations))
    assert results == [(9, 1)] * STATIONS


def test_several_worker_processes_share_one_database(tmp_path: Path) -> None:
    server = start_server(sqlite_url(tmp_path), args=["--workers", "2"])
    try:
        stations = [enroll_station(server) for _ in range(10)]
        with ThreadPoolExecutor(max_workers=10) as pool:
            results = list(pool.map(_work, stations))
        assert results == [(9, 1)] * 10
    finally:
        server.stop()
    assert server.process.returncode is not None
