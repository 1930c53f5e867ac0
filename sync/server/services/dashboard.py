"""Read side of the staff pages: the inbox (work queue, views, filters, search), the deadline board, one case
with its history.

Every query is bounded (a page of rows, counts done by the database) so the pages stay fast with
100,000 cases; deadlines are shown in working days with the calendar in force.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, literal_column, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.util import ClauseAdapter

from sync.domain.calendar import HolidayCalendar, add_working_days, due_label
from sync.domain.case_rules import CLOCK_RUNNING, STATE_LABELS, CaseState
from sync.domain.custody import holder_label
from sync.domain.errors import DomainError
from sync.domain.model import CaseType
from sync.domain.ratings import RATING_LABELS
from sync.domain.step_signing import FORMS, signature_note
from sync.domain.validation import mask_id_number
from sync.domain.window_receipt import CONFIRMED, DISCREPANCY, PENDING, RECEIPT_EVENT, STATUS_LABELS, ReceiptItem

from ..core.models import CaseRow, CenterEventRow, EventRow, StationRow
from ..core.staff_models import FollowupRow
from .case_json import case_field
from .case_search import CHARS_UP_TO, SearchText, chars_hold, search_condition
from .work_queue import (
    ALL,
    DUE_SOON_DAYS,
    LISTED,
    QUEUE,
    VIEWS,
    Listed,
    corrected_cases,
    due_on,
    listed,
    order_by,
    overdue_by_state,
    queue_count,
    queue_page,
    queue_reasons,
    view_conditions,
)
from .work_queue import due_soon as due_soon_terms

PAGE_SIZE = 50
_RUNNING = [s.value for s in CLOCK_RUNNING]


#: 收件情况 of the inbox filter: ``CaseRow.receipt_status`` words and their labels.
RECEIPT_FILTERS = {DISCREPANCY: STATUS_LABELS[DISCREPANCY], PENDING: STATUS_LABELS[PENDING], CONFIRMED: "全部收到"}


@dataclass(frozen=True)
class InboxFilter:
    station_id: str = ""
    clerk: str = ""
    matter: str = ""
    state: str = ""
    due_by: date | None = None
    page: int = 1
    receipt: str = ""  # a word of RECEIPT_FILTERS
    view: str = ""  # a key of work_queue.VIEWS; "" = the work queue, or 全部 when a filter or a search is set
    search: SearchText | None = None

    @property
    def scope(self) -> str:
        """The view in force: as asked; else the work queue when nothing is filtered or searched, else 全部."""
        if self.view in VIEWS:
            return self.view
        narrowed = self.station_id or self.clerk or self.matter or self.state or self.receipt in RECEIPT_FILTERS
        return ALL if (narrowed or self.due_by or self.search) else QUEUE

    def conditions(self, postgres: bool = False) -> list[ColumnElement[bool]]:
        """The filters besides the view and the search (which ``inbox`` adds: they need the calendar and stations).

        The 代办员 is read with ``case_field`` (the expression of migration 0115's btree) and compared whole; the
        事项 by a part of its name, from its generated column (on PostgreSQL a trigram index, and for 1–2
        characters the array of its characters, as the search box's name: ``matter_condition``)."""
        out: list[ColumnElement[bool]] = []
        if self.station_id:
            out.append(CaseRow.station_id == self.station_id)
        if self.state:
            out.append(CaseRow.state == self.state)
        if self.clerk:
            out.append(case_field("clerk") == self.clerk)
        if self.matter:
            out.append(matter_condition(self.matter, postgres))
        if self.receipt in RECEIPT_FILTERS:
            out.append(CaseRow.receipt_status == self.receipt)
        if self.due_by is not None:
            out.append(due_on() <= self.due_by.isoformat())
            out.append(CaseRow.state.in_(_RUNNING))
        return out


def matter_condition(text: str, postgres: bool) -> ColumnElement[bool]:
    """Cases whose 事项 name holds ``text``, compared in ``CaseRow.item_name`` (0119: generated from the JSON, so
    PostgreSQL's rechecks and counts never unpack a case's JSON). There a text of 3 characters or more is served
    by the trigram index ix_cases_item_name_trgm; one of 1–2 characters, which trigrams cannot serve, first needs
    every one of its characters (``chars_hold``, the GIN index ix_cases_item_name_chars): a necessary condition,
    the LIKE decides. The cases found are those the LIKE alone finds."""
    name = CaseRow.item_name
    found = name.contains(text, autoescape=True)
    return and_(chars_hold(name, text), found) if postgres and len(text) <= CHARS_UP_TO else found


@dataclass(frozen=True)
class CaseItem:
    case_id: str
    case_no: str
    station_name: str
    applicant: str
    id_masked: str
    item_name: str
    case_type: str
    materials: str
    state: str
    state_label: str
    clerk: str
    due_on: str
    due_text: str
    overdue: bool
    conflict: str = ""
    #: What the window has to do with it (待确认收件, 待受理, 补正已交回); overdue shows in the deadline.
    reasons: tuple[str, ...] = ()


@dataclass
class InboxPage:
    items: list[CaseItem]
    total: int
    page: int
    pages: int
    stations: dict[str, str] = field(default_factory=dict)
    scope: str = QUEUE


def station_names(session: Session) -> dict[str, str]:
    return {
        sid: f"{name}（{code}）"
        for sid, code, name in session.execute(select(StationRow.id, StationRow.code, StationRow.name))
    }


def _item(
    row: Listed | CaseRow,
    stations: dict[str, str],
    calendar: HolidayCalendar,
    today: date,
    reasons: tuple[str, ...] = (),
) -> CaseItem:
    d = row.data
    due = d.get("due_on")
    running = row.state in _RUNNING
    due_text, overdue = "", False
    if due and running:
        due_day = date.fromisoformat(due)
        due_text, overdue = due_label(calendar, due_day, today), due_day < today
    materials = d.get("materials", [])
    present = sum(1 for m in materials if m.get("present", True))
    return CaseItem(
        case_id=row.case_id,
        case_no=row.case_no,
        station_name=stations.get(row.station_id, row.station_id),
        applicant=d["applicant"]["name"],
        id_masked=mask_id_number(d["applicant"].get("id_number", "")),
        item_name=d.get("item_name", ""),
        case_type=CaseType(d["case_type"]).label,
        materials=f"{present}/{len(materials)}件",
        state=row.state,
        state_label=STATE_LABELS[CaseState(row.state)],
        clerk=d.get("clerk", ""),
        due_on=due or "",
        due_text=due_text,
        overdue=overdue,
        conflict=row.conflict,
        reasons=reasons,
    )


def inbox(
    session: Session,
    flt: InboxFilter,
    calendar: HolidayCalendar,
    today: date,
    *,
    queue_total: int | None = None,
) -> InboxPage:
    """One page of the inbox: the view (by default the work queue), the filters and the search, all at once.
    ``queue_total``: the work queue's count when the caller has it already (``dashboard_counts``' ``queue``)."""
    scope = flt.scope
    postgres = session.get_bind().dialect.name == "postgresql"
    conditions = [*flt.conditions(postgres), *view_conditions(scope, calendar, today)]
    if flt.search is not None:
        conditions.append(search_condition(session, flt.search))

    def ids_of(page: int) -> Select[str]:
        # Only the keys are sorted and paged; the rows (with their JSON) are read for the 50 shown. Sorting
        # whole rows made a queue of 13,000 cases cost 400 ms at 100,000 cases (bench center_search).
        offset = (page - 1) * PAGE_SIZE
        if postgres and scope == QUEUE and flt.search is None:  # one index walk per part of the queue
            return queue_page(today, flt.conditions(postgres), PAGE_SIZE, offset)
        query = select(CaseRow.case_id).where(*conditions).order_by(*order_by(scope))
        return query.limit(PAGE_SIZE).offset(offset)

    ids: list[str] = []
    total = -1
    if flt.search is not None:
        # A search reads every matching row anyway: the page and the total in one pass (count(*) OVER ()), not
        # two. Without a search the page walks an index and stops after 50 rows, so the total is counted apart.
        if postgres:
            hits = session.execute(_search_page(conditions, scope, max(1, flt.page))).all()
        else:  # SQLite has no search index: it scans, and picks no other plan
            hits = session.execute(ids_of(max(1, flt.page)).add_columns(func.count().over())).all()
        if hits:
            ids, total = [hit[0] for hit in hits], int(hits[0][1])
        elif flt.page <= 1:
            total = 0  # nothing found at all
    if total < 0 and len(conditions) == 1 and scope == QUEUE:  # the bare work queue: its fast count
        total = queue_count(session, today) if queue_total is None else queue_total
    if total < 0:
        total = session.scalar(select(func.count()).select_from(CaseRow).where(*conditions)) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, flt.page), pages)
    if not ids and total:
        ids = list(session.scalars(ids_of(page)))
    found = {row.case_id: row for row in listed(session, select(*LISTED).where(CaseRow.case_id.in_(ids)))}
    rows = [found[case_id] for case_id in ids if case_id in found]
    stations = station_names(session)
    corrected = corrected_cases(session, rows)
    items = [_item(r, stations, calendar, today, queue_reasons(r, corrected)) for r in rows]
    return InboxPage(items, total, page, pages, stations, scope)


def _search_page(conditions: list[ColumnElement[bool]], scope: str, page: int) -> Select[str, int]:
    """A page of a search's case ids, and how many there are (PostgreSQL): the matches found apart, then sorted.

    The matches come from a subquery with ``OFFSET 0``, which PostgreSQL never merges into the outer query, so
    its plan is chosen for finding the rows alone (the search indexes of 0109, see ``case_search``). Merged, the
    planner walked ``ix_cases_updated_at`` to spare the sort and ran the search's text tests on every case
    (1.2 s for a station's 5,000 of 100,000 cases, 70 ms apart). The subquery yields the sort's keys only (the
    deadline is a column too, 0120), so that no match has its JSON unpacked (a county-year's "秀英" is 13,000
    matches; whole rows made it 400 ms).
    """
    found = select(CaseRow.case_id, CaseRow.updated_at, due_on()).where(*conditions).offset(0).subquery()
    adapt = ClauseAdapter(found)
    query = select(found.c.case_id, func.count().over()).order_by(*(adapt.traverse(o) for o in order_by(scope)))
    return query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)


@dataclass
class DeadlineBoard:
    overdue: list[CaseItem]
    due_soon: list[CaseItem]
    soon_until: date
    counts: dict[str, int]


def deadline_board(session: Session, calendar: HolidayCalendar, today: date, limit: int = 200) -> DeadlineBoard:
    """Cases whose clock runs: overdue ones, and those due within DUE_SOON_DAYS working days."""
    until = add_working_days(calendar, today, DUE_SOON_DAYS).day
    stations = station_names(session)
    running = CaseRow.state.in_(_RUNNING)

    def fetch(*cond: ColumnElement[bool]) -> list[CaseItem]:
        query = select(*LISTED).where(running, *cond).order_by(due_on(), CaseRow.case_no).limit(limit)
        return [_item(r, stations, calendar, today) for r in listed(session, query)]

    overdue = fetch(due_on() < today.isoformat())
    soon = fetch(due_on() >= today.isoformat(), due_on() <= until.isoformat())
    return DeadlineBoard(overdue, soon, until, dashboard_counts(session, calendar, today))


def dashboard_counts(session: Session, calendar: HolidayCalendar, today: date) -> dict[str, int]:
    """The inbox's tiles (each the total of the list it links to) and the work queue.

    The queue's count shares the tiles' parts (待确认收件, 已送件, the overdue per state), each counted once."""

    def count(*cond: ColumnElement[bool]) -> int:
        return session.scalar(select(func.count()).select_from(CaseRow).where(*cond)) or 0

    states = (CaseState.DELIVERED.value, CaseState.IN_PROGRESS.value)
    query = select(CaseRow.state, func.count()).where(CaseRow.state.in_(states)).group_by(CaseRow.state)
    by_state = {str(state): int(n) for state, n in session.execute(query)}
    incoming = by_state.get(CaseState.DELIVERED.value, 0)
    late = overdue_by_state(session, today)
    pending = count(CaseRow.receipt_status == PENDING)
    return {
        "queue": queue_count(session, today, pending=pending, delivered=incoming, late=late),
        "receipt_pending": pending,
        "incoming": incoming,
        "in_progress": by_state.get(CaseState.IN_PROGRESS.value, 0),
        "overdue": sum(late.values()),
        "due_soon": count(*due_soon_terms(calendar, today)),
        "conflicts": count(CaseRow.conflict != literal_column("''")),  # literal: the partial index applies
        "receipt_problems": count(CaseRow.receipt_status == DISCREPANCY),
        "followups_open": session.scalar(
            select(func.count()).select_from(FollowupRow).where(FollowupRow.closed_on.is_(None))
        )
        or 0,
    }


@dataclass
class HistoryLine:
    at: str
    origin: str
    actor: str
    type: str
    text: str


#: The steps the villager confirms with his signature (``sync.domain.step_signing``).
STEP_EVENTS = frozenset(f"case.{action}" for action in FORMS)


def _describe(type_: str, payload: dict[str, Any]) -> str:
    if type_ == RECEIPT_EVENT:
        return _describe_receipt(payload)
    if type_ == "case.handover" and isinstance(payload.get("items"), list):
        items = "、".join(
            f"{i.get('name', '')}（{'原件' if i.get('original', True) else '复印件'}{i.get('copies', 1)}份）"
            for i in payload["items"]
            if isinstance(i, dict)
        )
        return f"{holder_label(str(payload.get('from')))}交给{holder_label(str(payload.get('to')))}：{items}"
    parts = []
    for key, label in (("missing", "缺少材料"), ("result", "结果"), ("reason", "原因"), ("legal_basis", "依据")):
        value = payload.get(key)
        if value:
            parts.append(f"{label}：{'、'.join(value) if isinstance(value, list) else value}")
    if "rating" in payload:
        rating = int(payload["rating"])
        parts.append(f"评价：{RATING_LABELS.get(rating, rating)}")
    for key, label in (("accepted_on", "受理日"), ("due_on", "到期日"), ("completed_on", "办结日")):
        if payload.get(key):
            parts.append(f"{label}：{payload[key]}")
    if type_ in STEP_EVENTS:
        parts.append(signature_note(payload))  # 中止/续办: signed by the villager, or on paper
    return "；".join(p for p in parts if p)


def _describe_receipt(payload: dict[str, Any]) -> str:
    """窗口确认收件: by whom, 全部收到 or what differs."""
    try:
        problems = [p for p in (ReceiptItem.from_dict(i).problem for i in payload.get("items", ())) if p]
    except DomainError:
        problems = []
    outcome = "有差异：" + "；".join(problems) if problems else "全部收到"
    text = f"收件人：{payload.get('received_by', '')}；{outcome}"
    return text + (f"；说明：{payload['note']}" if payload.get("note") else "")


def case_history(session: Session, row: CaseRow) -> list[HistoryLine]:
    """The station's and the center's events about the case, oldest first."""
    station = session.scalars(
        select(EventRow).where(
            EventRow.station_id == row.station_id, EventRow.payload["case_id"].as_string() == row.case_id
        )
    )
    center = session.scalars(
        select(CenterEventRow).where(
            CenterEventRow.station_id == row.station_id, CenterEventRow.payload["case_id"].as_string() == row.case_id
        )
    )
    lines = [HistoryLine(e.occurred_at, "代办站", e.actor, e.type, _describe(e.type, e.payload)) for e in station]
    lines += [HistoryLine(e.occurred_at, "镇中心", e.actor, e.type, _describe(e.type, e.payload)) for e in center]
    lines.sort(key=lambda line: line.at)
    return lines


def case_item(session: Session, row: CaseRow, calendar: HolidayCalendar, today: date) -> CaseItem:
    return _item(row, station_names(session), calendar, today)
