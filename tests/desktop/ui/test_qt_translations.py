"""Qt's own dialogs speak Chinese once the application is set up (standard buttons, file and print dialogs)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from desktop.ui.application import make_application
from desktop.ui.translations import install_qt_translations


def test_standard_buttons_are_chinese_after_start_up(qtbot: QtBot) -> None:
    app = make_application()
    box = QMessageBox(QMessageBox.Icon.Question, "确认", "确定吗？", QMessageBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    cancel = box.button(QMessageBox.StandardButton.Cancel)
    assert cancel is not None and cancel.text().replace("&", "").startswith("取消")
    assert QCoreApplication.translate("QFileDialog", "Open") == "打开"
    assert len(install_qt_translations(app)) == 1  # set up once, however often the application is made


def test_the_wheel_ships_the_catalog() -> None:
    """What the PyInstaller QtCore hook collects into the bundle (``PySide6/Qt/translations``)."""
    from pathlib import Path

    folder = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))
    assert (folder / "qtbase_zh_CN.qm").stat().st_size > 0
