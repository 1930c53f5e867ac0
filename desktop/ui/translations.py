"""Qt's own Chinese: the standard buttons, file chooser and print dialog in Simplified Chinese.

The PySide6 wheel ships Qt's translations (``qtbase_zh_CN.qm``); in the
PyInstaller bundle the QtCore hook collects them into the same relative place
(``PySide6/Qt/translations``), where ``QLibraryInfo`` points in both cases.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

log = logging.getLogger(__name__)

#: Qt's catalogs loaded at start-up (qtbase: QMessageBox, QFileDialog, QPrintDialog, line-edit menus …).
CATALOGS = ("qtbase",)
LOCALE = QLocale(QLocale.Language.Chinese, QLocale.Script.SimplifiedChineseScript, QLocale.Country.China)


def install_qt_translations(app: QApplication) -> list[QTranslator]:
    """Load Qt's Simplified Chinese catalogs into ``app`` once (again: the ones already installed)."""
    installed = app.findChildren(QTranslator, "qt-zh-CN")
    if installed:
        return installed
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for catalog in CATALOGS:
        translator = QTranslator(app)  # parented: lives as long as the application
        translator.setObjectName("qt-zh-CN")
        if translator.load(LOCALE, catalog, "_", folder):
            app.installTranslator(translator)
            installed.append(translator)
        else:
            log.warning("Qt translation %s_zh_CN not found in %s: Qt's own dialogs stay in English", catalog, folder)
            translator.deleteLater()
    return installed
