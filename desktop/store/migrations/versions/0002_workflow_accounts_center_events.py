"""workflow: clerk accounts, center events, list search column

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 09:30:00

``cases.search_text`` (fields joined by U+001F) is filled for existing rows from their columns, in the
same transaction as the schema change.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "clerks",
        sa.Column("username", sa.String(length=32), nullable=False),
        sa.Column("display_name", sa.String(length=64), nullable=False),
        sa.Column("password_hash", sa.String(length=256), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("username"),
    )
    op.create_table(
        "center_events",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("station_id", sa.String(length=36), nullable=False),
        sa.Column("type", sa.String(length=64), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("occurred_at", sa.String(length=40), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("applied_after_seq", sa.Integer(), nullable=False),
        sa.Column("applied_at", sa.String(length=40), nullable=False),
        sa.Column("conflict", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("seq"),
        sa.UniqueConstraint("id"),
    )
    with op.batch_alter_table("center_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_center_events_case_id"), ["case_id"], unique=False)
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("search_text", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("bad_rating_open", sa.Boolean(), server_default="0", nullable=False))
    op.execute(
        "UPDATE cases SET search_text = upper(applicant_name || char(31) || case_no || char(31) || phone "
        "|| char(31) || id_number || char(31) || item_name)"
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index("ix_cases_list", ["registered_at", "search_text", "state"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_bad_rating_open"), ["bad_rating_open"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cases_bad_rating_open"))
        batch_op.drop_index("ix_cases_list")
        batch_op.drop_column("bad_rating_open")
        batch_op.drop_column("search_text")
    with op.batch_alter_table("center_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_center_events_case_id"))
    op.drop_table("center_events")
    op.drop_table("clerks")
