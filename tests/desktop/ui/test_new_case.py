"""Drive the real widgets: create an entrustment, sign the 委托书, and see it in the case list."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from desktop.services.casework.attachments import read_attachment
from desktop.services.casework.case_detail import case_events
from desktop.services.casework.cases import list_cases
from desktop.services.context import ServiceContext
from desktop.services.printing import case_forms
from desktop.store import event_log
from desktop.ui.main_window import MainWindow
from desktop.ui.new_case_dialog import NewCaseDialog
from sync.domain.entrustment import registration_content
from sync.domain.signature import Signature
from sync.domain.signing import content_hash

from .case_page import sign_with_pad
from .keyboard import type_text
from .pen import stroke

SIGN_FIRST = "请委托人和代办员在《代办服务委托书》上签名后再登记"


ITEM_CODE = "MZ001"


def _fill(qtbot: QtBot, dialog: NewCaseDialog, *, name: str, id_number: str, phone: str) -> None:
    dialog.select_item(ITEM_CODE)
    type_text(qtbot, dialog.name_edit, name)
    type_text(qtbot, dialog.id_edit, id_number)
    type_text(qtbot, dialog.phone_edit, phone)
    type_text(qtbot, dialog.address_edit, "城南村三组12号")
    dialog.group_boxes["老"].setChecked(True)


def _sign_with_the_mouse(qtbot: QtBot, dialog: NewCaseDialog, side: str) -> None:
    """Press 委托人签名 / 代办员签名, write a zigzag on the pad with the mouse, confirm."""
    before = dialog.signature_dialog
    qtbot.mouseClick(dialog.sign_buttons[side], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.signature_dialog is not before and dialog.signature_dialog.isVisible(), timeout=5000)
    pad_dialog = dialog.signature_dialog
    assert pad_dialog is not None
    pad = pad_dialog.pad
    qtbot.waitExposed(pad)
    w, h = pad.width(), pad.height()
    stroke(pad, [QPoint(int(w * (0.15 + 0.06 * i)), int(h * (0.3 if i % 2 else 0.65))) for i in range(10)])
    stroke(pad, [QPoint(int(w * (0.2 + 0.1 * i)), int(h * 0.75)) for i in range(6)])
    assert len(pad.strokes()) == 2
    qtbot.mouseClick(pad_dialog.confirm_button, Qt.MouseButton.LeftButton)
    assert not pad_dialog.isVisible()


def _sign_both(qtbot: QtBot, dialog: NewCaseDialog) -> None:
    sign_with_pad(qtbot, dialog, lambda: dialog.sign("applicant"))
    sign_with_pad(qtbot, dialog, lambda: dialog.sign("clerk"))
    assert set(dialog.signatures) == {"applicant", "clerk"}


def _registration(ctx: ServiceContext, case_id: str) -> dict[str, object]:
    (event,) = [e for e in case_events(ctx, case_id) if e.type == "case.registered"]
    return dict(event.payload)


def _save(qtbot: QtBot, dialog: NewCaseDialog) -> None:
    button = dialog.buttons.buttons()[0]
    assert dialog.buttons.buttonRole(button) == QDialogButtonBox.ButtonRole.AcceptRole
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_clerk_creates_a_case_and_sees_it_in_the_list(qtbot: QtBot, window: MainWindow, ctx: ServiceContext) -> None:
    dialog = window.new_case()
    _fill(qtbot, dialog, name="王秀英", id_number="11010519491231002x", phone="13800138000")
    dialog.materials.set_all_present(True)
    assert dialog.sign_box.isVisible() and dialog.sign_labels["applicant"].text() == "未签名"
    _sign_with_the_mouse(qtbot, dialog, "applicant")
    assert (
        dialog.signature_dialog is not None and dialog.signature_dialog.windowTitle() == "委托书签名 — 王秀英（委托人）"
    )
    _sign_with_the_mouse(qtbot, dialog, "clerk")
    assert dialog.signature_dialog.windowTitle() == "委托书签名 — 李代办（代办员）"
    assert "✔ 王秀英 已签名" in dialog.sign_labels["applicant"].text()
    assert "✔ 李代办 已签名" in dialog.sign_labels["clerk"].text()
    with qtbot.waitSignal(dialog.case_saved, timeout=5000) as saved:
        _save(qtbot, dialog)
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=5000)
    row = window.model.row_at(0)
    assert row.applicant_name == "王秀英"
    assert row.case_no == "CS01-20261123-0001"
    assert row.id_masked == "110105********002X"
    assert row.state_label == "已受理"
    assert row.sync_label == "未同步"
    assert not dialog.isVisible()
    texts = [window.model.index(0, c).data() for c in range(window.model.columnCount())]
    assert "110105********002X" in texts and "11010519491231002X" not in texts

    case_id = str(saved.args[0].case_ids[0])
    payload = _registration(ctx, case_id)
    refs = payload["signatures"]
    assert isinstance(refs, list)
    assert [(r["signer"], r["role"]) for r in refs] == [("王秀英", "委托人"), ("李代办", "代办员")]
    assert {r["content_sha256"] for r in refs} == {content_hash(registration_content(payload))}
    ink = payload["signature_data"]
    assert isinstance(ink, dict)
    strokes = Signature.from_dict(ink[refs[0]["signature_sha256"]]).strokes
    assert len(strokes) == 2  # the two strokes written with the mouse
    entrustment = case_forms.entrustment_data(ctx, case_id)
    assert entrustment.applicant_signature is not None and entrustment.applicant_signature.strokes == strokes
    assert entrustment.agent_signature is not None and entrustment.agent_signature.strokes


def test_unticked_required_material_makes_the_case_wait(qtbot: QtBot, window: MainWindow) -> None:
    dialog = window.new_case()
    _fill(qtbot, dialog, name="赵四", id_number="11010519491231002X", phone="13800138000")
    _sign_both(qtbot, dialog)
    with qtbot.waitSignal(dialog.case_saved, timeout=5000):
        _save(qtbot, dialog)
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=5000)
    assert window.model.row_at(0).state_label == "待补正"


@pytest.mark.parametrize(
    ("name", "id_number", "phone", "message"),
    [
        ("王秀英", "110105194912310021", "13800138000", "身份证号码校验位不正确"),
        ("", "11010519491231002X", "13800138000", "请填写姓名"),
        ("王秀英", "11010519491231002X", "138abc38000", "联系电话只能包含数字"),
    ],
)
def test_bad_input_shows_chinese_message_and_saves_nothing(
    qtbot: QtBot, window: MainWindow, ctx: ServiceContext, name: str, id_number: str, phone: str, message: str
) -> None:
    dialog = window.new_case()
    _fill(qtbot, dialog, name=name, id_number=id_number, phone=phone)
    dialog.materials.set_all_present(True)
    _save(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.error_label.isVisible(), timeout=5000)
    assert message in dialog.error_label.text()
    assert dialog.isVisible()
    assert dialog.save_button.isEnabled()
    assert list_cases(ctx) == []
    with ctx.db.reading() as session:
        assert event_log.count_events(session) == 0


def test_saving_without_both_signatures_is_refused(qtbot: QtBot, window: MainWindow, ctx: ServiceContext) -> None:
    dialog = window.new_case()
    _fill(qtbot, dialog, name="王秀英", id_number="11010519491231002X", phone="13800138000")
    dialog.materials.set_all_present(True)
    _save(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.error_label.isVisible(), timeout=5000)
    assert dialog.error_label.text() == SIGN_FIRST
    sign_with_pad(qtbot, dialog, lambda: dialog.sign("applicant"))
    assert not dialog.error_label.isVisible() or dialog.error_label.text() == ""
    _save(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.error_label.text() == SIGN_FIRST and dialog.isVisible(), timeout=5000)
    assert dialog.save_button.isEnabled()
    with ctx.db.reading() as session:
        assert event_log.count_events(session) == 0


def test_changing_the_form_after_signing_needs_both_to_sign_again(
    qtbot: QtBot, window: MainWindow, ctx: ServiceContext
) -> None:
    dialog = window.new_case()
    _fill(qtbot, dialog, name="王秀英", id_number="11010519491231002X", phone="13800138000")
    dialog.materials.set_all_present(True)
    _sign_both(qtbot, dialog)
    dialog.materials.set_present(0, False)  # a material taken back after signing
    assert dialog.signatures == {} and dialog.sign_labels["applicant"].text() == "未签名"
    assert "委托书内容已更改，请委托人和代办员重新签名" in dialog.error_label.text()
    _sign_both(qtbot, dialog)
    type_text(qtbot, dialog.address_edit, "之一")  # the address corrected after signing
    assert dialog.signatures == {}
    _save(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.error_label.text() == SIGN_FIRST, timeout=5000)
    with ctx.db.reading() as session:
        assert event_log.count_events(session) == 0


def test_name_first_then_the_villager_signs(qtbot: QtBot, window: MainWindow) -> None:
    dialog = window.new_case()
    dialog.select_item(ITEM_CODE)
    qtbot.mouseClick(dialog.sign_buttons["applicant"], Qt.MouseButton.LeftButton)
    assert "请先填写委托人姓名" in dialog.error_label.text()
    assert dialog.signature_dialog is None


def test_bad_input_is_named_before_anyone_signs(qtbot: QtBot, window: MainWindow) -> None:
    dialog = window.new_case()
    _fill(qtbot, dialog, name="王秀英", id_number="110105194912310021", phone="13800138000")
    qtbot.mouseClick(dialog.sign_buttons["applicant"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.error_label.isVisible(), timeout=5000)
    assert "身份证号码校验位不正确" in dialog.error_label.text()
    assert dialog.signature_dialog is None and dialog.signed is None


def test_a_consultation_needs_no_signature(qtbot: QtBot, window: MainWindow, ctx: ServiceContext) -> None:
    dialog = window.new_case()
    _fill(qtbot, dialog, name="王秀英", id_number="11010519491231002X", phone="13800138000")
    consult = next(b for b in dialog.kind_group.buttons() if b.property("kind") == "consult")
    consult.setChecked(True)
    assert not dialog.sign_box.isVisible()
    with qtbot.waitSignal(dialog.case_saved, timeout=5000) as saved:
        _save(qtbot, dialog)
    assert "signatures" not in _registration(ctx, str(saved.args[0].case_ids[0]))


def test_the_villager_may_sign_on_paper_and_import_the_photo(
    qtbot: QtBot, window: MainWindow, ctx: ServiceContext, tmp_path: Path
) -> None:
    photo = tmp_path / "委托书签名.png"
    image = QImage(400, 120, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setPen(QColor("black"))
    painter.drawLine(20, 80, 380, 40)
    painter.end()
    image.save(str(photo), "PNG")
    dialog = window.new_case()
    _fill(qtbot, dialog, name="王秀英", id_number="11010519491231002X", phone="13800138000")
    dialog.materials.set_all_present(True)
    qtbot.mouseClick(dialog.sign_buttons["applicant"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.signature_dialog is not None and dialog.signature_dialog.isVisible(), timeout=5000)
    pad_dialog = dialog.signature_dialog
    assert pad_dialog is not None
    pad_dialog.load_scan(str(photo))
    qtbot.waitUntil(lambda: pad_dialog.stack.currentWidget() is pad_dialog.scan_preview, timeout=5000)
    qtbot.mouseClick(pad_dialog.confirm_button, Qt.MouseButton.LeftButton)
    assert "纸质签名照片" in dialog.sign_labels["applicant"].text()
    sign_with_pad(qtbot, dialog, lambda: dialog.sign("clerk"))
    with qtbot.waitSignal(dialog.case_saved, timeout=5000) as saved:
        _save(qtbot, dialog)
    payload = _registration(ctx, str(saved.args[0].case_ids[0]))
    ink = payload["signature_data"]
    assert isinstance(ink, dict)
    assert {d["method"] for d in ink.values()} == {"scan", "pad"}
    sha = hashlib.sha256(photo.read_bytes()).hexdigest()
    assert payload["blobs"] == [sha]  # the photo is stored with the registration and named for the upload
    assert read_attachment(ctx, sha) == photo.read_bytes()
    applicant = case_forms.entrustment_data(ctx, str(saved.args[0].case_ids[0])).applicant_signature
    assert applicant is not None and applicant.png == photo.read_bytes()


def test_search_filters_the_list(qtbot: QtBot, window: MainWindow, ctx: ServiceContext) -> None:
    from desktop.services.casework.cases import register_case

    from ..conftest import complete_draft

    register_case(ctx, complete_draft(ctx))
    register_case(ctx, complete_draft(ctx, applicant_name="赵四"))
    window.refresh()
    qtbot.waitUntil(lambda: window.model.rowCount() == 2, timeout=5000)
    type_text(qtbot, window.search_edit, "赵四")
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=5000)
    assert window.model.row_at(0).applicant_name == "赵四"


def test_print_entrustment_opens_the_preview_of_the_selected_case(
    qtbot: QtBot, window: MainWindow, ctx: ServiceContext
) -> None:
    from desktop.services.casework.cases import register_case

    from ..conftest import complete_draft

    register_case(ctx, complete_draft(ctx))
    window.refresh()
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=5000)
    window.table.selectRow(0)
    window.print_action.trigger()
    qtbot.waitUntil(lambda: window.preview is not None and window.preview.page_count == 1, timeout=10000)
    assert window.preview is not None
    assert window.model.row_at(0).case_no in window.preview.windowTitle()
    assert window.preview.pdf_bytes.startswith(b"%PDF")
