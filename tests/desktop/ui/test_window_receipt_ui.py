"""镇窗口确认收件 on the station's screens: the custody tab, the red line on the case page, the home page."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from desktop.services.casework.cases import get_case
from desktop.services.context import ServiceContext
from desktop.ui.main_window import MainWindow
from sync.domain.window_receipt import receipt_payload

from ..services.test_window_receipts import RECEIVED, _delivered
from ..services.workflow_helpers import center
from .case_page import open_case


def _cells(page: object, column: int) -> list[str]:
    view = page.custody_view  # type: ignore[attr-defined]
    return [view.item(r, column).text() for r in range(view.rowCount())]


def test_custody_tab_shows_the_confirmation_and_the_home_page_the_discrepancy(
    qtbot: QtBot, window: MainWindow, ctx: ServiceContext
) -> None:
    case_id = _delivered(ctx)
    page = open_case(qtbot, window, case_id)
    assert "待镇窗口确认收件" in _cells(page, 3)
    (handover,) = get_case(ctx, case_id).window_handovers
    lost = next(i for i in handover.items if i.original)
    received = {(i.name, i.original): (i.copies, i.original) for i in handover.items if i is not lost}
    center(ctx, RECEIVED, receipt_payload(case_id, handover, received, "周窗口", ""))
    page.refresh()
    qtbot.waitUntil(lambda: any("镇窗口收件有差异" in c for c in _cells(page, 3)), timeout=5000)
    assert any(c.startswith("镇窗口称未收到原件（周窗口") for c in _cells(page, 3))
    assert f"{lost.name}（原件）未收到" in page.reason_label.text()

    window.home.refresh()
    card = window.home.receipt_card
    qtbot.waitUntil(lambda: card.count_label.text() == "1", timeout=5000)
    assert card.isVisible() and card.case_ids() == [case_id]

    received[(lost.name, lost.original)] = (lost.copies, True)
    center(ctx, RECEIVED, receipt_payload(case_id, handover, received, "赵窗口", ""))
    page.refresh()
    qtbot.waitUntil(lambda: any(c.startswith("镇窗口已确认收件（赵窗口") for c in _cells(page, 3)), timeout=5000)
    window.home.refresh()
    qtbot.waitUntil(lambda: not card.isVisible(), timeout=5000)
