from __future__ import annotations

from datetime import date

import pytest

from desktop.services.casework import workflow
from desktop.services.casework.case_detail import case_detail
from desktop.services.casework.cases import get_case
from desktop.services.casework.feedback import give_feedback
from desktop.services.casework.handovers import custody, record_handover
from desktop.services.casework.records import StepConfirmation
from desktop.services.context import ServiceContext
from desktop.store import event_log
from sync.domain.calendar import add_working_days
from sync.domain.case_rules import CaseState
from sync.domain.errors import DomainError, IllegalTransition
from tests.desktop.conftest import set_clock

from ..conftest import promised_item
from .workflow_helpers import center, feedback, handover, registered


def _events(ctx: ServiceContext) -> int:
    with ctx.db.reading() as session:
        return event_log.count_events(session)


def _rebuilt_equals_projection(ctx: ServiceContext, case_id: str) -> None:
    before = get_case(ctx, case_id)
    with ctx.db.transaction() as session:
        event_log.rebuild_projection(session)
    assert get_case(ctx, case_id) == before


def test_agency_case_from_registration_through_correction_to_archive(ctx: ServiceContext) -> None:
    item = promised_item(ctx)
    first = item.materials[0].name
    case_id = registered(ctx, missing=[first])
    view = get_case(ctx, case_id)
    assert view.state is CaseState.AWAITING_MATERIALS and view.missing == (first,)
    with pytest.raises(DomainError, match="已一次性告知"):
        workflow.request_correction(ctx, case_id)

    set_clock(ctx, date(2026, 11, 25))
    workflow.supplement_received(ctx, case_id, [first])
    view = get_case(ctx, case_id)
    assert view.state is CaseState.ACCEPTED
    assert view.accepted_on == date(2026, 11, 25)
    assert view.due_on == add_working_days(ctx.calendar, date(2026, 11, 25), item.promised_days).day

    record_handover(ctx, case_id, handover(ctx, case_id, "villager", "clerk"))
    workflow.deliver(ctx, case_id, handover(ctx, case_id, "clerk", "window"))
    assert {line.holder for line in custody(ctx, case_id)} == {"window"}
    center(ctx, "case.center_accept", {"case_id": case_id})
    center(ctx, "case.center_complete", {"case_id": case_id, "result": "已办结参保登记", "completed_on": "2026-11-27"})
    assert get_case(ctx, case_id).state is CaseState.COMPLETED

    back = handover(ctx, case_id, "window", "clerk")
    record_handover(ctx, case_id, back)
    give_feedback(ctx, case_id, feedback(ctx, case_id, 5), handover(ctx, case_id, "clerk", "villager"))
    assert all(line.settled for line in custody(ctx, case_id))
    workflow.archive(ctx, case_id)
    detail = case_detail(ctx, case_id)
    assert detail.view.state is CaseState.ARCHIVED
    sentences = [h.sentence for h in detail.history]
    assert sentences[0].startswith("登记代办")
    assert any("一次性告知需补正的材料" in s for s in sentences)
    assert any("镇中心办结" in s and h.from_center for s, h in zip(sentences, detail.history, strict=True))
    assert any("非常满意" in s for s in sentences)
    assert all(h.actor for h in detail.history)
    _rebuilt_equals_projection(ctx, case_id)


def test_archive_is_refused_while_an_original_is_out(ctx: ServiceContext) -> None:
    case_id = registered(ctx)
    record_handover(ctx, case_id, handover(ctx, case_id, "villager", "clerk"))
    workflow.deliver(ctx, case_id)
    center(ctx, "case.center_accept", {"case_id": case_id})
    center(ctx, "case.center_complete", {"case_id": case_id, "result": "办结"})
    give_feedback(ctx, case_id, feedback(ctx, case_id, 4))
    before = _events(ctx)
    originals = [line.material for line in custody(ctx, case_id)]
    with pytest.raises(DomainError, match="不能归档") as err:
        workflow.archive(ctx, case_id)
    assert all(name in err.value.message for name in originals)
    assert _events(ctx) == before
    record_handover(ctx, case_id, handover(ctx, case_id, "clerk", "villager"))
    workflow.archive(ctx, case_id)
    assert get_case(ctx, case_id).state is CaseState.ARCHIVED


def test_assist_case_is_recorded_and_rated(ctx: ServiceContext) -> None:
    case_id = registered(ctx, kind="assist")
    workflow.deliver(ctx, case_id)
    center(ctx, "case.center_accept", {"case_id": case_id})
    center(ctx, "case.center_complete", {"case_id": case_id, "result": "办结"})
    give_feedback(ctx, case_id, feedback(ctx, case_id, 4))
    workflow.archive(ctx, case_id)
    view = get_case(ctx, case_id)
    assert view.kind.label == "帮办" and view.rating == 4 and view.state is CaseState.ARCHIVED


def test_consult_gets_its_one_time_notice(ctx: ServiceContext) -> None:
    case_id = registered(ctx, kind="consult")
    workflow.answer_consult(ctx, case_id, "材料齐全后可来站代办")
    detail = case_detail(ctx, case_id)
    assert detail.view.state is CaseState.ANSWERED
    with ctx.db.reading() as session:
        (event,) = [e for e in event_log.iter_events(session) if e.type == "case.answer"]
    notice = event.payload["notice"]
    assert notice["matter"] == detail.view.item_name and notice["materials"]
    assert "一次性告知" in detail.history[-1].sentence
    workflow.archive(ctx, case_id)
    with pytest.raises(IllegalTransition):
        workflow.deliver(ctx, case_id)


def test_return_records_the_denial_register(ctx: ServiceContext) -> None:
    case_id = registered(ctx, missing=[promised_item(ctx).materials[0].name])
    with pytest.raises(DomainError, match="法律依据"):
        workflow.return_case(ctx, case_id, workflow.ReturnInput(("不符合条件",), " ", "同意退回"))
    workflow.return_case(
        ctx, case_id, workflow.ReturnInput(("户籍不在本村", "年龄不符"), "《某某办法》第五条", "同意退回")
    )
    view = get_case(ctx, case_id)
    assert view.state is CaseState.RETURNED and view.last_reason == "户籍不在本村；年龄不符"
    with ctx.db.reading() as session:
        (event,) = [e for e in event_log.iter_events(session) if e.type == "case.return"]
    denial = event.payload["denial"]
    assert denial["applicant"] == "王秀英" and denial["phone"] == "13800138000"
    assert denial["leader_opinion"] == "同意退回" and denial["legal_basis"] == "《某某办法》第五条"
    workflow.archive(ctx, case_id)


def test_extension_with_consent_and_refusals(ctx: ServiceContext) -> None:
    case_id = registered(ctx)
    due = get_case(ctx, case_id).due_on
    assert due is not None
    later = add_working_days(ctx.calendar, due, 3).day
    with pytest.raises(DomainError, match="同意") as err:
        workflow.extend(ctx, case_id, later, "需现场核查", consent=False)
    assert getattr(err.value, "field", None) == "consent"
    with pytest.raises(DomainError, match="晚于"):
        workflow.extend(ctx, case_id, due, "需现场核查", consent=True)
    workflow.extend(ctx, case_id, later, "需现场核查", consent=True, approved_by="张主任")
    view = get_case(ctx, case_id)
    assert view.due_on == later and view.extended
    set_clock(ctx, add_working_days(ctx.calendar, later, 1).day)
    with pytest.raises(DomainError, match="超过期限后申请延期按超期处理"):
        workflow.extend(ctx, case_id, add_working_days(ctx.calendar, later, 5).day, "再延", consent=True)


def test_suspend_stops_the_clock_and_resume_moves_the_due_date(ctx: ServiceContext) -> None:
    case_id = registered(ctx)
    due = get_case(ctx, case_id).due_on
    assert due is not None
    workflow.suspend(ctx, case_id, "等待残疾等级鉴定", "鉴定结论送达后恢复", StepConfirmation(on_paper=True))
    assert get_case(ctx, case_id).state is CaseState.SUSPENDED
    with pytest.raises(IllegalTransition):
        workflow.extend(ctx, case_id, date(2026, 12, 31), "x", consent=True)
    resumed_on = date(2026, 11, 26)  # Thursday: Tue, Wed, Thu are 3 working days after Monday
    set_clock(ctx, resumed_on)
    workflow.resume(ctx, case_id, "中止原因已消除", StepConfirmation(on_paper=True))
    view = get_case(ctx, case_id)
    assert view.state is CaseState.ACCEPTED
    assert view.due_on == add_working_days(ctx.calendar, due, 3).day
    _rebuilt_equals_projection(ctx, case_id)


def test_withdraw_and_terminate_need_a_reason(ctx: ServiceContext) -> None:
    first = registered(ctx)
    with pytest.raises(DomainError, match="撤回原因"):
        workflow.withdraw(ctx, first, "  ")
    workflow.withdraw(ctx, first, "申请人决定暂不办理")
    assert get_case(ctx, first).state is CaseState.WITHDRAWN
    second = registered(ctx, applicant_name="赵四")
    record_handover(ctx, second, handover(ctx, second, "villager", "clerk"))
    workflow.terminate(ctx, second, "申请人已去世", handover(ctx, second, "clerk", "villager"))
    view = get_case(ctx, second)
    assert view.state is CaseState.TERMINATED and all(h == "villager" for _, h in view.custody)
    workflow.archive(ctx, second)


def test_case_type_override_needs_a_reason(ctx: ServiceContext) -> None:
    case_id = registered(ctx)
    with pytest.raises(DomainError, match="理由"):
        workflow.override_case_type(ctx, case_id, "joint", "")
    workflow.override_case_type(ctx, case_id, "joint", "涉及民政、残联两个部门")
    assert get_case(ctx, case_id).case_type.label == "联办件"
    assert "联办件" in case_detail(ctx, case_id).history[-1].sentence


def test_center_correction_restarts_the_clock_after_supplements(ctx: ServiceContext) -> None:
    case_id = registered(ctx)
    workflow.deliver(ctx, case_id)
    center(ctx, "case.center_request_correction", {"case_id": case_id, "missing": ["村委会证明"]})
    view = get_case(ctx, case_id)
    assert view.state is CaseState.AWAITING_MATERIALS and view.missing == ("村委会证明",)
    set_clock(ctx, date(2026, 11, 30))
    workflow.supplement_received(ctx, case_id, ["村委会证明"])
    view = get_case(ctx, case_id)
    assert view.accepted_on == date(2026, 11, 30)
    assert view.due_on == add_working_days(ctx.calendar, date(2026, 11, 30), view.promised_days).day
    _rebuilt_equals_projection(ctx, case_id)


def test_partial_supplement_keeps_waiting(ctx: ServiceContext) -> None:
    names = [m.name for m in promised_item(ctx).materials if m.required][:2]
    case_id = registered(ctx, missing=names)
    workflow.supplement_received(ctx, case_id, names[:1])
    view = get_case(ctx, case_id)
    assert view.state is CaseState.AWAITING_MATERIALS and view.missing == tuple(names[1:])
    with pytest.raises(DomainError, match="不在需补正的材料中"):
        workflow.supplement_received(ctx, case_id, ["不相干的材料"])
    workflow.supplement_received(ctx, case_id, names[1:])
    assert get_case(ctx, case_id).state is CaseState.ACCEPTED


def test_illegal_transition_is_refused_and_saves_nothing(ctx: ServiceContext) -> None:
    case_id = registered(ctx)
    before = _events(ctx)
    with pytest.raises(IllegalTransition, match="不能进行“归档”"):
        workflow.archive(ctx, case_id)
    with pytest.raises(DomainError, match="找不到"):
        workflow.deliver(ctx, "no-such-case")
    assert _events(ctx) == before


def test_registration_with_missing_materials_tells_how_to_obtain_each(ctx: ServiceContext) -> None:
    item = promised_item(ctx)
    names = [m.name for m in item.materials if m.required]
    case_id = registered(ctx, missing=names)
    with ctx.db.reading() as session:
        (event,) = [e for e in event_log.iter_events(session) if e.type == "case.request_correction"]
    notice = event.payload["notice"]
    assert [line["name"] for line in notice] == names
    expected = {m.name: m.how_to_obtain for m in item.materials}
    assert all(line["how_to_obtain"] == expected[line["name"]] for line in notice)
    assert any(line["how_to_obtain"] for line in notice)
    assert get_case(ctx, case_id).missing == tuple(names)
