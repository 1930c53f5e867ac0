"""Refusals in the dialogs: the cursor goes to the refused field, Enter never cancels, nothing moves.

And the 延期 dialog proposes only a working day the extension rule accepts.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from desktop.services.casework.cases import get_case
from desktop.services.context import ServiceContext
from desktop.ui.action_dialogs import ExtendDialog
from desktop.ui.main_window import MainWindow
from tests.desktop.conftest import set_clock

from ..services.workflow_helpers import registered
from .case_page import click_action, open_case, wait_closed, wait_error
from .keyboard import type_text

#: Registered on this day, the first 承诺件 (10 working days) is due on Saturday 2026-05-09, a 调休
#: working day; a week later is Saturday 2026-05-16, a day off the dialog used to propose.
REGISTERED_ON = date(2026, 4, 22)
DUE_ON = date(2026, 5, 9)


def _extend_dialog(qtbot: QtBot, window: MainWindow, ctx: ServiceContext) -> tuple[str, ExtendDialog]:
    set_clock(ctx, REGISTERED_ON)
    case_id = registered(ctx)
    assert get_case(ctx, case_id).due_on == DUE_ON
    set_clock(ctx, date(2026, 5, 6))
    page = open_case(qtbot, window, case_id)
    dialog = click_action(qtbot, page, "extend")
    assert isinstance(dialog, ExtendDialog)
    dialog.activateWindow()
    qtbot.waitActive(dialog)
    return case_id, dialog


def _at(widget: QWidget, dialog: QDialog) -> tuple[QPoint, int, int]:
    dialog.layout().activate()
    return widget.mapTo(dialog, QPoint(0, 0)), widget.width(), widget.height()


def test_the_extension_proposes_a_working_day_it_accepts(qtbot: QtBot, window: MainWindow, ctx: ServiceContext) -> None:
    case_id, dialog = _extend_dialog(qtbot, window, ctx)
    proposed = dialog.date_edit.date().toPython()
    assert isinstance(proposed, date) and proposed > DUE_ON and ctx.calendar.is_workday(proposed)
    assert dialog.date_note.text() == ""
    saturday = date(2026, 5, 16)
    dialog.set_new_due(saturday)
    assert "休息日" in dialog.date_note.text()  # said at once, not only when saving
    dialog.set_new_due(proposed)
    type_text(qtbot, dialog.reason_edit, "需实地核查")
    box = dialog.consent_box
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))  # on its tick box
    assert box.isChecked()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible() or dialog.error_label.isVisible(), timeout=5000)
    assert dialog.error_label.text() == ""
    wait_closed(qtbot, dialog)
    assert get_case(ctx, case_id).due_on == proposed


def test_after_a_refusal_the_cursor_is_on_the_field_and_enter_does_not_cancel(
    qtbot: QtBot, window: MainWindow, ctx: ServiceContext
) -> None:
    _case_id, dialog = _extend_dialog(qtbot, window, ctx)
    type_text(qtbot, dialog.reason_edit, "需实地核查")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)  # the villager's consent not ticked
    wait_error(qtbot, dialog, "须征得申请人同意")
    qtbot.waitUntil(dialog.ok_button.isEnabled, timeout=5000)
    assert dialog.focusWidget() is dialog.consent_box
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.reason_edit.toPlainText() == "需实地核查"
    cancel = dialog.buttons.button(QDialogButtonBox.StandardButton.NoButton)
    for button in dialog.buttons.buttons():
        if dialog.buttons.buttonRole(button) == QDialogButtonBox.ButtonRole.RejectRole:
            cancel = button
    assert isinstance(cancel, QPushButton) and not cancel.autoDefault() and not cancel.isDefault()
    cancel.setFocus()  # even with the focus on 取消, Enter is 登记延期's, not 取消's
    qtbot.keyClick(cancel, Qt.Key.Key_Return)
    wait_error(qtbot, dialog, "须征得申请人同意")
    assert dialog.isVisible()


def test_the_error_line_moves_nothing(qtbot: QtBot, window: MainWindow, ctx: ServiceContext) -> None:
    _case_id, dialog = _extend_dialog(qtbot, window, ctx)
    before = _at(dialog.ok_button, dialog), _at(dialog.consent_box, dialog)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)  # no reason: refused
    wait_error(qtbot, dialog, "延期理由")
    assert (_at(dialog.ok_button, dialog), _at(dialog.consent_box, dialog)) == before
    type_text(qtbot, dialog.reason_edit, "需实地核查")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    wait_error(qtbot, dialog, "须征得申请人同意")
    assert (_at(dialog.ok_button, dialog), _at(dialog.consent_box, dialog)) == before


def test_the_new_case_error_line_moves_no_signature_button(qtbot: QtBot, window: MainWindow) -> None:
    dialog = window.new_case()
    dialog.select_item("MZ001")
    buttons = (dialog.sign_buttons["applicant"], dialog.sign_buttons["clerk"], dialog.save_button)
    before = [_at(b, dialog) for b in buttons]
    qtbot.mouseClick(dialog.sign_buttons["applicant"], Qt.MouseButton.LeftButton)  # no name yet: refused
    qtbot.waitUntil(dialog.error_label.isVisible, timeout=5000)
    assert "请先填写委托人姓名" in dialog.error_label.text()
    assert [_at(b, dialog) for b in buttons] == before
    assert dialog.focusWidget() is dialog.name_edit
    type_text(qtbot, dialog.name_edit, "王秀英")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)  # the ID missing: refused in the background
    qtbot.waitUntil(lambda: "身份证" in dialog.error_label.text(), timeout=5000)
    assert [_at(b, dialog) for b in buttons] == before
    assert dialog.focusWidget() is dialog.id_edit
    assert not dialog.cancel_button.autoDefault()


def test_the_signature_pads_message_moves_neither_the_pad_nor_the_buttons(qtbot: QtBot) -> None:
    from desktop.ui.signature_dialog import SignatureDialog

    dialog = SignatureDialog("王秀英")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    before = _at(dialog.pad, dialog), _at(dialog.confirm_button, dialog)
    qtbot.mouseClick(dialog.pad, Qt.MouseButton.LeftButton, pos=dialog.pad.rect().center())  # a dot, no signature
    qtbot.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.message_label.isVisible, timeout=5000)
    assert (_at(dialog.pad, dialog), _at(dialog.confirm_button, dialog)) == before
