"""The Alembic migrations build exactly the tables the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from sync.server.core.db import make_engine
from sync.server.core.migrate import alembic_config, upgrade_head
from sync.server.core.models import Base
from tests.conftest import require_postgres

from .live_server import postgres_schema_url, sqlite_url


@pytest.fixture(params=["sqlite", "postgres"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield sqlite_url(tmp_path)
        return
    with postgres_schema_url(require_postgres()) as url:
        yield url


def _import_all_models() -> None:
    """Every table module of the server (others add their own next to ``core.models``)."""
    import sync.server.core as core

    for info in pkgutil.iter_modules(core.__path__):
        importlib.import_module(f"sync.server.core.{info.name}")


def test_upgrade_head_matches_the_models_and_is_repeatable(empty_database: str) -> None:
    _import_all_models()
    engine = make_engine(empty_database)
    try:
        upgrade_head(engine)
        upgrade_head(engine)  # a second start changes nothing
        known = set(Base.metadata.tables)  # tables of the models imported here (others may add their own)

        def include_name(name: str | None, type_: str, parent_names: Mapping[str, str | None]) -> bool:
            if type_ == "schema":
                return True
            table = name if type_ == "table" else parent_names.get("table_name")
            return table in known

        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"include_name": include_name})
            assert compare_metadata(context, Base.metadata) == []
            version = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one()
        assert version == ScriptDirectory.from_config(alembic_config()).get_current_head()
    finally:
        engine.dispose()
