"""Alembic environment of the station database (batch mode for SQLite)."""

from __future__ import annotations

from alembic import context

from desktop.store.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only through desktop.store.db.migrate
    raise RuntimeError("run migrations through desktop.store.db.migrate()")

context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
