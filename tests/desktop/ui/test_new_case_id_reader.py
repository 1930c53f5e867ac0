"""Issue 20 item 9 in the new-case dialog: 读身份证 fills 姓名, 身份证号码 and 住址 from the station's reader
(the ZKIDROnline simulator over real HTTP, at the address in the station's settings); manual entry stays."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from pytestqt.qtbot import QtBot

from desktop.services.casework.id_reader import set_reader_url
from desktop.services.context import ServiceContext
from desktop.ui.main_window import MainWindow
from tests.id_reader_simulator import running

from .keyboard import type_text
from .test_new_case import ITEM_CODE


def _use_reader(ctx: ServiceContext, url: str) -> None:
    with ctx.db.transaction() as session:
        set_reader_url(session, url)


def test_reading_the_card_fills_the_form_with_the_rare_name(
    qtbot: QtBot, window: MainWindow, ctx: ServiceContext
) -> None:
    with running("card") as (sim, url):
        _use_reader(ctx, url)
        dialog = window.new_case()
        dialog.select_item(ITEM_CODE)
        button = dialog.read_card_button
        assert button.isVisible() and button.text() == "读身份证(F2)"
        assert button.shortcut() == QKeySequence("F2")
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.id_edit.text() != "", timeout=5000)
        qtbot.waitUntil(button.isEnabled, timeout=5000)
    assert len(sim.requests) == 1
    assert dialog.name_edit.text() == "王\U00020bb7"
    assert dialog.id_edit.text() == "14010519900101018X"  # the card's x as typing would make it
    assert dialog.address_edit.text() == "山西省太原市小店区北格镇张花村3组12号"
    assert dialog.phone_edit.hasFocus()
    type_text(qtbot, dialog.phone_edit, "13800138000")
    draft = dialog.draft()  # what 保存并登记 hands the service
    assert (draft.applicant_name, draft.id_number, draft.phone) == ("王\U00020bb7", "14010519900101018X", "13800138000")
    assert draft.address == "山西省太原市小店区北格镇张花村3组12号"


def test_no_card_says_so_and_typing_still_works(qtbot: QtBot, window: MainWindow, ctx: ServiceContext) -> None:
    with running("no_card") as (_sim, url):
        _use_reader(ctx, url)
        dialog = window.new_case()
        qtbot.mouseClick(dialog.read_card_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.error_label.text() != "", timeout=5000)
        qtbot.waitUntil(dialog.read_card_button.isEnabled, timeout=5000)
    assert dialog.error_label.text() == "请将身份证放在读卡区"
    assert dialog.name_edit.text() == "" and dialog.id_edit.text() == ""
    type_text(qtbot, dialog.name_edit, "王秀英")
    assert dialog.name_edit.text() == "王秀英"


def test_no_reader_service_says_to_check_the_usb(qtbot: QtBot, window: MainWindow, ctx: ServiceContext) -> None:
    with running("card") as (_sim, url):
        pass  # stopped: nothing listens at its address any more
    _use_reader(ctx, url)
    dialog = window.new_case()
    qtbot.mouseClick(dialog.read_card_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.error_label.text() != "", timeout=5000)
    assert dialog.error_label.text() == "未检测到读卡器，请检查USB连接"
    assert dialog.read_card_button.isEnabled()
