"""cases.search_text rebuilt with names as search normalises them (issue 13)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05

Since the character rules (``sync.domain.text``), the list search normalises
a query's name (NFC, look-alike dots such as "•" "．" "・" as "·" U+00B7) and
``search_text`` holds the name normalised the same way. Rows projected before
hold the name as it was typed, so 阿依古丽•买买提 was no longer found by any
spelling. Only the derived column is rewritten, from the row's own plain
columns (name, case number, masked numbers, matter): no key is needed and no
event or sealed value is touched. Page by page, so a large station never
holds every row in memory.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from desktop.store.personal_data import search_text

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

PAGE = 500


def upgrade() -> None:
    connection = op.get_bind()
    after = ""
    while True:
        rows = connection.execute(
            sa.text(
                "SELECT case_id, applicant_name, case_no, phone_masked, id_number_masked, item_name, search_text "
                "FROM cases WHERE case_id > :after ORDER BY case_id LIMIT :page"
            ),
            {"after": after, "page": PAGE},
        ).all()
        if not rows:
            return
        for case_id, name, case_no, phone_masked, id_masked, item_name, old in rows:
            new = search_text(name or "", case_no or "", phone_masked or "", id_masked or "", item_name or "")
            if new != old:
                connection.execute(
                    sa.text("UPDATE cases SET search_text = :s WHERE case_id = :c"), {"s": new, "c": case_id}
                )
        after = rows[-1].case_id


def downgrade() -> None:
    pass  # derived data: nothing to put back
