"""drop ix_cases_registered_at: the review reads the registered_at column of 0116 through ix_cases_review

0101 indexed the JSON expression ``case_field("registered_at")`` for the 考核's period filter. Since 0116 the
counts read the ``registered_at`` column through ``ix_cases_review``, and no query reads the expression any more;
the index was only written, on every store of a case (issue 17). The downgrade builds it again.

Revision ID: 0117_drop_registered_at_index
Revises: 0116_review_columns
Create Date: 2026-12-06 17:50:00
"""

from __future__ import annotations

from alembic import op

revision = "0117_drop_registered_at_index"
down_revision = "0116_review_columns"
branch_labels = None
depends_on = None

#: The expression of 0101 (``case_field("registered_at")`` then), per backend.
EXPRESSION = {"sqlite": "json_extract(data, '$.registered_at')", "postgresql": "(data ->> 'registered_at')"}


def upgrade() -> None:
    op.drop_index("ix_cases_registered_at", table_name="cases")


def downgrade() -> None:
    expression = EXPRESSION[op.get_bind().dialect.name]
    op.execute(f"CREATE INDEX ix_cases_registered_at ON cases ({expression})")
