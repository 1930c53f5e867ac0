"""The outbox: which events the town center confirmed, per-case sync labels.

同步中 is not stored: while a push is under way, ``ServiceContext.sync_in_flight``
holds the ids of the cases whose events are in the batch being sent (set and
cleared by ``center_sync._push_pending``), and the labels read it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from typing import Protocol

from sqlalchemy import func, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from desktop.store.models import CenterEventRow, EventRow, SyncConflictRow, SyncRejectionRow, SyncStateRow
from sync.domain.events import Event

UNSYNCED = "未同步"
SYNCING = "同步中"
SYNCED = "已同步"
REJECTED = "被拒绝"
CONFLICT = "有冲突"


def state_row(session: Session) -> SyncStateRow:
    """The sync state for an update, made on first use; only in a write transaction (reads use ``acked_seq``
    and never make it). The transaction's write lock already keeps a second thread out; the insert also
    gives way to a row already there."""
    row = session.get(SyncStateRow, 1)
    if row is None:
        session.execute(sqlite_insert(SyncStateRow).values(id=1, acked_seq=0).on_conflict_do_nothing())
        row = session.get(SyncStateRow, 1)
    assert row is not None
    return row


def acked_seq(session: Session) -> int:
    row = session.get(SyncStateRow, 1)
    return row.acked_seq if row else 0


def case_ids_of(events: Iterable[Event]) -> frozenset[str]:
    """The cases a batch of events touches (what shows 同步中 while it is sent)."""
    return frozenset(str(e.payload["case_id"]) for e in events if e.payload.get("case_id"))


class SyncedCase(Protocol):
    """What a label is read from: a ``CaseRow``, or a row of a query selecting these two columns."""

    @property
    def case_id(self) -> str: ...
    @property
    def last_seq(self) -> int: ...


def sync_labels(session: Session, rows: Sequence[SyncedCase], in_flight: Collection[str] = ()) -> dict[str, str]:
    """未同步 / 同步中 / 已同步, or 被拒绝 / 有冲突 (which need a person, so they win over 同步中).

    被拒绝 lasts until a later event of the case (the clerk's correction) is accepted by the center."""
    acked = acked_seq(session)
    rejected_cases = _rejected_cases(session, acked)
    conflicted_cases = set(
        session.scalars(select(CenterEventRow.case_id).where(CenterEventRow.conflict.is_not(None))).all()
    ) | set(session.scalars(select(SyncConflictRow.case_id)).all())
    labels = {}
    for row in rows:
        if row.case_id in rejected_cases:
            labels[row.case_id] = REJECTED
        elif row.case_id in conflicted_cases:
            labels[row.case_id] = CONFLICT
        elif row.last_seq <= acked:
            labels[row.case_id] = SYNCED
        else:
            labels[row.case_id] = SYNCING if row.case_id in in_flight else UNSYNCED
    return labels


def _rejected_cases(session: Session, acked: int) -> set[str]:
    """Cases with a refused event that no later event accepted by the center answers (a correction)."""
    last_refused: dict[str | None, int] = {
        case_id: seq
        for case_id, seq in session.execute(
            select(EventRow.case_id, func.max(SyncRejectionRow.seq))
            .join(SyncRejectionRow, SyncRejectionRow.event_id == EventRow.id)
            .group_by(EventRow.case_id)
        )
    }
    if not last_refused:
        return set()
    last_accepted: dict[str | None, int] = {
        case_id: seq
        for case_id, seq in session.execute(
            select(EventRow.case_id, func.max(EventRow.seq))
            .where(
                EventRow.case_id.in_([c for c in last_refused if c]),
                EventRow.seq <= acked,
                EventRow.id.not_in(select(SyncRejectionRow.event_id)),
            )
            .group_by(EventRow.case_id)
        )
    }
    return {c for c, seq in last_refused.items() if c and seq > last_accepted.get(c, 0)}
