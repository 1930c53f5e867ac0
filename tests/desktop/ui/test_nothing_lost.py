"""Nothing typed is thrown away without asking: Esc, 取消 and the close button confirm first."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from desktop.services.casework.workflow import deliver
from desktop.services.context import ServiceContext
from desktop.ui.feedback_dialog import FeedbackDialog
from desktop.ui.guarded_dialog import DISCARD_TITLE, GuardedDialog
from desktop.ui.handover_dialog import HandoverDialog
from desktop.ui.main_window import MainWindow
from desktop.ui.step_dialogs import SuspendDialog

from ..services.workflow_helpers import center, registered
from .case_page import click_action, open_case, wait_state
from .keyboard import type_text


def _cancel_button(dialog: QDialog) -> QPushButton:
    buttons = dialog.findChild(QDialogButtonBox)
    assert buttons is not None
    (cancel,) = [b for b in buttons.buttons() if buttons.buttonRole(b) == QDialogButtonBox.ButtonRole.RejectRole]
    assert isinstance(cancel, QPushButton)
    return cancel


def _box_button(box: QMessageBox, text: str) -> QPushButton:
    (button,) = [b for b in box.buttons() if b.text() == text]
    assert isinstance(button, QPushButton)
    return button


def _asked(qtbot: QtBot, dialog: GuardedDialog) -> QMessageBox:
    box = dialog.discard_box
    assert box is not None
    qtbot.waitUntil(box.isVisible, timeout=5000)
    assert box.windowTitle() == DISCARD_TITLE
    assert dialog.isVisible()
    return box


def test_esc_cancel_and_close_ask_before_the_new_case_is_thrown_away(qtbot: QtBot, window: MainWindow) -> None:
    dialog = window.new_case()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # nothing entered: closes at once
    assert not dialog.isVisible() and dialog.discard_box is None

    dialog = window.new_case()
    type_text(qtbot, dialog.name_edit, "王秀英")
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Escape)
    box = _asked(qtbot, dialog)
    assert box.defaultButton() is _box_button(box, "继续填写")  # Enter keeps the form
    qtbot.mouseClick(_box_button(box, "继续填写"), Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.name_edit.text() == "王秀英"

    qtbot.mouseClick(_cancel_button(dialog), Qt.MouseButton.LeftButton)
    box = _asked(qtbot, dialog)
    qtbot.keyClick(box, Qt.Key.Key_Escape)  # Esc in the question keeps the form too
    assert dialog.isVisible()

    dialog.close()  # the window's close button
    box = _asked(qtbot, dialog)
    qtbot.mouseClick(_box_button(box, "放弃"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)


def test_the_small_dialogs_ask_too(qtbot: QtBot, window: MainWindow, ctx: ServiceContext) -> None:
    case_id = registered(ctx)
    page = open_case(qtbot, window, case_id)
    wait_state(qtbot, page, "已受理")
    suspend = click_action(qtbot, page, "suspend")
    assert isinstance(suspend, SuspendDialog)
    type_text(qtbot, suspend.reason_edit, "需要专家评审")
    qtbot.keyClick(suspend.restart_edit, Qt.Key.Key_Escape)
    box = _asked(qtbot, suspend)
    qtbot.mouseClick(_box_button(box, "继续填写"), Qt.MouseButton.LeftButton)
    assert suspend.reason_edit.toPlainText() == "需要专家评审"
    qtbot.mouseClick(_cancel_button(suspend), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(_box_button(_asked(qtbot, suspend), "放弃"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not suspend.isVisible(), timeout=5000)

    handover = click_action(qtbot, page, "handover")
    assert isinstance(handover, HandoverDialog)
    qtbot.mouseClick(_cancel_button(handover), Qt.MouseButton.LeftButton)  # untouched: closes
    assert not handover.isVisible()
    handover = click_action(qtbot, page, "handover")
    assert isinstance(handover, HandoverDialog)
    type_text(qtbot, handover.note_edit, "原件已核对")
    qtbot.mouseClick(_cancel_button(handover), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(_box_button(_asked(qtbot, handover), "继续填写"), Qt.MouseButton.LeftButton)
    assert handover.isVisible() and handover.note_edit.text() == "原件已核对"
    handover.discard()

    deliver(ctx, case_id)
    center(ctx, "case.center_accept", {"case_id": case_id})
    center(ctx, "case.center_complete", {"case_id": case_id, "result": "办结"})
    page.refresh()
    wait_state(qtbot, page, "已办结")
    feedback = click_action(qtbot, page, "give_feedback")
    assert isinstance(feedback, FeedbackDialog)
    qtbot.mouseClick(feedback.rating_buttons[5], Qt.MouseButton.LeftButton)
    qtbot.keyClick(feedback, Qt.Key.Key_Escape)
    qtbot.mouseClick(_box_button(_asked(qtbot, feedback), "继续填写"), Qt.MouseButton.LeftButton)
    assert feedback.isVisible() and feedback.rating_group.checkedId() == 5


def test_a_refused_handover_signature_puts_the_cursor_on_the_missing_name(
    qtbot: QtBot, window: MainWindow, ctx: ServiceContext
) -> None:
    page = open_case(qtbot, window, registered(ctx))
    wait_state(qtbot, page, "已受理")
    handover = click_action(qtbot, page, "handover")
    assert isinstance(handover, HandoverDialog)
    handover.activateWindow()
    qtbot.waitActive(handover)
    handover.to_name.clear()
    qtbot.mouseClick(handover.sign_buttons["to"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(handover.error_label.isVisible, timeout=5000)
    assert handover.focusWidget() is handover.to_name
    qtbot.keyClick(handover.to_name, Qt.Key.Key_Return)  # Enter: not 取消
    assert handover.isVisible()
