"""clerks: the 身份证 number and phone of each clerk, sealed (issue 20)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06

The 受托人 lines of the 《代办服务委托书》 name the clerk's ID number and phone.
They are personal data like the villager's: the real values live in one
AES-GCM envelope in ``sealed`` (bound to ``clerk:<username>``), the list shows
the masked columns. Existing accounts get empty columns: nothing to seal.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("clerks") as batch:
        batch.add_column(sa.Column("id_number_masked", sa.String(32), nullable=False, server_default=""))
        batch.add_column(sa.Column("phone_masked", sa.String(32), nullable=False, server_default=""))
        batch.add_column(sa.Column("sealed", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("clerks") as batch:
        batch.drop_column("sealed")
        batch.drop_column("phone_masked")
        batch.drop_column("id_number_masked")
