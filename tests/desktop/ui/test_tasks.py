"""run_task: results of background work reach the GUI thread, and are dropped when their window is gone."""

from __future__ import annotations

import threading

from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QLabel

from desktop.ui import tasks
from desktop.ui.tasks import run_task


def _held_op(release: threading.Event):
    def op() -> str:
        release.wait(5)
        return "结果"

    return op


def test_the_result_reaches_the_widget(qtbot):
    label = QLabel()
    qtbot.addWidget(label)
    release = threading.Event()
    release.set()
    run_task(_held_op(release), label.setText, lambda exc: None)
    qtbot.waitUntil(lambda: label.text() == "结果")


def test_a_result_for_a_closed_window_is_dropped(qtbot):
    """The window closes while its task runs: neither a method of it nor a lambda over it is called."""
    calls: list[str] = []

    class Card(QLabel):
        def show_result(self, value: str) -> None:
            calls.append("method")
            self.setText(value)

    card = Card()
    release = threading.Event()
    before = set(tasks._running)
    run_task(_held_op(release), card.show_result, lambda exc: calls.append("failed"))
    run_task(_held_op(release), lambda value: (calls.append("lambda"), card.setText(value)), lambda exc: None)
    ours = tasks._running - before
    assert len(ours) == 2
    card.deleteLater()
    qtbot.waitUntil(lambda: not _alive(card))
    release.set()
    assert QThreadPool.globalInstance().waitForDone(5000)
    # Each task's result is queued to the GUI thread, where run_task's handler takes the task off the
    # running set before it decides to drop the result: once both are off, both results were handled.
    qtbot.waitUntil(lambda: not ours & tasks._running)
    assert calls == []


def _alive(widget) -> bool:
    import shiboken6

    return shiboken6.isValid(widget)
