"""The handover dialog opens on the handover that comes next, the return to the villager included."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from desktop.services.casework.handovers import record_handover
from desktop.services.casework.workflow import deliver
from desktop.services.context import ServiceContext
from desktop.ui.handover_dialog import HandoverDialog
from desktop.ui.main_window import MainWindow
from sync.domain.custody import CLERK, VILLAGER, WINDOW

from ..services.workflow_helpers import center, handover, registered
from .case_page import click_action, open_case, wait_state


def _route(qtbot: QtBot, window: MainWindow, case_id: str, state: str) -> tuple[str, str]:
    page = open_case(qtbot, window, case_id)
    wait_state(qtbot, page, state)
    dialog = click_action(qtbot, page, "handover")
    assert isinstance(dialog, HandoverDialog)
    draft = dialog.draft()
    dialog.reject()
    page.close()
    window.case_windows.clear()
    return draft.from_holder, draft.to_holder


def test_a_completed_case_whose_clerk_holds_no_original_returns_to_the_villager(
    qtbot: QtBot, window: MainWindow, ctx: ServiceContext
) -> None:
    """帮办-like path: no original ever left the villager; the result still goes back clerk → villager
    (the old default offered villager → clerk, as if the case were new)."""
    case_id = registered(ctx)
    deliver(ctx, case_id)
    center(ctx, "case.center_accept", {"case_id": case_id})
    center(ctx, "case.center_complete", {"case_id": case_id, "result": "已核发"})
    assert _route(qtbot, window, case_id, "已办结") == (CLERK, VILLAGER)


def test_the_route_follows_the_originals(qtbot: QtBot, window: MainWindow, ctx: ServiceContext) -> None:
    case_id = registered(ctx)
    assert _route(qtbot, window, case_id, "已受理") == (VILLAGER, CLERK)
    record_handover(ctx, case_id, handover(ctx, case_id, VILLAGER, CLERK))
    assert _route(qtbot, window, case_id, "已受理") == (CLERK, WINDOW)
    deliver(ctx, case_id, handover(ctx, case_id, CLERK, WINDOW))
    center(ctx, "case.center_accept", {"case_id": case_id})
    center(ctx, "case.center_complete", {"case_id": case_id, "result": "已核发"})
    assert _route(qtbot, window, case_id, "已办结") == (WINDOW, CLERK)
    record_handover(ctx, case_id, handover(ctx, case_id, WINDOW, CLERK))
    assert _route(qtbot, window, case_id, "已办结") == (CLERK, VILLAGER)


def test_an_original_the_town_keeps_is_not_asked_back(qtbot: QtBot, window: MainWindow, ctx: ServiceContext) -> None:
    """The window keeps one original (留存): the way back leaves it unticked, and once the rest is back
    the next handover goes home to the villager, not to the window again."""
    from desktop.services.casework.cases import get_case
    from sync.domain.window_receipt import RECEIPT_EVENT, receipt_payload

    from ..services.workflow_helpers import originals

    case_id = registered(ctx)
    record_handover(ctx, case_id, handover(ctx, case_id, VILLAGER, CLERK))
    deliver(ctx, case_id, handover(ctx, case_id, CLERK, WINDOW))
    (sent,) = get_case(ctx, case_id).window_handovers
    kept = next(i.name for i in sent.items if i.original)
    received = {(i.name, i.original): (i.copies, i.original) for i in sent.items}
    center(ctx, RECEIPT_EVENT, receipt_payload(case_id, sent, received, "周窗口", "", kept={kept}))
    center(ctx, "case.center_accept", {"case_id": case_id})
    center(ctx, "case.center_complete", {"case_id": case_id, "result": "已核发"})

    page = open_case(qtbot, window, case_id)
    wait_state(qtbot, page, "已办结")
    dialog = click_action(qtbot, page, "handover")
    assert isinstance(dialog, HandoverDialog)
    draft = dialog.draft()
    assert (draft.from_holder, draft.to_holder) == (WINDOW, CLERK)
    back = {i.name for i in draft.items if i.original}
    assert kept not in back and back == {i.name for i in sent.items if i.original} - {kept}
    dialog.reject()
    page.close()
    window.case_windows.clear()

    rest = [i for i in originals(ctx, case_id) if i.name != kept and i.original]
    record_handover(ctx, case_id, handover(ctx, case_id, WINDOW, CLERK, rest))
    assert _route(qtbot, window, case_id, "已办结") == (CLERK, VILLAGER)
