"""Drive the real widgets: create an entrustment and see it in the case list."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from desktop.services.cases import list_cases
from desktop.services.context import ServiceContext
from desktop.store import event_log
from desktop.ui.facade import StationFacade
from desktop.ui.main_window import MainWindow
from desktop.ui.new_case_dialog import NewCaseDialog

from .keyboard import type_text


@pytest.fixture
def window(qtbot: QtBot, ctx: ServiceContext) -> MainWindow:
    win = MainWindow(StationFacade(ctx))
    qtbot.addWidget(win)
    win.show()
    return win


ITEM_CODE = "MZ001"


def _fill(qtbot: QtBot, dialog: NewCaseDialog, *, name: str, id_number: str, phone: str) -> None:
    dialog.select_item(ITEM_CODE)
    type_text(qtbot, dialog.name_edit, name)
    type_text(qtbot, dialog.id_edit, id_number)
    type_text(qtbot, dialog.phone_edit, phone)
    type_text(qtbot, dialog.address_edit, "城南村三组12号")
    dialog.group_boxes["老"].setChecked(True)


def _save(qtbot: QtBot, dialog: NewCaseDialog) -> None:
    button = dialog.buttons.buttons()[0]
    assert dialog.buttons.buttonRole(button) == QDialogButtonBox.ButtonRole.AcceptRole
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_clerk_creates_a_case_and_sees_it_in_the_list(qtbot: QtBot, window: MainWindow, ctx: ServiceContext) -> None:
    dialog = window.new_case()
    _fill(qtbot, dialog, name="王秀英", id_number="11010519491231002x", phone="13800138000")
    dialog.materials.set_all_present(True)
    with qtbot.waitSignal(dialog.case_saved, timeout=5000):
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


def test_unticked_required_material_makes_the_case_wait(qtbot: QtBot, window: MainWindow) -> None:
    dialog = window.new_case()
    _fill(qtbot, dialog, name="赵四", id_number="11010519491231002X", phone="13800138000")
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


def test_search_filters_the_list(qtbot: QtBot, window: MainWindow, ctx: ServiceContext) -> None:
    from desktop.services.cases import register_case

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
    from desktop.services.cases import register_case

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
