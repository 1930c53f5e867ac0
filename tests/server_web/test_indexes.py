"""The deadline, rating and conflict queries of the staff pages are served by the indexes of 0101,
the 代办站个人信息审计 by the partial index of 0103, the inbox's work queue by those of 0101 and 0104, its 代办员
and 事项 filters by those of 0115."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine, Select, func, literal_column, select

from sync.server.core.db import make_sessionmaker
from sync.server.core.models import CaseRow
from sync.server.services.case_json import case_field
from sync.server.services.case_search import read_query, search_condition
from sync.server.services.dashboard import InboxFilter
from sync.server.services.station_audit import StationAuditFilter, audit_query
from sync.server.services.work_queue import overdue, queue_condition

QUERIES = {
    "ix_cases_state_due_on": [CaseRow.state.in_(["accepted", "delivered"]), CaseRow.due_on < "2026-11-23"],
    "ix_cases_rating": [case_field("rating") <= 2],
    "ix_cases_conflicted": [CaseRow.conflict != literal_column("''")],
}


@pytest.fixture
def engine(migrated_engine: Engine) -> Engine:
    """The center database migrated to head, on each backend (``conftest.migrated_engine``)."""
    return migrated_engine


def _plan(engine: Engine, query: Select[Any]) -> str:
    sql = str(query.compile(engine, compile_kwargs={"literal_binds": True}))
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            plan = " ".join(str(row) for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql))
        else:
            conn.exec_driver_sql("SET enable_seqscan = off")
            plan = " ".join(str(row) for row in conn.exec_driver_sql("EXPLAIN " + sql))
    return plan


@pytest.mark.parametrize("index", sorted(QUERIES))
def test_query_uses_index(engine: Engine, index: str) -> None:
    plan = _plan(engine, select(func.count()).select_from(CaseRow).where(*QUERIES[index]))
    assert index in plan, plan


AUDIT_FILTERS = {
    "ix_events_audit": [StationAuditFilter(), StationAuditFilter(kind="id_number_read", date_to=date(2026, 11, 30))],
    "ix_events_audit_station": [
        StationAuditFilter(station_id="s1"),
        StationAuditFilter(station_id="s1", kind="print", date_from=date(2026, 11, 1), page=3),
    ],
}


@pytest.mark.parametrize(("index", "flt"), [(i, f) for i, filters in AUDIT_FILTERS.items() for f in filters])
def test_station_audit_walks_its_partial_index(engine: Engine, index: str, flt: StationAuditFilter) -> None:
    plan = _plan(engine, audit_query(flt))
    if engine.dialect.name == "sqlite":
        assert re.search(rf"\b{index}\b", plan), plan
        assert "TEMP B-TREE" not in plan, plan  # newest first straight from the index, no sort
    else:  # on an empty table PostgreSQL's choice between the two is a toss-up; either spares the full scan
        assert "ix_events_audit" in plan, plan


def test_the_work_queue_is_served_by_indexes(engine: Engine) -> None:
    """The inbox's default list (待确认收件 or 待受理 or overdue) is an OR of indexed terms: each branch walks its
    index (SQLite's MULTI-INDEX OR, PostgreSQL's BitmapOr), so no case outside the queue is read."""
    plan = _plan(engine, select(func.count()).select_from(CaseRow).where(queue_condition(date(2026, 11, 23))))
    assert "ix_cases_receipt_status" in plan and "ix_cases_state_due_on" in plan, plan
    assert ("MULTI-INDEX OR" if engine.dialect.name == "sqlite" else "BitmapOr") in plan, plan


def test_the_overdue_count_reads_its_index_alone(engine: Engine) -> None:
    """The tiles' overdue count (``overdue_by_state``) is answered by ``ix_cases_state_due_on``; on PostgreSQL
    without visiting a case, ``due_on`` being a column the database generates (0120): on the JSON expression it
    read every running case's row and unpacked its JSON (469 ms for 40,000 of them). (SQLite's planner takes no
    index on a virtual column for covering: it visits the rows the index found, as it did for the expression.)"""
    query = select(CaseRow.state, func.count()).where(*overdue(date(2026, 11, 23))).group_by(CaseRow.state)
    plan = _plan(engine, query)
    if engine.dialect.name == "sqlite":
        assert "USING INDEX ix_cases_state_due_on (state=? AND due_on<?)" in plan, plan
    else:
        assert "Index Only Scan using ix_cases_state_due_on" in plan, plan


def test_new_arrivals_are_counted_through_their_index(engine: Engine) -> None:
    plan = _plan(engine, select(func.count()).select_from(CaseRow).where(CaseRow.arrived_at > "2026-11-23T00:00"))
    assert "ix_cases_arrived_at" in plan, plan


@pytest.mark.parametrize(
    ("text", "indexes"),
    [
        ("王秀英", ["ix_cases_name_trgm", "ix_cases_case_no_trgm"]),  # 3 characters or more: trigrams
        ("20261123-0001", ["ix_cases_name_trgm", "ix_cases_case_no_trgm"]),
        ("秀英", ["ix_cases_name_chars", "ix_cases_case_no_chars"]),  # fewer: the arrays of characters
        ("𠮷", ["ix_cases_name_chars", "ix_cases_case_no_chars"]),
    ],
)
def test_a_search_by_name_or_case_number_is_served_by_indexes(engine: Engine, text: str, indexes: list[str]) -> None:
    """PostgreSQL (migrations 0109 and 0119): every branch of a text search walks an index, so no other case is read.
    SQLite (0114): 3 characters or more through the FTS5 trigram index, fewer through the narrow ``case_names``;
    the cases found are then read by their key, never scanned."""
    query = read_query(text)
    assert query is not None
    with make_sessionmaker(engine)() as session, session.begin():
        condition = search_condition(session, query)
    plan = _plan(engine, select(func.count()).select_from(CaseRow).where(condition))
    if engine.dialect.name == "sqlite":
        assert "SCAN cases" not in plan, plan
        fts = "SCAN case_search VIRTUAL TABLE INDEX"
        assert (fts in plan) if len(query.text) > 2 else ("SCAN case_names" in plan and fts not in plan), plan
        return
    assert "BitmapOr" in plan and all(index in plan for index in indexes), plan
    assert not re.search(r"\bdata\b", plan), plan  # rechecked in the generated name column (0119), not the JSON


def test_the_clerk_filter_walks_its_index(engine: Engine) -> None:
    """The inbox's 代办员 filter (migration 0115): the clerk's name from ``ix_cases_clerk``, not every case's JSON."""
    postgres = engine.dialect.name == "postgresql"
    plan = _plan(
        engine, select(func.count()).select_from(CaseRow).where(*InboxFilter(clerk="陈晓燕").conditions(postgres))
    )
    assert "ix_cases_clerk" in plan, plan


@pytest.mark.parametrize(
    ("text", "index"),
    [
        ("城乡居民", "ix_cases_item_name_trgm"),
        ("养老", "ix_cases_item_name_chars"),
        ("\U00020bb7", "ix_cases_item_name_chars"),
    ],
)
def test_the_matter_filter_is_served_by_an_index_on_postgresql(engine: Engine, text: str, index: str) -> None:
    """The inbox's 事项 filter (0115, on its generated column since 0119): a part of the item's name through
    trigrams (3 characters or more) or the array of its characters (fewer). SQLite has no index for a part of a
    text: it scans, as before."""
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's indexes")
    plan = _plan(engine, select(func.count()).select_from(CaseRow).where(*InboxFilter(matter=text).conditions(True)))
    assert index in plan and not re.search(r"\bdata\b", plan), plan  # the generated column (0119), not the JSON
