"""The case-step forms (中止单, 续办委托书, 办结（终止）单, 撤回确认书): their key texts read back with pdftotext."""

from __future__ import annotations

import dataclasses

from forms import closure, resumption, suspension, withdrawal
from forms.data import ClosureOutcome
from forms.demo_steps import completion, termination
from forms.demo_steps import resumption as resumption_record
from forms.demo_steps import suspension as suspension_record
from forms.demo_steps import withdrawal as withdrawal_record
from tests.forms import glyphs, pdfcheck


def read(pdf: bytes) -> str:
    return pdfcheck.squash(glyphs.pdftotext(pdf))


def test_the_suspension_notice_says_why_what_to_do_and_that_the_clock_stops() -> None:
    record = suspension_record()
    text = read(suspension.render(record))
    for expected in (
        "代办服务中止单",
        record.reason,
        record.applicant_todo,
        "中止期间不计入承诺办结时限",
        "2026年11月18日",
        "预计恢复日期2026年11月25日",
        "申请人（签字）",
        f"代办员（{record.clerk_name}）签字",
        "《续办委托书》",
    ):
        assert pdfcheck.squash(expected) in text, expected


def test_an_unknown_resumption_date_is_a_blank_to_fill_in() -> None:
    text = read(suspension.render(dataclasses.replace(suspension_record(), expected_resume=None)))
    assert "预计恢复日期_____年___月___日" in text


def test_the_resumption_entrustment_names_the_suspension_the_reason_and_the_new_period() -> None:
    record = resumption_record()
    text = read(resumption.render(record))
    for expected in (
        "续办委托书",
        "委托人于2026年11月16日委托受托人",
        "该事项于2026年11月18日中止办理",
        record.resume_reason,
        "自2026年11月25日起续办，于2026年11月30日前办结（中止5个工作日，不计入办理时限）",
        resumption.SAME_SCOPE,
        "委托人签名",
        "受托人签名",
        "委托人按指印处",
    ):
        assert pdfcheck.squash(expected) in text, expected
    assert record.applicant.id_number not in text, "the ID number is printed masked"
    assert record.applicant.id_number[-4:] in text


def test_unsigned_resumption_prints_blank_lines_for_pen() -> None:
    record = dataclasses.replace(resumption_record(), applicant_signature=None, agent_signature=None, signed_on=None)
    text = read(resumption.render(record))
    assert text.count("日期：_____年___月___日") == 2


def test_the_closure_form_ticks_one_outcome_and_labels_its_rows_after_it() -> None:
    done = read(closure.render(completion()))
    assert "代办服务办结（终止）单" in done
    assert "办理结果" in done and "办结日期2026年11月27日" in done and "终止原因" not in done
    assert "本人已收到办理结果及上列全部材料" in done
    stopped_record = termination()
    stopped = read(closure.render(stopped_record))
    assert stopped_record.outcome is ClosureOutcome.TERMINATED
    assert "终止原因" in stopped and "终止日期2026年11月20日" in stopped and "办理结果" not in stopped
    assert pdfcheck.squash(stopped_record.result) in stopped
    for line in stopped_record.returned:
        assert pdfcheck.squash(line.name) in stopped


def test_the_withdrawal_confirmation_has_the_reason_the_materials_and_both_signatures() -> None:
    record = withdrawal_record()
    text = read(withdrawal.render(record))
    for expected in (
        "撤回确认书",
        record.reason,
        "自愿申请撤回",
        "撤回日期2026年11月17日",
        "退还材料清单",
        "合计：共2项，原件1份，复印件1份。",
        "申请人（签字）",
        "2026年11月17日09时20分",
    ):
        assert pdfcheck.squash(expected) in text, expected
