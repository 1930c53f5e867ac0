"""The deadline, rating, period and conflict queries of the staff pages are served by the indexes of 0101."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, literal_column, select

from sync.server.core.db import make_engine
from sync.server.core.migrate import upgrade_head
from sync.server.core.models import CaseRow
from sync.server.services.case_json import case_field
from tests.conftest import require_postgres
from tests.sync.live_server import postgres_schema_url, sqlite_url

QUERIES = {
    "ix_cases_state_due_on": [CaseRow.state.in_(["accepted", "delivered"]), case_field("due_on") < "2026-11-23"],
    "ix_cases_rating": [case_field("rating") <= 2],
    "ix_cases_registered_at": [case_field("registered_at") >= "2026-11-01", case_field("registered_at") < "2026-12-01"],
    "ix_cases_conflicted": [CaseRow.conflict != literal_column("''")],
}


@pytest.fixture(params=["sqlite", "postgres"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        eng = make_engine(sqlite_url(tmp_path))
        upgrade_head(eng)
        yield eng
        eng.dispose()
        return
    with postgres_schema_url(require_postgres()) as url:
        eng = make_engine(url)
        upgrade_head(eng)
        yield eng
        eng.dispose()


@pytest.mark.parametrize("index", sorted(QUERIES))
def test_query_uses_index(engine: Engine, index: str) -> None:
    query = select(func.count()).select_from(CaseRow).where(*QUERIES[index])
    sql = str(query.compile(engine, compile_kwargs={"literal_binds": True}))
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            plan = " ".join(str(row) for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql))
        else:
            conn.exec_driver_sql("SET enable_seqscan = off")
            plan = " ".join(str(row) for row in conn.exec_driver_sql("EXPLAIN " + sql))
    assert index in plan, plan
