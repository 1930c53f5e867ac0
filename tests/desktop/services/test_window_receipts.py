"""镇窗口确认收件 pulled by the station: custody, the case page, history, the home page, rebuild."""

from __future__ import annotations

from desktop.services.casework import workflow
from desktop.services.casework.case_detail import case_detail
from desktop.services.casework.cases import get_case
from desktop.services.casework.handovers import record_handover
from desktop.services.casework.home import home
from desktop.services.context import ServiceContext
from desktop.store import event_log
from sync.domain.window_receipt import receipt_payload

from .workflow_helpers import center, handover, registered

RECEIVED = "case.center_handover_received"


def _delivered(ctx: ServiceContext) -> str:
    case_id = registered(ctx)
    record_handover(ctx, case_id, handover(ctx, case_id, "villager", "clerk"))
    workflow.deliver(ctx, case_id, handover(ctx, case_id, "clerk", "window"))
    return case_id


def _confirm(ctx: ServiceContext, case_id: str, lose: str = "", by: str = "周窗口") -> None:
    view = get_case(ctx, case_id)
    (window_handover,) = view.window_handovers
    received = {(i.name, i.original): (i.copies, i.original) for i in window_handover.items if i.name != lose}
    center(ctx, RECEIVED, receipt_payload(case_id, window_handover, received, by, "户口簿未见" if lose else ""))


def test_confirmation_shows_in_custody_history_and_survives_a_rebuild(ctx: ServiceContext) -> None:
    case_id = _delivered(ctx)
    detail = case_detail(ctx, case_id)
    (line,) = detail.receipts
    assert line.status == "pending" and line.sentence == "待镇窗口确认收件" and not line.problem

    _confirm(ctx, case_id)
    detail = case_detail(ctx, case_id)
    (line,) = detail.receipts
    assert line.status == "confirmed" and line.received_by == "周窗口"
    assert line.sentence.startswith("镇窗口已确认收件（周窗口，")
    originals = [c for c in detail.custody if c.holder == "window"]
    assert originals and all(c.window_word.startswith("镇窗口已确认收件（周窗口") for c in originals)
    assert not any(c.window_problem for c in detail.custody)
    assert any(h.sentence == "镇窗口确认收件（周窗口）：全部收到" and h.from_center for h in detail.history)
    assert not home(ctx).receipt_problems

    before = get_case(ctx, case_id)
    with ctx.db.transaction() as session:
        event_log.rebuild_projection(session)
    assert get_case(ctx, case_id) == before


def test_a_discrepancy_is_flagged_on_the_case_and_the_home_page(ctx: ServiceContext) -> None:
    case_id = _delivered(ctx)
    other = _delivered(ctx)
    lost = next(i.name for i in get_case(ctx, case_id).window_handovers[0].items if i.original)
    _confirm(ctx, case_id, lose=lost)
    _confirm(ctx, other)
    detail = case_detail(ctx, case_id)
    (line,) = detail.receipts
    assert line.problem and line.status == "discrepancy"
    assert f"{lost}（原件）未收到" in line.sentence and "户口簿未见" in line.sentence
    word = next(c for c in detail.custody if c.material == lost)
    assert word.window_problem and word.window_word.startswith("镇窗口称未收到原件（周窗口")
    assert word.holder == "window"  # the clerk's signed record stays; the window's word sits beside it
    assert any("有差异" in h.sentence for h in detail.history)
    view = home(ctx)
    assert [c.case_id for c in view.receipt_problems] == [case_id] and view.totals["receipt_problems"] == 1

    _confirm(ctx, case_id, by="赵窗口")  # found after all: a later confirmation corrects it
    assert not home(ctx).receipt_problems
    (line,) = case_detail(ctx, case_id).receipts
    assert line.status == "confirmed" and line.received_by == "赵窗口"


def test_confirmation_after_the_originals_came_back_is_applied_not_a_conflict(ctx: ServiceContext) -> None:
    """Pulled after the station recorded window → clerk: the order differs from the center's, the case agrees."""
    case_id = _delivered(ctx)
    view = get_case(ctx, case_id)
    (window_handover,) = view.window_handovers
    received = {(i.name, i.original): (i.copies, i.original) for i in window_handover.items}
    payload = receipt_payload(case_id, window_handover, received, "周窗口", "")
    record_handover(ctx, case_id, handover(ctx, case_id, "window", "clerk"))
    center(ctx, RECEIVED, payload)
    detail = case_detail(ctx, case_id)
    assert {c.holder for c in detail.custody} == {"clerk"}
    assert [r.status for r in detail.receipts] == ["confirmed"]
    assert detail.summary.sync_label != "有冲突"
