"""Writes from several threads at once (the clerk's work, the sync worker, the retention run) queue up:
each reads the head of the log and appends after it without another writer slipping in between."""

from __future__ import annotations

import threading

from desktop.services.context import ServiceContext
from desktop.services.safety import audit
from desktop.store import event_log
from sync.domain.events import verify_chain

from .workflow_helpers import registered

THREADS = 4
EACH = 25


def test_appends_from_several_threads_all_land_in_one_chain(ctx: ServiceContext) -> None:
    case_id = registered(ctx)
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def read_ids(n: int) -> None:
        try:
            start.wait()
            for i in range(EACH):
                audit.reveal_id_number(ctx, case_id, f"核对身份 {n}-{i}")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=read_ids, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    with ctx.db.reading() as session:
        events = list(event_log.iter_events(session))
    verify_chain(events)
    purposes = [e.payload["purpose"] for e in events if e.type == audit.ID_NUMBER_READ]
    assert len(purposes) == len(set(purposes)) == THREADS * EACH
