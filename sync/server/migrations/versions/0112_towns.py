"""towns: several towns (镇) as tenants of one county deployment

* ``towns``: one row per town served. The migration creates town 1 (named 本镇 until the county renames it);
  everything a center held before belongs to it, so a single-town center goes on exactly as before.
* ``stations.town_id``: the town a station enrolled under (its cases, events and follow-ups belong to that
  town through it: a case's town is its station's town, so ``cases`` needs no column of its own and every
  case query is scoped by ``station_id IN (the town's stations)``, on the existing ``ix_cases_station_id``
  and, for the inbox's order, the existing indexes of 0101/0109/0111; no parallel set of case indexes).
  Indexed: the scope's subquery reads the town's stations through it.
* ``enrollment_codes.town_id``: codes are issued per town; an enrollment puts the station in the code's town.
* ``staff.town_id``: a town's staff account; NULL for a county-level account (role ``county``).
* ``published_documents.town_id``: NULL for what the county publishes for every town (catalog, calendar,
  保存期限); the 本镇信息 (kind ``town``) is a town's own. Rows held get town 1 for 本镇信息.
* No foreign keys to ``towns`` (SQLite cannot add a column with REFERENCES and a non-NULL default while its
  foreign keys are enforced); towns are never deleted, and only the services write these columns.

Revision ID: 0112_towns
Revises: 0111_cases_data_jsonb
Create Date: 2026-12-06 11:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0112_towns"
down_revision = "0111_cases_data_jsonb"
branch_labels = None
depends_on = None

DEFAULT_TOWN = 1


def upgrade() -> None:
    op.create_table(
        "towns",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.execute(
        sa.text("INSERT INTO towns (id, name, created_at) VALUES (:id, '本镇', :at)").bindparams(
            id=DEFAULT_TOWN, at="1970-01-01T00:00:00.000+00:00"
        )
    )
    if op.get_bind().dialect.name == "postgresql":  # the next town made gets 2, not a clash with the row above
        op.execute("SELECT setval(pg_get_serial_sequence('towns', 'id'), (SELECT max(id) FROM towns))")
    for table in ("stations", "enrollment_codes"):
        op.add_column(
            table, sa.Column("town_id", sa.Integer(), nullable=False, server_default=sa.text(str(DEFAULT_TOWN)))
        )
    op.create_index("ix_stations_town_id", "stations", ["town_id"], unique=False)
    op.add_column("staff", sa.Column("town_id", sa.Integer(), nullable=True))
    op.execute(f"UPDATE staff SET town_id = {DEFAULT_TOWN}")
    op.add_column("published_documents", sa.Column("town_id", sa.Integer(), nullable=True))
    op.execute(f"UPDATE published_documents SET town_id = {DEFAULT_TOWN} WHERE kind = 'town'")


def downgrade() -> None:
    op.drop_column("published_documents", "town_id")
    op.drop_column("staff", "town_id")
    op.drop_index("ix_stations_town_id", table_name="stations")
    for table in ("enrollment_codes", "stations"):
        op.drop_column(table, "town_id")
    op.drop_table("towns")
