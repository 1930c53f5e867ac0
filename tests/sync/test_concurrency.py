"""Many stations syncing at once: every push succeeds first time, data stays per station."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sync.domain.events import chain_digest

from .conftest import Station, enroll_station
from .live_server import ServerHandle

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
