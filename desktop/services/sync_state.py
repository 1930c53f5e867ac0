"""The outbox: which events the town center confirmed, per-case sync labels."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.store.models import CaseRow, CenterEventRow, EventRow, SyncConflictRow, SyncRejectionRow, SyncStateRow

UNSYNCED = "未同步"
SYNCED = "已同步"
REJECTED = "被拒绝"
CONFLICT = "有冲突"


def state_row(session: Session) -> SyncStateRow:
    row = session.get(SyncStateRow, 1)
    if row is None:
        row = SyncStateRow(id=1, acked_seq=0)
        session.add(row)
        session.flush()
    return row


def acked_seq(session: Session) -> int:
    row = session.get(SyncStateRow, 1)
    return row.acked_seq if row else 0


def sync_labels(session: Session, rows: Sequence[CaseRow]) -> dict[str, str]:
    acked = acked_seq(session)
    rejected_cases = set(
        session.scalars(select(EventRow.case_id).join(SyncRejectionRow, SyncRejectionRow.event_id == EventRow.id)).all()
    )
    conflicted_cases = set(
        session.scalars(select(CenterEventRow.case_id).where(CenterEventRow.conflict.is_not(None))).all()
    ) | set(session.scalars(select(SyncConflictRow.case_id)).all())
    labels = {}
    for row in rows:
        if row.case_id in rejected_cases:
            labels[row.case_id] = REJECTED
        elif row.case_id in conflicted_cases:
            labels[row.case_id] = CONFLICT
        else:
            labels[row.case_id] = SYNCED if row.last_seq <= acked else UNSYNCED
    return labels
