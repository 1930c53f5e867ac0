"""Start the Qt application: open the station database, first-run setup, login, main window."""

from __future__ import annotations

import logging
import sys
import traceback
from functools import partial
from pathlib import Path
from types import TracebackType

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QDialog

import resources
from desktop.services import accounts
from desktop.services.context import ServiceContext
from desktop.services.station import current_station, setup_station

from .errors import show_error
from .facade import StationFacade
from .login_dialog import FirstClerkDialog, LoginDialog
from .main_window import MainWindow
from .setup_dialog import SetupDialog

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
    font = QFont()
    font.setPointSize(11)
    app.setFont(font)
    style = resources.path("style.qss")
    if style.exists():
        app.setStyleSheet(style.read_text(encoding="utf-8"))
    return app


def sign_in_dialog(ctx: ServiceContext) -> QDialog:
    """The login dialog, or on a station without accounts the first clerk's account dialog."""
    station = current_station(ctx)
    if not accounts.has_accounts(ctx):
        return FirstClerkDialog(
            partial(accounts.create_clerk, ctx), partial(accounts.login, ctx), station.clerk if station else ""
        )
    return LoginDialog(partial(accounts.login, ctx), station.name if station else "")


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
    return window


def run(data_dir: Path) -> int:
    app = make_application()
    sys.excepthook = _excepthook
    ctx = ServiceContext.open(data_dir)
    try:
        window = open_main_window(ctx)
        if window is None:
            return 0
        return app.exec()
    finally:
        ctx.close()
