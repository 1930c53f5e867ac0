"""cases.data as jsonb on PostgreSQL: each case's JSON parsed once when stored, not by every operator that reads it

On ``json`` (text kept as sent) every ``->>`` / ``#>>`` parses the whole document again: the staff filters and
the 考核 counts paid a parse per field per row (a county-year's review: 1.3 s of its 1.7 s parsing 190,000
documents). ``jsonb`` is stored parsed; the same operators read it directly.

* PostgreSQL only: ``ALTER COLUMN data TYPE jsonb USING data::jsonb``. The table is rewritten once, in the
  upgrade's transaction (pushes wait for it). The expression indexes on the column (0101's ``data ->> ...``, 0109's
  trigram and character indexes on ``data #>> '{applicant,name}'``) are rebuilt by PostgreSQL from their own
  expressions, which read the same on jsonb: same names, same expressions, so the queries of ``case_json`` and
  ``case_search`` keep using them.
* SQLite keeps its JSON text: nothing to do.
* What the stored text looks like changes (jsonb writes its own: keys reordered, characters unescaped, no
  duplicate keys); the values do not. ``case_search`` no longer looks into the text on PostgreSQL.
* The downgrade casts back to ``json`` (the jsonb text form, which any json reader reads alike).

Revision ID: 0111_cases_data_jsonb
Revises: 0110_pending_signing_keys
Create Date: 2026-12-06 10:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0111_cases_data_jsonb"
down_revision = "0110_pending_signing_keys"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE cases ALTER COLUMN data TYPE jsonb USING data::jsonb")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE cases ALTER COLUMN data TYPE json USING data::json")
