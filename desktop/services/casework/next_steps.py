"""下一步: what a new case needs while the villager is still at the table.

Right after registration the clerk gets, in one place, the prints this case needs now
and the handover of the materials just received:

- the villager's copy of the 《代办服务委托书》 (代办 and 帮办);
- the 《一次性告知书》 only when required materials are missing (the registration told them once);
- the 《承诺件受理通知》 when the case was accepted as a 承诺件;
- the 交接单 of a signed villager → clerk handover, once one is on record.

For a 代办 case signed on screen, the handover villager → clerk rests on the 委托书's signatures
(``handovers.record_covered_intake``): both have just signed a form listing each material with
原件/复印件 and copies, so asking them to sign the same list again adds nothing (docs/custody.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from sync.domain.custody import CLERK, VILLAGER
from sync.domain.model import CaseKind

from ..context import ServiceContext
from ..printing.case_forms import printable_forms
from ..printing.support import PrintableForm, case_facts
from .handovers import intake_covered_possible, intake_items
from .records import HandoverItemDraft

#: The forms of the session, in the order they are handed over, with the villager's wording.
SESSION_TITLES = {
    "entrustment": "代办服务委托书（申请人留存联）",
    "one_time_notice": "一次性告知书（缺少的材料）",
    "acceptance": "承诺件受理通知（受理回执）",
}


@dataclass(frozen=True)
class NextSteps:
    """What the 下一步 panel offers for one case."""

    case_id: str
    case_no: str
    applicant: str
    state_label: str
    prints: tuple[PrintableForm, ...]
    #: The materials handed in at registration (the handover pre-filled from it).
    intake: tuple[HandoverItemDraft, ...]
    #: The handover may be recorded on the 委托书's signatures (no second signature).
    intake_covered: bool
    #: A villager → clerk handover is already on record.
    intake_recorded: bool
    #: Why there is no handover to record ("" when there is one).
    intake_note: str = ""


def next_steps(ctx: ServiceContext, case_id: str) -> NextSteps:
    """The prints this case needs now and the intake handover, for the panel after registration."""
    facts = case_facts(ctx, case_id)
    view = facts.view
    intakes = [
        e for e in facts.of_type("case.handover") if (e.payload.get("from"), e.payload.get("to")) == (VILLAGER, CLERK)
    ]
    prints: list[PrintableForm] = []
    for form in printable_forms(ctx, case_id):
        if form.key in SESSION_TITLES:
            if form.key == "one_time_notice" and not view.missing:
                continue  # a notice of the center's, or one already answered: not this session's paper
            prints.append(PrintableForm(form.key, SESSION_TITLES[form.key], form.event_id))
        elif form.key == "handover" and any(e.id == form.event_id and not e.payload.get("covered_by") for e in intakes):
            prints.append(form)
    items = intake_items(view) if view.kind is CaseKind.AGENCY else ()
    note = ""
    if view.kind is CaseKind.ASSIST:
        note = "帮办：材料由申请人自行携带，代办员陪同办理，无需材料交接。"
    elif view.kind is CaseKind.AGENCY and not items:
        note = "没有已提交的材料，无需交接。"
    return NextSteps(
        case_id=case_id,
        case_no=view.case_no,
        applicant=view.applicant.name,
        state_label=view.state.label,
        prints=tuple(prints),
        intake=items,
        intake_covered=intake_covered_possible(view),
        intake_recorded=bool(intakes),
        intake_note=note,
    )
