"""Fixtures of the desktop UI tests."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from desktop.services.context import ServiceContext
from desktop.ui.facade import StationFacade
from desktop.ui.main_window import MainWindow


@pytest.fixture
def window(qtbot: QtBot, ctx: ServiceContext) -> MainWindow:
    """The station's main window, shown (its sync worker not started)."""
    win = MainWindow(StationFacade(ctx))
    qtbot.addWidget(win)
    win.show()
    return win
