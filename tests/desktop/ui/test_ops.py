"""WriteOp and ReadOp: writes announce ``changed`` once (failures never), a superseded query's result is dropped.

Deterministic: the background operations wait on events the test sets, and the test waits for the
helper's own bookkeeping (``tasks._running``), never for a guessed length of time.
"""

from __future__ import annotations

import threading

import pytest
import shiboken6
from PySide6.QtWidgets import QLabel, QWidget

from desktop.services.casework.records import Changed
from desktop.ui import ops, tasks
from desktop.ui.errors import user_message
from desktop.ui.ops import ChangeHub, ReadOp, WriteOp
from sync.domain.errors import DomainError


@pytest.fixture
def shown_errors(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    messages: list[str] = []
    monkeypatch.setattr(ops, "show_error", lambda parent, exc: messages.append(user_message(exc)))
    return messages


def _settled(qtbot, before: set) -> None:
    """Every task started since ``before`` has been handled on the GUI thread (delivered or dropped)."""
    qtbot.waitUntil(lambda: not (tasks._running - before))


def test_a_slow_older_search_does_not_overwrite_a_newer_one(qtbot):
    label = QLabel()
    qtbot.addWidget(label)
    release_older = threading.Event()
    older_started = threading.Event()
    before = set(tasks._running)

    def older() -> str:
        older_started.set()
        release_older.wait(10)
        return "旧的结果"

    ReadOp(label, "cases", older, label.setText).run_in_background()
    assert older_started.wait(10)
    ReadOp(label, "cases", lambda: "新的结果", label.setText).run_in_background()
    qtbot.waitUntil(lambda: label.text() == "新的结果")
    release_older.set()
    _settled(qtbot, before)
    assert label.text() == "新的结果"
    assert not ops._latest


def test_other_kinds_and_owners_do_not_supersede(qtbot):
    first, second = QLabel(), QLabel()
    qtbot.addWidget(first)
    qtbot.addWidget(second)
    got: list[str] = []
    release = threading.Event()
    before = set(tasks._running)

    def held(value: str):
        def op() -> str:
            release.wait(10)
            return value

        return op

    ReadOp(first, "cases", held("甲"), got.append).run_in_background()
    ReadOp(first, "sync_status", held("乙"), got.append).run_in_background()
    ReadOp(second, "cases", held("丙"), got.append).run_in_background()
    release.set()
    _settled(qtbot, before)
    assert sorted(got) == sorted(["甲", "乙", "丙"])


def test_a_superseded_failure_is_not_shown(qtbot, shown_errors):
    owner = QWidget()
    qtbot.addWidget(owner)
    release = threading.Event()
    got: list[str] = []
    before = set(tasks._running)

    def failing() -> str:
        release.wait(10)
        raise DomainError("旧的查询失败")

    ReadOp(owner, "cases", failing, got.append).run_in_background()
    ReadOp(owner, "cases", lambda: "新的结果", got.append).run_in_background()
    qtbot.waitUntil(lambda: got == ["新的结果"])
    release.set()
    _settled(qtbot, before)
    assert shown_errors == []


def test_a_write_emits_changed_exactly_once(qtbot, shown_errors):
    hub, owner = ChangeHub(), QWidget()
    qtbot.addWidget(owner)
    emitted: list[Changed] = []
    hub.changed.connect(emitted.append)
    done: list[str] = []
    changed = Changed(case_ids=("c1",), message="已保存")
    before = set(tasks._running)
    WriteOp(owner, hub, lambda: changed).success(lambda c: done.append(c.message)).run_in_background()
    _settled(qtbot, before)
    assert emitted == [changed]
    assert done == ["已保存"]
    assert shown_errors == []


def test_a_failing_write_emits_nothing_and_shows_the_message(qtbot, shown_errors):
    hub, owner = ChangeHub(), QWidget()
    qtbot.addWidget(owner)
    emitted: list[Changed] = []
    hub.changed.connect(emitted.append)
    done: list[object] = []
    before = set(tasks._running)

    def refused() -> Changed:
        raise DomainError("办件已归档，不能再变动")

    WriteOp(owner, hub, refused).success(done.append).run_in_background()
    _settled(qtbot, before)
    assert emitted == []
    assert done == []
    assert shown_errors == ["办件已归档，不能再变动"]


def test_a_write_whose_screen_closed_still_announces_the_change(qtbot, shown_errors):
    """The write happened: other views refresh even though the dialog that asked for it is gone."""
    hub, owner = ChangeHub(), QWidget()
    emitted: list[Changed] = []
    hub.changed.connect(emitted.append)
    called: list[object] = []
    release = threading.Event()
    before = set(tasks._running)

    def held() -> Changed:
        release.wait(10)
        return Changed(case_ids=("c1",))

    WriteOp(owner, hub, held).success(called.append).run_in_background()
    owner.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(owner))
    release.set()
    _settled(qtbot, before)
    assert called == []
    assert len(emitted) == 1


def test_changes_pick_what_a_write_announces(qtbot, shown_errors):
    hub = ChangeHub()
    emitted: list[Changed] = []
    hub.changed.connect(emitted.append)
    before = set(tasks._running)
    WriteOp(None, hub, lambda: 0, changes=lambda n: Changed(message="无") if n else None).run_in_background()
    WriteOp(None, hub, lambda: 2, changes=lambda n: Changed(message=f"{n} 件")).run_in_background()
    _settled(qtbot, before)
    assert emitted == [Changed(message="2 件")]


def test_progress_reports_reach_the_dialog(qtbot, monkeypatch):
    """A long write shows its progress; the dialog goes when the write ends."""
    monkeypatch.setattr(ops, "PROGRESS_DELAY_MS", 0)
    hub, owner = ChangeHub(), QWidget()
    qtbot.addWidget(owner)
    owner.show()
    release, reported = threading.Event(), threading.Event()
    before = set(tasks._running)

    def op(report) -> Changed:
        report(1, 4)
        reported.set()
        release.wait(10)
        return Changed()

    write = WriteOp(owner, hub, op).with_progress("正在导出……", reports=True)
    write.run_in_background()
    qtbot.waitUntil(lambda: write._progress is not None and write._progress.value() == 1)
    assert write._progress is not None and write._progress.maximum() == 4
    release.set()
    _settled(qtbot, before)
    assert write._progress is None


def test_the_main_window_keeps_the_newer_search(qtbot, ctx, monkeypatch: pytest.MonkeyPatch):
    """The clerk types, then clears the search: the first, slower search finishing last does not win."""
    from desktop.ui.facade import StationFacade
    from desktop.ui.main_window import MainWindow

    from ..services.workflow_helpers import registered

    registered(ctx)
    window = MainWindow(StationFacade(ctx))
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.count_label.text() == "共 1 件")
    held, release = threading.Event(), threading.Event()
    search = window.facade.search_cases

    def slow_when_typed(case_filter):
        if case_filter.text:
            held.set()
            release.wait(10)
            return []  # what the older search found: nothing
        return search(case_filter)

    monkeypatch.setattr(window.facade, "search_cases", slow_when_typed)
    before = set(tasks._running)
    window.search_edit.setText("没有这个人")
    window.refresh()
    assert held.wait(10)
    window.count_label.setText("")
    window.search_edit.setText("")
    window.refresh()
    qtbot.waitUntil(lambda: window.count_label.text() == "共 1 件")
    release.set()
    _settled(qtbot, before)
    assert window.count_label.text() == "共 1 件" and window.model.rowCount() == 1
