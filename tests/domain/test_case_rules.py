from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sync.domain.case_rules import ACTIONS, CaseState, allowed_actions, check_transition
from sync.domain.errors import ChainBroken, DomainError, IllegalTransition
from sync.domain.events import STATION, Event, chain_digest, verify_chain
from sync.domain.model import CaseKind
from sync.domain.projection import apply_event, fold

from .factories import Chain, registered_payload, signed_handover


def test_full_agency_path() -> None:
    chain = Chain()
    reg = registered_payload()
    cid = reg["case_id"]
    chain.add("case.registered", reg)
    chain.add("case.request_correction", {"case_id": cid, "missing": ["户口簿"]})
    chain.add("case.accept", {"case_id": cid, "accepted_on": "2026-11-23", "due_on": "2026-11-30"})
    chain.add("case.deliver", {"case_id": cid})
    chain.center("case.center_accept", {"case_id": cid})
    chain.center("case.center_complete", {"case_id": cid, "result": "已参保", "completed_on": "2026-11-27"})
    chain.add("case.give_feedback", {"case_id": cid, "rating": 5})
    chain.add("case.archive", {"case_id": cid})
    view = fold(chain.events)[cid]
    assert view.state is CaseState.ARCHIVED
    assert str(view.due_on) == "2026-11-30"
    assert view.rating == 5
    assert view.result == "已参保"
    assert view.event_count == 8


def test_illegal_transition_is_refused_with_chinese_message() -> None:
    with pytest.raises(IllegalTransition, match="当前为“登记”状态，不能进行“归档”"):
        check_transition("archive", CaseState.DRAFT, CaseKind.AGENCY, STATION)


def test_center_actions_cannot_be_authored_by_station() -> None:
    with pytest.raises(IllegalTransition, match="只能由镇中心操作"):
        check_transition("center_complete", CaseState.IN_PROGRESS, CaseKind.AGENCY, STATION)


def test_consult_cannot_be_accepted_and_only_answered() -> None:
    with pytest.raises(IllegalTransition, match="咨询件"):
        check_transition("accept", CaseState.DRAFT, CaseKind.CONSULT, STATION)
    assert check_transition("answer", CaseState.DRAFT, CaseKind.CONSULT, STATION) is CaseState.ANSWERED


def test_suspend_and_resume_return_to_previous_state() -> None:
    chain = Chain()
    reg = registered_payload()
    cid = reg["case_id"]
    chain.add("case.registered", reg)
    chain.add("case.accept", {"case_id": cid, "accepted_on": "2026-11-23", "due_on": "2026-11-30"})
    chain.add("case.deliver", {"case_id": cid})
    chain.add("case.suspend", {"case_id": cid, "reason": "等待鉴定"})
    assert fold(chain.events)[cid].state is CaseState.SUSPENDED
    chain.add("case.resume", {"case_id": cid, "due_on": "2026-12-03"})
    view = fold(chain.events)[cid]
    assert view.state is CaseState.DELIVERED
    assert str(view.due_on) == "2026-12-03"


def test_registering_twice_and_unknown_case_are_refused() -> None:
    chain = Chain()
    reg = registered_payload()
    first = chain.add("case.registered", reg)
    view = apply_event(None, first)
    with pytest.raises(DomainError, match="不能重复登记"):
        apply_event(view, first)
    with pytest.raises(DomainError, match="不存在"):
        apply_event(None, chain.add("case.accept", {"case_id": "nope", "accepted_on": "2026-11-23"}))


def test_verify_chain_detects_an_edited_event() -> None:
    chain = Chain()
    reg = registered_payload()
    chain.add("case.registered", reg)
    chain.add("case.accept", {"case_id": reg["case_id"], "accepted_on": "2026-11-23"})
    assert verify_chain(chain.events) == chain.events[-1].hash
    tampered = list(chain.events)
    tampered[0] = replace(tampered[0], payload={**reg, "case_no": "CS01-20261123-0999"})
    with pytest.raises(ChainBroken, match="第1号事件"):
        verify_chain(tampered)
    with pytest.raises(ChainBroken, match="序号不连续"):
        verify_chain(chain.events[1:])


def test_event_round_trips_through_dict() -> None:
    chain = Chain()
    event = chain.add("case.registered", registered_payload())
    again = Event.from_dict(event.to_dict())
    assert again == event and again.compute_hash() == event.hash
    assert chain_digest([event])[0] == 1


# --- property test: any sequence of commands leaves a valid state, and replay rebuilds it ---

ACTION_NAMES = sorted(ACTIONS)


def _payload_for(action: str, cid: str) -> dict[str, object]:
    payload: dict[str, object] = {"case_id": cid}
    if action == "accept":
        payload.update(accepted_on="2026-11-23", due_on="2026-11-30")
    if action == "give_feedback":
        payload["rating"] = 4
    if action == "extend":
        payload.update(due_on="2026-12-10", reason="需现场核查", consent=True, requested_on="2026-11-24")
    if action == "handover":
        payload.update(signed_handover(cid, "villager", "clerk", [{"name": "户口簿", "original": False}]))
    if action == "attach":
        payload.update(sha256="a" * 64, filename="户口簿.jpg", size=10, mime="image/jpeg")
    if action == "set_case_type":
        payload.update(case_type="joint", reason="涉及多个部门")
    if action == "center_handover_received":  # of a handover this case has not seen: kept, unmatched
        items = [{"name": "户口簿", "original": True, "copies": 1, "received_copies": 1}]
        payload.update(handover_id="h-1", received_by="王窗口", items=items)
    return payload


@settings(max_examples=200, deadline=None)
@given(
    kind=st.sampled_from(list(CaseKind)),
    commands=st.lists(st.sampled_from(ACTION_NAMES), max_size=25),
)
def test_any_command_sequence_keeps_a_valid_state_and_replays(kind: CaseKind, commands: list[str]) -> None:
    chain = Chain()
    reg = registered_payload(kind=kind.value)
    cid = reg["case_id"]
    view = apply_event(None, chain.add("case.registered", reg))
    for action in commands:
        origin = ACTIONS[action].origin
        legal = action in {a.name for a in allowed_actions(view.state, view.kind, origin)}
        before = view
        candidate = Chain(chain.station_id)
        candidate.events = list(chain.events)
        event = candidate.add(f"case.{action}", _payload_for(action, cid), origin=origin)
        try:
            view = apply_event(view, event)
        except IllegalTransition:
            assert not legal, action
            assert view == before
            continue
        assert legal, action
        chain.events.append(event)
        assert view.state in CaseState
        if view.state is CaseState.SUSPENDED:
            assert view.suspended_from is not None
    assert fold(chain.events)[cid] == view
    verify_chain(chain.events)
