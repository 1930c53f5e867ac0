"""staff accounts: wrong passwords in a row, the lock they set, and a password the director set to be changed

Revision ID: 0106_staff_lockout
Revises: 0105_refused_events
Create Date: 2026-12-06 03:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0106_staff_lockout"
down_revision = "0105_refused_events"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("staff", sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("staff", sa.Column("last_failed_at", sa.String(length=40), nullable=True))
    op.add_column("staff", sa.Column("locked_until", sa.String(length=40), nullable=True))
    op.add_column("staff", sa.Column("must_change_password", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    # Plain ALTER TABLE ... DROP COLUMN (SQLite >= 3.35), as in 0102.
    for name in ("must_change_password", "locked_until", "last_failed_at", "failed_logins"):
        op.drop_column("staff", name)
