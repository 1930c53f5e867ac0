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


class _Unreadable(Exception):
    """A projection this migration cannot read: its word stays "" (the next event of the case sets it)."""


def _item(data: Any) -> tuple[str, bool, int]:
    """(name, 原件?, copies) of a handover item, checked as ``HandoverItem.from_dict`` checked it."""
    if not isinstance(data, dict):
        raise _Unreadable
    name, copies, pages = str(data["name"]).strip(), int(data.get("copies", 1)), int(data.get("pages", 0))
    if not name or len(name) > 100 or not 1 <= copies <= 999 or not 0 <= pages <= 9999:
        raise _Unreadable
    return name, bool(data.get("original", True)), copies


def _received(data: Any) -> tuple[tuple[str, bool, int], int, bool]:
    """(the listed item, copies received, received as 原件?) of one confirmed item."""
    listed = _item(data)
    received = int(data.get("received_copies", listed[2]))
    if not 0 <= received <= 999:
        raise _Unreadable
    return listed, received, bool(data.get("received_original", listed[1]))


def _status(data: Any) -> str:
    """The word for one stored projection ("" when it cannot be read: the next event of the case sets it).

    ``sync.domain.window_receipt.case_receipt_status`` as it was when this migration was written, frozen
    here so that the migration keeps doing what it did however the domain module changes: ``discrepancy``
    when a confirmation differs from its handover or names none the case holds, else ``pending`` while a
    handover awaits one, else ``confirmed``; "" without a handover to the window.
    """
    try:
        handovers = [
            (str(h["event_id"]), sorted(_item(i) for i in h.get("items", ()))) for h in data.get("window_handovers", ())
        ]
        latest: dict[str, list[tuple[tuple[str, bool, int], int, bool]]] = {}
        for r in data.get("window_receipts", ()):
            latest[str(r["handover_id"])] = [_received(i) for i in r.get("items", ())]
    except (_Unreadable, KeyError, TypeError, ValueError, AttributeError):  # an odd projection must not stop it
        return ""
    known = {event_id for event_id, _items in handovers}
    words = []
    for event_id, listed in handovers:
        items = latest.get(event_id)
        if items is None:
            words.append("pending")
            continue
        differs = sorted(item for item, _copies, _original in items) != listed or any(
            copies == 0 or original != item[1] or copies != item[2] for item, copies, original in items
        )
        words.append("discrepancy" if differs else "confirmed")
    words += ["discrepancy" for handover_id in latest if handover_id not in known]
    for word in ("discrepancy", "pending", "confirmed"):
        if word in words:
            return word
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
