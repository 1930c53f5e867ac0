"""The county-year benchmark (``bench.bench_county``) at a small scale: real events load, chains verify, every page
answers. Timings are printed by the benchmark, never asserted here (docs/performance.md, 县域一年的真实事件)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from bench import bench_county, county, postgres_schema
from bench.county_probe import pages
from sync.server.core.db import make_engine
from sync.server.core.models import CaseRow, CenterEventRow, EventRow, StationRow
from tests.conftest import require_postgres

#: The kinds of step 80 cases reach (the rarer ones, 0.5–1.5 % of cases, show at larger scales).
TYPES = {
    "case.registered",
    "case.handover",
    "case.request_correction",
    "case.accept",
    "case.deliver",
    "case.center_handover_received",
    "case.center_accept",
    "case.center_complete",
    "case.give_feedback",
    "case.archive",
    "case.answer",
}


@pytest.fixture
def postgres_url() -> Iterator[str]:
    require_postgres()
    with postgres_schema("test_county") as url:
        assert url is not None
        yield url


def _counts(url: str) -> tuple[int, ...]:
    engine = make_engine(url)
    with engine.connect() as conn:
        found = tuple(
            conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
            for table in (StationRow.__table__, CaseRow.__table__, EventRow.__table__, CenterEventRow.__table__)
        )
    engine.dispose()
    return found


def _tamper(url: str) -> None:
    """Change one stored event's actor, as an edit of the database would."""
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.update(EventRow).where(EventRow.seq == 3).values(actor="篡改者"))
    engine.dispose()


def _vacuums_of_events(url: str) -> int:
    engine = make_engine(url)
    with engine.connect() as conn:
        query = "SELECT vacuum_count + autovacuum_count FROM pg_stat_user_tables"
        query += " WHERE schemaname = current_schema() AND relname = 'events'"
        count = int(conn.execute(sa.text(query)).scalar_one())
    engine.dispose()
    return count


def test_a_small_county_loads_verifies_and_every_page_answers(postgres_url: str) -> None:
    stations, stats = county.load(postgres_url, stations=6, cases=80)
    assert len(stations) == 6
    assert set(stats.by_type) >= TYPES, stats.by_type
    assert _counts(postgres_url) == (6, 80, stats.station_events, stats.center_events)
    assert stats.events > 9 * 80  # about 10 events a case, as a county-year's 2 million for 190,000
    assert _vacuums_of_events(postgres_url) >= 11  # once a month after the first, as autovacuum would
    figures = {
        f["name"]: f
        for f in bench_county.measure(
            postgres_url, stats, repeat=1, workers=(1,), ingest_stations=2, ingest_events=100, burst_size=10
        )
    }
    for name, _path, _form in pages(stats.probe, county.YEAR):  # only a 200 gives a figure
        assert f"county_{name}_p95_ms" in figures, name
    assert figures["county_worker_peak_rss_mb"]["value"] > 0
    assert figures["county_ingest_events_per_s_workers_1"]["value"] > 0
    assert figures["county_burst_errors"]["value"] == 0
    # the benchmark fails on a chain that does not verify
    _tamper(postgres_url)
    assert county.verify_chains(postgres_url)[0] == 2
    with pytest.raises(RuntimeError, match="verify-chains"):
        list(bench_county.measure(postgres_url, stats, repeat=1, workers=(), burst_size=0))


def test_the_load_is_the_same_every_time_on_sqlite(tmp_path: Path) -> None:
    """Seeded: the same stations, events and chain heads twice (SQLite, the same real path), stored by this
    process or by two storing workers."""
    heads, events = [], []
    for run, workers in (("a", 1), ("b", 2)):
        url = f"sqlite:///{tmp_path / run}.db"
        _stations, stats = county.load(url, stations=2, cases=20, workers=workers)
        assert county.verify_chains(url)[0] == 0
        assert _counts(url) == (2, 20, stats.station_events, stats.center_events)
        engine = make_engine(url)
        with engine.connect() as conn:
            heads.append(conn.execute(sa.select(StationRow.code, StationRow.head_seq, StationRow.head_hash)).all())
            columns = (EventRow.id, EventRow.hash, EventRow.batch_id, EventRow.received_at)
            events.append(conn.execute(sa.select(*columns).order_by(EventRow.station_id, EventRow.seq)).all())
        engine.dispose()
    assert heads[0] == heads[1]
    assert events[0] == events[1]
    assert all(seq > 0 for _code, seq, _hash in heads[0])
