"""材料交接: signed handovers of a case's materials and where each original is now."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sync.domain.case_rules import CaseState
from sync.domain.custody import (
    CLERK,
    SETTLED,
    VILLAGER,
    WINDOW,
    HandoverItem,
    covered_payload,
    handover_content,
    holder_label,
)
from sync.domain.errors import DomainError
from sync.domain.model import CaseKind
from sync.domain.projection import CaseView, originals_blocking_archive
from sync.domain.signing import content_hash
from sync.domain.window_receipt import kept_originals

from ..context import ServiceContext
from .attachments import store_scan_images
from .case_ops import CaseOp, case_op, optional_text, signature_payload
from .cases import get_case
from .records import Changed, CustodyLine, HandoverDraft, HandoverInput, HandoverItemDraft, SignedContent
from .window_receipts import window_words

#: States after the result came back (or the case ended): what the clerk holds goes home to the villager.
GOING_HOME = frozenset(
    {CaseState.COMPLETED, CaseState.FEEDBACK_DONE, CaseState.RETURNED, CaseState.WITHDRAWN, CaseState.TERMINATED}
)


def _note(draft: HandoverDraft) -> str:
    return optional_text(draft.note, "note", "交接说明")


def _items(draft: HandoverDraft) -> list[HandoverItem]:
    return [HandoverItem.from_dict(i.__dict__) for i in draft.items]


def prepare_handover(ctx: ServiceContext, case_id: str, draft: HandoverDraft) -> SignedContent:
    """The content both parties sign (validated), and its hash for the signatures."""
    items = _items(draft)
    content = handover_content(case_id, draft.from_holder, draft.to_holder, items, _note(draft))
    return SignedContent(content=content, content_sha256=content_hash(content))


def handover_payload(case_id: str, handover: HandoverInput) -> dict[str, Any]:
    draft = handover.draft
    content = handover_content(case_id, draft.from_holder, draft.to_holder, _items(draft), _note(draft))
    return {**content, **signature_payload(handover.signatures)}


def append_handover(op: CaseOp, handover: HandoverInput) -> None:
    """Record a handover inside an open case transaction (used by deliver, feedback, return …)."""
    payload = handover_payload(op.view.case_id, handover)
    store_scan_images(op.ctx, handover.signatures)
    op.append("case.handover", payload)


def record_handover(ctx: ServiceContext, case_id: str, handover: HandoverInput) -> Changed:
    """One signed handover (villager ↔ clerk ↔ town window, or to the department)."""
    with case_op(ctx, case_id, "handover") as op:
        append_handover(op, handover)
        case_no = op.view.case_no
    return Changed(case_ids=(case_id,), sync=True, message=f"已记录办件 {case_no} 的材料交接")


def custody_lines(view: CaseView) -> list[CustodyLine]:
    """Every original of the case (checklist and handed over), who holds it now and what the window said."""
    holders = dict(view.custody)
    words = window_words(view)
    kept = kept_originals(view.window_handovers, view.window_receipts)
    names = [m.name for m in view.materials if m.original]
    names += [n for n in holders if n not in names]
    lines = []
    for name in names:
        holder = holders.get(name, VILLAGER)
        word, problem = words.get(name, ("", False))
        settled = holder in SETTLED or (holder == WINDOW and name in kept)
        label = "镇中心留存" if holder == WINDOW and name in kept else holder_label(holder)
        lines.append(CustodyLine(name, holder, label, settled, word, problem))
    return lines


def custody(ctx: ServiceContext, case_id: str) -> list[CustodyLine]:
    """Where is each original of this case now?"""
    return custody_lines(get_case(ctx, case_id))


def originals_not_returned(ctx: ServiceContext, case_id: str) -> list[str]:
    return originals_blocking_archive(get_case(ctx, case_id))


# ---------------------------------------------------------------- the intake covered by the 委托书

COVERED_NOTE = "以《代办服务委托书》签名为凭：申请人与代办员已在委托书上签名确认所列已提交材料"


def intake_items(view: CaseView) -> tuple[HandoverItemDraft, ...]:
    """The materials the villager handed in at registration (submitted on the 委托书), as handover items."""
    return tuple(HandoverItemDraft(m.name, m.original, m.copies) for m in view.materials if m.present)


def intake_covered_possible(view: CaseView) -> bool:
    """May the intake handover be recorded on the 委托书's signatures (代办, signed on screen, not yet used)?"""
    return (
        view.kind is CaseKind.AGENCY
        and bool(view.entrustment_sha256)
        and not view.intake_covered
        and bool(intake_items(view))
        and all(holder == VILLAGER for _name, holder in view.custody)
    )


def record_covered_intake(ctx: ServiceContext, case_id: str) -> Changed:
    """申请人 → 代办员 交接 of the materials just registered, on the signed 委托书 (no second signature).

    Both parties signed the 委托书, whose content lists each material with 原件/复印件, copies and
    submitted or not; the event names that content's hash (``custody.covered_payload``), and the fold
    accepts it only for what the 委托书 lists as submitted, once per case (``custody.check_covered``).
    """
    with case_op(ctx, case_id, "handover") as op:
        view = op.view
        if not intake_covered_possible(view):
            raise DomainError("这次材料交接不能以委托书签名为凭，请通过“材料交接”由双方签名")
        items = [HandoverItem.from_dict(i.__dict__) for i in intake_items(view)]
        content = handover_content(case_id, VILLAGER, CLERK, items, COVERED_NOTE)
        op.append("case.handover", covered_payload(content, view.entrustment_sha256))
        case_no = view.case_no
    return Changed(case_ids=(case_id,), sync=True, message=f"已记录办件 {case_no} 的材料交接（以委托书签名为凭）")


def next_route(view: CaseView, lines: Sequence[CustodyLine]) -> tuple[str, str]:
    """The handover that usually comes next, as (from, to), for the handover dialog's default.

    Before the town: in from the villager, then on to the window. Once the result is back (or the case
    ended): back from the window while an original waits there that the town does not keep, else home
    to the villager — also when the clerk holds no original (copies, the result), and when originals
    the town keeps stay at the window for good.
    """
    at_window = any(line.holder == WINDOW and not line.settled for line in lines)
    if view.state in GOING_HOME:
        return (WINDOW, CLERK) if at_window else (CLERK, VILLAGER)
    if at_window:
        return WINDOW, CLERK
    if any(line.holder == CLERK for line in lines):
        return CLERK, WINDOW
    return VILLAGER, CLERK
