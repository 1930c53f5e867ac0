"""The forms of a case's steps (中止单, 续办委托书, 办结（终止）单, 撤回确认书), printed from cases built through
the services: offered in the 打印 menu once the step is recorded, their key texts read back."""

from __future__ import annotations

from datetime import date

import pytest

from desktop.services.casework import workflow
from desktop.services.casework.case_detail import case_history
from desktop.services.casework.cases import get_case
from desktop.services.casework.feedback import give_feedback
from desktop.services.casework.handovers import record_handover
from desktop.services.casework.records import StepConfirmation
from desktop.services.context import ServiceContext
from desktop.services.printing import case_forms
from desktop.services.printing.steps import (
    closure_data,
    closure_pdf,
    resumption_data,
    resumption_pdf,
    suspension_data,
    suspension_pdf,
    withdrawal_data,
    withdrawal_pdf,
)
from forms.data import ClosureOutcome
from sync.domain.errors import DomainError, ValidationError
from tests.desktop.conftest import set_clock
from tests.forms.glyphs import pdftotext

from .print_helpers import inked, inked_feedback, inked_handover, text
from .workflow_helpers import center, registered

#: The villager signs the printed 中止单/续办委托书.
PAPER = StepConfirmation(on_paper=True)


def fmt(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def keys(ctx: ServiceContext, case_id: str) -> list[str]:
    return [f.key for f in case_forms.printable_forms(ctx, case_id)]


def test_suspend_offers_the_suspension_notice_and_resume_the_resumption_entrustment(ctx: ServiceContext) -> None:
    case_id = registered(ctx)
    due = get_case(ctx, case_id).due_on
    assert due is not None and "suspension" not in keys(ctx, case_id)
    workflow.suspend(ctx, case_id, "等待残疾等级鉴定结论", "鉴定结论送达代办站后恢复办理", PAPER)
    assert "suspension" in keys(ctx, case_id) and "resumption" not in keys(ctx, case_id)
    notice = suspension_data(ctx, case_id)
    assert notice.original_due == due and notice.expected_resume is None and notice.applicant_signature is None
    notice_text = text(suspension_pdf(ctx, case_id))
    for expected in ("代办服务中止单", "王秀英", "等待残疾等级鉴定结论", "鉴定结论送达代办站后恢复办理", fmt(due)):
        assert expected in notice_text, expected
    assert "预计恢复日期_____年___月___日" in notice_text  # not recorded: filled in by hand

    set_clock(ctx, date(2026, 11, 26))
    workflow.resume(ctx, case_id, "中止原因已消除", PAPER)
    assert keys(ctx, case_id)[-2:] == ["suspension", "resumption"]
    again = resumption_data(ctx, case_id)
    view = get_case(ctx, case_id)
    assert again.resumed_on == date(2026, 11, 26) and again.new_due == view.due_on and again.suspended_days == 3
    assert again.applicant_signature is None and again.agent_signature is None  # signed on paper
    resumed = text(resumption_pdf(ctx, case_id))
    assert view.due_on is not None
    for expected in (
        "续办委托书",
        "王秀英",
        "等待残疾等级鉴定结论",
        "续办事由中止原因已消除",  # the reason given at the 续办
        f"自{fmt(date(2026, 11, 26))}起续办，于{fmt(view.due_on)}前办结（中止3个工作日",
    ):
        assert expected in resumed, expected
    assert suspension_data(ctx, case_id).original_due == due  # the reprint keeps the date before the 中止


def test_completion_prints_the_result_and_what_went_back_signed_by_the_villager(ctx: ServiceContext) -> None:
    case_id = registered(ctx)
    record_handover(ctx, case_id, inked_handover(ctx, case_id, "villager", "clerk"))
    workflow.deliver(ctx, case_id, inked_handover(ctx, case_id, "clerk", "window"))
    center(ctx, "case.center_accept", {"case_id": case_id})
    assert "closure" not in keys(ctx, case_id)
    result = "已核定养老待遇，按月发放"
    center(ctx, "case.center_complete", {"case_id": case_id, "result": result, "completed_on": "2026-12-01"})
    before = closure_data(ctx, case_id)  # nothing handed back yet: the originals held, signed on paper
    assert before.outcome is ClosureOutcome.COMPLETED and before.returned and before.applicant_signature is None
    record_handover(ctx, case_id, inked_handover(ctx, case_id, "window", "clerk"))
    set_clock(ctx, date(2026, 12, 2))
    give_feedback(ctx, case_id, inked_feedback(ctx, case_id, 5), inked_handover(ctx, case_id, "clerk", "villager"))
    menu = case_forms.printable_forms(ctx, case_id)
    assert [f.key for f in menu][-2:] == ["closure", "feedback"]
    assert [f.title for f in menu if f.key == "closure"] == ["代办服务办结单"]
    data = closure_data(ctx, case_id)
    assert data.closed_on == date(2026, 12, 1) and data.result == result
    assert data.applicant_signature is not None and data.clerk_signature is not None and data.handed_at is not None
    done = text(case_forms.form_pdf(ctx, case_id, "closure"))
    for expected in ("代办服务办结（终止）单", "王秀英", result, f"办结日期{fmt(date(2026, 12, 1))}", "上列全部材料"):
        assert expected in done, expected
    for line in data.returned:
        assert "".join(line.name.split()) in done


def test_termination_prints_the_reason_and_the_materials_returned_with_it(ctx: ServiceContext) -> None:
    case_id = registered(ctx)
    record_handover(ctx, case_id, inked_handover(ctx, case_id, "villager", "clerk"))
    workflow.terminate(
        ctx, case_id, "申请人已迁居外县，应向新户籍地申请", inked_handover(ctx, case_id, "clerk", "villager")
    )
    menu = case_forms.printable_forms(ctx, case_id)
    assert [f.title for f in menu if f.key == "closure"] == ["代办服务终止单"]
    data = closure_data(ctx, case_id)
    assert data.outcome is ClosureOutcome.TERMINATED and data.applicant_signature is not None
    stopped = text(closure_pdf(ctx, case_id))
    assert "终止原因" in stopped and "申请人已迁居外县，应向新户籍地申请" in stopped and "办理结果" not in stopped


def test_withdrawal_prints_the_confirmation_with_the_materials_given_back(ctx: ServiceContext) -> None:
    case_id = registered(ctx)
    record_handover(ctx, case_id, inked_handover(ctx, case_id, "villager", "clerk"))
    workflow.withdraw(ctx, case_id, "申请人决定暂不办理", inked_handover(ctx, case_id, "clerk", "villager"))
    assert keys(ctx, case_id)[-1] == "withdrawal"
    data = withdrawal_data(ctx, case_id)
    assert data.returned and data.applicant_signature is not None and data.clerk_signature is not None
    confirmed = text(withdrawal_pdf(ctx, case_id))
    for expected in ("撤回确认书", "王秀英", "申请人决定暂不办理", "自愿申请撤回", "退还材料清单"):
        assert expected in confirmed, expected


def test_a_withdrawal_without_a_handover_lists_the_originals_to_sign_for_on_paper(ctx: ServiceContext) -> None:
    case_id = registered(ctx)
    workflow.withdraw(ctx, case_id, "申请人决定暂不办理")
    data = withdrawal_data(ctx, case_id)
    view = get_case(ctx, case_id)
    assert [m.name for m in data.returned] == [m.name for m in view.materials if m.present]
    assert data.applicant_signature is None and data.handed_at is None


@pytest.mark.parametrize(
    ("render", "message"),
    [
        (suspension_pdf, "没有中止记录"),
        (resumption_pdf, "没有续办记录"),
        (closure_pdf, "尚未办结或终止"),
        (withdrawal_pdf, "没有撤回记录"),
    ],
)
def test_a_step_form_without_its_step_says_so(ctx: ServiceContext, render: object, message: str) -> None:
    case_id = registered(ctx)
    with pytest.raises(DomainError, match=message):
        render(ctx, case_id)  # type: ignore[operator]


def test_the_villager_signs_the_suspension_on_the_pad_and_the_resumption_carries_its_reason(
    ctx: ServiceContext,
) -> None:
    """The ink of a 中止 signed on the pad prints on the 中止单; a 续办's reason prints on the 续办委托书
    (read back with pdftotext); neither step is recorded without the villager's confirmation or a reason."""
    case_id = registered(ctx)
    reason, restart = "等待残疾等级鉴定结论", "鉴定结论送达代办站后恢复办理"
    with pytest.raises(ValidationError, match="请申请人签名，或选择“签在纸上”"):
        workflow.suspend(ctx, case_id, reason, restart, StepConfirmation())
    signed = workflow.prepare_step(ctx, case_id, "suspend", reason, restart)
    stale = workflow.prepare_step(ctx, case_id, "suspend", reason, "另一个条件")
    with pytest.raises(ValidationError, match="签名后内容已更改"):
        workflow.suspend(
            ctx, case_id, reason, restart, StepConfirmation(inked("王秀英", "委托人", stale.content_sha256))
        )
    workflow.suspend(ctx, case_id, reason, restart, StepConfirmation(inked("王秀英", "委托人", signed.content_sha256)))
    assert suspension_data(ctx, case_id).applicant_signature is not None
    notice = pdftotext(suspension_pdf(ctx, case_id))
    assert reason in notice and restart in notice

    set_clock(ctx, date(2026, 11, 26))
    with pytest.raises(ValidationError, match="请填写续办事由"):
        workflow.resume(ctx, case_id, "  ", PAPER)
    workflow.resume(ctx, case_id, "申请人已交来鉴定结论", PAPER)
    entrustment = resumption_data(ctx, case_id)
    assert entrustment.resume_reason == "申请人已交来鉴定结论" and entrustment.applicant_signature is None
    assert "续办事由申请人已交来鉴定结论" in pdftotext(resumption_pdf(ctx, case_id))
    sentences = [h.sentence for h in case_history(ctx, case_id)]
    assert any("等待残疾等级鉴定结论" in s and "申请人王秀英已签名" in s for s in sentences), sentences
    assert any("事由：申请人已交来鉴定结论" in s and "申请人签在纸上" in s for s in sentences), sentences
