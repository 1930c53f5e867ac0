"""0120: ``cases.due_on`` becomes a column the database generates from the JSON's deadline, with the values the
projection had copied into it, following every later write whatever writes it; ``ix_cases_state_due_on`` holds
the column instead of the JSON expression. The downgrade makes it a plain column again, with its values."""

from __future__ import annotations

import sqlalchemy as sa

from .migrating import Migrating

CASES = sa.table(
    "cases",
    *(sa.column(c) for c in ("case_id", "station_id", "case_no", "state", "updated_at", "due_on")),
    sa.column("data", sa.JSON),
)
HELD = {"c1": {"due_on": "2026-12-01"}, "c2": {"due_on": None}, "c3": {}}


def _due(conn: sa.Connection) -> dict[str, str | None]:
    return dict(conn.execute(sa.text("SELECT case_id, due_on FROM cases")).all())


def _index(conn: sa.Connection) -> str:
    if conn.dialect.name == "sqlite":
        query = "SELECT sql FROM sqlite_master WHERE name = 'ix_cases_state_due_on'"
    else:
        query = "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_cases_state_due_on' "
        query += "AND schemaname = current_schema()"
    return str(conn.execute(sa.text(query)).scalar())


def test_0120_generates_the_deadline_from_the_json_and_indexes_the_column(migrating: Migrating) -> None:
    conn = migrating.conn
    migrating.upgrade("0119_name_columns")
    migrating.add_stations()
    row = {"station_id": "s1", "state": "accepted", "updated_at": "u"}
    # as the projection kept them: the deadline copied beside the JSON (0116)
    held = [row | {"case_id": c, "case_no": c, "data": d, "due_on": d.get("due_on")} for c, d in HELD.items()]
    conn.execute(sa.insert(CASES), held)
    conn.commit()
    assert "data" in _index(conn)

    migrating.upgrade("0120_due_on_column")
    assert _due(conn) == {"c1": "2026-12-01", "c2": None, "c3": None}
    assert "data" not in _index(conn) and "due_on" in _index(conn)
    assert "ix_cases_review" in migrating.indexes() and "ix_cases_state_due_on" in migrating.indexes()
    # later writes by plain SQL, no code of the center's: the column follows the JSON
    conn.execute(sa.update(CASES).where(CASES.c.case_id == "c3"), {"data": {"due_on": "2026-12-09"}})
    conn.execute(sa.insert(CASES), [row | {"case_id": "c4", "case_no": "c4", "data": {"due_on": "2027-01-04"}}])
    assert _due(conn) == {"c1": "2026-12-01", "c2": None, "c3": "2026-12-09", "c4": "2027-01-04"}
    conn.commit()

    migrating.downgrade("0119_name_columns")
    assert _due(conn) == {"c1": "2026-12-01", "c2": None, "c3": "2026-12-09", "c4": "2027-01-04"}
    assert "data" in _index(conn)
    conn.execute(sa.update(CASES).where(CASES.c.case_id == "c1"), {"due_on": "2026-12-02"})  # plain again
    conn.commit()
    migrating.upgrade("head")
    assert _due(conn)["c1"] == "2026-12-01"  # generated from the JSON once more
