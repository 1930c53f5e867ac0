"""stations' own Ed25519 public keys for their transfer files (registered at the authenticated handshake)

Revision ID: 0107_station_signing_keys
Revises: 0106_staff_lockout
Create Date: 2026-12-06 03:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0107_station_signing_keys"
down_revision = "0106_staff_lockout"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("stations", sa.Column("signing_public_key", sa.String(length=64), nullable=True))
    op.add_column("stations", sa.Column("signing_key_at", sa.String(length=40), nullable=True))


def downgrade() -> None:
    # Plain ALTER TABLE ... DROP COLUMN (SQLite >= 3.35), as in 0102.
    for name in ("signing_key_at", "signing_public_key"):
        op.drop_column("stations", name)
