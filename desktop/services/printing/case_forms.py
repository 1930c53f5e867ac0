"""Printing: gather a case's real data into the plain records of ``forms`` and render PDFs.

Each form has ``<form>_data(ctx, case_id, …) -> forms record`` and ``<form>_pdf(ctx, case_id, …) -> bytes``.
A form whose event the case does not have yet raises ``DomainError`` with a Chinese message.
``printable_forms`` lists what a case can print now (for a menu) and ``form_pdf`` renders one entry.
The outcome forms (延期, 退回, 否定报备, 反馈) live in ``outcomes``, the 台账 and the
档案移交清单 in ``ledger``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from forms import acceptance, entrustment, handover, intake, one_time_notice
from forms.data import (
    AcceptanceNotice,
    Entrustment,
    Handover,
    HandoverDirection,
    IntakeSlip,
    MissingMaterial,
    OneTimeNotice,
    Signature,
)
from sync.domain.custody import CLERK, DEPARTMENT, VILLAGER, WINDOW, holder_label
from sync.domain.entrustment import AGENT_ROLES, DEFAULT_SCOPE
from sync.domain.errors import DomainError
from sync.domain.events import CENTER
from sync.domain.model import SPECIAL_GROUP_LABELS, CaseKind, CaseType
from sync.domain.signature import APPLICANT

from ..clerk_identity import agent_party
from ..context import ServiceContext
from . import outcomes
from .support import (
    PICKUP,
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
    notice_text,
    opt_date,
    promised_time,
    signers,
)

__all__ = ["PrintableForm", "form_pdf", "form_station", "printable_forms"]

HANDOVER = "case.handover"
CORRECTIONS = ("case.request_correction", "case.center_request_correction")
ANSWER = "case.answer"
ACCEPT = "case.accept"

_DIRECTIONS = {
    (VILLAGER, CLERK): HandoverDirection.APPLICANT_TO_CLERK,
    (CLERK, WINDOW): HandoverDirection.CLERK_TO_CENTER,
    (CLERK, DEPARTMENT): HandoverDirection.CLERK_TO_CENTER,
    (WINDOW, CLERK): HandoverDirection.CENTER_TO_CLERK,
    (DEPARTMENT, CLERK): HandoverDirection.CENTER_TO_CLERK,
    (CLERK, VILLAGER): HandoverDirection.CLERK_TO_APPLICANT,
    (WINDOW, VILLAGER): HandoverDirection.CLERK_TO_APPLICANT,
}


# ---------------------------------------------------------------- 委托书


def _first_intake(facts: CaseFacts) -> dict[str, Any] | None:
    """The first handover from the villager to the clerk: both sign it when the materials are taken in."""
    for e in facts.of_type(HANDOVER):
        if (e.payload.get("from"), e.payload.get("to")) == (VILLAGER, CLERK):
            return dict(e.payload)
    return None


def entrustment_data(ctx: ServiceContext, case_id: str) -> Entrustment:
    """The 《代办服务委托书》 (the full 身份证 number is needed on this form).

    The signatures are the registration's (the 委托书 signed at registration), if it carries
    them, else those of the first handover from the villager to the clerk (cases registered
    before the 委托书 was signed on screen); without ink the lines stay blank for pen.
    """
    facts = case_facts(ctx, case_id)
    view, station = facts.view, facts.station
    registration = facts.of_type("case.registered")[0].payload
    applicant, agent = _registration_inks(ctx, facts)
    registered = facts.registered_on
    return Entrustment(
        case_no=view.case_no,
        station=form_station(station, ctx.town),
        applicant=applicant_party(view),
        agent=agent_party(ctx, view.clerk or station.clerk, station),
        matter=f"{view.item_name}（{view.department}）",
        scope=str(registration.get("scope") or DEFAULT_SCOPE),
        reason=_reason(view.applicant.special_groups),
        period_start=registered,
        period_end=view.due_on,
        materials=material_lines(view.materials, "未提交，待补正"),
        promised_deadline=view.due_on,
        promised_days=view.promised_days,
        service_kind=view.kind.label,
        applicant_signature=applicant,
        agent_signature=agent,
        signed_on=registered,
        supervise_phone=ctx.town.supervise_phone if ctx.town else "",
    )


def _registration_inks(ctx: ServiceContext, facts: CaseFacts) -> tuple[Signature | None, Signature | None]:
    """The villager's and the clerk's ink of the registration (the 委托书 signed on screen), else of the
    first handover from the villager to the clerk; (None, None) leaves the lines blank for pen."""
    registration = facts.of_type("case.registered")[0].payload
    if registration.get("signatures"):
        return _ink_of(ctx, registration, (APPLICANT,)), _ink_of(ctx, registration, AGENT_ROLES)
    first = _first_intake(facts)
    inks: list[Signature | None] = event_signatures(ctx, first) if first else []
    return (inks[0] if inks else None), (inks[1] if len(inks) > 1 else None)


def _ink_of(ctx: ServiceContext, payload: Mapping[str, Any], roles: tuple[str, ...]) -> Signature | None:
    """The ink of the first signature of the event signed in one of ``roles``."""
    refs = payload.get("signatures") or []
    inks = event_signatures(ctx, payload)
    for ref, ink in zip(refs, inks, strict=False):
        if str(ref.get("role", "")) in roles:
            return ink
    return None


def _reason(groups: tuple[str, ...]) -> str:
    if not groups:
        return "委托人委托代办员代为办理"
    labels = "、".join(SPECIAL_GROUP_LABELS[g] for g in groups)
    return f"委托人属{labels}，委托代办员代为办理"


def entrustment_pdf(ctx: ServiceContext, case_id: str) -> bytes:
    return entrustment.render(entrustment_data(ctx, case_id))


# ---------------------------------------------------------------- 帮办代办受理单


def intake_data(ctx: ServiceContext, case_id: str) -> IntakeSlip:
    """The 《帮办代办受理单》 of the request as registered: who, what, 帮办 or 代办, the materials taken in
    (and the required ones still missing), the time limit, both inks of the registration (the ID masked)."""
    facts = case_facts(ctx, case_id)
    view, station = facts.view, facts.station
    if view.kind is CaseKind.CONSULT:
        raise DomainError("咨询件只作一次告知，不出具帮办代办受理单")
    applicant, agent = _registration_inks(ctx, facts)
    return IntakeSlip(
        case_no=view.case_no,
        station=form_station(station, ctx.town),
        applicant=applicant_party(view),
        matter=f"{view.item_name}（{view.department}）",
        service_kind=view.kind.label,
        case_type=view.case_type.label,
        materials=material_lines(view.materials, "未提交，待补正"),
        received_at=local_time(view.registered_at),
        clerk_name=view.clerk or station.clerk,
        special_groups="、".join(SPECIAL_GROUP_LABELS[g] for g in view.applicant.special_groups),
        promised_days=view.promised_days if view.case_type is not CaseType.IMMEDIATE else None,
        due_on=view.due_on,
        applicant_signature=applicant,
        clerk_signature=agent,
        supervise_phone=ctx.town.supervise_phone if ctx.town else "",
    )


def intake_pdf(ctx: ServiceContext, case_id: str) -> bytes:
    return intake.render(intake_data(ctx, case_id))


# ---------------------------------------------------------------- 材料交接单 / 签收单


def _holder_name(facts: CaseFacts, holder: str, actor: str) -> str:
    if holder == VILLAGER:
        return facts.view.applicant.name
    if holder == CLERK:
        return actor
    return f"{facts.station.town}为民服务中心{holder_label(holder)}"


def handover_data(ctx: ServiceContext, case_id: str, event_id: str) -> Handover:
    """The 材料交接单 (or 签收单) of one recorded handover, with both signatures when their ink was kept."""
    facts = case_facts(ctx, case_id)
    event = facts.event(event_id, (HANDOVER,), "该办件没有这次材料交接的记录，无法打印交接单")
    p = event.payload
    route = (str(p.get("from")), str(p.get("to")))
    if route not in _DIRECTIONS:
        raise DomainError("这是镇中心内部的材料流转（窗口→办理部门），由镇中心出具交接单，代办站不打印")
    if p.get("covered_by"):
        raise DomainError("这次交接以《代办服务委托书》上双方的签名为凭，委托书所列材料即交接清单，请打印委托书")
    names = signers(p)
    inks = event_signatures(ctx, p)
    party = applicant_party(facts.view)
    return Handover(
        case_no=facts.view.case_no,
        station=form_station(facts.station, ctx.town),
        direction=_DIRECTIONS[route],
        matter=facts.view.item_name,
        from_name=names[0] if names else _holder_name(facts, route[0], event.actor),
        to_name=names[1] if len(names) > 1 else _holder_name(facts, route[1], event.actor),
        items=handover_lines(p),
        handed_at=local_time(event.occurred_at),
        from_phone=party.phone if route[0] == VILLAGER else "",
        to_phone=party.phone if route[1] == VILLAGER else "",
        note=str(p.get("note", "")),
        from_signature=inks[0] if inks else None,
        to_signature=inks[1] if len(inks) > 1 else None,
    )


def handover_pdf(ctx: ServiceContext, case_id: str, event_id: str) -> bytes:
    return handover.render(handover_data(ctx, case_id, event_id))


# ---------------------------------------------------------------- 一次性告知书 / 补正材料通知书


def one_time_notice_data(ctx: ServiceContext, case_id: str, correction: bool | None = None) -> OneTimeNotice:
    """From the latest correction request (every missing material with how to obtain it), or a 咨询's answer.

    ``correction`` None: a 补正材料通知书 when the town center asked for the correction, else the
    《一次性告知书》 given at the station.
    """
    facts = case_facts(ctx, case_id)
    view, item = facts.view, facts.item
    event = facts.latest((*CORRECTIONS, ANSWER), "该办件没有需补正的材料，也没有一次性告知记录，没有一次性告知书")
    p = event.payload
    how: dict[str, dict[str, Any]] = {}
    for earlier in facts.of_type(*CORRECTIONS, ANSWER):  # a partial 补正 event lists names only
        lines = earlier.payload.get("notice") or []
        lines = lines.get("materials", []) if isinstance(lines, dict) else lines
        how.update({str(line["name"]): line for line in lines})
    reqs = {m.name: m for m in item.materials} if item else {}
    if event.type == ANSWER:
        names = [str(line["name"]) for line in p.get("notice", {}).get("materials", [])]
    else:
        names = [str(n) for n in p.get("missing", ())]
    missing = []
    for name in names:
        line, req = how.get(name, {}), reqs.get(name)
        original = req.original if req else str(line.get("form", "原件")) == "原件"
        obtain = str(line.get("how_to_obtain") or (req.how_to_obtain if req else "")) or "请咨询代办员"
        copies = req.copies if req else int(line.get("copies", 1))
        missing.append(MissingMaterial(name=name, how_to_obtain=obtain, original=original, copies=copies))
    notice = notice_text(item)
    note = str(p.get("note") or p.get("reason") or "").strip()
    legal_basis = str(p.get("legal_basis") or (item.legal_basis if item else "")) or "见事项办事指南"
    conditions = item.conditions if item else ""
    return OneTimeNotice(
        case_no=view.case_no,
        station=form_station(facts.station, ctx.town),
        applicant=applicant_party(view),
        matter=f"{view.item_name}（{view.department}）",
        legal_basis=legal_basis,
        conditions="。".join(part for part in (conditions, f"补正说明：{note}" if note else "") if part),
        process=notice.process,
        missing=missing,
        fees=item.fee if item else "免费",
        promised_time=promised_time(view),
        consult_phone=notice.consult_phone or (ctx.town.consult_phone if ctx.town else ""),
        supervise_phone=notice.supervise_phone or (ctx.town.supervise_phone if ctx.town else ""),
        clerk_name=view.clerk or facts.station.clerk,
        applied_on=facts.registered_on,
        issued_on=opt_date(p.get("notified_on") or p.get("answered_on")) or local_day(event.occurred_at),
        submitted=material_lines([m for m in view.materials if m.present]),
        correction=event.origin == CENTER if correction is None else correction,
        notice_basis=item.notice_basis if item else "",
        correction_due=opt_date(p.get("correction_due")),
    )


def one_time_notice_pdf(ctx: ServiceContext, case_id: str, correction: bool | None = None) -> bytes:
    return one_time_notice.render(one_time_notice_data(ctx, case_id, correction))


# ---------------------------------------------------------------- 承诺件受理通知


def acceptance_data(ctx: ServiceContext, case_id: str) -> AcceptanceNotice:
    """The 受理回执: the materials received, accepted on and due on (the due date after any 延期)."""
    facts = case_facts(ctx, case_id)
    view = facts.view
    if view.case_type is not CaseType.PROMISED:
        raise DomainError(f"该办件是{view.case_type.label}，不出具承诺件受理通知")
    event = facts.latest((ACCEPT,), "该办件尚未受理，没有受理通知")
    p = event.payload
    accepted = opt_date(p.get("accepted_on")) or facts.registered_on
    promised = opt_date(p.get("due_on")) or view.due_on or accepted
    extended = view.due_on if view.due_on and view.due_on != promised else None
    notice = notice_text(facts.item)
    return AcceptanceNotice(
        case_no=view.case_no,
        station=form_station(facts.station, ctx.town),
        applicant=applicant_party(view),
        matter=f"{view.item_name}（{view.department}）",
        materials=material_lines([m for m in view.materials if m.present]),
        accepted_on=accepted,
        due_on=promised,
        extended_to=extended,
        promised_days=view.promised_days,
        clerk_name=event.actor,
        case_type=view.case_type.label,
        pickup=PICKUP,
        consult_phone=notice.consult_phone or (ctx.town.consult_phone if ctx.town else ""),
        supervise_phone=notice.supervise_phone or (ctx.town.supervise_phone if ctx.town else ""),
    )


def acceptance_pdf(ctx: ServiceContext, case_id: str) -> bytes:
    return acceptance.render(acceptance_data(ctx, case_id))


# ---------------------------------------------------------------- the menu


_HANDOVER_TITLES = {
    HandoverDirection.APPLICANT_TO_CLERK: "材料交接单（申请人→代办员）",
    HandoverDirection.CLERK_TO_CENTER: "材料交接单（代办员→镇中心）",
    HandoverDirection.CENTER_TO_CLERK: "材料交接单（镇中心→代办员）",
    HandoverDirection.CLERK_TO_APPLICANT: "材料签收单（代办员→申请人）",
}


def printable_forms(ctx: ServiceContext, case_id: str) -> list[PrintableForm]:
    """The forms this case can print now, in the order of its life."""
    facts = case_facts(ctx, case_id)
    out: list[PrintableForm] = []
    if facts.view.kind is not CaseKind.CONSULT:
        out.append(PrintableForm("entrustment", "代办服务委托书"))
        out.append(PrintableForm("intake", "帮办代办受理单"))
    notices = facts.of_type(*CORRECTIONS, ANSWER)
    if notices:
        title = "补正材料通知书" if notices[-1].origin == CENTER else "一次性告知书"
        out.append(PrintableForm("one_time_notice", title))
    if facts.of_type(ACCEPT) and facts.view.case_type is CaseType.PROMISED:
        out.append(PrintableForm("acceptance", "承诺件受理通知（受理回执）"))
    for e in facts.of_type(HANDOVER):
        direction = _DIRECTIONS.get((str(e.payload.get("from")), str(e.payload.get("to"))))
        if direction is None or e.payload.get("covered_by"):
            continue  # inside the town center (窗口→部门), or on the 委托书's signatures: not a 交接单 of its own
        when = local_time(e.occurred_at)
        out.append(PrintableForm("handover", f"{_HANDOVER_TITLES[direction]} {when:%m-%d %H:%M}", e.id))
    out += outcomes.printable(facts)
    return out


def form_pdf(ctx: ServiceContext, case_id: str, key: str, event_id: str | None = None) -> bytes:
    """Render one entry of ``printable_forms`` (by its key, and event id for a 交接单)."""
    if key == "handover":
        if not event_id:
            raise DomainError("请选择要打印的材料交接记录")
        return handover_pdf(ctx, case_id, event_id)
    renderers = {
        "entrustment": entrustment_pdf,
        "intake": intake_pdf,
        "one_time_notice": one_time_notice_pdf,
        "acceptance": acceptance_pdf,
        **outcomes.RENDERERS,
    }
    if key not in renderers:
        raise DomainError(f"没有名为“{key}”的表单")
    return renderers[key](ctx, case_id)
