"""staff pages: expression indexes on the case projection (deadline, rating, registration date, conflicts)

Revision ID: 0101_staff_case_indexes
Revises: 0100_staff
Create Date: 2026-11-23 10:05:00
"""

from __future__ import annotations

from alembic import op

# The expressions must stay those of sync.server.services.case_json.case_field (tested with EXPLAIN).
SQLITE = {
    "due_on": "json_extract(data, '$.due_on')",
    "rating": "json_extract(data, '$.rating')",
    "registered_at": "json_extract(data, '$.registered_at')",
}
POSTGRES = {
    "due_on": "(data ->> 'due_on')",
    "rating": "((data ->> 'rating')::integer)",
    "registered_at": "(data ->> 'registered_at')",
}

revision = "0101_staff_case_indexes"
down_revision = "0100_staff"
branch_labels = None
depends_on = None


def upgrade() -> None:
    expr = SQLITE if op.get_bind().dialect.name == "sqlite" else POSTGRES
    op.execute(f"CREATE INDEX ix_cases_state_due_on ON cases (state, {expr['due_on']})")
    op.execute(f"CREATE INDEX ix_cases_rating ON cases ({expr['rating']})")
    op.execute(f"CREATE INDEX ix_cases_registered_at ON cases ({expr['registered_at']})")
    op.execute("CREATE INDEX ix_cases_conflicted ON cases (updated_at) WHERE conflict != ''")


def downgrade() -> None:
    for name in ("ix_cases_conflicted", "ix_cases_registered_at", "ix_cases_rating", "ix_cases_state_due_on"):
        op.drop_index(name, table_name="cases")
