"""Start the Qt application: open the station database, first-run setup, login, main window."""

from __future__ import annotations

import logging
import subprocess
import sys
import traceback
from datetime import date
from functools import partial
from pathlib import Path
from types import TracebackType

import shiboken6
from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QFont, QIcon
from PySide6.QtWidgets import QApplication, QDialog

import resources
from desktop.services import accounts, station_admin
from desktop.services.casework.records import Changed
from desktop.services.context import ServiceContext
from desktop.services.safety import backup
from desktop.services.safety.retention import RetentionRun
from desktop.services.station import current_station, setup_station
from desktop.services.syncing import center_sync, update_install
from desktop.store.db import DatabaseDamaged
from sync.domain.clock import SYSTEM_CLOCK

from . import fonts
from .errors import show_error, user_message
from .facade import StationFacade
from .login_dialog import FirstClerkDialog, LoginDialog
from .main_window import MainWindow
from .ops import WriteOp
from .recovery_dialog import run_recovery
from .setup_dialog import SetupDialog
from .translations import install_qt_translations

log = logging.getLogger(__name__)


def _excepthook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    """An unexpected error shows a Chinese dialog and the app stays alive."""
    log.error("uncaught: %s", "".join(traceback.format_exception(kind, exc, tb)))
    show_error(QApplication.activeWindow(), exc)


def make_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(argv or sys.argv[:1])
    app.setApplicationName("代办通")
    app.setOrganizationName("daibantong")
    install_qt_translations(app)  # 取消, 打开, 打印: Qt's own dialogs in Chinese too
    icon = resources.path("icons/app.png")
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    font = QFont()
    font.setPointSize(11)
    app.setFont(fonts.with_fallbacks(font))  # rare characters of names drawn from the bundled fonts
    style = resources.path("style.qss")
    if style.exists():
        app.setStyleSheet(style.read_text(encoding="utf-8"))
    return app


def sign_in_dialog(ctx: ServiceContext) -> QDialog:
    """The login dialog, or on a station without accounts the first clerk's account dialog."""
    station = current_station(ctx)
    if not accounts.has_accounts(ctx):
        return FirstClerkDialog(partial(station_admin.first_clerk, ctx), station.clerk if station else "")
    return LoginDialog(
        partial(accounts.login, ctx),
        station.name if station else "",
        reset=partial(station_admin.reset_password, ctx),
        username=accounts.last_username(ctx),
    )


def open_main_window(ctx: ServiceContext) -> MainWindow | None:
    """The main window after the first-run setup (if new) and login (None: cancelled)."""
    if current_station(ctx) is None:
        dialog = SetupDialog(partial(setup_station, ctx))
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
    if sign_in_dialog(ctx).exec() != QDialog.DialogCode.Accepted:
        return None
    window = MainWindow(StationFacade(ctx))
    window.show()
    window.sync_worker.start()
    _schedule_daily_backup(window, ctx)
    schedule_retention(window)
    return window


def _schedule_daily_backup(window: MainWindow, ctx: ServiceContext) -> None:
    """Today's backup now (off the GUI thread) and again every hour for PCs left on overnight."""

    def on_failed(exc: BaseException) -> None:
        log.warning("daily backup failed: %s", type(exc).__name__)
        window.statusBar().showMessage(f"自动备份未完成：{user_message(exc)}", 15000)

    def due() -> None:
        WriteOp(window, None, lambda: backup.daily_backup_if_due(ctx)).failure(on_failed).run_in_background()

    timer = QTimer(window)
    timer.timeout.connect(due)
    timer.start(3_600_000)
    due()


def schedule_retention(window: MainWindow, interval_ms: int = 3_600_000) -> QTimer:
    """保存期限: archive expired closed cases now (off the GUI thread), then once a day (checked hourly)."""
    facade = window.facade
    last_day: list[date] = []

    def archived(run: RetentionRun) -> Changed | None:
        return Changed(case_ids=run.archived_ids, message=run.message) if run.archived else None

    def done(run: RetentionRun) -> None:
        if not run.archived and run.message:
            window.statusBar().showMessage(run.message, 15000)

    def failed(exc: BaseException) -> None:
        log.warning("retention run failed: %s", type(exc).__name__)
        window.statusBar().showMessage(f"按保存期限自动归档未完成：{user_message(exc)}", 15000)

    def due() -> None:
        today = facade.today()
        if last_day and last_day[0] == today:
            return
        last_day[:] = [today]
        retention = WriteOp(window, facade, facade.archive_expired, changes=archived)
        retention.success(done).failure(failed).run_in_background()

    timer = QTimer(window)
    timer.timeout.connect(due)
    timer.start(interval_ms)
    due()
    return timer


#: Told the clerk when installing the new version failed unexpectedly (the station starts as it was).
UPDATE_CRASHED = (
    "新版本没有装上：安装时出现意外错误，代办通仍按原版本打开，数据没有变化。"
    "请把数据文件夹（“帮助 → 关于”中可见）下 logs 里的日志发给镇中心"
)


def install_requested_update(ctx: ServiceContext) -> tuple[bool, str]:
    """新版本 at start, before the login (``update_install``: nothing unsent, a backup, the self-test decides):
    (whether the new version was installed and started in this one's place, what to tell the clerk)."""
    try:
        result = update_install.apply_pending_update(
            ctx, update_install.platform_step(ctx), push=lambda: center_sync.sync_now(ctx)
        )
    except Exception:  # an update must never keep the station from starting: the log says why, the clerk is told
        log.exception("installing the station release at start failed")
        return False, UPDATE_CRASHED
    if result is None:
        return False, ""
    if result.installed:
        try:
            subprocess.Popen([sys.executable, *sys.argv[1:]], close_fds=True)  # the installed program
        except OSError:
            log.exception("the installed program did not start")
            return False, result.message + "，请重新打开代办通"
        return True, result.message
    return False, result.message


def _open_context(data_dir: Path) -> ServiceContext | None:
    """Open the database; if it is damaged, offer to restore a verified backup (None: the clerk quit)."""
    try:
        return ServiceContext.open(data_dir)
    except DatabaseDamaged:
        log.error("station database damaged at start")
        if not run_recovery(data_dir):
            return None
        return ServiceContext.open(data_dir)


def report_ready(app: QApplication, ready_file: Path) -> None:
    """Write the wall-clock time to ``ready_file`` once a top-level window (setup, login or main) is on screen.

    For the start-up benchmark of the built bundle; polls every 5 ms inside whichever event loop runs.
    """
    timer = QTimer(app)
    timer.setInterval(5)

    def check() -> None:
        for widget in QApplication.topLevelWidgets():
            handle = widget.windowHandle()
            if widget.isVisible() and handle is not None and handle.isExposed():
                timer.stop()
                ready_file.write_text(
                    f"{SYSTEM_CLOCK.now().timestamp():.6f} {type(widget).__name__}\n", encoding="utf-8"
                )
                return

    timer.timeout.connect(check)
    timer.start()


def _dispose(window: QObject) -> None:
    """Delete the window now: its timers, workers and pages go with it (results still on their way are dropped)."""
    if shiboken6.isValid(window):
        shiboken6.delete(window)


def run(data_dir: Path, ready_file: Path | None = None) -> int:
    """Open the station database, log in, run the main window; again after a restore from a backup."""
    app = make_application()
    sys.excepthook = _excepthook
    if ready_file is not None:
        report_ready(app, ready_file)
    while True:
        ctx = _open_context(data_dir)
        if ctx is None:
            return 1
        started_new, update_note = install_requested_update(ctx)  # 新版本: at start, after a backup
        if started_new:
            ctx.close()
            return 0
        try:
            window = open_main_window(ctx)
            if window is None:
                return 0
            if update_note:
                window.statusBar().showMessage(update_note, 120_000)
            window.closed_for_reopen.connect(app.quit)
            code = app.exec()
            reopen = window.reopen_requested
            _dispose(window)
        finally:
            ctx.close()
        if not reopen:
            return code
        log.info("station database restored from a backup: opening it again")
