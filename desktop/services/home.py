"""The clerk's day on the home page: deadlines, waiting cases, results to hand back, open 差评."""

from __future__ import annotations

from sqlalchemy import select

from desktop.store.models import CaseRow
from sync.domain.calendar import add_working_days
from sync.domain.case_rules import CLOCK_RUNNING, CaseState
from sync.domain.projection import view_from_dict

from .case_list import case_summary
from .context import ServiceContext
from .records import CaseSummary, HomeView
from .sync_state import sync_labels

SOON_WORKING_DAYS = 3


def home(ctx: ServiceContext) -> HomeView:
    today = ctx.today()
    soon = add_working_days(ctx.calendar, today, SOON_WORKING_DAYS).day
    running = [s.value for s in CLOCK_RUNNING]
    with ctx.db.reading() as session:
        due_rows = session.scalars(
            select(CaseRow)
            .where(CaseRow.state.in_(running), CaseRow.due_on.is_not(None), CaseRow.due_on <= soon.isoformat())
            .order_by(CaseRow.due_on)
        ).all()
        awaiting = session.scalars(
            select(CaseRow).where(CaseRow.state == CaseState.AWAITING_MATERIALS.value).order_by(CaseRow.registered_at)
        ).all()
        completed = session.scalars(
            select(CaseRow).where(CaseRow.state == CaseState.COMPLETED.value).order_by(CaseRow.registered_at)
        ).all()
        bad = session.scalars(
            select(CaseRow).where(CaseRow.bad_rating_open.is_(True)).order_by(CaseRow.registered_at)
        ).all()
        rows = [*due_rows, *awaiting, *completed, *bad]
        labels = sync_labels(session, rows)

    def summaries(group: list[CaseRow]) -> tuple[CaseSummary, ...]:
        return tuple(case_summary(ctx, view_from_dict(r.data), today, labels[r.case_id]) for r in group)

    today_iso = today.isoformat()
    return HomeView(
        due_today=summaries([r for r in due_rows if r.due_on == today_iso]),
        due_soon=summaries([r for r in due_rows if r.due_on and r.due_on > today_iso]),
        overdue=summaries([r for r in due_rows if r.due_on and r.due_on < today_iso]),
        awaiting_materials=summaries(list(awaiting)),
        to_hand_back=summaries(list(completed)),
        bad_ratings_open=summaries(list(bad)),
    )
