"""窗口确认收件: the town window confirms a clerk → window handover, or lists what differs."""

from __future__ import annotations

from typing import Any

import pytest

from sync.domain.case_rules import CaseState, allowed_actions, check_transition
from sync.domain.errors import IllegalTransition, ValidationError
from sync.domain.events import CENTER, STATION, Event
from sync.domain.model import CaseKind
from sync.domain.projection import CaseView, apply_event, fold, view_from_dict, view_to_dict
from sync.domain.window_receipt import (
    CONFIRMED,
    DISCREPANCY,
    PENDING,
    UNMATCHED,
    confirmed_originals,
    missing_originals,
    receipt_payload,
    receipt_statuses,
)

from .factories import Chain, registered_payload, signed_handover

BOOK = {"name": "户口簿", "original": True, "copies": 1, "pages": 4}
ID_COPY = {"name": "身份证复印件", "original": False, "copies": 2}
ACTION = "case.center_handover_received"


def _delivered(kind: str = "agency") -> tuple[Chain, str, Event]:
    """register → accept → villager hands over → deliver with a signed clerk → window handover."""
    chain = Chain()
    reg = registered_payload(kind=kind)
    cid = reg["case_id"]
    chain.add("case.registered", reg)
    chain.add("case.accept", {"case_id": cid, "accepted_on": "2026-11-23", "due_on": "2026-11-30"})
    chain.add("case.handover", signed_handover(cid, "villager", "clerk", [BOOK, ID_COPY]))
    chain.add("case.deliver", {"case_id": cid})
    handover = chain.add("case.handover", signed_handover(cid, "clerk", "window", [BOOK, ID_COPY]))
    return chain, cid, handover


def _receipt(view: CaseView, received: dict[tuple[str, bool], tuple[int, bool]], by: str = "王窗口") -> dict[str, Any]:
    (handover,) = view.window_handovers
    return receipt_payload(view.case_id, handover, received, by, "")


ALL = {("户口簿", True): (1, True), ("身份证复印件", False): (2, False)}


def test_the_clerk_to_window_handover_is_kept_for_the_window_to_confirm() -> None:
    chain, cid, handover = _delivered()
    view = fold(chain.events)[cid]
    (kept,) = view.window_handovers
    assert kept.event_id == handover.id and [i.name for i in kept.items] == ["户口簿", "身份证复印件"]
    (status,) = receipt_statuses(view.window_handovers, view.window_receipts)
    assert status.status == PENDING and status.label == "待镇窗口确认收件"
    assert view_from_dict(view_to_dict(view)) == view


def test_window_confirms_everything_and_holds_the_original_on_its_word() -> None:
    chain, cid, _ = _delivered()
    view = fold(chain.events)[cid]
    chain.center(ACTION, _receipt(view, ALL))
    view = fold(chain.events)[cid]
    assert view.state is CaseState.DELIVERED  # a fact: the case does not move
    (status,) = receipt_statuses(view.window_handovers, view.window_receipts)
    assert status.status == CONFIRMED and not status.problems
    assert status.sentence().startswith("镇窗口已确认收件（王窗口，")
    held = confirmed_originals(view.window_handovers, view.window_receipts)
    assert list(held) == ["户口簿"] and held["户口簿"].received_by == "王窗口"
    assert dict(view.custody) == {"户口簿": "window"}
    assert view_from_dict(view_to_dict(view)) == view


def test_a_discrepancy_names_each_item_and_a_later_confirmation_corrects_it() -> None:
    chain, cid, _ = _delivered()
    view = fold(chain.events)[cid]
    chain.center(ACTION, _receipt(view, {("身份证复印件", False): (1, False)}))
    view = fold(chain.events)[cid]
    (status,) = receipt_statuses(view.window_handovers, view.window_receipts)
    assert status.status == DISCREPANCY and status.open_problem
    assert status.problems == ("户口簿（原件）未收到", "身份证复印件：应2份，实收1份")
    assert list(missing_originals(view.window_handovers, view.window_receipts)) == ["户口簿"]
    assert not confirmed_originals(view.window_handovers, view.window_receipts)

    chain.center(ACTION, _receipt(view, {("户口簿", True): (1, False), ("身份证复印件", False): (2, False)}))
    view = fold(chain.events)[cid]
    (status,) = receipt_statuses(view.window_handovers, view.window_receipts)
    assert status.problems == ("户口簿：应为原件，实为复印件",)

    chain.center(ACTION, _receipt(view, ALL, by="赵窗口"))
    view = fold(chain.events)[cid]
    (status,) = receipt_statuses(view.window_handovers, view.window_receipts)
    assert status.status == CONFIRMED and len(status.history) == 3 and status.receipt
    assert status.receipt.received_by == "赵窗口"
    assert not missing_originals(view.window_handovers, view.window_receipts)


def test_only_the_center_may_confirm_and_not_for_a_consultation() -> None:
    with pytest.raises(IllegalTransition, match="只能由镇中心操作"):
        check_transition("center_handover_received", CaseState.DELIVERED, CaseKind.AGENCY, STATION)
    with pytest.raises(IllegalTransition, match="咨询件不能进行"):
        check_transition("center_handover_received", CaseState.DRAFT, CaseKind.CONSULT, CENTER)
    assert "center_handover_received" not in [a.name for a in allowed_actions(CaseState.DELIVERED, CaseKind.AGENCY)]
    for state in CaseState:  # a late word about a past handover fits any state, even 已归档
        assert check_transition("center_handover_received", state, CaseKind.AGENCY, CENTER) is state

    chain, cid, _ = _delivered()
    view = fold(chain.events)[cid]
    chain.add(ACTION, _receipt(view, ALL))  # a station forging the center's word
    with pytest.raises(IllegalTransition, match="只能由镇中心操作"):
        fold(chain.events)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"received_by": " "}, "姓名"),
        ({"handover_id": ""}, "哪一次材料交接"),
        ({"items": []}, "请列出"),
        ({"items": "户口簿"}, "请列出"),
        ({"items": [{"name": "户口簿", "original": True, "copies": 1, "received_copies": -1}]}, "0到999"),
        ({"items": [{"name": "户口簿", "original": True, "copies": 1, "received_copies": "两"}]}, "实收份数"),
        ({"items": [{"name": "户口簿", "original": True, "copies": 1}] * 2}, "重复"),
        ({"items": [{"name": "结婚证", "original": True, "copies": 1}]}, "与代办站的交接清单不一致"),
        ({"note": "说" * 501}, "500"),
    ],
)
def test_bad_confirmations_are_refused_with_a_chinese_reason(change: dict[str, Any], message: str) -> None:
    chain, cid, _ = _delivered()
    view = fold(chain.events)[cid]
    chain.center(ACTION, _receipt(view, ALL) | change)
    with pytest.raises(ValidationError, match=message):
        fold(chain.events)


def _apply(view: CaseView | None, events: list[Event]) -> CaseView:
    for event in events:
        view = apply_event(view, event)
    assert view is not None
    return view


def test_pushed_and_pulled_orders_give_the_same_case() -> None:
    """Station: handover, window → clerk, then the pulled confirmation; center: the confirmation first."""
    chain, cid, _ = _delivered()
    base = fold(chain.events[:-1])[cid]
    handover = chain.events[-1]
    after_handover = apply_event(base, handover)
    confirm = chain.center(ACTION, _receipt(after_handover, ALL))
    back = chain.add("case.handover", signed_handover(cid, "window", "clerk", [BOOK]))

    at_station = _apply(base, [handover, back, confirm])
    at_center = _apply(base, [handover, confirm, back])
    for view in (at_station, at_center):
        assert dict(view.custody) == {"户口簿": "clerk"}
        (status,) = receipt_statuses(view.window_handovers, view.window_receipts)
        assert status.status == CONFIRMED
    assert at_station.window_handovers == at_center.window_handovers
    assert at_station.window_receipts == at_center.window_receipts


def test_a_confirmation_before_its_handover_is_kept_and_matched_when_the_handover_arrives() -> None:
    chain, cid, _ = _delivered()
    base = fold(chain.events[:-1])[cid]
    handover = chain.events[-1]
    confirm = chain.center(ACTION, _receipt(apply_event(base, handover), ALL))

    early = apply_event(base, confirm)  # the confirmation is folded first: kept, not lost
    (status,) = receipt_statuses(early.window_handovers, early.window_receipts)
    assert status.status == UNMATCHED and status.open_problem and "尚无记录" in status.problems[0]
    late = apply_event(early, handover)
    in_order = _apply(base, [handover, confirm])
    (status,) = receipt_statuses(late.window_handovers, late.window_receipts)
    assert status.status == CONFIRMED
    assert late.window_handovers == in_order.window_handovers
    assert late.window_receipts == in_order.window_receipts
    assert late.custody == in_order.custody


def test_a_late_confirmation_of_an_archived_case_is_folded_not_refused() -> None:
    chain, cid, _ = _delivered()
    view = fold(chain.events)[cid]
    payload = _receipt(view, ALL)
    chain.center("case.center_return", {"case_id": cid, "reason": "不符合条件", "legal_basis": "有关规定"})
    chain.add("case.handover", signed_handover(cid, "window", "clerk", [BOOK]))
    chain.add("case.handover", signed_handover(cid, "clerk", "villager", [BOOK]))
    chain.add("case.archive", {"case_id": cid})
    chain.center(ACTION, payload)
    view = fold(chain.events)[cid]
    assert view.state is CaseState.ARCHIVED
    (status,) = receipt_statuses(view.window_handovers, view.window_receipts)
    assert status.status == CONFIRMED
