"""The center's PostgreSQL connections plan every statement for its own values (``core.db._custom_plans``):
psycopg prepares a statement the sixth time a connection runs it, and PostgreSQL would then settle on one generic
plan, made without the values, which for a search reads the rows of its commonest text whatever is searched."""

from __future__ import annotations

import sqlalchemy as sa

from sync.server.core.db import make_engine
from tests.conftest import require_postgres

PLANS = "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement LIKE '%WHERE oid = %'"


def test_a_statement_run_again_and_again_is_never_given_a_generic_plan() -> None:
    engine = make_engine(require_postgres(), pool_connections=1)
    try:
        for _request in range(6):  # a unit of work each, its connection back in the pool between them
            with engine.begin() as conn:
                assert conn.execute(sa.text("SHOW plan_cache_mode")).scalar_one() == "force_custom_plan"
                for _ in range(2):
                    conn.execute(sa.text("SELECT relname FROM pg_class WHERE oid = :oid"), {"oid": 1259})
        with engine.begin() as conn:
            plans = conn.execute(sa.text(PLANS)).all()
        assert len(plans) == 1, plans  # prepared by psycopg, so PostgreSQL's plan cache had the choice
        generic, custom = plans[0]
        # 12 runs: psycopg prepares at the sixth; PostgreSQL may go generic after 5 custom plans (it did: 2 of 7)
        assert generic == 0 and custom > 5, plans
    finally:
        engine.dispose()
