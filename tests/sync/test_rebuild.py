"""The center's case projection can be rebuilt from its log and comes back the same."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from sync.server.core.db import make_engine
from sync.server.services.rebuild import rebuild_cases
from tests.sync.live_server import center_sessions

from .conftest import Station
from .live_server import record_center


def _cases(database_url: str, station_id: str) -> dict[str, tuple[Any, ...]]:
    engine = sa.create_engine(database_url)
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT case_id, state, data, conflict, center_since_station, arrived_at FROM cases"
                " WHERE station_id = :s ORDER BY case_id"
            ),
            {"s": station_id},
        ).all()
    engine.dispose()
    return {
        r[0]: (r[1], r[2] if isinstance(r[2], dict) else __import__("json").loads(r[2]), r[3], bool(r[4]), r[5])
        for r in rows
    }


def _months(database_url: str, station_id: str) -> list[tuple[Any, ...]]:
    """The station's kept monthly counts for the review (``review_months``), in key order."""
    engine = sa.create_engine(database_url)
    query = "SELECT * FROM review_months WHERE station_id = :s ORDER BY month, clerk"
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(sa.text(query), {"s": station_id})]
    engine.dispose()
    return rows


def test_rebuild_gives_back_the_same_projection(station: Station) -> None:
    db = station.server.database_url
    first = station.chain.new_case(1)
    second = station.chain.new_case(2)
    station.client.push(station.chain.events)
    record_center(db, station.station_id, "case.center_accept", {"case_id": first}, "窗口")
    record_center(db, station.station_id, "case.center_accept", {"case_id": second}, "窗口")
    record_center(db, station.station_id, "case.center_complete", {"case_id": second, "result": "办结"}, "窗口")
    extension = {"due_on": "2026-12-15", "consent": True, "reason": "部门系统升级", "requested_on": "2026-11-25"}
    station.chain.add("case.extend", {"case_id": first, **extension})
    station.chain.add("case.withdraw", {"case_id": second, "reason": "申请人已自行办理"})  # late: a conflict
    assert len(station.client.push(station.chain.events[-2:]).conflicts) == 1
    record_center(db, station.station_id, "catalog.updated", {"version": 2}, "主任")
    before, months = _cases(db, station.station_id), _months(db, station.station_id)
    assert months and sum(row[3] for row in months) == 2  # the pushes and center events kept the review's counts
    assert before[second][0] == "completed" and before[second][2]
    assert before[first][4] and before[second][4]  # arrived_at: kept by the rebuild (compared below)
    engine = make_engine(db)
    with center_sessions(engine)() as session, session.begin():
        stale = sa.text("DELETE FROM review_months WHERE station_id = :s")  # the rebuild counts the station again
        session.execute(stale, {"s": station.station_id})
        assert rebuild_cases(session, station.station_id) == 2
    engine.dispose()
    assert _cases(db, station.station_id) == before
    assert _months(db, station.station_id) == months
