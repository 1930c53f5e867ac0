"""The case page: the case, where its originals are, its history, attachments and next actions."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select

from desktop.store import center_log, event_log
from desktop.store.models import CaseRow, EventRow, SyncRejectionRow
from sync.domain.case_rules import allowed_actions
from sync.domain.errors import DomainError
from sync.domain.events import STATION, Event
from sync.domain.projection import view_from_dict
from sync.domain.ratings import RATING_LABELS
from sync.domain.validation import mask_id_number

from ..context import ServiceContext
from ..safety.audit import case_audit_events, merge_audit
from ..syncing.sync_state import sync_labels
from .attachments import list_attachments
from .case_list import case_summary
from .handovers import custody_lines
from .history import history_entry
from .records import ActionInfo, CaseDetail, HistoryEntry
from .window_receipts import receipt_lines


def case_events(ctx: ServiceContext, case_id: str) -> list[Event]:
    """The case's own and center events, in the order they were applied."""
    with ctx.db.reading() as session:
        rows = session.scalars(select(EventRow).where(EventRow.case_id == case_id).order_by(EventRow.seq)).all()
        center = center_log.case_events(session, case_id)
    merged = [((r.seq, 0, 0), event_log.to_event(r)) for r in rows]
    merged += [((after, 1, e.seq), e) for after, e in center]
    return [e for _, e in sorted(merged, key=lambda pair: pair[0])]


def case_history(ctx: ServiceContext, case_id: str) -> list[HistoryEntry]:
    """The case's steps, with the audited reads and exports of this case put in where they happened."""
    events = case_events(ctx, case_id)
    first = next((e.seq for e in events if e.origin == STATION), 0)
    refused = _refusals(ctx, [e.id for e in events if e.origin == STATION])
    entries = []
    for event in merge_audit(events, case_audit_events(ctx, case_id, first)):
        entry = history_entry(event)
        why = refused.get(event.id) if event.origin == STATION else None
        entries.append(entry if why is None else replace(entry, sentence=f"{entry.sentence}【被拒绝：{why}】"))
    return entries


def _refusals(ctx: ServiceContext, event_ids: list[str]) -> dict[str, str]:
    """Why the center refused each of these events (the reason, and the field when named)."""
    if not event_ids:
        return {}
    with ctx.db.reading() as session:
        rows = session.scalars(select(SyncRejectionRow).where(SyncRejectionRow.event_id.in_(event_ids))).all()
    return {r.event_id: r.reason + (f"（{r.field}）" if r.field and r.field not in r.reason else "") for r in rows}


def case_detail(ctx: ServiceContext, case_id: str) -> CaseDetail:
    with ctx.db.reading() as session:
        row = session.get(CaseRow, case_id)
        if row is None:
            raise DomainError("找不到该办件")
        view = view_from_dict(row.data)
        label = sync_labels(session, [row], ctx.sync_in_flight)[case_id]
    summary = case_summary(ctx, view, ctx.today(), label)
    masked = replace(view.applicant, id_number=mask_id_number(view.applicant.id_number))
    return CaseDetail(
        summary=summary,
        view=replace(view, applicant=masked),
        custody=tuple(custody_lines(view)),
        history=tuple(case_history(ctx, case_id)),
        attachments=tuple(list_attachments(ctx, case_id)),
        actions=tuple(ActionInfo(a.name, a.label) for a in allowed_actions(view.state, view.kind, STATION)),
        rating_label=RATING_LABELS.get(view.rating, "") if view.rating else "",
        missing=view.missing,
        receipts=tuple(receipt_lines(view)),
    )
