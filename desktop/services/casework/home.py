"""The clerk's day on the home page: deadlines, cases to take to the town (送件), waiting cases,
results to hand back, cases to archive, open 差评.

Each list holds at most ``limit`` cases (most urgent first); ``HomeView.totals``
says how many there are in all. The lists the clerk works from by phone (待补正, 待交付结果)
carry the villager's full phone: those rows are opened (the phone is sealed at rest) only for
the few cases listed.
"""

from __future__ import annotations

from typing import Any

from sync.domain.calendar import add_working_days
from sync.domain.case_rules import CLOCK_RUNNING, FINISHED, CaseState

from ..context import ServiceContext
from ..safety.retention import expired_unarchived
from .case_list import summaries_where, with_phones
from .records import HomeView
from .window_receipts import receipt_problem_cases

SOON_WORKING_DAYS = 3
_RUNNING = "state IN ('" + "', '".join(sorted(s.value for s in CLOCK_RUNNING)) + "')"
_FINISHED = "state IN ('" + "', '".join(sorted(s.value for s in FINISHED)) + "')"
#: The lists whose lines show the villager's full phone: the clerk calls them.
CALL_LISTS = frozenset({"awaiting_materials", "to_hand_back"})


def home(ctx: ServiceContext, limit: int = 200) -> HomeView:
    today = ctx.today().isoformat()
    soon = add_working_days(ctx.calendar, ctx.today(), SOON_WORKING_DAYS).day.isoformat()
    groups: dict[str, tuple[str, dict[str, Any], str, str | None]] = {
        "due_today": (f"{_RUNNING} AND due_on = :today", {"today": today}, "registered_at", None),
        "due_soon": (
            f"{_RUNNING} AND due_on > :today AND due_on <= :soon",
            {"today": today, "soon": soon},
            "due_on",
            None,
        ),
        "overdue": (f"{_RUNNING} AND due_on < :today", {"today": today}, "due_on", None),
        # 待送件: accepted at the station, not yet taken to the town center; nearest deadline first
        "to_deliver": ("state = :s", {"s": CaseState.ACCEPTED.value}, "due_on, registered_at", None),
        "awaiting_materials": ("state = :s", {"s": CaseState.AWAITING_MATERIALS.value}, "registered_at", None),
        "to_hand_back": ("state = :s", {"s": CaseState.COMPLETED.value}, "registered_at", None),
        # open 差评 are few: read them through their index and sort them, never scan the table
        # 待归档: finished (feedback taken, answered, returned, withdrawn, terminated), not archived
        "to_archive": (_FINISHED, {}, "registered_at", None),
        "bad_ratings_open": ("bad_rating_open = 1", {}, "registered_at", "ix_cases_bad_rating_open"),
    }
    lists: dict[str, Any] = {}
    totals: dict[str, int] = {}
    with ctx.db.reading() as session:
        for name, (where, params, order, index) in groups.items():
            rows, total = summaries_where(session, ctx, where, params, order, limit, index)
            if name in CALL_LISTS:
                rows = with_phones(session, rows)
            lists[name] = tuple(rows)
            totals[name] = total
    expired, totals["retention_overdue"] = expired_unarchived(ctx, limit)
    problems, totals["receipt_problems"] = receipt_problem_cases(ctx, limit)
    return HomeView(**lists, totals=totals, retention_overdue=tuple(expired), receipt_problems=tuple(problems))
