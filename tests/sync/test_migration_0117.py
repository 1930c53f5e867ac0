"""0117: the JSON-expression index on the registration time, which no query reads since the review's columns of
0116, is dropped, on SQLite and PostgreSQL; the downgrade builds it again and the expression's range query uses it."""

from __future__ import annotations

import sqlalchemy as sa

from .migrating import Migrating

#: The expression 0101 indexed, per backend.
EXPRESSION = {"sqlite": "json_extract(data, '$.registered_at')", "postgresql": "(data ->> 'registered_at')"}


def _plan(conn: sa.Connection) -> str:
    field = EXPRESSION[conn.dialect.name]
    query = f"SELECT count(*) FROM cases WHERE {field} >= '2026-11-01' AND {field} < '2026-12-01'"
    if conn.dialect.name == "sqlite":
        return " ".join(str(row) for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + query))
    conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
    return " ".join(str(row) for row in conn.exec_driver_sql("EXPLAIN " + query))


def test_0117_drops_the_registered_at_expression_index_and_the_downgrade_restores_it(migrating: Migrating) -> None:
    migrating.upgrade("0116_review_columns")
    assert {"ix_cases_registered_at", "ix_cases_review"} <= migrating.indexes()

    migrating.upgrade("0117_drop_registered_at_index")
    assert "ix_cases_registered_at" not in migrating.indexes()
    assert "ix_cases_review" in migrating.indexes()  # what the review reads stays

    migrating.downgrade("0116_review_columns")
    assert "ix_cases_registered_at" in migrating.indexes()
    assert "ix_cases_registered_at" in _plan(migrating.conn)
    migrating.conn.rollback()
    migrating.upgrade("head")
    assert "ix_cases_registered_at" not in migrating.indexes()
