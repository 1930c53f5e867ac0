"""An empty center database walked through the migrations (the fixtures ``empty_database`` and ``migrating``
are in ``tests/sync/conftest.py``)."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from alembic import command
from alembic.config import Config


@dataclass
class Migrating:
    """A connection to an empty center database, walked through the migrations one revision at a time: each
    step commits, as the center's own upgrade does."""

    engine: sa.Engine
    conn: sa.Connection
    config: Config

    def upgrade(self, revision: str) -> None:
        self.conn.commit()
        command.upgrade(self.config, revision)
        self.conn.commit()

    def downgrade(self, revision: str) -> None:
        self.conn.commit()
        command.downgrade(self.config, revision)
        self.conn.commit()

    def add_stations(self, *codes: tuple[str, str]) -> None:
        """Stations (id, code), enrolled before the test's migration."""
        self.conn.execute(
            sa.text(
                "INSERT INTO stations (id, code, name, enrolled_at, revoked_reason, head_seq, head_hash, "
                "center_seq, center_hash) VALUES (:id, :code, '站', '2026-11-01T00:00:00+00:00', '', 0, '', 0, '')"
            ),
            [{"id": station_id, "code": code} for station_id, code in codes or (("s1", "A"),)],
        )

    def indexes(self, table: str = "cases") -> set[str]:
        """The names of ``table``'s indexes as the database holds them now."""
        if self.conn.dialect.name == "sqlite":
            query = "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = :table"
        else:
            query = "SELECT indexname FROM pg_indexes WHERE tablename = :table AND schemaname = current_schema()"
        return set(self.conn.execute(sa.text(query), {"table": table}).scalars())
