"""Alembic environment of the town-center database (batch mode for SQLite)."""

from __future__ import annotations

from alembic import context

from sync.server.core import release_models, staff_models  # noqa: F401  (their tables join the metadata)
from sync.server.core.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only through sync.server.core.migrate
    raise RuntimeError("run migrations through sync.server.core.migrate.upgrade_head()")

context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
