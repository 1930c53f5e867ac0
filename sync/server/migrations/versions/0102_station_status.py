"""stations page: what each station last reported (app and protocol version, unsent events) and when it last synced

Revision ID: 0102_station_status
Revises: 0101_staff_case_indexes
Create Date: 2026-11-24 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0102_station_status"
down_revision = "0101_staff_case_indexes"
branch_labels = None
depends_on = None

_TIMES = ("last_handshake_at", "last_push_at", "last_pull_at", "last_import_at")


def upgrade() -> None:
    with op.batch_alter_table("stations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("app_version", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("protocol_version", sa.String(length=20), nullable=True))
        for name in _TIMES:
            batch_op.add_column(sa.Column(name, sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("pending_events", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("pending_bytes", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("reported_seq", sa.Integer(), nullable=True))
    # stations that synced before this migration: their last push and USB import from the stored batches
    for column, source in (("last_push_at", "push"), ("last_import_at", "file")):
        op.execute(
            f"UPDATE stations SET {column} = (SELECT max(b.received_at) FROM batches b "
            f"WHERE b.station_id = stations.id AND b.source = '{source}')"
        )


def downgrade() -> None:
    # Plain ALTER TABLE ... DROP COLUMN (SQLite >= 3.35): a batch copy would have to drop ``stations``,
    # which the other tables' foreign keys refuse.
    for name in (
        "reported_seq",
        "pending_bytes",
        "pending_events",
        *reversed(_TIMES),
        "protocol_version",
        "app_version",
    ):
        op.drop_column("stations", name)
