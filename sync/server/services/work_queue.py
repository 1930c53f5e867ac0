"""The inbox as the window's work queue: which cases need the center now, and the other views of the inbox.

By default (``queue``) the inbox lists the cases waiting on the town center, most urgent deadline first:

* 待确认收件 — a station's clerk handed materials to the window and nobody has confirmed them
  (``CaseRow.receipt_status`` is ``pending``);
* 待受理 — delivered (已送件) and not yet accepted; a case the center sent back for 补正 comes back this
  way too (the station accepts the corrected case again and delivers it), shown as 补正已交回;
* 已超期 — the promised-time clock runs and the deadline has passed, wherever the case is.

The other views (已超期, 3个工作日内到期, 在办, 已办结, 已归档, 全部) are what the tiles and the 范围 filter
open. Every condition is one of the indexed terms of the counters (state, ``receipt_status``,
``(state, due_on)``), so the queue stays small and fast at a county's size: it is counted in disjoint parts
(``queue_count``) and, on PostgreSQL, its page is the merge of one index walk per part (``queue_page``).

The page says when new cases arrived (``arrivals_mark``, ``arrived_since``): by ``cases.arrived_at``, when the
center first stored each case (migration 0109, indexed).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select, union
from sqlalchemy.orm import Session

from sync.domain.calendar import HolidayCalendar, add_working_days
from sync.domain.case_rules import CLOCK_RUNNING, FINISHED, OPEN, CaseState
from sync.domain.clock import stamp
from sync.domain.window_receipt import PENDING

from ..core.db import clock_of
from ..core.models import CaseRow, CenterEventRow

QUEUE = "queue"
ALL = "all"
#: The 范围 of the inbox, in the order of its select box.
VIEWS = {
    QUEUE: "待办（需镇中心处理）",
    "overdue": "已超期",
    "due_soon": "3个工作日内到期",
    "open": "在办（未办结）",
    "done": "已办结",
    "archived": "已归档",
    ALL: "全部",
}
#: Views listed most urgent deadline first; the others newest change first.
BY_DEADLINE = frozenset({QUEUE, "overdue", "due_soon", "open"})
DUE_SOON_DAYS = 3
#: How far before the page is drawn its count of arrivals starts (``arrivals_mark``): longer than any push.
ARRIVALS_WINDOW = timedelta(minutes=10)

_RUNNING = sorted(s.value for s in CLOCK_RUNNING)
_DONE = sorted(s.value for s in {*FINISHED, CaseState.COMPLETED})
_OPEN = sorted(s.value for s in OPEN)
CORRECTION = "case.center_request_correction"

#: What the window has to do with a case (the labels the rows carry).
AWAITING_RECEIPT = "待确认收件"
AWAITING_ACCEPT = "待受理"
CORRECTED = "补正已交回"


def due_on() -> Any:
    """The case's deadline: the column the database generates from the JSON's ``due_on`` (0120), which
    ``ix_cases_state_due_on`` holds beside the state, so a deadline count reads the index alone (on the JSON
    expression it unpacked every running case's JSON: 469 ms for 40,000 of them)."""
    return CaseRow.due_on


def overdue(today: date) -> list[ColumnElement[bool]]:
    return [CaseRow.state.in_(_RUNNING), due_on() < today.isoformat()]


def due_soon(calendar: HolidayCalendar, today: date) -> list[ColumnElement[bool]]:
    until = add_working_days(calendar, today, DUE_SOON_DAYS).day
    return [CaseRow.state.in_(_RUNNING), due_on() >= today.isoformat(), due_on() <= until.isoformat()]


def queue_condition(today: date) -> ColumnElement[bool]:
    """The cases that need the center now (see the module docstring)."""
    return or_(
        CaseRow.receipt_status == PENDING,
        CaseRow.state == CaseState.DELIVERED.value,
        and_(*overdue(today)),
    )


def overdue_by_state(session: Session, today: date) -> dict[str, int]:
    """How many cases are overdue, per state whose clock runs: one pass over ``(state, due_on)``, which gives
    both the 已超期 tile (the sum) and the queue's overdue part (``queue_count``)."""
    query = select(CaseRow.state, func.count()).where(*overdue(today)).group_by(CaseRow.state)
    return {str(state): int(n) for state, n in session.execute(query)}


def queue_count(
    session: Session,
    today: date,
    *,
    pending: int | None = None,
    delivered: int | None = None,
    late: dict[str, int] | None = None,
) -> int:
    """How many cases ``queue_condition`` holds, counted as disjoint parts that each an index answers alone.

    By inclusion–exclusion it is 待确认收件 + 已送件 + overdue cases not delivered, minus the 待确认收件 cases
    among those two, and only that last term (a few) reads rows beyond an index. A count of the OR itself
    visits every queued row: on SQLite its MULTI-INDEX OR looks each one up (73 ms for a queue of 13,000 at
    100,000 cases; the parts 23 ms); on PostgreSQL it became a scan of the whole table at a county-year (25,000
    queued of 190,000: 160 ms), where the parts are index-only counts (``state``, ``receipt_status``) but for
    the overdue one, which the 已超期 tile needs anyway. ``pending``, ``delivered`` and ``late``
    (``overdue_by_state``) are those parts when the caller has counted them already (``dashboard_counts``).
    """

    def count(*cond: ColumnElement[bool]) -> int:
        return session.scalar(select(func.count()).select_from(CaseRow).where(*cond)) or 0

    others = [s for s in _RUNNING if s != CaseState.DELIVERED.value]
    is_delivered = CaseRow.state == CaseState.DELIVERED.value
    is_pending = CaseRow.receipt_status == PENDING
    if pending is None:
        pending = count(is_pending)
    if delivered is None:
        delivered = count(is_delivered)
    if late is None:
        late = overdue_by_state(session, today)
    both = count(is_pending, or_(is_delivered, and_(CaseRow.state.in_(others), due_on() < today.isoformat())))
    return pending + delivered + sum(late.get(s, 0) for s in others) - both


def queue_page(today: date, filters: Sequence[ColumnElement[bool]], limit: int, offset: int) -> Select[str]:
    """A page of the work queue's case ids in ``order_by(QUEUE)`` (PostgreSQL): the ``limit + offset`` first of
    each part (待确认收件; 已送件; overdue, a state at a time), merged, sorted and paged.

    Every part but the first is a walk of ``ix_cases_state_due_on`` in deadline order (one state, so the
    index's order is the page's), which stops after the rows it needs; the OR itself read every queued case
    and sorted them (a scan of the whole table at a county-year: 160 ms, the parts 10–60 ms). A case in
    several parts is one row of the union; the page is right because each of its cases is among the first
    ``limit + offset`` of its own part.
    """
    first = limit + offset
    others = [s for s in _RUNNING if s != CaseState.DELIVERED.value]
    parts = [
        [CaseRow.receipt_status == PENDING],
        [CaseRow.state == CaseState.DELIVERED.value],
        *([CaseRow.state == s, due_on() < today.isoformat()] for s in others),
    ]
    keys = (CaseRow.case_id, due_on(), CaseRow.updated_at)
    merged = union(
        *(select(*keys).where(*filters, *part).order_by(*order_by(QUEUE)).limit(first) for part in parts)
    ).subquery("queue")
    order = [merged.c.due_on.asc().nulls_last(), merged.c.updated_at, merged.c.case_id]
    return select(merged.c.case_id).order_by(*order).limit(limit).offset(offset)


def view_conditions(view: str, calendar: HolidayCalendar, today: date) -> list[ColumnElement[bool]]:
    if view == QUEUE:
        return [queue_condition(today)]
    if view == "overdue":
        return overdue(today)
    if view == "due_soon":
        return due_soon(calendar, today)
    if view == "open":
        return [CaseRow.state.in_(_OPEN)]
    if view == "done":
        return [CaseRow.state.in_(_DONE)]
    if view == "archived":
        return [CaseRow.state == CaseState.ARCHIVED.value]
    return []


def order_by(view: str) -> list[Any]:
    """The view's order. Every term is an expression (``.asc()``), not a bare attribute, so that a
    ``ClauseAdapter`` moves it onto a subquery's columns."""
    if view in BY_DEADLINE:  # no deadline (not accepted yet, or an 即办件) after those that have one
        return [due_on().asc().nulls_last(), CaseRow.updated_at.asc(), CaseRow.case_id.asc()]
    return [CaseRow.updated_at.desc(), CaseRow.case_id.asc()]


@dataclass(frozen=True, slots=True)
class Listed:
    """A case as a list shows it, read from ``LISTED``'s columns: its JSON as stored, with the personal data
    masked (``core.sealing``: the 身份证 number masked, no phone, no ink). A list never unseals a case: nothing it
    does not show is decrypted for it, and a row costs half as much to read (400 rows: 105 → 52 ms)."""

    case_id: str
    station_id: str
    case_no: str
    state: str
    data: dict[str, Any]
    conflict: str
    receipt_status: str


LISTED = (
    CaseRow.case_id,
    CaseRow.station_id,
    CaseRow.case_no,
    CaseRow.state,
    CaseRow.data,
    CaseRow.conflict,
    CaseRow.receipt_status,
)


def listed(session: Session, query: Select[Any]) -> list[Listed]:
    """The cases of ``query`` (a ``select(*LISTED)``) as lists show them."""
    return [Listed(*row) for row in session.execute(query)]


def corrected_cases(session: Session, rows: Sequence[Listed | CaseRow]) -> set[str]:
    """Ids among ``rows`` (delivered ones) that the center once sent back for 补正: the station answered it.

    Read for one page of rows only, through the center events of their stations.
    """
    delivered = [r for r in rows if r.state == CaseState.DELIVERED.value]
    if not delivered:
        return set()
    query = select(CenterEventRow.payload).where(
        CenterEventRow.station_id.in_({r.station_id for r in delivered}), CenterEventRow.type == CORRECTION
    )
    wanted = {r.case_id for r in delivered}
    return {str(p.get("case_id")) for p in session.scalars(query)} & wanted


def queue_reasons(row: Listed | CaseRow, corrected: set[str]) -> tuple[str, ...]:
    """What the window has to do with the case: 待确认收件, 待受理 or 补正已交回 (empty when nothing).

    An overdue case says so in its deadline column and its row's colour, not here a second time.
    """
    reasons: list[str] = []
    if row.receipt_status == PENDING:
        reasons.append(AWAITING_RECEIPT)
    if row.state == CaseState.DELIVERED.value:
        reasons.append(CORRECTED if row.case_id in corrected else AWAITING_ACCEPT)
    return tuple(reasons)


def arrivals_mark(session: Session) -> str:
    """Where the page's count of arrivals starts: ``ARRIVALS_WINDOW`` before now.

    The page keeps this mark and ``arrived_since(mark)`` as it was drawn; its poll asks again with the same
    mark, and the difference is the cases that arrived since, exactly: a push stamps ``arrived_at`` before it
    commits, so one that began before the page was drawn and committed after holds a time before the page's,
    still after the mark (a push lasts seconds). Cases are never deleted for good (a station's rebuild keeps
    their ``arrived_at``), so none leaves the count.
    """
    return stamp(clock_of(session).now() - ARRIVALS_WINDOW)


def arrived_since(session: Session, mark: str) -> int:
    """How many cases the center first stored after ``mark`` (a range of ``ix_cases_arrived_at``)."""
    return session.scalar(select(func.count()).select_from(CaseRow).where(CaseRow.arrived_at > mark)) or 0
