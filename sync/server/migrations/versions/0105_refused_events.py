"""refused station events kept in the chain: why the center refused one (reason, field) and its payload as sent

Revision ID: 0105_refused_events
Revises: 0104_case_receipt_status
Create Date: 2026-12-06 00:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0105_refused_events"
down_revision = "0104_case_receipt_status"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("events", sa.Column("refused", sa.String(length=1000), nullable=True))
    op.add_column("events", sa.Column("refused_field", sa.String(length=200), nullable=True))
    op.add_column("events", sa.Column("raw_payload", sa.Text(), nullable=True))
    # the stations page counts each station's refused events: a partial index keeps that off the big table
    op.execute("CREATE INDEX ix_events_refused ON events (station_id, seq) WHERE refused IS NOT NULL")


def downgrade() -> None:
    op.drop_index("ix_events_refused", table_name="events")
    # Plain ALTER TABLE ... DROP COLUMN (SQLite >= 3.35), as in 0102.
    for name in ("raw_payload", "refused_field", "refused"):
        op.drop_column("events", name)
