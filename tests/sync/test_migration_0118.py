"""0118: the review's monthly counts are filled from the cases held, equal to what the center keeps as it writes
(``review_months.recount_all``), on SQLite and PostgreSQL; the downgrade drops them."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from sync.server.core.db import make_sessionmaker
from sync.server.services.review_months import recount_all

from .migrating import Migrating
from .test_migration_0116 import HELD

CASES = sa.table(
    "cases",
    *(sa.column(c) for c in ("case_id", "station_id", "case_no", "state", "updated_at", "registered_at", "clerk")),
    *(sa.column(c) for c in ("case_type", "accepted_on", "completed_on", "due_on", "rating", "rating_attitude")),
    sa.column("data", sa.JSON),
)


def _kept(conn: sa.Connection) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in conn.execute(sa.text("SELECT * FROM review_months ORDER BY month, station_id, clerk"))]


def test_0118_counts_the_months_of_the_cases_held_as_the_center_keeps_them(migrating: Migrating) -> None:
    conn = migrating.conn
    migrating.upgrade("0117_drop_registered_at_index")
    migrating.add_stations(("s1", "A"), ("s2", "B"))
    row = {"state": "accepted", "updated_at": "u", "accepted_on": None, "due_on": None}
    held = [
        row
        | {"case_id": c, "case_no": c, "station_id": "s1", "data": d}
        | {k: d.get(k) for k in ("registered_at", "clerk", "case_type", "completed_on", "rating")}
        for c, d in HELD.items()
    ]
    odd = {"completed_on": "2026-07-01", "rating": 2, "rating_attitude": 4, "case_type": "immediate", "clerk": None}
    held += [
        row | odd | {"case_id": f"x{n}", "case_no": f"x{n}", "station_id": "s2", "data": {}, "registered_at": at}
        for n, at in enumerate(["2026-06-30T16:00:00.000Z", "2026-06-30T15:59:59.999+00:00", "2026-6-5", "2026"])
    ]
    conn.execute(sa.insert(CASES), held)
    conn.commit()

    migrating.upgrade("0118_review_months")
    migrated = _kept(conn)
    conn.rollback()
    assert {r[0] for r in migrated} >= {"2026-06", "2026-07", "2026-01"} and sum(r[3] for r in migrated) > 5
    with make_sessionmaker(migrating.engine)() as session, session.begin():
        recount_all(session)
    assert _kept(conn) == migrated
    conn.rollback()

    migrating.downgrade("0117_drop_registered_at_index")
    assert "review_months" not in sa.inspect(conn).get_table_names()
    migrating.upgrade("head")
