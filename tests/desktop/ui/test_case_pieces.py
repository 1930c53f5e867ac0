"""Parts of the case page: attachments as thumbnails, signatures bound to the handover content, print menu."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.services.casework.attachments import read_attachment
from desktop.services.casework.case_detail import case_events
from desktop.services.context import ServiceContext
from desktop.ui.handover_dialog import HandoverDialog
from desktop.ui.main_window import MainWindow
from tests.desktop.conftest import set_clock

from ..services.workflow_helpers import registered
from .case_page import click_action, open_case, save, sign_with_pad, wait_closed


def test_attached_scan_shows_as_a_thumbnail(
    qtbot: QtBot, window: MainWindow, ctx: ServiceContext, tmp_path: Path
) -> None:
    scan = tmp_path / "户口簿.png"
    Image.new("RGB", (600, 400), "#e8dcc0").save(scan)
    case_id = registered(ctx)
    page = open_case(qtbot, window, case_id)
    page.case_actions.add_attachment(case_id, str(scan))
    qtbot.waitUntil(lambda: page.attachments_view.count() == 1, timeout=5000)
    qtbot.waitUntil(lambda: not page.attachments_view.item(0).icon().isNull(), timeout=5000)
    assert page.attachments_view.item(0).text() == "户口簿.png"
    assert page.tabs.tabText(3) == "附件（1）"
    bad = tmp_path / "note.txt"
    bad.write_text("not an image", encoding="utf-8")
    page.case_actions.add_attachment(case_id, str(bad))
    qtbot.waitUntil(lambda: "不支持的附件类型" in page.message_label.text(), timeout=5000)
    assert page.attachments_view.count() == 1


def test_changing_the_handover_after_signing_asks_for_new_signatures(
    qtbot: QtBot, window: MainWindow, ctx: ServiceContext
) -> None:
    case_id = registered(ctx)
    page = open_case(qtbot, window, case_id)
    dialog = click_action(qtbot, page, "handover")
    assert isinstance(dialog, HandoverDialog)
    sign_with_pad(qtbot, dialog, lambda: dialog.sign("from"))
    sign_with_pad(qtbot, dialog, lambda: dialog.sign("to"))
    assert dialog.save_button.isEnabled() and "已签名" in dialog.sign_labels["to"].text()
    first = dialog.table.item(0, 1).text()
    dialog.set_checked(first, False)
    assert not dialog.save_button.isEnabled() and dialog.signatures == {}
    assert "请双方重新签名" in dialog.error_label.text()
    dialog.set_checked(first, True)
    sign_with_pad(qtbot, dialog, lambda: dialog.sign("from"))
    sign_with_pad(qtbot, dialog, lambda: dialog.sign("to"))
    save(qtbot, dialog, "save_button")
    wait_closed(qtbot, dialog)
    qtbot.waitUntil(
        lambda: any("材料交接单" in a.text() for a in page.print_menu.actions()),
        timeout=5000,
    )
    holders = {page.custody_view.item(r, 1).text() for r in range(page.custody_view.rowCount())}
    assert holders == {"代办员"}


def test_a_handover_signed_on_paper_stores_the_photo(
    qtbot: QtBot, window: MainWindow, ctx: ServiceContext, tmp_path: Path
) -> None:
    photo = tmp_path / "交接签名.jpg"
    Image.new("RGB", (420, 140), "#f4efe2").save(photo, format="JPEG")
    case_id = registered(ctx)
    page = open_case(qtbot, window, case_id)
    dialog = click_action(qtbot, page, "handover")
    assert isinstance(dialog, HandoverDialog)
    before = dialog.signature_dialog
    dialog.sign("from")
    qtbot.waitUntil(lambda: dialog.signature_dialog is not before and dialog.signature_dialog.isVisible(), timeout=5000)
    pad_dialog = dialog.signature_dialog
    assert pad_dialog is not None
    pad_dialog.load_scan(str(photo))
    qtbot.waitUntil(lambda: pad_dialog.stack.currentWidget() is pad_dialog.scan_preview, timeout=5000)
    qtbot.mouseClick(pad_dialog.confirm_button, Qt.MouseButton.LeftButton)
    assert "纸质签名照片" in dialog.sign_labels["from"].text()
    sign_with_pad(qtbot, dialog, lambda: dialog.sign("to"))
    save(qtbot, dialog, "save_button")
    wait_closed(qtbot, dialog)
    (event,) = [e for e in case_events(ctx, case_id) if e.type == "case.handover"]
    sha = hashlib.sha256(photo.read_bytes()).hexdigest()
    assert event.payload["blobs"] == [sha]
    assert read_attachment(ctx, sha) == photo.read_bytes()


def test_handover_needs_the_signers_name(qtbot: QtBot, window: MainWindow, ctx: ServiceContext) -> None:
    case_id = registered(ctx)
    page = open_case(qtbot, window, case_id)
    dialog = click_action(qtbot, page, "deliver")
    assert isinstance(dialog, HandoverDialog)
    assert dialog.to_name.text() == ""  # the window clerk's name is typed in
    dialog.sign("to")
    assert "请填写接收方签名人的姓名" in dialog.error_label.text()
    assert dialog.signature_dialog is None


def test_deadline_counted_without_next_years_holidays_is_marked(
    qtbot: QtBot, window: MainWindow, ctx: ServiceContext
) -> None:
    from datetime import date

    set_clock(ctx, date(2026, 12, 24))  # 10 working days later is in 2027: no holiday data yet
    case_id = registered(ctx)
    page = open_case(qtbot, window, case_id)
    assert "2027年" in page.fields["办理期限"].text() and "※" in page.fields["办理期限"].text()
    assert page.due_warning.isVisible() and page.due_warning.text().startswith("※")


def test_full_id_number_only_with_a_purpose_and_the_read_is_recorded(
    qtbot: QtBot, window: MainWindow, ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QInputDialog

    from desktop.services.casework.cases import get_case
    from desktop.services.safety.audit import id_number_reads

    case_id = registered(ctx)
    full = get_case(ctx, case_id).applicant.id_number
    page = open_case(qtbot, window, case_id)
    qtbot.waitUntil(lambda: "****" in page.fields["身份证号"].text(), timeout=5000)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("", False))
    page.reveal_button.click()
    assert full not in page.fields["身份证号"].text() and id_number_reads(ctx, case_id) == []
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("核对低保申请人身份", True))
    page.reveal_button.click()
    qtbot.waitUntil(lambda: page.fields["身份证号"].text() == full, timeout=5000)
    (read,) = id_number_reads(ctx, case_id)
    assert read.actor == "李代办" and "核对低保申请人身份" in read.sentence
