"""Background sync: on a timer, when the network comes back, and on "立即同步".

The sync itself runs as a ``WriteOp`` on the thread pool, never on the GUI
thread, and announces what it changed (``changed``); this object only decides
when, and reports what happened, including which cases are being sent
(``sync_in_flight``: their badge reads 同步中). When the credential kept on this
PC is still locked it says so (``credential_locked``), so that the window asks
the clerk's password instead of failing quietly.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QObject, QTimer, Signal, SignalInstance
from PySide6.QtNetwork import QNetworkInformation

from desktop.services.casework.records import Changed
from desktop.services.safety.credential_store import PasswordNeeded
from desktop.services.syncing.sync_schedule import SyncSchedule
from sync.domain.errors import DomainError

from .errors import user_message
from .ops import Hub, WriteOp

log = logging.getLogger(__name__)

FIRST_ATTEMPT_MS = 3000


class SyncServices(Hub, Protocol):
    """What the background sync needs (the facade has it): the sync, run by ``WriteOp`` on a worker thread
    and reporting its progress, and the signal that names the cases being pushed."""

    sync_in_flight: SignalInstance

    def sync_now_with_progress(self, report: Callable[[int, int], None]) -> Changed: ...


class SyncWorker(QObject):
    sync_started = Signal()
    sync_progressed = Signal(int, int)
    sync_finished = Signal(object)  # Changed
    sync_failed = Signal(str)  # Chinese message
    #: The cases whose events are in the batch being pushed (同步中), a frozenset of case ids; empty after.
    sync_in_flight = Signal(object)
    #: The sync needs the clerk's password (the credential is kept locked on this PC); True when the clerk
    #: asked for this sync (立即同步), False for the timer or the network coming back.
    credential_locked = Signal(bool)

    def __init__(self, facade: SyncServices, schedule: SyncSchedule | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.facade = facade
        self.schedule = schedule or SyncSchedule()
        self.running = False
        self.paused = False
        self._asked = False
        self.timer = QTimer(self, singleShot=True)
        self.timer.timeout.connect(self.sync_now)
        facade.sync_in_flight.connect(self.sync_in_flight)
        self._watch_network()

    def start(self, first_delay_ms: int = FIRST_ATTEMPT_MS) -> None:
        self.timer.start(first_delay_ms)

    def stop(self) -> None:
        self.timer.stop()

    def pause(self) -> None:
        """No sync starts until ``resume()``: not on the timer, not when the network comes back, not on 立即同步
        (e.g. while a backup is being restored). A sync already running finishes."""
        self.paused = True
        self.timer.stop()

    def resume(self, delay_ms: int = FIRST_ATTEMPT_MS) -> None:
        self.paused = False
        self.timer.start(delay_ms)

    def sync_now(self, asked: bool = False) -> bool:
        """Start a sync unless one is running or syncing is paused; True if started (``asked``: by the clerk)."""
        if self.running or self.paused:
            return False
        self.running = True
        self._asked = asked
        self.timer.stop()
        self.sync_started.emit()
        sync = WriteOp(self, self.facade, self.facade.sync_now_with_progress).reporting(self.sync_progressed.emit)
        sync.success(self._on_success).failure(self._on_failure).run_in_background()
        return True

    def _on_success(self, changed: Changed) -> None:
        self.running = False
        self.schedule.succeeded()
        if not self.paused:
            self.timer.start(int(self.schedule.next_delay() * 1000))
        self.sync_finished.emit(changed)

    def _on_failure(self, exc: BaseException) -> None:
        self.running = False
        if isinstance(exc, DomainError):
            # Not enrolled yet or a rule refused: retrying faster would not help.
            delay = self.schedule.regular
        else:
            self.schedule.failed()
            delay = self.schedule.next_delay()
        if not self.paused:
            self.timer.start(int(delay * 1000))
        self.sync_failed.emit(user_message(exc))
        if isinstance(exc, PasswordNeeded):
            self.credential_locked.emit(self._asked)

    def _watch_network(self) -> None:
        """Sync as soon as the OS says the network is back (where Qt has a backend for it)."""
        try:
            if not QNetworkInformation.loadDefaultBackend():
                return
            info = QNetworkInformation.instance()
        except RuntimeError:  # pragma: no cover - platform without network information
            return
        if info is not None:
            info.reachabilityChanged.connect(self._on_reachability)

    def _on_reachability(self, reachability: QNetworkInformation.Reachability) -> None:
        if reachability == QNetworkInformation.Reachability.Online:
            log.info("network is back: syncing")
            self.sync_now()
