"""Forgiving entry in the new-case dialog: 全角 digits, pasted spaces, the same number under two names."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from desktop.services.casework.cases import register_case
from desktop.services.context import ServiceContext
from desktop.ui.main_window import MainWindow

from ..conftest import complete_draft
from .keyboard import type_text

ID = "11010519491231002X"


def test_full_width_digits_from_an_ime_become_ascii(qtbot: QtBot, window: MainWindow) -> None:
    dialog = window.new_case()
    type_text(qtbot, dialog.id_edit, "１１０１０５１９４９１２３１００２ｘ")  # an IME in 全角 mode
    assert dialog.id_edit.text() == ID
    type_text(qtbot, dialog.phone_edit, "１３８　００１３　８０００")
    assert dialog.phone_edit.text() == "13800138000"


def test_a_pasted_number_with_spaces_is_not_cut(qtbot: QtBot, window: MainWindow) -> None:
    dialog = window.new_case()
    QGuiApplication.clipboard().setText(" 110105 19491231 002X ")
    dialog.id_edit.setFocus()
    qtbot.keyClick(dialog.id_edit, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert dialog.id_edit.text() == ID
    QGuiApplication.clipboard().setText("110105194912310021 9")  # too long: kept whole, refused on saving
    dialog.id_edit.selectAll()
    qtbot.keyClick(dialog.id_edit, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert dialog.id_edit.text() == "1101051949123100219"


def test_a_number_registered_under_another_name_is_a_warning(
    qtbot: QtBot, window: MainWindow, ctx: ServiceContext
) -> None:
    register_case(ctx, complete_draft(ctx))  # 王秀英, 11010519491231002X
    dialog = window.new_case()
    type_text(qtbot, dialog.name_edit, "王秀美")
    type_text(qtbot, dialog.id_edit, ID.lower())
    qtbot.waitUntil(lambda: "王秀英" in dialog.id_warning.text(), timeout=5000)
    assert "已用此号码登记过" in dialog.id_warning.text()
    assert not dialog.error_label.isVisible()  # a warning, not a refusal
    dialog.name_edit.clear()
    type_text(qtbot, dialog.name_edit, "王秀英")
    qtbot.waitUntil(lambda: dialog.id_warning.text() == "", timeout=5000)
