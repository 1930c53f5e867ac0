"""personal data at rest: sealed columns, blind indexes of 身份证 numbers and phones, and the data key's record

The rows already held are sealed by the first start after this migration, in the same transaction
(``core.sealing.seal_at_rest``): sealing needs the key file, which a migration does not read.

Revision ID: 0108_personal_data_at_rest
Revises: 0107_station_signing_keys
Create Date: 2026-12-06 07:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0108_personal_data_at_rest"
down_revision = "0107_station_signing_keys"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("events", "center_events", "cases"):
        op.add_column(table, sa.Column("sealed", sa.Text(), nullable=True))
    for name in ("id_number_index", "phone_index"):
        op.add_column("cases", sa.Column(name, sa.String(length=32), nullable=True))
        op.create_index(f"ix_cases_{name}", "cases", [name], unique=False)
    op.add_column("blob_chunks", sa.Column("sealed", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table(
        "data_keys",
        sa.Column("key_id", sa.String(length=64), nullable=False),
        sa.Column("check_value", sa.Text(), nullable=False),
        sa.Column("created_at", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("key_id"),
    )


def downgrade() -> None:
    # Only for a database whose rows were never sealed: sealed values cannot go back into the JSON here.
    op.drop_table("data_keys")
    op.drop_column("blob_chunks", "sealed")
    for name in ("phone_index", "id_number_index"):
        op.drop_index(f"ix_cases_{name}", table_name="cases")
        op.drop_column("cases", name)
    for table in ("cases", "center_events", "events"):
        op.drop_column(table, "sealed")
