"""同步中 on the case page and in the table while a push is held open on the sync worker's thread."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from desktop.services.casework.cases import register_case
from desktop.services.casework.records import CaseSummary
from desktop.services.context import ServiceContext
from desktop.services.syncing import center_sync
from desktop.ui.case_detail_window import CaseDetailWindow
from desktop.ui.case_table_model import CaseTableModel
from desktop.ui.facade import StationFacade
from desktop.ui.sync_worker import SyncWorker
from sync.domain.events import Event
from sync.protocol.models import HandshakeReply, PushReply
from tests.desktop.conftest import complete_draft


class HeldCenter:
    """A center whose push answers only when the test releases it."""

    def __init__(self) -> None:
        self.pushing = threading.Event()
        self.release = threading.Event()

    greeted = False

    def handshake(self, station_id: str, **report: Any) -> HandshakeReply:
        return HandshakeReply(accepted=True, server_version="test")

    def report_status(self, **report: int) -> None:
        return None

    def blob_status(self, sha256: str) -> Any:
        raise AssertionError("no blobs here")

    def push(self, events: Sequence[Event], batch_id: str | None = None) -> PushReply:
        self.pushing.set()
        assert self.release.wait(20), "the test never released the push"
        return PushReply(batch_id=batch_id or "b", acked_seq=events[-1].seq, accepted=len(events))

    def pull_events(self, after: int = 0, after_hash: str = "") -> list[Event]:
        return []

    def latest_release(self, platform: str) -> None:
        return None  # a center that publishes no station release


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> Iterator[HeldCenter]:
    center = HeldCenter()
    monkeypatch.setattr(center_sync, "make_client", lambda ctx: center)
    yield center
    center.release.set()  # never leave a worker thread waiting


def test_case_page_reads_syncing_while_its_events_are_sent(qtbot: QtBot, ctx: ServiceContext, held: HeldCenter) -> None:
    facade = StationFacade(ctx)
    case_id = register_case(ctx, complete_draft(ctx)).case_ids[0]
    page = CaseDetailWindow(facade, case_id)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.sync_badge.text() == "未同步", timeout=5000)
    worker = SyncWorker(facade)
    reported: list[frozenset[str]] = []
    worker.sync_in_flight.connect(reported.append)
    with qtbot.waitSignal(worker.sync_in_flight, timeout=5000) as started:
        assert worker.sync_now()
    assert started.args == [frozenset({case_id})]
    assert held.pushing.wait(5)
    qtbot.waitUntil(lambda: page.sync_badge.text() == "同步中", timeout=5000)
    assert "1565c0" in page.sync_badge.styleSheet()
    assert worker.running  # the GUI thread is free while the push is held open
    with qtbot.waitSignal(worker.sync_finished, timeout=10000):
        held.release.set()
    qtbot.waitUntil(lambda: page.sync_badge.text() == "已同步", timeout=5000)
    assert reported == [frozenset({case_id}), frozenset()]
    worker.stop()


def test_table_colours_syncing_apart() -> None:
    from PySide6.QtCore import Qt

    from desktop.ui.case_table_model import COLUMNS

    model = CaseTableModel()
    fields = {name: None for name in CaseSummary.__dataclass_fields__}
    row = CaseSummary(**(fields | {"case_id": "c", "sync_label": "同步中", "due_on": None}))  # type: ignore[arg-type]
    model.set_rows([row])
    column = [key for _, key in COLUMNS].index("sync_label")
    index = model.index(0, column)
    assert model.data(index) == "同步中"
    assert model.data(index, Qt.ItemDataRole.ForegroundRole).color().name() == "#1565c0"
