from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from desktop.services.casework import workflow
from desktop.services.casework.cases import get_case
from desktop.services.casework.feedback import give_feedback, prepare_feedback
from desktop.services.casework.home import home
from desktop.services.casework.records import FeedbackDraft, FeedbackInput
from desktop.services.context import ServiceContext
from desktop.store import event_log
from sync.domain.calendar import add_working_days
from sync.domain.errors import DomainError, ValidationError
from tests.desktop.conftest import set_clock

from .workflow_helpers import center, feedback, registered, sign


def _completed(ctx: ServiceContext, **changes: object) -> str:
    case_id = registered(ctx, **changes)
    workflow.deliver(ctx, case_id)
    center(ctx, "case.center_accept", {"case_id": case_id})
    center(ctx, "case.center_complete", {"case_id": case_id, "result": "办结"})
    return case_id


def _count(ctx: ServiceContext) -> int:
    with ctx.db.reading() as session:
        return event_log.count_events(session)


def test_bad_rating_is_flagged_and_listed_until_the_center_follows_up(ctx: ServiceContext) -> None:
    case_id = _completed(ctx)
    changed = give_feedback(ctx, case_id, feedback(ctx, case_id, 2, attitude="态度冷淡", efficiency="跑了两趟"))
    assert "差评" in changed.message
    view = get_case(ctx, case_id)
    assert view.rating == 2 and view.rating_bad
    assert [s.case_id for s in home(ctx).bad_ratings_open] == [case_id]
    center(ctx, "case.center_close_rating", {"case_id": case_id, "note": "已回访，立行立改"})
    assert home(ctx).bad_ratings_open == ()


def test_good_rating_is_not_a_bad_one(ctx: ServiceContext) -> None:
    case_id = _completed(ctx)
    give_feedback(ctx, case_id, feedback(ctx, case_id, 3))
    assert not get_case(ctx, case_id).rating_bad and home(ctx).bad_ratings_open == ()


@pytest.mark.parametrize(
    ("draft", "field"),
    [
        (FeedbackDraft(True, 0), "rating"),
        (FeedbackDraft(True, 6), "rating"),
        (FeedbackDraft(False, 5), "result_confirmed"),
        (FeedbackDraft(True, 5, {"attitude": "很" * 501}), "attitude"),
        (FeedbackDraft(True, 5, {"weather": "晴"}), "comments"),
    ],
)
def test_bad_feedback_input_is_refused(ctx: ServiceContext, draft: FeedbackDraft, field: str) -> None:
    case_id = _completed(ctx)
    before = _count(ctx)
    with pytest.raises(ValidationError) as err:
        give_feedback(ctx, case_id, FeedbackInput(draft, sign("王秀英", "委托人", "0" * 64)))
    assert err.value.field == field
    assert _count(ctx) == before


def test_feedback_signed_over_other_content_is_refused(ctx: ServiceContext) -> None:
    case_id = _completed(ctx)
    signed = prepare_feedback(ctx, case_id, FeedbackDraft(True, 1))
    tampered = FeedbackInput(FeedbackDraft(True, 5), sign("王秀英", "委托人", signed.content_sha256))
    with pytest.raises(ValidationError, match="重新签名"):
        give_feedback(ctx, case_id, tampered)


def test_feedback_only_when_the_result_is_back(ctx: ServiceContext) -> None:
    case_id = registered(ctx)
    with pytest.raises(DomainError, match="不能进行“结果交付并评价”"):
        give_feedback(ctx, case_id, feedback(ctx, case_id, 5))


def test_home_page_lists_the_day(ctx: ServiceContext) -> None:
    due_today = registered(ctx)  # accepted on 11-23
    waiting = registered(ctx, applicant_name="赵四", missing=["居民身份证"])
    to_hand_back = _completed(ctx, applicant_name="钱五")
    due = get_case(ctx, due_today).due_on
    assert due is not None
    set_clock(ctx, due)
    view = home(ctx)
    assert due_today in [s.case_id for s in view.due_today]
    assert waiting in [s.case_id for s in view.awaiting_materials]
    assert [s.case_id for s in view.to_hand_back] == [to_hand_back]
    set_clock(ctx, add_working_days(ctx.calendar, due, 1).day)
    view = home(ctx)
    assert due_today in [s.case_id for s in view.overdue] and view.overdue[0].overdue
    set_clock(ctx, date(2026, 11, 23))
    soon = home(ctx).due_soon
    assert (due_today in [s.case_id for s in soon]) == (
        add_working_days(ctx.calendar, date(2026, 11, 23), 3).day >= due
    )


def test_supplement_with_nothing_ticked_is_refused(ctx: ServiceContext) -> None:
    case_id = registered(ctx, missing=["居民身份证"])
    with pytest.raises(ValidationError, match="请勾选") as err:
        workflow.supplement_received(ctx, case_id, [" "])
    assert err.value.field == "received"
    assert replace(get_case(ctx, case_id)).state.label == "待补正"


def test_home_lists_are_capped_and_totals_count_all(ctx: ServiceContext) -> None:
    for n in range(3):
        registered(ctx, applicant_name=f"候补{n}", missing=["居民身份证"])
    view = home(ctx, limit=2)
    assert len(view.awaiting_materials) == 2 and view.totals["awaiting_materials"] == 3
    assert view.totals["bad_ratings_open"] == 0 and view.awaiting_materials[0].id_masked.count("*") == 8


def test_home_lists_cases_to_deliver_and_to_archive_and_phones_to_call(ctx: ServiceContext) -> None:
    to_deliver = registered(ctx, applicant_name="孙六", phone="13911112222")
    waiting = registered(ctx, applicant_name="赵四", phone="13933334444", missing=["居民身份证"])
    delivered = registered(ctx, applicant_name="周七")
    workflow.deliver(ctx, delivered)
    finished = _completed(ctx, applicant_name="钱五", phone="13955556666")
    view = home(ctx)
    assert [s.case_id for s in view.to_deliver] == [to_deliver]
    assert view.to_archive == () and view.totals["to_deliver"] == 1
    # the clerk calls the villagers whose materials or results are waiting: full phones there only
    assert [(s.case_id, s.phone) for s in view.awaiting_materials] == [(waiting, "13933334444")]
    assert [(s.case_id, s.phone) for s in view.to_hand_back] == [(finished, "13955556666")]
    assert view.to_deliver[0].phone == "" and view.to_deliver[0].phone_masked == "139****2222"
    give_feedback(ctx, finished, feedback(ctx, finished, 5))
    view = home(ctx)
    assert [s.case_id for s in view.to_archive] == [finished] and view.to_hand_back == ()
    workflow.archive(ctx, finished)
    assert home(ctx).to_archive == ()
