"""A 代办 case through the real widgets: 登记 → 补正 → 交接 → 送件 → 办结 → 交付并评价 → 交接 → 归档."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from desktop.services.casework.cases import get_case
from desktop.services.context import ServiceContext
from desktop.services.printing.outcomes import feedback_data
from desktop.ui.action_dialogs import SupplementDialog
from desktop.ui.feedback_dialog import BAD_RATING_NOTE, FeedbackDialog
from desktop.ui.handover_dialog import HandoverDialog
from desktop.ui.main_window import MainWindow
from forms.data import Rating
from sync.domain.custody import CLERK, VILLAGER, WINDOW

from ..services.workflow_helpers import center
from .case_page import click_action, offered, open_case, save, sign_with_pad, wait_closed, wait_state
from .keyboard import type_text

ITEM = "MZ004"  # 高龄津贴申请: 承诺件, 10 working days
MISSING = "《高龄津贴申请表》"


def _register_with_dialog(qtbot: QtBot, window: MainWindow) -> str:
    dialog = window.new_case()
    dialog.select_item(ITEM)
    type_text(qtbot, dialog.name_edit, "王秀英")
    type_text(qtbot, dialog.id_edit, "11010519491231002X")
    type_text(qtbot, dialog.phone_edit, "13800138000")
    dialog.materials.set_all_present(True)
    row = next(r for r in range(dialog.materials.rowCount()) if dialog.materials.item(r, 1).text() == MISSING)
    dialog.materials.set_present(row, False)
    sign_with_pad(qtbot, dialog, lambda: dialog.sign("applicant"))
    sign_with_pad(qtbot, dialog, lambda: dialog.sign("clerk"))
    with qtbot.waitSignal(dialog.case_saved, timeout=5000) as saved:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    return str(saved.args[0].case_ids[0])


def _handover(qtbot: QtBot, dialog: HandoverDialog, from_holder: str, to_holder: str, window_name: str = "") -> None:
    assert dialog.draft().from_holder == from_holder and dialog.draft().to_holder == to_holder
    if window_name:
        type_text(qtbot, dialog.to_name if to_holder == WINDOW else dialog.from_name, window_name)
    assert dialog.draft().items, "the giver's materials are ticked by default"
    sign_with_pad(qtbot, dialog, lambda: dialog.sign("from"))
    sign_with_pad(qtbot, dialog, lambda: dialog.sign("to"))
    save(qtbot, dialog, "save_button")
    wait_closed(qtbot, dialog)


def _feedback(qtbot: QtBot, dialog: FeedbackDialog, rating: int) -> None:
    dialog.confirm_box.setChecked(True)
    qtbot.mouseClick(dialog.rating_buttons[rating], Qt.MouseButton.LeftButton)
    type_text(qtbot, dialog.comment_edits["attitude"], "态度很好")
    qtbot.mouseClick(dialog.dimension_buttons["efficiency"][4], Qt.MouseButton.LeftButton)
    type_text(qtbot, dialog.comment_edits["suggestions"], "希望手机能查进度")
    sign_with_pad(qtbot, dialog, dialog.sign)
    save(qtbot, dialog, "save_button")
    wait_closed(qtbot, dialog)


def test_agency_case_from_registration_to_archive(qtbot: QtBot, window: MainWindow, ctx: ServiceContext) -> None:
    case_id = _register_with_dialog(qtbot, window)
    page = open_case(qtbot, window, case_id)
    wait_state(qtbot, page, "待补正")
    assert MISSING in page.reason_label.text()
    assert "补正材料已收" in offered(page) and "归档" not in offered(page)
    assert page.fields["身份证号"].text() == "110105********002X"

    supplement = click_action(qtbot, page, "accept")
    assert isinstance(supplement, SupplementDialog)
    save(qtbot, supplement)  # nothing ticked: refused on the dialog, which stays open
    qtbot.waitUntil(lambda: "请勾选收到的补正材料" in supplement.error_label.text(), timeout=5000)
    assert supplement.isVisible()
    supplement.set_checked(MISSING)
    save(qtbot, supplement)
    wait_closed(qtbot, supplement)
    wait_state(qtbot, page, "已受理")
    assert "还剩" in page.fields["办理期限"].text()

    intake = click_action(qtbot, page, "handover")
    assert isinstance(intake, HandoverDialog)
    _handover(qtbot, intake, VILLAGER, CLERK)
    qtbot.waitUntil(lambda: page.custody_view.rowCount() > 0 and page.custody_view.item(0, 1).text() == "代办员")

    delivery = click_action(qtbot, page, "deliver")
    assert isinstance(delivery, HandoverDialog)
    _handover(qtbot, delivery, CLERK, WINDOW, window_name="周窗口")
    wait_state(qtbot, page, "已送件")
    assert {holder for _name, holder in get_case(ctx, case_id).custody} == {WINDOW}

    center(ctx, "case.center_accept", {"case_id": case_id})
    center(ctx, "case.center_complete", {"case_id": case_id, "result": "已核发高龄津贴"})
    page.refresh()
    wait_state(qtbot, page, "已办结")

    back = click_action(qtbot, page, "handover")
    assert isinstance(back, HandoverDialog)
    _handover(qtbot, back, WINDOW, CLERK, window_name="周窗口")

    feedback = click_action(qtbot, page, "give_feedback")
    assert isinstance(feedback, FeedbackDialog)
    assert feedback.rating_group.checkedId() == -1, "no rating is preselected"
    assert all(g.checkedId() == -1 for g in feedback.dimension_groups.values()), "nor any dimension"
    feedback.confirm_box.setChecked(True)
    feedback.sign()
    assert "请申请人本人选择评价" in feedback.error_label.text()
    _feedback(qtbot, feedback, rating=5)
    wait_state(qtbot, page, "已反馈")
    printed = feedback_data(ctx, case_id)  # the dimensions and 意见建议 reach the paper
    assert printed.dimensions == {"efficiency": Rating.SATISFIED} and printed.suggestions == "希望手机能查进度"
    assert printed.mode == "签名板"
    assert "非常满意" in page.reason_label.text()

    home = click_action(qtbot, page, "handover")
    assert isinstance(home, HandoverDialog)
    _handover(qtbot, home, CLERK, VILLAGER)
    qtbot.waitUntil(lambda: all(line.settled for line in page.detail.custody), timeout=5000)  # type: ignore[union-attr]

    box = click_action(qtbot, page, "archive")
    assert isinstance(box, QMessageBox) and "确认归档" in box.text()  # one confirmation, no signature
    qtbot.mouseClick(next(b for b in box.buttons() if b.text() == "归档"), Qt.MouseButton.LeftButton)
    wait_state(qtbot, page, "已归档")
    assert "已归档" in page.message_label.text()
    sentences = [page.history_view.item(r, 2).text() for r in range(page.history_view.rowCount())]
    assert sum("材料交接" in s for s in sentences) == 4
    assert any("非常满意" in s for s in sentences)


def test_archive_is_refused_while_an_original_is_out(qtbot: QtBot, window: MainWindow, ctx: ServiceContext) -> None:
    from ..services.workflow_helpers import handover, registered

    case_id = registered(ctx)
    from desktop.services.casework.handovers import record_handover
    from desktop.services.casework.workflow import deliver

    record_handover(ctx, case_id, handover(ctx, case_id, VILLAGER, CLERK))
    deliver(ctx, case_id)
    center(ctx, "case.center_accept", {"case_id": case_id})
    center(ctx, "case.center_complete", {"case_id": case_id, "result": "办结"})
    page = open_case(qtbot, window, case_id)
    wait_state(qtbot, page, "已办结")
    feedback = click_action(qtbot, page, "give_feedback")
    assert isinstance(feedback, FeedbackDialog)
    _feedback(qtbot, feedback, rating=4)
    wait_state(qtbot, page, "已反馈")
    custody = {page.custody_view.item(r, 0).text(): page.custody_view.item(r, 2).text() for r in range(3)}
    assert "尚未退还申请人" in custody.values()
    assert "归档前请通过“材料交接”退还申请人的原件" in page.reason_label.text()

    click_action(qtbot, page, "archive")
    qtbot.waitUntil(lambda: "不能归档" in page.message_label.text(), timeout=5000)
    assert "尚未退还申请人" in page.message_label.text() and page.isVisible()
    assert state_label(ctx, case_id) == "已反馈"


def state_label(ctx: ServiceContext, case_id: str) -> str:
    return get_case(ctx, case_id).state.label


def test_bad_rating_warns_and_appears_on_the_home_page(qtbot: QtBot, window: MainWindow, ctx: ServiceContext) -> None:
    from desktop.services.casework.workflow import deliver

    from ..services.workflow_helpers import registered

    case_id = registered(ctx)
    deliver(ctx, case_id)
    center(ctx, "case.center_accept", {"case_id": case_id})
    center(ctx, "case.center_complete", {"case_id": case_id, "result": "办结"})
    window.home.refresh()
    qtbot.waitUntil(lambda: window.home.cards["to_hand_back"].count_label.text() == "1", timeout=5000)
    assert window.home.cards["bad_ratings_open"].count_label.text() == "0"

    page = open_case(qtbot, window, case_id)
    feedback = click_action(qtbot, page, "give_feedback")
    assert isinstance(feedback, FeedbackDialog)
    assert not feedback.bad_label.isVisible()
    qtbot.mouseClick(feedback.rating_buttons[2], Qt.MouseButton.LeftButton)
    assert feedback.bad_label.isVisible() and feedback.bad_label.text() == BAD_RATING_NOTE
    _feedback(qtbot, feedback, rating=2)
    wait_state(qtbot, page, "已反馈")
    assert "差评" in page.reason_label.text()

    card = window.home.cards["bad_ratings_open"]
    qtbot.waitUntil(lambda: card.count_label.text() == "1", timeout=5000)
    assert card.case_ids() == [case_id]
    page.close()
    window.case_windows.clear()
    with qtbot.waitSignal(window.home.case_opened, timeout=2000):
        rect = card.list.visualItemRect(card.list.item(0))
        qtbot.mouseClick(card.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert case_id in window.case_windows
