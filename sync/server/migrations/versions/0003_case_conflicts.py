"""case conflicts: station events kept although the center moved the case

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 09:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("conflict", sa.String(length=500), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("center_since_station", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("center_since_station")
        batch_op.drop_column("conflict")
