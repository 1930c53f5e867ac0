"""帮办, 咨询, 退回, 延期 and refused transitions through the case page's real widgets."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from desktop.services.casework.case_detail import case_events
from desktop.services.casework.cases import get_case, register_case
from desktop.services.context import ServiceContext
from desktop.services.safety.audit import audit_log
from desktop.ui.action_dialogs import ConsultAnswerDialog, ExtendDialog, ReturnDialog
from desktop.ui.feedback_dialog import FeedbackDialog
from desktop.ui.main_window import MainWindow
from sync.domain.events import Event
from tests.desktop.conftest import set_clock

from ..conftest import TODAY, complete_draft
from ..services.workflow_helpers import center, registered
from .case_page import click_action, offered, open_case, save, sign_with_pad, wait_closed, wait_error, wait_state
from .keyboard import type_text


def test_assist_case_is_delivered_without_handover_rated_and_archived(
    qtbot: QtBot, window: MainWindow, ctx: ServiceContext
) -> None:
    case_id = register_case(ctx, complete_draft(ctx, kind="assist")).case_ids[0]
    page = open_case(qtbot, window, case_id)
    wait_state(qtbot, page, "已受理")
    assert page.fields["服务方式"].text() == "帮办"
    assert click_action(qtbot, page, "deliver") is None  # the villager carries the materials
    wait_state(qtbot, page, "已送件")
    center(ctx, "case.center_accept", {"case_id": case_id})
    center(ctx, "case.center_complete", {"case_id": case_id, "result": "已办结"})
    page.refresh()
    wait_state(qtbot, page, "已办结")
    feedback = click_action(qtbot, page, "give_feedback")
    assert isinstance(feedback, FeedbackDialog)
    feedback.confirm_box.setChecked(True)
    qtbot.mouseClick(feedback.rating_buttons[4], Qt.MouseButton.LeftButton)
    sign_with_pad(qtbot, feedback, feedback.sign)
    save(qtbot, feedback, "save_button")
    wait_closed(qtbot, feedback)
    wait_state(qtbot, page, "已反馈")
    box = click_action(qtbot, page, "archive")
    assert isinstance(box, QMessageBox)  # the one confirmation
    qtbot.mouseClick(next(b for b in box.buttons() if b.text() == "归档"), Qt.MouseButton.LeftButton)
    wait_state(qtbot, page, "已归档")
    assert offered(page) == set()


def test_consultation_gets_its_one_time_notice(
    qtbot: QtBot, window: MainWindow, ctx: ServiceContext, tmp_path: Path
) -> None:
    case_id = register_case(ctx, complete_draft(ctx, kind="consult", materials=())).case_ids[0]
    page = open_case(qtbot, window, case_id)
    wait_state(qtbot, page, "登记")
    assert offered(page) >= {"咨询答复", "撤回"} and "送件" not in offered(page)
    dialog = click_action(qtbot, page, "answer")
    assert isinstance(dialog, ConsultAnswerDialog)
    type_text(qtbot, dialog.answer_edit, "需带身份证、户口簿到镇民政办申请")
    save(qtbot, dialog)
    wait_closed(qtbot, dialog)
    wait_state(qtbot, page, "已答复")
    history = [page.history_view.item(r, 2).text() for r in range(page.history_view.rowCount())]
    assert any("一次性告知" in line for line in history)
    assert "归档" in offered(page)
    qtbot.waitUntil(lambda: "一次性告知书" in [a.text() for a in page.print_menu.actions()], timeout=5000)
    assert "代办服务委托书" not in [a.text() for a in page.print_menu.actions()]
    notice = next(a for a in page.print_menu.actions() if a.text() == "一次性告知书")
    notice.trigger()
    qtbot.waitUntil(lambda: page.preview is not None and page.preview.page_count >= 1, timeout=10000)
    assert page.preview is not None and page.preview.pdf_bytes.startswith(b"%PDF")
    assert "一次性告知书" in page.preview.windowTitle()
    # Paper carries the applicant out of the app too: the print is recorded in the case's history.
    printer = page.preview.new_printer()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "告知书.pdf"))
    pages = page.preview.print_to(printer)
    assert pages == page.preview.page_count

    qtbot.waitUntil(lambda: any(e.action == "打印个人信息" for e in audit_log(window.facade.ctx)), timeout=5000)
    page.refresh()

    def printed_line() -> str:
        lines = [page.history_view.item(r, 2).text() for r in range(page.history_view.rowCount())]
        return next((line for line in lines if line.startswith("打印表单")), "")

    qtbot.waitUntil(lambda: "打印机：PDF文件 告知书.pdf" in printed_line(), timeout=5000)
    assert "“一次性告知书" in printed_line() and f"共{pages}页" in printed_line()


def test_return_needs_reasons_and_legal_basis(qtbot: QtBot, window: MainWindow, ctx: ServiceContext) -> None:
    item_materials = complete_draft(ctx).materials
    case_id = registered(ctx, missing=[item_materials[0].name])
    page = open_case(qtbot, window, case_id)
    wait_state(qtbot, page, "待补正")
    dialog = click_action(qtbot, page, "return")
    assert isinstance(dialog, ReturnDialog)
    type_text(qtbot, dialog.reasons_edit, "家庭收入超过当地低保标准")
    save(qtbot, dialog)
    wait_error(qtbot, dialog, "请填写退回的法律依据")
    assert dialog.isVisible() and get_case(ctx, case_id).state.value == "awaiting_materials"
    type_text(qtbot, dialog.basis_edit, "《社会救助暂行办法》第九条")
    type_text(qtbot, dialog.opinion_edit, "同意退回")
    save(qtbot, dialog)
    wait_closed(qtbot, dialog)
    wait_state(qtbot, page, "退回")
    assert "家庭收入超过当地低保标准" in page.reason_label.text()


def test_extension_needs_the_villagers_consent(qtbot: QtBot, window: MainWindow, ctx: ServiceContext) -> None:
    case_id = registered(ctx)
    due = get_case(ctx, case_id).due_on
    assert due is not None
    new_due = due + timedelta(days=7)
    while not ctx.calendar.is_workday(new_due):
        new_due += timedelta(days=1)
    page = open_case(qtbot, window, case_id)
    dialog = click_action(qtbot, page, "extend")
    assert isinstance(dialog, ExtendDialog)
    type_text(qtbot, dialog.reason_edit, "需实地核查")
    dialog.set_new_due(new_due)
    save(qtbot, dialog)
    wait_error(qtbot, dialog, "须征得申请人同意")
    assert dialog.isVisible() and get_case(ctx, case_id).due_on == due
    dialog.consent_box.setChecked(True)
    save(qtbot, dialog)
    wait_closed(qtbot, dialog)
    qtbot.waitUntil(lambda: f"{new_due:%Y年%m月%d日}" in page.fields["办理期限"].text(), timeout=5000)
    assert "已延期" in page.fields["办件类型"].text()
    assert "已延期" in page.message_label.text()


def test_illegal_actions_are_not_offered_and_a_stale_one_is_refused(
    qtbot: QtBot, window: MainWindow, ctx: ServiceContext
) -> None:
    case_id = registered(ctx)
    page = open_case(qtbot, window, case_id)
    wait_state(qtbot, page, "已受理")
    buttons = offered(page)
    assert {"送件", "延期", "中止", "撤回", "终止"} <= buttons
    assert not buttons & {"归档", "结果交付并评价", "补正材料已收", "续办", "咨询答复"}
    page.run_action("archive")  # e.g. a page left open while the case moved on
    qtbot.waitUntil(lambda: page.message_label.isVisible(), timeout=5000)
    assert "不能进行“归档”操作" in page.message_label.text()
    assert page.isVisible() and get_case(ctx, case_id).state.label == "已受理"


def test_suspend_and_resume_move_the_deadline(qtbot: QtBot, window: MainWindow, ctx: ServiceContext) -> None:
    """中止 signed on the pad, 续办 signed on paper: each carries its reason and how the villager confirmed it."""
    from desktop.ui.step_dialogs import ResumeDialog, SuspendDialog

    case_id = registered(ctx)
    page = open_case(qtbot, window, case_id)
    dialog = click_action(qtbot, page, "suspend")
    assert isinstance(dialog, SuspendDialog)
    type_text(qtbot, dialog.reason_edit, "需要专家评审")
    type_text(qtbot, dialog.restart_edit, "收到评审意见后续办")
    save(qtbot, dialog)
    wait_error(qtbot, dialog, "请申请人签名，或选择“签在纸上”")
    sign_with_pad(qtbot, dialog, lambda: qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton))
    qtbot.waitUntil(lambda: "已签名" in dialog.sign_label.text(), timeout=5000)
    type_text(qtbot, dialog.restart_edit, "。")  # changed after signing: the signature no longer holds
    assert dialog.signature is None and "重新签名" in dialog.error_label.text()
    sign_with_pad(qtbot, dialog, lambda: qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton))
    qtbot.waitUntil(lambda: dialog.signature is not None, timeout=5000)
    save(qtbot, dialog)
    wait_closed(qtbot, dialog)
    wait_state(qtbot, page, "中止")
    assert "暂停" in page.fields["办理期限"].text()
    stop = last_event(ctx, case_id)
    assert stop.payload["reason"] == "需要专家评审" and stop.payload["restart_condition"] == "收到评审意见后续办。"
    assert [s["role"] for s in stop.payload["signatures"]] == ["委托人"] and stop.payload["signature_data"]

    set_clock(ctx, TODAY + timedelta(days=7))  # a week later the expert opinion arrives
    resume = click_action(qtbot, page, "resume")
    assert isinstance(resume, ResumeDialog)
    qtbot.mouseClick(resume.paper_box, Qt.MouseButton.LeftButton)
    assert not resume.sign_button.isEnabled()
    save(qtbot, resume)
    wait_error(qtbot, resume, "请填写续办事由")
    type_text(qtbot, resume.reason_edit, "评审意见已送达")
    save(qtbot, resume)
    wait_closed(qtbot, resume)
    wait_state(qtbot, page, "已受理")
    assert "顺延" in page.message_label.text()
    go_on = last_event(ctx, case_id)
    assert go_on.payload["reason"] == "评审意见已送达" and go_on.payload["signed_on_paper"] is True
    assert "signatures" not in go_on.payload


def last_event(ctx: ServiceContext, case_id: str) -> Event:
    return [e for e in case_events(ctx, case_id) if e.type.startswith("case.")][-1]


def test_case_type_override_and_withdrawal(qtbot: QtBot, window: MainWindow, ctx: ServiceContext) -> None:
    from desktop.ui.action_dialogs import CaseTypeDialog, ReasonDialog

    case_id = registered(ctx)
    page = open_case(qtbot, window, case_id)
    dialog = click_action(qtbot, page, "set_case_type")
    assert isinstance(dialog, CaseTypeDialog)
    dialog.type_combo.setCurrentIndex(dialog.type_combo.findData("joint"))
    save(qtbot, dialog)
    wait_error(qtbot, dialog, "变更办件类型的理由")
    type_text(qtbot, dialog.reason_edit, "需民政、残联两个部门联合审查")
    save(qtbot, dialog)
    wait_closed(qtbot, dialog)
    qtbot.waitUntil(lambda: page.fields["办件类型"].text() == "联办件", timeout=5000)

    withdraw = click_action(qtbot, page, "withdraw")
    assert isinstance(withdraw, ReasonDialog)
    type_text(qtbot, withdraw.reason_edit, "申请人决定暂不申请")
    save(qtbot, withdraw)
    wait_closed(qtbot, withdraw)
    wait_state(qtbot, page, "撤回")
    assert offered(page) >= {"归档", "材料交接"} and "延期" not in offered(page)
