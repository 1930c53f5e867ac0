"""The forms of a case's outcome: 《延期办理告知书》, 《退回件通知书》, 《否定报备登记表》, 《服务意见反馈表》,
《差评回访整改反馈单》;
with those of its steps (中止, 续办, 办结/终止, 撤回) from ``steps``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from forms import extension, feedback, rating_followup, refusal_record, return_notice
from forms.data import (
    ExtensionNotice,
    Feedback,
    MaterialLine,
    Rating,
    RatingFollowUp,
    RefusalRecord,
    ReturnNotice,
    Signature,
)
from sync.domain.calendar import working_days_between
from sync.domain.custody import VILLAGER
from sync.domain.errors import DomainError
from sync.domain.events import Event
from sync.domain.feedback import COMMENT_FIELDS
from sync.domain.ratings import RATING_LABELS, is_bad_rating

from ..context import ServiceContext
from . import steps
from .support import (
    CaseFacts,
    PrintableForm,
    applicant_party,
    case_facts,
    event_signatures,
    form_station,
    handover_lines,
    local_day,
    local_time,
    material_lines,
    opt_date,
)

EXTEND = "case.extend"
RETURNS = ("case.return", "case.center_return")
FEEDBACK = "case.give_feedback"
CLOSE_RATING = "case.center_close_rating"
#: What the 退回件通知书 advises, for a return without its own advice.
RETURN_ADVICE = "请按上述理由补齐或改正后重新申请；如有疑问，可向代办员或镇为民服务中心咨询，代办员可协助准备材料。"


def _matter(facts: CaseFacts) -> str:
    return f"{facts.view.item_name}（{facts.view.department}）"


# ---------------------------------------------------------------- 延期办理告知书


def extension_data(ctx: ServiceContext, case_id: str) -> ExtensionNotice:
    """From the latest 延期: reason, old and new deadline, working days added, who approved it."""
    facts = case_facts(ctx, case_id)
    view = facts.view
    event = facts.latest((EXTEND,), "该办件尚未延期，没有延期办理告知书")
    p = event.payload
    new_due = opt_date(p.get("due_on"))
    assert new_due is not None  # the fold refuses an extension without its new date
    original = opt_date(p.get("previous_due_on")) or new_due
    requested = opt_date(p.get("requested_on")) or local_day(event.occurred_at)
    return ExtensionNotice(
        case_no=view.case_no,
        station=form_station(facts.station, ctx.town),
        applicant=applicant_party(view),
        matter=_matter(facts),
        accepted_on=view.accepted_on or facts.registered_on,
        original_due=original,
        new_due=new_due,
        reason=str(p.get("reason", "")),
        extension_days=working_days_between(ctx.calendar, original, new_due),
        head_name=str(p.get("approved_by", "")),
        clerk_name=event.actor,
        issued_on=requested,
        consented_on=requested if p.get("consent") is True else None,
    )


def extension_pdf(ctx: ServiceContext, case_id: str) -> bytes:
    return extension.render(extension_data(ctx, case_id))


# ---------------------------------------------------------------- 退回件通知书 and 否定报备登记表

_NOT_RETURNED = "该办件没有退回记录，没有退回件通知书和否定报备登记表"


def _hand_back(facts: CaseFacts, returned: Event) -> Event | None:
    """The handover giving the materials back to the villager recorded with (just before) the return."""
    last = None
    for e in facts.events:
        if e.id == returned.id:
            return last
        if e.type == "case.handover" and e.payload.get("to") == VILLAGER:
            last = e
    return last


def _returned(ctx: ServiceContext, facts: CaseFacts, event: Event) -> tuple[list[MaterialLine], list[Signature | None]]:
    """The materials handed back (and the clerk's and villager's ink), else those the case holds."""
    back = _hand_back(facts, event)
    if back is None:
        return material_lines([m for m in facts.view.materials if m.present]), []
    return handover_lines(back.payload), event_signatures(ctx, back.payload)


def return_notice_data(ctx: ServiceContext, case_id: str) -> ReturnNotice:
    facts = case_facts(ctx, case_id)
    view = facts.view
    event = facts.latest(RETURNS, _NOT_RETURNED)
    p = event.payload
    reasons = [str(r) for r in p.get("reasons") or ()] or [str(p.get("reason", ""))]
    returned, ink = _returned(ctx, facts, event)
    back = _hand_back(facts, event)
    return ReturnNotice(
        case_no=view.case_no,
        station=form_station(facts.station, ctx.town),
        applicant=applicant_party(view),
        matter=_matter(facts),
        applied_on=facts.registered_on,
        reasons=reasons,
        legal_basis=str(p.get("legal_basis", "")),
        returned=returned,
        advice=RETURN_ADVICE,
        issued_on=opt_date(p.get("returned_on")) or local_day(event.occurred_at),
        clerk_name=view.clerk or facts.station.clerk,
        clerk_signature=ink[0] if ink else None,
        applicant_signature=ink[1] if len(ink) > 1 else None,
        received_at=local_time(back.occurred_at) if back else None,
        department=view.department,
        remedy=facts.item.remedy if facts.item else "",
    )


def return_notice_pdf(ctx: ServiceContext, case_id: str) -> bytes:
    return return_notice.render(return_notice_data(ctx, case_id))


def refusal_record_data(ctx: ServiceContext, case_id: str) -> RefusalRecord:
    """The 否定报备 data recorded with the return (facts, reasons, legal basis, leader's opinion)."""
    facts = case_facts(ctx, case_id)
    view = facts.view
    event = facts.latest(RETURNS, _NOT_RETURNED)
    p = event.payload
    denial: dict[str, Any] = dict(p.get("denial") or {})
    returned, inks = _returned(ctx, facts, event)
    back = _hand_back(facts, event)
    return RefusalRecord(
        case_no=view.case_no,
        station=form_station(facts.station, ctx.town),
        applicant=applicant_party(view),
        matter=_matter(facts),
        applied_on=facts.registered_on,
        facts=str(denial.get("basic_facts", "")),
        reasons=str(denial.get("reason") or p.get("reason", "")),
        legal_basis=str(denial.get("legal_basis") or p.get("legal_basis", "")),
        department=str(denial.get("department") or view.department),
        staff=str(denial.get("handled_by") or event.actor),
        leader_opinion=str(denial.get("leader_opinion", "")),
        returned=returned,
        applicant_unit="个人",
        registered_on=opt_date(denial.get("date") or p.get("returned_on")) or local_day(event.occurred_at),
        applicant_signature=inks[1] if len(inks) > 1 else None,
        received_at=local_time(back.occurred_at) if back else None,
        staff_title="村代办员",
        staff_opinion=str(denial.get("staff_opinion", "")),
        to_complete=[m.name for m in view.materials if not m.present],
    )


def refusal_record_pdf(ctx: ServiceContext, case_id: str) -> bytes:
    return refusal_record.render(refusal_record_data(ctx, case_id))


# ---------------------------------------------------------------- 服务意见反馈表


def rating_of(value: int | None) -> Rating | None:
    return Rating(RATING_LABELS[value]) if value in RATING_LABELS else None


def feedback_data(ctx: ServiceContext, case_id: str) -> Feedback:
    """The signed feedback: result confirmed, the rating ticked, the comments and the villager's ink."""
    facts = case_facts(ctx, case_id)
    view = facts.view
    event = facts.latest((FEEDBACK,), "该办件尚未交付结果并评价，没有服务意见反馈表")
    p = event.payload
    comments: dict[str, str] = dict(p.get("comments") or {})
    inks = event_signatures(ctx, p)
    ink = inks[0] if inks else None
    return Feedback(
        case_no=view.case_no,
        station=form_station(facts.station, ctx.town),
        applicant=applicant_party(view),
        matter=_matter(facts),
        clerk_name=view.clerk or facts.station.clerk,
        result=view.result or "已办结",
        result_confirmed=bool(p.get("result_confirmed", True)),
        rating=rating_of(int(p["rating"])),
        attitude=comments.get("attitude", ""),
        efficiency=comments.get("efficiency", ""),
        one_time_notice=comments.get("one_time_notice", ""),
        suggestions=comments.get("suggestions", ""),
        accepted_on=view.accepted_on,
        done_on=view.completed_on,
        applicant_signature=ink,
        signed_on=local_day(event.occurred_at),
        dimensions={k: r for k, v in dict(p.get("dimensions") or {}).items() if (r := rating_of(v)) is not None},
        mode="签名板" if ink is not None and ink.strokes else "纸质",
    )


def feedback_pdf(ctx: ServiceContext, case_id: str) -> bytes:
    return feedback.render(feedback_data(ctx, case_id))


# ---------------------------------------------------------------- 差评回访整改反馈单


def _bad_feedback(facts: CaseFacts) -> Event | None:
    """The case's last rating when it is a 差评 (不满意 or 非常不满意), else None."""
    ratings = facts.of_type(FEEDBACK)
    if not ratings or not is_bad_rating(int(ratings[-1].payload.get("rating", 5))):
        return None
    return ratings[-1]


def rating_followup_data(ctx: ServiceContext, case_id: str) -> RatingFollowUp:
    """The 差评 as signed (overall and per dimension, the villager's comments) and the town center's
    回访整改 outcome once it has closed the follow-up (``case.center_close_rating``); the 回访, 核实,
    整改 and 反馈 themselves are handwritten."""
    facts = case_facts(ctx, case_id)
    view = facts.view
    event = _bad_feedback(facts)
    if event is None:
        raise DomainError("该办件没有“不满意”或“非常不满意”的评价，不需要差评回访整改反馈单")
    p = event.payload
    rating = rating_of(int(p["rating"]))
    assert rating is not None  # the fold refused a rating outside 1..5
    comments: dict[str, str] = dict(p.get("comments") or {})
    inks = event_signatures(ctx, p)
    closes = [e for e in facts.events[facts.events.index(event) :] if e.type == CLOSE_RATING]
    close = closes[-1] if closes else None
    return RatingFollowUp(
        case_no=view.case_no,
        station=form_station(facts.station, ctx.town),
        applicant=applicant_party(view),
        matter=_matter(facts),
        clerk_name=view.clerk or facts.station.clerk,
        rating=rating,
        rated_on=local_day(event.occurred_at),
        dimensions={k: r for k, v in dict(p.get("dimensions") or {}).items() if (r := rating_of(v)) is not None},
        comments=[(label, comments[key]) for key, label in COMMENT_FIELDS.items() if comments.get(key)],
        mode="签名板" if inks and inks[0] is not None and inks[0].strokes else "纸质",
        done_on=view.completed_on,
        followed_up_on=(opt_date(close.payload.get("closed_on")) or local_day(close.occurred_at)) if close else None,
        outcome=str(close.payload.get("outcome", "")) if close else "",
        followed_up_by=close.actor if close else "",
    )


def rating_followup_pdf(ctx: ServiceContext, case_id: str) -> bytes:
    return rating_followup.render(rating_followup_data(ctx, case_id))


RENDERERS: dict[str, Callable[[ServiceContext, str], bytes]] = {
    "extension": extension_pdf,
    "return_notice": return_notice_pdf,
    "refusal_record": refusal_record_pdf,
    "feedback": feedback_pdf,
    "rating_followup": rating_followup_pdf,
    **steps.RENDERERS,
}


def printable(facts: CaseFacts) -> list[PrintableForm]:
    out = []
    if facts.of_type(EXTEND):
        out.append(PrintableForm("extension", "延期办理告知书（一式两份）"))
    out += steps.during(facts)
    if facts.of_type(*RETURNS):
        out.append(PrintableForm("return_notice", "退回件通知书"))
        out.append(PrintableForm("refusal_record", "否定报备登记表"))
    closing = steps.closing(facts)
    out += [f for f in closing if f.key == "closure"]
    if facts.of_type(FEEDBACK):
        out.append(PrintableForm("feedback", "服务意见反馈表"))
    if _bad_feedback(facts) is not None:
        out.append(PrintableForm("rating_followup", "差评回访整改反馈单"))
    return out + [f for f in closing if f.key != "closure"]
