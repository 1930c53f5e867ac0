"""归档 at the station when the town center reported the originals kept: one confirmation, no handover."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from desktop.services.casework.cases import get_case
from desktop.services.casework.feedback import give_feedback
from desktop.services.casework.handovers import record_covered_intake
from desktop.services.casework.workflow import deliver
from desktop.services.context import ServiceContext
from desktop.ui.main_window import MainWindow
from sync.domain.custody import CLERK, WINDOW
from sync.domain.window_receipt import RECEIPT_EVENT, receipt_payload

from ..services.workflow_helpers import center, feedback, handover, registered
from .case_page import click_action, offered, open_case, wait_state


def _done_with_originals_at_the_window(ctx: ServiceContext, kept: bool) -> tuple[str, list[str]]:
    case_id = registered(ctx)
    record_covered_intake(ctx, case_id)
    deliver(ctx, case_id, handover(ctx, case_id, CLERK, WINDOW))
    view = get_case(ctx, case_id)
    (sent,) = view.window_handovers
    originals = [i.name for i in sent.items if i.original]
    received = {(i.name, i.original): (i.copies, i.original) for i in sent.items}
    keep = set(originals) if kept else set()
    center(ctx, RECEIPT_EVENT, receipt_payload(case_id, sent, received, "周窗口", "", kept=keep))
    center(ctx, "case.center_accept", {"case_id": case_id})
    center(ctx, "case.center_complete", {"case_id": case_id, "result": "已核发"})
    give_feedback(ctx, case_id, feedback(ctx, case_id))
    return case_id, originals


def test_originals_kept_by_the_town_archive_with_one_confirmation(
    qtbot: QtBot, window: MainWindow, ctx: ServiceContext
) -> None:
    case_id, originals = _done_with_originals_at_the_window(ctx, kept=True)
    assert originals, "the matter has an original the town keeps"
    page = open_case(qtbot, window, case_id)
    wait_state(qtbot, page, "已反馈")
    assert "归档" in offered(page)
    statuses = {page.custody_view.item(r, 0).text(): page.custody_view.item(r, 2).text() for r in range(len(originals))}
    assert set(statuses.values()) == {"镇中心留存，不再退还"}
    assert "归档前" not in page.reason_label.text()
    events_before = len(get_case(ctx, case_id).custody)

    box = click_action(qtbot, page, "archive")
    assert isinstance(box, QMessageBox)
    assert "镇中心确认收件并留存原件（周窗口" in box.text() and "确认归档" in box.text()
    qtbot.mouseClick(next(b for b in box.buttons() if b.text() == "归档"), Qt.MouseButton.LeftButton)
    wait_state(qtbot, page, "已归档")
    after = get_case(ctx, case_id)
    assert len(after.custody) == events_before and {h for _n, h in after.custody} == {WINDOW}  # no handover added


def test_without_the_towns_word_the_original_at_the_window_still_blocks(
    qtbot: QtBot, window: MainWindow, ctx: ServiceContext
) -> None:
    case_id, _originals = _done_with_originals_at_the_window(ctx, kept=False)
    page = open_case(qtbot, window, case_id)
    wait_state(qtbot, page, "已反馈")
    assert click_action(qtbot, page, "archive") is None  # nothing to confirm: the refusal names the original
    qtbot.waitUntil(lambda: "不能归档" in page.message_label.text(), timeout=5000)
    assert get_case(ctx, case_id).state.label == "已反馈"
