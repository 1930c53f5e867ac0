"""One helper for background work: database, files and network never run on the GUI thread."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal

from sync.client.errors import SyncError
from sync.domain.errors import DomainError

log = logging.getLogger(__name__)


class _Signals(QObject):
    succeeded = Signal(object)
    failed = Signal(object)
    progressed = Signal(int, int)


class _Task(QRunnable):
    def __init__(self, op: Callable[..., Any], signals: _Signals, with_progress: bool) -> None:
        super().__init__()
        self.op = op
        self.signals = signals
        self.with_progress = with_progress

    def run(self) -> None:
        try:
            result = self.op(self.signals.progressed.emit) if self.with_progress else self.op()
        except (DomainError, SyncError) as exc:
            # An expected refusal (bad input, a rule): the user sees it; no traceback in the log.
            log.info("refused: %s", type(exc).__name__)
            self.signals.failed.emit(exc)
        except Exception as exc:
            log.exception("background task failed")
            self.signals.failed.emit(exc)
        else:
            self.signals.succeeded.emit(result)


_running: set[_Signals] = set()


def _gone(callback: Callable[..., Any]) -> bool:
    """True when a widget ``callback`` works on was deleted meanwhile (its window closed while the task ran):
    the method's own object, or a QObject a lambda closes over."""
    owners = [getattr(callback, "__self__", None)]
    for cell in getattr(callback, "__closure__", None) or ():
        try:
            owners.append(cell.cell_contents)
        except ValueError:  # an empty cell
            continue
    return any(isinstance(o, QObject) and not shiboken6.isValid(o) for o in owners)


def run_task(
    op: Callable[..., Any],
    on_success: Callable[[Any], None],
    on_failure: Callable[[BaseException], None],
    on_progress: Callable[[int, int], None] | None = None,
) -> None:
    """Run ``op`` on the thread pool; callbacks run on the GUI thread.

    ``op`` must not touch widgets. With ``on_progress``, ``op`` is called with a
    ``report(done, total)`` function it may call from its thread.
    """
    signals = _Signals()
    _running.add(signals)

    def finished(callback: Callable[[Any], None]) -> Callable[[Any], None]:
        def call(value: Any) -> None:
            _running.discard(signals)
            if _gone(callback):
                log.debug("result of a background task dropped: its window was closed")
                return
            callback(value)

        return call

    signals.succeeded.connect(finished(on_success))
    signals.failed.connect(finished(on_failure))
    if on_progress is not None:
        signals.progressed.connect(on_progress)
    QThreadPool.globalInstance().start(_Task(op, signals, on_progress is not None))


def when_idle(then: Callable[[], None], poll_ms: int = 50) -> None:
    """Call ``then`` on the GUI thread once no background task is running (e.g. before closing the database)."""
    if not _running:
        then()
        return
    QTimer.singleShot(poll_ms, lambda: when_idle(then, poll_ms))
