"""The forms of a case's steps: 《代办服务中止单》, 《续办委托书》, 《代办服务办结（终止）单》, 《撤回确认书》.

Each is built from the step's event (``case.suspend``, ``case.resume``, ``case.center_complete``,
``case.terminate``, ``case.withdraw``) and the handover recorded with it. What an event does not carry
prints as a blank to fill in by hand: the villager's signature of a 中止 or 续办 he chose to sign on paper
(or recorded before the app took it), the 预计恢复日期 of a 中止 (not recorded).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from forms import closure, resumption, suspension, withdrawal
from forms.data import (
    Closure,
    ClosureOutcome,
    MaterialLine,
    Party,
    ResumptionEntrustment,
    Signature,
    SuspensionNotice,
    WithdrawalConfirmation,
)
from sync.domain.custody import CLERK, VILLAGER
from sync.domain.events import Event

from ..context import ServiceContext
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

SUSPEND = "case.suspend"
RESUME = "case.resume"
COMPLETE = "case.center_complete"
TERMINATE = "case.terminate"
WITHDRAW = "case.withdraw"
HANDOVER = "case.handover"


def _matter(facts: CaseFacts) -> str:
    return f"{facts.view.item_name}（{facts.view.department}）"


def _clerk(facts: CaseFacts) -> str:
    return facts.view.clerk or facts.station.clerk


def _before(facts: CaseFacts, event: Event) -> list[Event]:
    out: list[Event] = []
    for e in facts.events:
        if e.id == event.id:
            break
        out.append(e)
    return out


def _after(facts: CaseFacts, event: Event) -> tuple[Event, ...]:
    return facts.events[len(_before(facts, event)) + 1 :]


def _day(event: Event, key: str) -> date:
    return opt_date(event.payload.get(key)) or local_day(event.occurred_at)


class HandedBack:
    """Materials handed to the villager in one signed handover: the lines, when, and both inks."""

    def __init__(self, ctx: ServiceContext, event: Event | None) -> None:
        self.event = event
        self.lines: list[MaterialLine] = handover_lines(event.payload) if event else []
        inks = event_signatures(ctx, event.payload) if event else []
        from_clerk = event is not None and event.payload.get("from") == CLERK
        self.clerk_ink: Signature | None = inks[0] if from_clerk and inks else None
        self.applicant_ink: Signature | None = inks[1] if len(inks) > 1 else None
        self.at: datetime | None = local_time(event.occurred_at) if event else None


def _to_applicant(event: Event) -> bool:
    return event.type == HANDOVER and event.payload.get("to") == VILLAGER


def _recorded_with(facts: CaseFacts, event: Event) -> Event | None:
    """The handover to the villager recorded in the same transaction, just before ``event``."""
    before = _before(facts, event)
    return before[-1] if before and _to_applicant(before[-1]) else None


def _originals_held(facts: CaseFacts) -> list[MaterialLine]:
    return material_lines([m for m in facts.view.materials if m.present])


def _due_before(facts: CaseFacts, event: Event) -> date | None:
    """The 办结期限 in force when ``event`` happened (from the last accept, extend or resume before it)."""
    due = None
    for e in _before(facts, event):
        due = opt_date(e.payload.get("due_on")) or due
    return due


# ---------------------------------------------------------------- 中止单 and 续办委托书


def _applicant_ink(ctx: ServiceContext, payload: Mapping[str, Any]) -> Signature | None:
    """The ink of the villager's signature of a 中止/续办; None (a line to sign by hand) otherwise."""
    inks = event_signatures(ctx, payload)
    return inks[0] if inks else None


def suspension_data(ctx: ServiceContext, case_id: str) -> SuspensionNotice:
    """From the latest 中止: reason, what restarts it, the date, the villager's ink when he signed on the pad."""
    facts = case_facts(ctx, case_id)
    view = facts.view
    event = facts.latest((SUSPEND,), "该办件没有中止记录，没有代办服务中止单")
    p = event.payload
    suspended_on = _day(event, "suspended_on")
    return SuspensionNotice(
        case_no=view.case_no,
        station=form_station(facts.station, ctx.town),
        applicant=applicant_party(view),
        matter=_matter(facts),
        reason=str(p.get("reason", "")),
        applicant_todo=str(p.get("restart_condition", "")),
        suspended_on=suspended_on,
        clerk_name=event.actor or _clerk(facts),
        accepted_on=view.accepted_on,
        original_due=_due_before(facts, event),
        applicant_signature=_applicant_ink(ctx, p),
        signed_on=suspended_on,
    )


def suspension_pdf(ctx: ServiceContext, case_id: str) -> bytes:
    return suspension.render(suspension_data(ctx, case_id))


def resumption_data(ctx: ServiceContext, case_id: str) -> ResumptionEntrustment:
    """From the latest 续办 and the 中止 it ends: the new 办结期限, the days suspended, the reason and the
    villager's ink as recorded (a 续办 recorded without a reason says the 中止's condition is met)."""
    facts = case_facts(ctx, case_id)
    view = facts.view
    event = facts.latest((RESUME,), "该办件没有续办记录，没有续办委托书")
    p = event.payload
    stops = [e for e in _before(facts, event) if e.type == SUSPEND]
    stop = stops[-1] if stops else None
    condition = str(stop.payload.get("restart_condition", "")) if stop else ""
    resumed_on = _day(event, "resumed_on")
    days = p.get("suspended_days")
    return ResumptionEntrustment(
        case_no=view.case_no,
        station=form_station(facts.station, ctx.town),
        applicant=applicant_party(view),
        agent=Party(name=_clerk(facts), address=facts.station.name),
        matter=_matter(facts),
        suspended_on=_day(stop, "suspended_on") if stop else view.suspended_on,
        suspension_reason=str(stop.payload.get("reason", "")) if stop else "",
        resume_reason=str(p.get("reason") or "") or (f"中止原因已消除：{condition}" if condition else "中止原因已消除"),
        resumed_on=resumed_on,
        new_due=opt_date(p.get("due_on")),
        suspended_days=int(days) if days is not None else None,
        entrusted_on=facts.registered_on,
        applicant_signature=_applicant_ink(ctx, p),
        signed_on=resumed_on,
    )


def resumption_pdf(ctx: ServiceContext, case_id: str) -> bytes:
    return resumption.render(resumption_data(ctx, case_id))


# ---------------------------------------------------------------- 办结（终止）单 and 撤回确认书

_NOT_CLOSED = "该办件尚未办结或终止，没有代办服务办结（终止）单"


def closure_data(ctx: ServiceContext, case_id: str) -> Closure:
    """办结: the center's result and the last hand-back to the villager after it; 终止: the reason and the
    handover recorded with it. Without a hand-back, the originals the case holds, to sign for on paper."""
    facts = case_facts(ctx, case_id)
    view = facts.view
    event = facts.latest((COMPLETE, TERMINATE), _NOT_CLOSED)
    p = event.payload
    if event.type == COMPLETE:
        outcome = ClosureOutcome.COMPLETED
        backs = [e for e in _after(facts, event) if _to_applicant(e)]
        back = HandedBack(ctx, backs[-1] if backs else None)
        result, closed_on = str(p.get("result", "")) or view.result or "已办结", _day(event, "completed_on")
        fallback = _originals_held(facts)
    else:
        outcome = ClosureOutcome.TERMINATED
        back = HandedBack(ctx, _recorded_with(facts, event))
        result, closed_on = str(p.get("reason", "")), _day(event, "terminated_on")
        names = [str(n) for n in p.get("materials_returned") or ()]
        fallback = [MaterialLine(name=n) for n in names] or _originals_held(facts)
    return Closure(
        case_no=view.case_no,
        station=form_station(facts.station, ctx.town),
        applicant=applicant_party(view),
        matter=_matter(facts),
        outcome=outcome,
        result=result,
        closed_on=closed_on,
        clerk_name=_clerk(facts),
        returned=back.lines or fallback,
        accepted_on=view.accepted_on,
        due_on=_due_before(facts, event) or view.due_on,
        department=view.department,
        handed_at=back.at,
        clerk_signature=back.clerk_ink,
        applicant_signature=back.applicant_ink,
    )


def closure_pdf(ctx: ServiceContext, case_id: str) -> bytes:
    return closure.render(closure_data(ctx, case_id))


def withdrawal_data(ctx: ServiceContext, case_id: str) -> WithdrawalConfirmation:
    """From the 撤回: the reason, the date and the handover recorded with it (else the originals held)."""
    facts = case_facts(ctx, case_id)
    view = facts.view
    event = facts.latest((WITHDRAW,), "该办件没有撤回记录，没有撤回确认书")
    back = HandedBack(ctx, _recorded_with(facts, event))
    return WithdrawalConfirmation(
        case_no=view.case_no,
        station=form_station(facts.station, ctx.town),
        applicant=applicant_party(view),
        matter=_matter(facts),
        reason=str(event.payload.get("reason", "")),
        withdrawn_on=_day(event, "withdrawn_on"),
        clerk_name=_clerk(facts),
        returned=back.lines or _originals_held(facts),
        applied_on=facts.registered_on,
        handed_at=back.at,
        clerk_signature=back.clerk_ink,
        applicant_signature=back.applicant_ink,
    )


def withdrawal_pdf(ctx: ServiceContext, case_id: str) -> bytes:
    return withdrawal.render(withdrawal_data(ctx, case_id))


RENDERERS: dict[str, Callable[[ServiceContext, str], bytes]] = {
    "suspension": suspension_pdf,
    "resumption": resumption_pdf,
    "closure": closure_pdf,
    "withdrawal": withdrawal_pdf,
}


def during(facts: CaseFacts) -> list[PrintableForm]:
    """Forms of steps while the case runs: offered from the 中止 (the 中止单), from the 续办 (续办委托书)."""
    out = []
    if facts.of_type(SUSPEND):
        out.append(PrintableForm("suspension", "代办服务中止单"))
    if facts.of_type(RESUME):
        out.append(PrintableForm("resumption", "续办委托书"))
    return out


def closing(facts: CaseFacts) -> list[PrintableForm]:
    """Forms of the step that ends the case: 办结 (by the town center), 终止, 撤回."""
    out = []
    if facts.of_type(COMPLETE):
        out.append(PrintableForm("closure", "代办服务办结单"))
    elif facts.of_type(TERMINATE):
        out.append(PrintableForm("closure", "代办服务终止单"))
    if facts.of_type(WITHDRAW):
        out.append(PrintableForm("withdrawal", "撤回确认书"))
    return out
