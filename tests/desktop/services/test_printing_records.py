"""The 帮办代办受理单 and the 差评回访整改反馈单 of cases built through the services: what each is filled with,
when the 打印 menu offers it, and its key texts read back out of the PDF; the station's blank
档案查阅（复制）登记表."""

from __future__ import annotations

from datetime import date

import pytest

from desktop.services.casework import workflow
from desktop.services.casework.cases import get_case, register_case
from desktop.services.casework.feedback import give_feedback
from desktop.services.context import ServiceContext
from desktop.services.printing import case_forms, ledger
from desktop.services.printing.outcomes import rating_followup_data, rating_followup_pdf
from forms.data import Rating
from sync.domain.errors import DomainError, ValidationError
from tests.desktop.conftest import set_clock

from ..conftest import complete_draft
from .print_helpers import inked_feedback, inked_registration, text
from .workflow_helpers import center, registered


def keys(ctx: ServiceContext, case_id: str) -> list[str]:
    return [f.key for f in case_forms.printable_forms(ctx, case_id)]


def test_the_intake_slip_carries_the_request_as_registered_with_both_inks(ctx: ServiceContext) -> None:
    case_id = register_case(ctx, inked_registration(ctx, complete_draft(ctx))).case_ids[0]
    view = get_case(ctx, case_id)
    slip = case_forms.intake_data(ctx, case_id)
    assert slip.service_kind == "代办" and slip.case_type == "承诺件"
    assert slip.promised_days == view.promised_days and slip.due_on == view.due_on
    assert slip.special_groups == "老年人"
    assert slip.applicant_signature is not None and slip.clerk_signature is not None
    assert [m.name for m in slip.materials] == [m.name for m in view.materials]
    printed = text(case_forms.form_pdf(ctx, case_id, "intake"))
    assert view.due_on is not None
    for expected in (
        "帮办代办受理单",
        view.case_no,
        "王秀英",
        "110105********002X",
        "13800138000",
        view.item_name,
        f"{view.promised_days}个工作日",
        f"{view.due_on.year}年{view.due_on.month}月{view.due_on.day}日",
        "申请人（签字）",
        "帮办代办员（签字）",
        "代办站盖章处",
    ):
        assert expected in printed, expected
    assert "11010519491231002X" not in printed  # masked: the 委托书 carries the full number
    assert keys(ctx, case_id)[:2] == ["entrustment", "intake"]


def test_missing_materials_are_listed_and_an_unsigned_slip_is_signed_on_paper(ctx: ServiceContext) -> None:
    case_id = registered(ctx, missing=("居民身份证",))
    slip = case_forms.intake_data(ctx, case_id)
    assert [m.note for m in slip.materials if m.name == "居民身份证"] == ["未提交，待补正"]
    assert slip.applicant_signature is None and slip.clerk_signature is None
    assert "未提交，待补正" in text(case_forms.intake_pdf(ctx, case_id))


def test_an_assisted_case_ticks_help(ctx: ServiceContext) -> None:
    case_id = registered(ctx, kind="assist")
    assert case_forms.intake_data(ctx, case_id).service_kind == get_case(ctx, case_id).kind.label == "帮办"


def test_a_consultation_has_no_intake_slip(ctx: ServiceContext) -> None:
    case_id = registered(ctx, kind="consult")
    assert "intake" not in keys(ctx, case_id)
    with pytest.raises(DomainError, match="不出具帮办代办受理单"):
        case_forms.intake_data(ctx, case_id)


# ---------------------------------------------------------------- 差评回访整改反馈单


def completed(ctx: ServiceContext) -> str:
    case_id = registered(ctx)
    workflow.deliver(ctx, case_id)
    center(ctx, "case.center_accept", {"case_id": case_id})
    center(ctx, "case.center_complete", {"case_id": case_id, "result": "已办结", "completed_on": "2026-11-20"})
    return case_id


def test_a_bad_rating_prints_its_follow_up_sheet_with_the_centers_outcome(ctx: ServiceContext) -> None:
    case_id = completed(ctx)
    set_clock(ctx, date(2026, 11, 23))
    rating = inked_feedback(ctx, case_id, 1, efficiency="跑了两趟。", suggestions="超期要提前告知")
    give_feedback(ctx, case_id, rating)
    assert keys(ctx, case_id)[-1] == "rating_followup"
    sheet = rating_followup_data(ctx, case_id)
    assert sheet.rating is Rating.VERY_DISSATISFIED and sheet.rated_on == date(2026, 11, 23)
    assert sheet.comments == [("服务效率", "跑了两趟。"), ("意见建议", "超期要提前告知")]
    assert sheet.mode == "签名板" and sheet.outcome == "" and sheet.followed_up_on is None
    printed = text(rating_followup_pdf(ctx, case_id))
    for expected in (
        "差评回访整改反馈单",
        get_case(ctx, case_id).case_no,
        "王秀英",
        "服务效率：跑了两趟；意见建议：超期要提前告知。",
        "2026年11月23日",
        "尚未登记回访整改结果",
        "回访人（签字）",
        "负责人（签字）",
        "评价人（签字）",
    ):
        assert expected in printed, expected

    center(
        ctx,
        "case.center_close_rating",
        {"case_id": case_id, "outcome": "已电话回访，向群众说明并致歉", "closed_on": "2026-11-25"},
    )
    closed = rating_followup_data(ctx, case_id)
    assert closed.outcome == "已电话回访，向群众说明并致歉" and closed.followed_up_on == date(2026, 11, 25)
    assert closed.followed_up_by == "周窗口"
    again = text(case_forms.form_pdf(ctx, case_id, "rating_followup"))
    assert "已电话回访，向群众说明并致歉（2026年11月25日办结，周窗口登记）" in again
    assert "rating_followup" in keys(ctx, case_id)  # still printable for the file (存档)


def test_a_good_rating_has_no_follow_up_sheet(ctx: ServiceContext) -> None:
    case_id = completed(ctx)
    assert "rating_followup" not in keys(ctx, case_id)
    with pytest.raises(DomainError, match="不需要差评回访整改反馈单"):
        rating_followup_data(ctx, case_id)
    give_feedback(ctx, case_id, inked_feedback(ctx, case_id, 3))
    assert "feedback" in keys(ctx, case_id) and "rating_followup" not in keys(ctx, case_id)
    with pytest.raises(DomainError, match="不需要差评回访整改反馈单"):
        case_forms.form_pdf(ctx, case_id, "rating_followup")


# ---------------------------------------------------------------- 档案查阅（复制）登记表


def test_the_archive_register_is_the_stations_blank_register_of_a_year(ctx: ServiceContext) -> None:
    registered(ctx)  # a case on file: still nothing of it is printed on the blank register
    register = ledger.archive_register_data(ctx, 2026)
    assert register.year == 2026 and register.rows == () and register.blank_rows == 12
    assert register.station.name == "城南村代办站"
    printed = text(ledger.archive_register_pdf(ctx, 2026))
    assert "档案查阅（复制）登记表" in printed and "2026年度" in printed and "王秀英" not in printed
    with pytest.raises(ValidationError, match="年份不正确"):
        ledger.archive_register_data(ctx, 1999)
