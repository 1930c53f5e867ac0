"""0116: the review's columns of the cases held are filled from their projection as ``store_view`` fills them
(``review_columns``), on SQLite and PostgreSQL, and the downgrade takes them away again."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from sync.server.services.review_counts import review_columns

from .migrating import Migrating

CASES = sa.table(
    "cases",
    *(sa.column(c) for c in ("case_id", "station_id", "case_no", "state", "updated_at")),
    sa.column("data", sa.JSON),
)

HELD: dict[str, dict[str, Any]] = {
    "c-rated": {
        "registered_at": "2026-06-30T16:00:00.000+00:00",
        "clerk": "王\U00020bb7堃",
        "case_type": "immediate",
        "accepted_on": "2026-07-01",
        "completed_on": "2026-07-01",
        "due_on": None,
        "rating": 2,
        "rating_dimensions": {"efficiency": 1, "attitude": 5},
    },
    "c-open": {
        "registered_at": "2026-06-01T02:00:00.000",  # an older row: naive UTC
        "clerk": "陈晓燕",
        "case_type": "promised",
        "accepted_on": "",
        "completed_on": None,
        "due_on": "2026-06-12",
        "rating": None,
        "rating_dimensions": {},
    },
    "c-old": {"registered_at": "2025-12-31T23:59:00.000Z", "case_type": "promised", "rating": 5},  # keys missing
    "c-odd": {"registered_at": "2026-01-02T00:00:00.000+00:00", "rating": 4, "rating_dimensions": []},
    "c-unrated": {"registered_at": "2026-02-02T00:00:00.000+00:00", "rating_dimensions": {"efficiency": 3}},
    "c-empty": {},
}


def _columns(conn: sa.Connection) -> set[str]:
    return {c["name"] for c in sa.inspect(conn).get_columns("cases")}


def test_0116_fills_the_review_columns_of_the_cases_held_and_the_downgrade_drops_them(migrating: Migrating) -> None:
    conn = migrating.conn
    migrating.upgrade("0115_inbox_filter_indexes")
    migrating.add_stations()
    row = {"station_id": "s1", "state": "accepted", "updated_at": "u"}
    conn.execute(sa.insert(CASES), [row | {"case_id": c, "case_no": c, "data": d} for c, d in HELD.items()])
    conn.commit()
    wanted = {c: review_columns(d) for c, d in HELD.items()}
    names = list(wanted["c-rated"])
    assert not set(names) & _columns(conn)

    migrating.upgrade("0116_review_columns")
    found = conn.execute(sa.text(f"SELECT case_id, {', '.join(names)} FROM cases")).all()
    assert {r[0]: dict(zip(names, r[1:], strict=True)) for r in found} == wanted
    assert wanted["c-rated"]["rating_efficiency"] == 1 and wanted["c-rated"]["rating_competence"] is None
    assert wanted["c-unrated"]["rating_efficiency"] is None  # a dimension counts only beside a rating
    assert "ix_cases_review" in migrating.indexes()
    conn.rollback()

    migrating.downgrade("0115_inbox_filter_indexes")
    assert not set(names) & _columns(conn)
    assert "ix_cases_review" not in migrating.indexes()
    migrating.upgrade("head")
