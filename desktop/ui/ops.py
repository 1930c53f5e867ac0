"""The seam between screens and services: ``WriteOp`` for writes, ``ReadOp`` for queries.

Modelled on Anki's ``CollectionOp``/``QueryOp`` (qt/aqt/operations): a screen hands the helper an
operation on the narrow service interface it was given, and what to do with the result; the helper
runs it on the thread pool (``run_task``), never on the GUI thread.

- ``WriteOp`` emits the one ``changed`` signal (``ChangeHub.changed``) itself when the write
  succeeded, so that every view refreshes; a screen never emits ``changed`` by hand. A refusal or
  failure emits nothing and is shown in Chinese (``show_error``) unless the screen takes it.
- ``ReadOp`` is keyed by its owner and a kind (e.g. the main window's ``"cases"`` search): a newer
  request of the same kind supersedes an older one still running, whose result (or failure) is
  dropped, so a slow older search never overwrites a newer one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Generic, Protocol, TypeVar

import shiboken6
from PySide6.QtCore import QObject, Qt, QTimer, Signal, SignalInstance
from PySide6.QtWidgets import QProgressDialog, QWidget

from desktop.services.casework.records import Changed

from .errors import show_error
from .tasks import run_task

log = logging.getLogger(__name__)

T = TypeVar("T")
#: A write's progress dialog appears only when the write takes longer than this.
PROGRESS_DELAY_MS = 500


class ChangeHub(QObject):
    """Where the one ``changed`` signal lives; views connect to it, only ``WriteOp`` (and sync) emit it."""

    changed = Signal(object)  # Changed


class Hub(Protocol):
    """A hub as a screen's narrow interface sees it (``ChangeHub``, the facade): its ``changed`` signal,
    which the screen's views connect to and which ``WriteOp`` emits."""

    changed: SignalInstance


def _alive(obj: QObject | None) -> bool:
    return obj is None or shiboken6.isValid(obj)


def _widget(obj: QObject | None) -> QWidget | None:
    """The window a message or progress dialog is shown over."""
    return obj if isinstance(obj, QWidget) else None


class WriteOp(Generic[T]):
    """Run a service write off the GUI thread; on success emit ``changed`` once, then call ``success``.

    ``parent`` is the screen that asked (None: no screen): its callbacks are dropped once it was deleted.

    ``op`` returns a ``Changed`` (or anything, with ``changes`` saying which ``Changed`` it makes, None
    for nothing to announce). ``with_progress`` shows a progress dialog if the write takes longer than
    ``PROGRESS_DELAY_MS``; with ``reports=True`` ``op`` is called with a ``report(done, total)`` function
    that moves its bar. ``reporting`` passes such reports to a callback instead (the sync's status bar).
    ``hub`` None: a dialog run on its own (before the main window exists, or in a test), nothing to refresh.
    """

    def __init__(
        self,
        parent: QObject | None,
        hub: Hub | None,
        op: Callable[..., T],
        changes: Callable[[T], Changed | None] | None = None,
    ) -> None:
        self._parent = parent
        self._hub = hub
        self._op = op
        self._changes = changes
        self._success: Callable[[T], Any] | None = None
        self._failure: Callable[[BaseException], Any] | None = None
        self._progress_label: str | None = None
        self._op_reports = False
        self._progress: QProgressDialog | None = None
        self._timer: QTimer | None = None
        self._reported = (0, 0)
        self._report_to: Callable[[int, int], Any] | None = None

    def success(self, success: Callable[[T], Any] | None) -> WriteOp[T]:
        self._success = success
        return self

    def failure(self, failure: Callable[[BaseException], Any] | None) -> WriteOp[T]:
        """Take a refusal or failure here instead of the default message box."""
        self._failure = failure
        return self

    def with_progress(self, label: str, reports: bool = False) -> WriteOp[T]:
        self._progress_label = label
        self._op_reports = reports
        return self

    def reporting(self, report_to: Callable[[int, int], Any]) -> WriteOp[T]:
        self._report_to = report_to
        self._op_reports = True
        return self

    def run_in_background(self) -> None:
        on_progress = self._report_to
        if self._progress_label is not None:
            self._timer = QTimer(singleShot=True)
            self._timer.timeout.connect(self._show_progress)
            self._timer.start(PROGRESS_DELAY_MS)
            on_progress = self._on_progress
        op = self._op
        if on_progress is not None and not self._op_reports:
            op = lambda _report: self._op()  # noqa: E731  # the dialog shows busy, without a bar
        run_task(op, self._on_success, self._on_failure, on_progress)

    def _show_progress(self) -> None:
        if not _alive(self._parent):
            return
        dialog = QProgressDialog(self._progress_label or "", "", 0, 0, _widget(self._parent))
        dialog.setWindowTitle("请稍候")
        dialog.setCancelButton(None)  # a write is not interrupted halfway
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)
        dialog.show()
        self._progress = dialog
        self._on_progress(*self._reported)

    def _on_progress(self, done: int, total: int) -> None:
        self._reported = (done, total)
        if self._progress is not None and shiboken6.isValid(self._progress):
            self._progress.setMaximum(total)
            self._progress.setValue(done)

    def _finish_progress(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if self._progress is not None and shiboken6.isValid(self._progress):
            self._progress.close()
            self._progress.deleteLater()
        self._progress = None

    def _on_success(self, result: T) -> None:
        self._finish_progress()
        changed = self._changes(result) if self._changes is not None else result
        # Every view refreshes first (even when the screen that asked was closed meanwhile: the write
        # happened); then the screen's own follow-up, which may be a modal message.
        if isinstance(changed, Changed) and self._hub is not None and shiboken6.isValid(self._hub):
            self._hub.changed.emit(changed)
        if self._success is not None and _alive(self._parent):
            self._success(result)

    def _on_failure(self, exc: BaseException) -> None:
        self._finish_progress()
        if not _alive(self._parent):
            return
        if self._failure is not None:
            self._failure(exc)
        else:
            show_error(_widget(self._parent), exc)


#: The latest request of each (owner, kind): an older one's result is dropped.
_latest: dict[tuple[int, str], int] = {}
_counter = 0


class ReadOp(Generic[T]):
    """Run a query off the GUI thread; ``success`` gets the result unless a newer request superseded it.

    ``owner`` and ``kind`` name the request: the main window's case search is ``(window, "cases")``; two
    windows' searches do not supersede each other. The result is dropped too when ``owner`` was deleted.
    """

    def __init__(self, owner: QObject, kind: str, op: Callable[[], T], success: Callable[[T], Any]) -> None:
        self._owner = owner
        self._kind = kind
        self._op = op
        self._success = success
        self._failure: Callable[[BaseException], Any] | None = None

    def failure(self, failure: Callable[[BaseException], Any] | None) -> ReadOp[T]:
        self._failure = failure
        return self

    def run_in_background(self) -> None:
        global _counter
        _counter += 1
        key, ticket = (id(self._owner), self._kind), _counter
        _latest[key] = ticket

        def current() -> bool:
            if _latest.get(key) != ticket:
                log.debug("result of an older %r request dropped: a newer one superseded it", self._kind)
                return False
            del _latest[key]
            return shiboken6.isValid(self._owner)

        def succeeded(result: T) -> None:
            if current():
                self._success(result)

        def failed(exc: BaseException) -> None:
            if not current():
                return
            if self._failure is not None:
                self._failure(exc)
            else:
                show_error(_widget(self._owner), exc)

        run_task(self._op, succeeded, failed)
