"""The 办理事项 chooser: any part of the name, pinyin, initials, the station's most used items first."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.services.casework.cases import register_case
from desktop.services.context import ServiceContext
from desktop.ui.item_chooser import PLACEHOLDER
from desktop.ui.main_window import MainWindow
from desktop.ui.new_case_dialog import NewCaseDialog

from ..conftest import complete_draft
from .keyboard import type_text

LOW_INCOME = "MZ001"  # 最低生活保障申请（低保）


def _opened(qtbot: QtBot, window: MainWindow) -> NewCaseDialog:
    dialog = window.new_case()
    qtbot.waitUntil(lambda: dialog.items_loaded, timeout=10000)
    return dialog


def _popup_labels(dialog: NewCaseDialog) -> list[str]:
    model = dialog.item_combo.finder.completionModel()
    return [str(model.index(row, 0).data()) for row in range(model.rowCount())]


def test_a_part_of_the_name_finds_the_matter_and_enter_takes_it(qtbot: QtBot, window: MainWindow) -> None:
    dialog = _opened(qtbot, window)
    line = dialog.item_combo.lineEdit()
    assert line.text() == "" and line.placeholderText() == PLACEHOLDER  # a real placeholder, not an entry
    type_text(qtbot, line, "低保")
    assert line.text() == "低保"
    popup = dialog.item_combo.finder.popup()
    assert popup.isVisible()
    assert _popup_labels(dialog)[0].startswith("最低生活保障申请（低保）")
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert dialog.item_combo.currentData() == LOW_INCOME
    assert line.text() == "最低生活保障申请（低保）（镇民政办）"
    assert dialog.materials.rowCount() > 0  # the item's checklist is loaded


def test_pinyin_and_initials_find_the_matter(qtbot: QtBot, window: MainWindow) -> None:
    dialog = _opened(qtbot, window)
    line = dialog.item_combo.lineEdit()
    for typed in ("dibao", "db"):
        line.clear()
        line.setFocus()
        qtbot.keyClicks(line, typed)
        assert _popup_labels(dialog)[0].startswith("最低生活保障"), typed
    popup = dialog.item_combo.finder.popup()
    rect = popup.visualRect(popup.model().index(0, 0))
    qtbot.mouseClick(popup.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert dialog.item_combo.currentData() == LOW_INCOME


def test_more_than_ten_matches_show_without_scrolling(qtbot: QtBot, window: MainWindow) -> None:
    dialog = _opened(qtbot, window)
    type_text(qtbot, dialog.item_combo.lineEdit(), "申")  # 申请, 申领: most of the catalog
    popup = dialog.item_combo.finder.popup()
    assert popup.isVisible() and popup.model().rowCount() > 12
    row_height = popup.sizeHintForRow(0)
    assert popup.viewport().height() >= 12 * row_height
    assert dialog.item_combo.maxVisibleItems() > 10


def test_the_stations_most_used_matters_come_first(qtbot: QtBot, window: MainWindow, ctx: ServiceContext) -> None:
    for _ in range(2):
        register_case(ctx, complete_draft(ctx, kind="consult", item_code="HJ005", materials=()))
    register_case(ctx, complete_draft(ctx, kind="consult", item_code="SF001", materials=()))
    dialog = _opened(qtbot, window)
    combo = dialog.item_combo
    assert [combo.itemData(0), combo.itemData(1)] == ["HJ005", "SF001"]
    type_text(qtbot, combo.lineEdit(), "证明")  # 无犯罪记录证明开具 (used twice) before 户籍证明开具
    assert _popup_labels(dialog)[0].startswith("无犯罪记录证明开具")


def test_text_naming_no_matter_leaves_nothing_chosen(qtbot: QtBot, window: MainWindow) -> None:
    dialog = _opened(qtbot, window)
    dialog.activateWindow()
    qtbot.waitActive(dialog)
    line = dialog.item_combo.lineEdit()
    dialog.select_item(LOW_INCOME)
    line.setFocus()
    line.selectAll()
    qtbot.keyClicks(line, "zzzz")
    assert not dialog.item_combo.finder.popup().isVisible()
    qtbot.keyClick(line, Qt.Key.Key_Tab)
    assert dialog.item_combo.currentData() == LOW_INCOME  # the chosen item stays, and is shown again
    assert line.text().startswith("最低生活保障")
