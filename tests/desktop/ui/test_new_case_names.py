"""Issue 13 in the new-case dialog: a rare name typed through the input method is registered exactly
(look-alike dots as "·"); a NUL pasted into the name is refused in Chinese in the dialog, nothing saved."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop.services.casework.case_detail import case_events
from desktop.services.casework.cases import get_case, list_cases
from desktop.services.context import ServiceContext
from desktop.store import event_log
from desktop.ui.main_window import MainWindow
from desktop.ui.rare_char_dialog import open_for

from .keyboard import type_text
from .test_new_case import _fill, _save, _sign_both


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("王\U00020bb7堃", "王\U00020bb7堃"),
        ("阿依古丽\u2022买买提", "阿依古丽·买买提"),  # bullet typed
        ("买买提\u30fb艾力\uff0e\U0002c317", "买买提·艾力·\U0002c317"),  # katakana dot, fullwidth stop
    ],
)
def test_a_rare_name_typed_in_the_dialog_is_registered_exactly(
    qtbot: QtBot, window: MainWindow, ctx: ServiceContext, typed: str, stored: str
) -> None:
    dialog = window.new_case()
    _fill(qtbot, dialog, name=typed, id_number="11010519491231002X", phone="13800138000")
    assert dialog.name_edit.text() == typed
    dialog.materials.set_all_present(True)
    _sign_both(qtbot, dialog)
    with qtbot.waitSignal(dialog.case_saved, timeout=5000):
        _save(qtbot, dialog)
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=5000)
    assert window.model.row_at(0).applicant_name == stored
    (summary,) = list_cases(ctx)
    assert get_case(ctx, summary.case_id).applicant.name == stored
    (event,) = [e for e in case_events(ctx, summary.case_id) if e.type == "case.registered"]
    assert event.payload["applicant"]["name"] == stored
    signers = {s["role"]: s["signer"] for s in event.payload["signatures"]}
    assert signers == {"委托人": stored, "代办员": "李代办"}  # the ink names the villager as the case does


def test_a_nul_pasted_into_the_name_is_refused_in_the_dialog(
    qtbot: QtBot, window: MainWindow, ctx: ServiceContext
) -> None:
    dialog = window.new_case()
    _fill(qtbot, dialog, name="", id_number="11010519491231002X", phone="13800138000")
    QApplication.clipboard().setText("王\x00秀英")
    dialog.name_edit.setFocus()
    dialog.name_edit.paste()
    assert dialog.name_edit.text() == "王\x00秀英"
    dialog.materials.set_all_present(True)
    dialog.sign("applicant")
    qtbot.waitUntil(lambda: dialog.error_label.isVisible(), timeout=5000)
    assert dialog.error_label.text() == "姓名中含有无法识别的字符（U+0000），请删除后重新输入"
    _save(qtbot, dialog)
    qtbot.waitUntil(lambda: "U+0000" in dialog.error_label.text() and dialog.save_button.isEnabled(), timeout=5000)
    assert "姓名中含有无法识别的字符（U+0000）" in dialog.error_label.text()
    assert dialog.isVisible()
    assert list_cases(ctx) == []
    with ctx.db.reading() as session:
        assert event_log.count_events(session) == 0


def test_a_name_completed_in_the_rare_character_dialog_is_registered_exactly(
    qtbot: QtBot, window: MainWindow, ctx: ServiceContext
) -> None:
    dialog = window.new_case()
    _fill(qtbot, dialog, name="王堃", id_number="11010519491231002X", phone="13800138000")
    dialog.name_edit.setCursorPosition(1)
    rare = open_for(dialog.name_edit)
    type_text(qtbot, rare.query_edit, "U+20BB7")
    with qtbot.waitSignal(rare.finished, timeout=10000):
        qtbot.keyClick(rare.query_edit, Qt.Key.Key_Return)
    assert dialog.name_edit.text() == "王\U00020bb7堃"
    dialog.materials.set_all_present(True)
    _sign_both(qtbot, dialog)
    with qtbot.waitSignal(dialog.case_saved, timeout=5000):
        _save(qtbot, dialog)
    (summary,) = list_cases(ctx)
    assert get_case(ctx, summary.case_id).applicant.name == "王\U00020bb7堃"
