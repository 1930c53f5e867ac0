"""a station's signing key offered in a USB file, pending until the director confirms its fingerprint

A station that syncs only by USB never registers its key at a handshake. Its files now carry the
public key (signed with it); the center keeps it here, untrusted, until the director typed the
fingerprint read to him from the station's screen (``services.signing_keys.confirm_station_key``).

Revision ID: 0110_pending_signing_keys
Revises: 0109_search_indexes
Create Date: 2026-12-06 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0110_pending_signing_keys"
down_revision = "0109_search_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("stations", sa.Column("pending_signing_key", sa.String(length=64), nullable=True))
    op.add_column("stations", sa.Column("pending_signing_key_at", sa.String(length=40), nullable=True))


def downgrade() -> None:
    # Plain ALTER TABLE ... DROP COLUMN (SQLite >= 3.35), as in 0107.
    for name in ("pending_signing_key_at", "pending_signing_key"):
        op.drop_column("stations", name)
