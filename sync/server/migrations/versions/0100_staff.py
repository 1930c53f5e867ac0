"""staff pages: accounts, sessions, audit, 差评 follow-ups, published catalog/calendar versions

Revision ID: 0100_staff
Revises: 0003
Create Date: 2026-11-23 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0100_staff"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "staff",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("username", sa.String(length=64), nullable=False, unique=True),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("password_hash", sa.String(length=300), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.String(length=40), nullable=False),
    )
    op.create_table(
        "staff_sessions",
        sa.Column("token_hash", sa.String(length=64), primary_key=True),
        sa.Column("staff_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.String(length=40), nullable=False),
        sa.Column("expires_at", sa.String(length=40), nullable=False),
    )
    op.create_index("ix_staff_sessions_staff_id", "staff_sessions", ["staff_id"])
    op.create_table(
        "staff_audit",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("at", sa.String(length=40), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("target", sa.String(length=200), nullable=False),
        sa.Column("detail", sa.String(length=1000), nullable=False),
        sa.Column("ip", sa.String(length=64), nullable=False),
    )
    op.create_index("ix_staff_audit_at", "staff_audit", ["at"])
    op.create_table(
        "rating_followups",
        sa.Column("case_id", sa.String(length=64), primary_key=True),
        sa.Column("station_id", sa.String(length=64), nullable=False),
        sa.Column("case_no", sa.String(length=40), nullable=False),
        sa.Column("clerk", sa.String(length=200), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("comment", sa.String(length=1000), nullable=False),
        sa.Column("rated_on", sa.String(length=10), nullable=False),
        sa.Column("due_on", sa.String(length=10), nullable=False),
        sa.Column("closed_on", sa.String(length=10), nullable=True),
        sa.Column("outcome", sa.String(length=1000), nullable=False),
        sa.Column("closed_by", sa.String(length=100), nullable=False),
    )
    op.create_index("ix_rating_followups_station_id", "rating_followups", ["station_id"])
    op.create_table(
        "published_documents",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("published_at", sa.String(length=40), nullable=False),
        sa.Column("published_by", sa.String(length=100), nullable=False),
    )
    op.create_index("ix_published_documents_kind", "published_documents", ["kind"])
    op.create_index("ix_cases_updated_at", "cases", ["updated_at"])


def downgrade() -> None:
    op.drop_index("ix_cases_updated_at", table_name="cases")
    op.drop_table("published_documents")
    op.drop_table("rating_followups")
    op.drop_table("staff_audit")
    op.drop_table("staff_sessions")
    op.drop_table("staff")
