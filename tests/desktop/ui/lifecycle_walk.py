"""The rest of a 代办 case's life after the session, through the real case page, counting inputs.

Inputs count as in ``session_walk`` (a click, a key sequence typed into one field, a stroke set);
choosing a value in a combo box is two clicks (open it, pick the value). The town center's own
steps (确认收件 with the 《高龄津贴申请表》 original kept by the 民政办, 受理, 办结) are made by the
center and are not the clerk's inputs. ``old=True`` walks the station as it was before issue 20
items 3-4 (the same steps, the way that code asked for them), for docs/performance.md.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QComboBox, QDialog
from pytestqt.qtbot import QtBot

from desktop.services.casework.cases import get_case
from desktop.services.context import ServiceContext
from desktop.ui.case_detail_window import CaseDetailWindow
from desktop.ui.demo.signature import draw_demo
from desktop.ui.handover_dialog import HandoverDialog
from desktop.ui.main_window import MainWindow
from sync.domain.window_receipt import RECEIPT_EVENT, receipt_payload

from ..services.workflow_helpers import center
from .session_walk import TIMEOUT, Inputs

KEPT = "《高龄津贴申请表》"  # the 民政办 keeps the signed application form


def _state(page: CaseDetailWindow) -> str:
    return page.detail.summary.state_label if page.detail is not None else ""


def _wait_state(qtbot: QtBot, page: CaseDetailWindow, label: str) -> None:
    qtbot.waitUntil(lambda: _state(page) == label, timeout=TIMEOUT)


def _action(qtbot: QtBot, inputs: Inputs, page: CaseDetailWindow, name: str, what: str) -> QDialog | None:
    qtbot.waitUntil(lambda: name in page.action_buttons, timeout=TIMEOUT)
    before = page.case_actions.dialog
    inputs.click(page.action_buttons[name], what)
    dialog = page.case_actions.dialog
    return dialog if dialog is not before else None


def _choose(inputs: Inputs, combo: QComboBox, value: str, what: str) -> None:
    inputs.steps.append(f"点击 打开“{what}”")
    inputs.steps.append(f"点击 选择“{what}”")
    combo.setCurrentIndex(combo.findData(value))


def _handover(qtbot: QtBot, inputs: Inputs, dialog: HandoverDialog) -> None:
    inputs.sign(dialog, dialog.sign_buttons["from"], "交出方")
    inputs.sign(dialog, dialog.sign_buttons["to"], "接收方")
    qtbot.waitUntil(dialog.save_button.isEnabled, timeout=TIMEOUT)
    inputs.click(dialog.save_button, "确认交接")
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=TIMEOUT)


def rest_of_life(
    qtbot: QtBot, window: MainWindow, ctx: ServiceContext, inputs: Inputs, case_id: str, *, old: bool = False
) -> CaseDetailWindow:
    """送件 → (center) → 材料取回 → 结果交付并评价 → 退还材料 → 归档; returns the case page."""
    inputs.steps.append("点击 首页待送件中的办件")
    page = window.open_case(case_id)
    qtbot.waitUntil(lambda: page.detail is not None, timeout=TIMEOUT)

    delivery = _action(qtbot, inputs, page, "deliver", "送件")
    assert isinstance(delivery, HandoverDialog)
    inputs.type(delivery.to_name, "周窗口", "接收方（窗口工作人员）姓名")
    _handover(qtbot, inputs, delivery)
    _wait_state(qtbot, page, "已送件")

    (sent,) = get_case(ctx, case_id).window_handovers
    received = {(i.name, i.original): (i.copies, i.original) for i in sent.items}
    kept = {} if old else {"kept": {KEPT}}  # before, the center had no way to say it keeps an original
    center(ctx, RECEIPT_EVENT, receipt_payload(case_id, sent, received, "周窗口", "", **kept))
    center(ctx, "case.center_accept", {"case_id": case_id})
    center(ctx, "case.center_complete", {"case_id": case_id, "result": "已核发高龄津贴"})
    page.refresh()
    _wait_state(qtbot, page, "已办结")

    back = _action(qtbot, inputs, page, "handover", "材料交接（从镇中心取回）")
    assert isinstance(back, HandoverDialog)
    assert back.draft().from_holder == "window"
    if KEPT in {i.name for i in back.draft().items}:  # the old dialog ticked the kept original too
        inputs.steps.append(f"点击 取消勾选{KEPT}")
        back.set_checked(KEPT, False)
    inputs.type(back.from_name, "周窗口", "交出方（窗口工作人员）姓名")
    _handover(qtbot, inputs, back)
    qtbot.waitUntil(lambda: page.detail is not None and any(x.holder == "clerk" for x in page.detail.custody))

    feedback = _action(qtbot, inputs, page, "give_feedback", "结果交付并评价")
    assert feedback is not None
    box = feedback.confirm_box  # type: ignore[attr-defined]
    inputs.steps.append("点击 勾选“申请人已收到办理结果并确认”")
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
    assert box.isChecked()
    inputs.click(feedback.rating_buttons[5], "非常满意")  # type: ignore[attr-defined]
    signer = feedback.sign_button  # type: ignore[attr-defined]
    before = feedback.signature_dialog  # type: ignore[attr-defined]
    inputs.click(signer, "申请人签名")
    qtbot.waitUntil(lambda: feedback.signature_dialog is not before, timeout=TIMEOUT)  # type: ignore[attr-defined]
    pad = feedback.signature_dialog  # type: ignore[attr-defined]
    inputs.steps.append("签名 申请人（一笔一划写完姓名）")
    draw_demo(pad.pad)
    inputs.click(pad.confirm_button, "确认申请人签名")
    qtbot.waitUntil(feedback.save_button.isEnabled, timeout=TIMEOUT)  # type: ignore[attr-defined]
    inputs.click(feedback.save_button, "提交反馈")  # type: ignore[attr-defined]
    _wait_state(qtbot, page, "已反馈")

    home = _action(qtbot, inputs, page, "handover", "材料交接（退还申请人）")
    assert isinstance(home, HandoverDialog)
    if home.draft().from_holder != "clerk":  # the old default pointed back at the window
        _choose(inputs, home.from_combo, "clerk", "交出方")
    if home.draft().to_holder != "villager":
        _choose(inputs, home.to_combo, "villager", "接收方")
    _handover(qtbot, inputs, home)
    qtbot.waitUntil(
        lambda: page.detail is not None and all(x.holder != "clerk" for x in page.detail.custody), timeout=TIMEOUT
    )

    if old:  # 归档 refused until a window → department handover of the kept original is on record
        town = _action(qtbot, inputs, page, "handover", "材料交接（窗口交部门）")
        assert isinstance(town, HandoverDialog)
        if town.draft().from_holder != "window":
            _choose(inputs, town.from_combo, "window", "交出方")
        _choose(inputs, town.to_combo, "department", "接收方")
        inputs.type(town.from_name, "周窗口", "交出方姓名")
        inputs.type(town.to_name, "民政办", "接收方姓名")
        _handover(qtbot, inputs, town)
        _action(qtbot, inputs, page, "archive", "归档")
    else:
        question = _action(qtbot, inputs, page, "archive", "归档")
        assert question is not None
        confirm = next(b for b in question.buttons() if b.text() == "归档")  # type: ignore[attr-defined]
        inputs.click(confirm, "确认归档")
    _wait_state(qtbot, page, "已归档")
    return page
