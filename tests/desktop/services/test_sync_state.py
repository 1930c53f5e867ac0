"""The sync state row: read without writing, made once even when two threads want it at the same moment."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.services.context import ServiceContext
from desktop.services.syncing import center_sync
from desktop.services.syncing.sync_state import state_row
from desktop.store.models import SyncStateRow

from .workflow_helpers import registered


def rows(ctx: ServiceContext) -> int:
    with ctx.db.reading() as session:
        return session.scalar(select(func.count()).select_from(SyncStateRow)) or 0


def test_the_status_of_a_new_station_writes_nothing(ctx: ServiceContext) -> None:
    registered(ctx)
    assert rows(ctx) == 0
    status = center_sync.status(ctx)
    assert status.pending > 0 and status.last_success_at is None and status.last_error is None
    assert rows(ctx) == 0  # the status bar's read must never race the sync worker's write


def test_a_row_made_meanwhile_by_another_thread_is_used_not_duplicated(
    ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    with ctx.db.transaction() as session:
        state_row(session).acked_seq = 5
    # This thread looked before the other one committed: its first look finds nothing.
    real_get = Session.get
    looks: list[int] = []

    def stale_first_look(self: Session, entity: object, ident: object, **kw: object) -> object:
        looks.append(1)
        return None if len(looks) == 1 else real_get(self, entity, ident, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(Session, "get", stale_first_look)
    with ctx.db.transaction() as session:
        assert state_row(session).acked_seq == 5
    monkeypatch.undo()
    assert rows(ctx) == 1
