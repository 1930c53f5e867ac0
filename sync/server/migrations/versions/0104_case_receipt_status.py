"""inbox filter 收件情况: each case's 窗口确认收件 in one indexed word, filled in for the cases already held

Revision ID: 0104_case_receipt_status
Revises: 0103_station_audit_index
Create Date: 2026-11-23 17:00:00
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0104_case_receipt_status"
down_revision = "0103_station_audit_index"
branch_labels = None
depends_on = None


def _status(data: Any) -> str:
    """The word for one stored projection ("" when it cannot be read: the next event of the case sets it)."""
    from sync.domain.errors import DomainError
    from sync.domain.window_receipt import WindowHandover, WindowReceipt, case_receipt_status

    try:
        handovers = [WindowHandover.from_dict(h) for h in data.get("window_handovers", ())]
        receipts = [WindowReceipt.from_dict(r) for r in data.get("window_receipts", ())]
        return case_receipt_status(handovers, receipts)
    except (DomainError, KeyError, TypeError, ValueError, AttributeError):  # an odd projection must not stop it
        return ""


BATCH = 500


def upgrade() -> None:
    op.add_column("cases", sa.Column("receipt_status", sa.String(length=16), server_default="", nullable=False))
    op.create_index("ix_cases_receipt_status", "cases", ["receipt_status"], unique=False)
    cases = sa.table("cases", sa.column("case_id", sa.String), sa.column("data", sa.JSON), sa.column("receipt_status"))
    bind = op.get_bind()
    last = ""
    while True:  # in pages by case id, so a town's whole history is never in memory at once
        query = sa.select(cases.c.case_id, cases.c.data).where(cases.c.case_id > last).order_by(cases.c.case_id)
        page = bind.execute(query.limit(BATCH)).all()
        if not page:
            return
        for case_id, data in page:
            word = _status(data or {})
            if word:
                bind.execute(sa.update(cases).where(cases.c.case_id == case_id).values(receipt_status=word))
        last = page[-1][0]


def downgrade() -> None:
    op.drop_index("ix_cases_receipt_status", table_name="cases")
    op.drop_column("cases", "receipt_status")
