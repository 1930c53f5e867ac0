"""镇窗口确认收件 at the station: what the town window said about the clerk's handovers.

The window's confirmation (``case.center_handover_received``) arrives by pull
like any center decision and is folded into the case. Here it becomes plain
records: a line per clerk → window handover (待确认 / 已确认 who and when /
有差异 and what), the window's word on each original for the custody view,
and the cases with an open discrepancy for the home page.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.store.models import CaseRow, CenterEventRow
from sync.domain.projection import CaseView, view_from_dict
from sync.domain.window_receipt import (
    RECEIPT_EVENT,
    confirmed_originals,
    kept_originals,
    missing_originals,
    receipt_statuses,
)

from ..context import ServiceContext
from .case_list import summaries_where
from .history import local_time
from .records import CaseSummary, ReceiptLine


def receipt_lines(view: CaseView) -> list[ReceiptLine]:
    """Each clerk → window handover of the case and the window's latest word on it."""
    lines = []
    for status in receipt_statuses(view.window_handovers, view.window_receipts):
        handover = status.handover
        handed = local_time(handover.at) if handover else ""
        items = "、".join(f"{i.name}（{i.form_label}{i.copies}份）" for i in handover.items) if handover else ""
        lines.append(
            ReceiptLine(
                handed_at=handed,
                items=items,
                status=status.status,
                sentence=status.sentence(local_time),
                problem=status.open_problem,
                received_by=status.receipt.received_by if status.receipt else "",
                received_at=local_time(status.receipt.at) if status.receipt else "",
            )
        )
    return lines


def window_words(view: CaseView) -> dict[str, tuple[str, bool]]:
    """Original name → (what the window said, is it a problem), from the latest word on its handover."""
    words: dict[str, tuple[str, bool]] = {}
    for name, receipt in confirmed_originals(view.window_handovers, view.window_receipts).items():
        words[name] = (f"镇窗口已确认收件（{receipt.received_by}，{local_time(receipt.at)}）", False)
    for name, receipt in missing_originals(view.window_handovers, view.window_receipts).items():
        words[name] = (f"镇窗口称未收到原件（{receipt.received_by}，{local_time(receipt.at)}）", True)
    for name, receipt in kept_originals(view.window_handovers, view.window_receipts).items():
        words[name] = (f"镇中心确认收件并留存原件（{receipt.received_by}，{local_time(receipt.at)}）", False)
    return words


def _problem_case_ids(session: Session) -> list[str]:
    """Cases whose window confirmation shows a discrepancy now (confirmations are few: read them all)."""
    ids: Iterable[str | None] = session.scalars(
        select(CenterEventRow.case_id)
        .where(CenterEventRow.type == RECEIPT_EVENT, CenterEventRow.conflict.is_(None))
        .distinct()
    )
    out = []
    for case_id in ids:
        row = session.get(CaseRow, case_id) if case_id else None
        if row is None:
            continue
        view = view_from_dict(row.data)
        if any(s.open_problem for s in receipt_statuses(view.window_handovers, view.window_receipts)):
            out.append(row.case_id)
    return out


def receipt_problem_cases(ctx: ServiceContext, limit: int = 200) -> tuple[list[CaseSummary], int]:
    """(cases where the window's count differs from the clerk's handover, how many in all), for the home page."""
    with ctx.db.reading() as session:
        ids = _problem_case_ids(session)
        if not ids:
            return [], 0
        names = {f"c{i}": case_id for i, case_id in enumerate(ids)}
        where = "case_id IN (" + ", ".join(f":{n}" for n in names) + ")"
        return summaries_where(session, ctx, where, names, "registered_at", limit)
