"""The new-case draft: kept (encrypted) while typing, offered back after a crash or a close, then gone."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QPushButton
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from desktop.services.casework.cases import list_cases
from desktop.services.casework.registration_draft import DRAFT_KEY, keep_draft, load_draft
from desktop.services.context import ServiceContext
from desktop.ui.facade import StationFacade
from desktop.ui.guarded_dialog import DISCARD_TITLE
from desktop.ui.main_window import MainWindow
from desktop.ui.new_case_dialog import NewCaseDialog
from desktop.ui.new_case_draft import RESTORE_TITLE

from .case_page import sign_with_pad
from .keyboard import type_text

ID = "11010519491231002X"


def _button(box: QMessageBox, label: str) -> QPushButton:
    (button,) = [b for b in box.buttons() if b.text() == label]
    assert isinstance(button, QPushButton)
    return button


def _opened(qtbot: QtBot, window: MainWindow) -> NewCaseDialog:
    dialog = window.new_case()
    qtbot.waitUntil(lambda: dialog.drafts is not None and (dialog.drafts.settled or dialog.restore_box is not None))
    return dialog


def _offered(qtbot: QtBot, window: MainWindow) -> tuple[NewCaseDialog, QMessageBox]:
    dialog = _opened(qtbot, window)
    box = dialog.restore_box
    assert box is not None
    qtbot.waitUntil(box.isVisible, timeout=5000)
    assert box.windowTitle() == RESTORE_TITLE
    return dialog, box


def _fill(qtbot: QtBot, dialog: NewCaseDialog) -> None:
    dialog.select_item("MZ004")
    type_text(qtbot, dialog.name_edit, "王秀英")
    type_text(qtbot, dialog.id_edit, ID)
    type_text(qtbot, dialog.phone_edit, "13800138000")
    type_text(qtbot, dialog.address_edit, "城南村三组12号")
    qtbot.mouseClick(dialog.group_boxes["老"], Qt.MouseButton.LeftButton)
    dialog.materials.set_all_present(True)


def _stored(ctx: ServiceContext) -> str:
    with ctx.db.reading() as session:
        return str(session.execute(text("SELECT value FROM settings WHERE key = :k"), {"k": DRAFT_KEY}).scalar())


def test_after_a_crash_the_typed_form_and_the_signature_come_back(
    qtbot: QtBot, window: MainWindow, ctx: ServiceContext
) -> None:
    dialog = _opened(qtbot, window)
    assert dialog.restore_box is None  # nothing kept yet: nothing offered
    _fill(qtbot, dialog)
    sign_with_pad(qtbot, dialog, lambda: dialog.sign("applicant"))
    qtbot.waitUntil(lambda: dialog.draft_idle, timeout=5000)
    kept = load_draft(ctx)
    assert kept is not None and kept.form.applicant_name == "王秀英" and len(kept.signatures) == 1
    raw = _stored(ctx)
    assert "enc1:" in raw and ID not in raw and "王秀英" not in raw and "13800138000" not in raw  # sealed

    # The app dies with the dialog open; a new window on the same station opens the dialog again.
    restarted = MainWindow(StationFacade(ctx))
    qtbot.addWidget(restarted)
    restarted.show()
    again, box = _offered(qtbot, restarted)
    assert "王秀英" in box.text() and "高龄津贴申请" in box.text()
    assert box.defaultButton() is _button(box, "恢复")
    qtbot.mouseClick(_button(box, "恢复"), Qt.MouseButton.LeftButton)
    assert again.name_edit.text() == "王秀英" and again.id_edit.text() == ID
    assert again.phone_edit.text() == "13800138000" and again.group_boxes["老"].isChecked()
    assert again.item_combo.currentData() == "MZ004"
    assert all(m.present for m in again.materials.materials())
    qtbot.waitUntil(lambda: "✔ 王秀英 已签名" in again.sign_labels["applicant"].text(), timeout=5000)
    sign_with_pad(qtbot, again, lambda: again.sign("clerk"))
    with qtbot.waitSignal(again.case_saved, timeout=5000):
        qtbot.mouseClick(again.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: again.draft_idle and load_draft(ctx) is None, timeout=5000)  # saved: the draft goes
    (case,) = list_cases(ctx)
    assert case.applicant_name == "王秀英"
    assert _opened(qtbot, window).restore_box is None


def test_closing_keeps_the_draft_and_discarding_deletes_it(
    qtbot: QtBot, window: MainWindow, ctx: ServiceContext
) -> None:
    dialog = _opened(qtbot, window)
    type_text(qtbot, dialog.name_edit, "赵四")
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Escape)
    box = dialog.discard_box
    assert box is not None and box.windowTitle() == DISCARD_TITLE
    qtbot.waitUntil(box.isVisible, timeout=5000)
    qtbot.mouseClick(_button(box, "保留草稿"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible() and dialog.draft_idle, timeout=5000)
    kept = load_draft(ctx)
    assert kept is not None and kept.form.applicant_name == "赵四"

    again, offer = _offered(qtbot, window)
    qtbot.mouseClick(_button(offer, "放弃草稿"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: again.draft_idle and load_draft(ctx) is None, timeout=5000)
    assert again.name_edit.text() == ""

    type_text(qtbot, again.name_edit, "钱五")
    qtbot.waitUntil(lambda: again.draft_idle and load_draft(ctx) is not None, timeout=5000)
    again.reject()
    discard = again.discard_box
    assert discard is not None
    qtbot.mouseClick(_button(discard, "放弃"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not again.isVisible() and again.draft_idle and load_draft(ctx) is None, timeout=5000)
    assert _opened(qtbot, window).restore_box is None


def test_a_signature_over_changed_content_is_not_restored(
    qtbot: QtBot, window: MainWindow, ctx: ServiceContext
) -> None:
    dialog = _opened(qtbot, window)
    _fill(qtbot, dialog)
    sign_with_pad(qtbot, dialog, lambda: dialog.sign("applicant"))
    qtbot.waitUntil(lambda: dialog.draft_idle, timeout=5000)
    kept = load_draft(ctx)
    assert kept is not None
    keep_draft(ctx, replace(kept, content_sha256="0" * 64))  # as if the 委托书's text had changed since
    again, box = _offered(qtbot, window)
    qtbot.mouseClick(_button(box, "恢复"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "重新签名" in again.error_label.text(), timeout=5000)
    assert again.sign_labels["applicant"].text() == "未签名" and again.name_edit.text() == "王秀英"
