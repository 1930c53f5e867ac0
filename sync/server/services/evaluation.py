"""好差评 and 考核: rates per station and per clerk over a month, quarter or year; the 差评 follow-up ledger.

满意率 = (非常满意 + 满意 + 基本满意) / rated; 即办件 on the spot = completed on the day it was accepted;
承诺件 on time = completed on or before its promised due date. Every 差评 (rating ≤ 2) opens a
follow-up (回访/整改) due ``FOLLOWUP_DAYS`` working days after the rating.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache, partial

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from forms.data import DIMENSION_LABELS, OVERALL, Score
from sync.domain.calendar import HolidayCalendar, add_working_days
from sync.domain.case_rules import CaseState
from sync.domain.clock import beijing_day
from sync.domain.payloads import FIRST_DATE
from sync.domain.validation import mask_phone
from sync.protocol.models import ErrorCode

from ..core.models import CaseRow, EventRow
from ..core.staff_models import FollowupRow
from .case_json import case_field
from .center_events import record_center_event
from .errors import ServiceError
from .review_counts import COUNTS, CaseCounts, counts_of
from .review_months import kept_counts

SATISFACTION_TARGET = 0.98
#: The last year a period may name: as for the time of an event (``payloads``), registrations stop there.
LAST_YEAR = 2100
FOLLOWUP_DAYS = 5
#: Periods and dates are Beijing's (sync.domain.clock); events carry UTC timestamps.
_PERIOD = re.compile(r"^(\d{4})(?:-(\d{2})|-Q([1-4]))?$")


def period_range(period: str) -> tuple[str, str, str]:
    """("2026-11" | "2026-Q4" | "2026") → (first day, day after the last, Chinese label)."""
    match = _PERIOD.match(period.strip())
    if not match:
        raise ServiceError(ErrorCode.INVALID_REQUEST, "统计周期格式应为 2026-11、2026-Q4 或 2026", field="period")
    year = int(match[1])
    if not FIRST_DATE.year <= year <= LAST_YEAR:  # year 0 or 9999's next January are no dates at all
        raise ServiceError(
            ErrorCode.INVALID_REQUEST, f"统计周期的年份应在{FIRST_DATE.year}年到{LAST_YEAR}年之间", field="period"
        )
    if match[2]:
        month = int(match[2])
        if not 1 <= month <= 12:
            raise ServiceError(ErrorCode.INVALID_REQUEST, "月份应为01到12", field="period")
        end = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
        return date(year, month, 1).isoformat(), end.isoformat(), f"{year}年{month}月"
    if match[3]:
        q = int(match[3])
        end = date(year + 1, 1, 1) if q == 4 else date(year, 3 * q + 1, 1)
        return date(year, 3 * q - 2, 1).isoformat(), end.isoformat(), f"{year}年第{q}季度"
    return date(year, 1, 1).isoformat(), date(year + 1, 1, 1).isoformat(), f"{year}年"


@dataclass
class Rates(CaseCounts):
    """A row of the 考核 page: a station, a clerk or the town (``key``, ``label``) and its counts, summed from
    the groups ``review_counts`` gives (``CaseCounts``: the counts, the rates and the dimensions' tallies)."""

    key: str
    label: str

    @property
    def below_target(self) -> bool:
        return self.satisfaction is not None and self.satisfaction < SATISFACTION_TARGET

    def add_counts(self, counts: CaseCounts) -> None:
        """Add a group's counts (``review_counts``): a station's are its clerks' summed, the town's its stations'."""
        for name in COUNTS:
            setattr(self, name, getattr(self, name) + getattr(counts, name))
        for key, (rated, total, satisfied) in counts.tallies.items():
            had = self.tallies.get(key, (0, 0, 0))
            self.tallies[key] = (had[0] + rated, had[1] + total, had[2] + satisfied)

    def add_rates(self, other: Rates) -> None:
        """Add another group's figures (a town's are its stations' summed)."""
        self.add_counts(other)

    @property
    def scores(self) -> dict[str, Score]:
        """The overall rating's and each dimension's ``Score`` (average, 满意率), in print order."""
        order = [OVERALL, *DIMENSION_LABELS]
        return {k: Score(*self.tallies[k]) for k in order if k in self.tallies}


@dataclass
class Evaluation:
    period: str
    label: str
    total: Rates
    stations: list[Rates] = field(default_factory=list)
    clerks: list[Rates] = field(default_factory=list)
    #: The county's review: each town's rates (its stations' summed), ``key`` the town's id.
    towns: list[Rates] = field(default_factory=list)


def town_rates(stations: list[Rates], station_towns: dict[str, int], town_names: dict[int, str]) -> list[Rates]:
    """Each town's rates from its stations' (every town listed, one without cases with zeros), in name order."""
    towns = {tid: Rates(str(tid), name) for tid, name in town_names.items()}
    for station in stations:
        town = towns.get(station_towns.get(station.key, -1))
        if town is not None:
            town.add_rates(station)
    return sorted(towns.values(), key=lambda r: natural_key(r.label))


def evaluate(session: Session, period: str, station_names: dict[str, str]) -> Evaluation:
    """The period's rates of the town, each station and each clerk (of a station): the counts its months keep
    (``review_months``), summed in the database per clerk of a station, per station and in all."""
    first, after, label = period_range(period)
    months = first[:7], after[:7]
    ((_, values),) = kept_counts(session, *months)  # no group: one row, zeros when nothing was registered
    total = counts_of(values, partial(Rates, "", "全镇合计"))
    stations = [
        counts_of(values, partial(Rates, station_id, station_names.get(station_id, station_id)))
        for (station_id,), values in kept_counts(session, *months, ("station_id",))
    ]
    clerks = [
        counts_of(values, partial(Rates, clerk, f"{clerk} · {station_names.get(station_id, station_id)}"))
        for (station_id, clerk), values in kept_counts(session, *months, ("station_id", "clerk"))
    ]
    return Evaluation(period, label, total, _by_name(stations), _by_name(clerks))


def _by_name(rows: list[Rates]) -> list[Rates]:
    return sorted(rows, key=lambda r: natural_key(r.label))


@lru_cache(maxsize=16384)
def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """Order names as people read them: "2组" before "10组" (numbers by value, the rest as text); kept for the
    names seen, which are the same few thousand stations and clerks page after page."""
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"(\d+)", text) if part)


#: Columns of the rates tables a page may sort by (``sort_rates``); numbers sort largest first.
SORT_KEYS: dict[str, str] = {
    "name": "名称",
    "cases": "办件数",
    "on_spot": "即办件现场办结率",
    "on_time": "承诺件按时办结率",
    "rated": "评价数",
    "satisfaction": "满意率",
    "bad": "差评",
}


_VALUES: dict[str, Callable[[Rates], float | None]] = {
    "cases": lambda r: r.cases,
    "on_spot": lambda r: r.on_spot_rate,
    "on_time": lambda r: r.on_time_rate,
    "rated": lambda r: r.rated,
    "satisfaction": lambda r: r.satisfaction,
    "bad": lambda r: r.bad,
}


def sort_rates(rows: list[Rates], key: str, descending: bool | None = None) -> list[Rates]:
    """``rows`` by the column ``key`` (``SORT_KEYS``; unknown: by name); numbers largest first unless
    ``descending`` is False. Equal values keep the name order; rows without a rate come last."""
    by_name = sorted(rows, key=lambda r: natural_key(r.label))
    value = _VALUES.get(key)
    if value is None:
        return by_name[::-1] if descending else by_name
    known = [r for r in by_name if value(r) is not None]
    known.sort(key=lambda r: value(r) or 0.0, reverse=descending is not False)  # stable: ties stay by name
    return known + [r for r in by_name if value(r) is None]


@dataclass(frozen=True)
class MonthRates:
    """One month of the trend: the town's rates and each station's (by station id)."""

    month: str  # "2026-11"
    total: Rates
    stations: dict[str, Rates]


def monthly_trend(
    session: Session,
    last_month: date,
    station_names: dict[str, str],
    months: int = 12,
    stations: Collection[str] | None = None,
) -> list[MonthRates]:
    """The ``months`` months up to ``last_month`` (Beijing), oldest first: the town's rates each month and those
    of ``stations`` (every station if None), from the counts kept per month (``review_months``); each case
    counted in the month it was registered (as ``evaluate`` counts it)."""
    labels = []
    year, month = last_month.year, last_month.month
    for _ in range(months):
        labels.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    labels.reverse()
    after = f"{last_month.year + (last_month.month == 12):04d}-{last_month.month % 12 + 1:02d}"
    out = {label: MonthRates(label, Rates("", "全镇合计"), {}) for label in labels}
    for (label,), values in kept_counts(session, labels[0], after, ("month",)):
        out[label] = MonthRates(label, counts_of(values, partial(Rates, "", "全镇合计")), {})
    if stations is None or stations:
        rows = kept_counts(session, labels[0], after, ("month", "station_id"), stations)
        for (label, station_id), values in rows:
            name = station_names.get(station_id, station_id)
            out[label].stations[station_id] = counts_of(values, partial(Rates, station_id, name))
    return list(out.values())


def open_followups(session: Session, calendar: HolidayCalendar) -> int:
    """Open a follow-up for every 差评 that has none yet (in the caller's transaction); how many were opened."""
    bad = session.scalars(
        select(CaseRow).where(
            case_field("rating") <= 2,
            ~exists().where(FollowupRow.case_id == CaseRow.case_id),
        )
    ).all()
    for row in bad:
        rated_on, comment = beijing_day(row.updated_at).isoformat(), ""
        feedback = session.scalars(
            select(EventRow)
            .where(EventRow.station_id == row.station_id, EventRow.type == "case.give_feedback")
            .where(EventRow.payload["case_id"].as_string() == row.case_id)
            .order_by(EventRow.seq.desc())
            .limit(1)
        ).first()
        if feedback is not None:
            rated_on = beijing_day(feedback.occurred_at).isoformat()
            comments = feedback.payload.get("comments") or {}
            comment = "；".join(str(v) for v in comments.values() if v) if isinstance(comments, dict) else ""
        due = add_working_days(calendar, date.fromisoformat(rated_on), FOLLOWUP_DAYS).day
        session.add(
            FollowupRow(
                case_id=row.case_id,
                station_id=row.station_id,
                case_no=row.case_no,
                clerk=str(row.data.get("clerk", "")),
                rating=int(row.data["rating"]),
                comment=comment[:1000],
                rated_on=rated_on,
                due_on=due.isoformat(),
            )
        )
    session.flush()
    return len(bad)


def followups(session: Session, only_open: bool = False) -> Iterator[FollowupRow]:
    """The follow-ups, open ones first, nearest deadline first, read from the database in batches as the caller
    goes (inside its transaction): the Excel ledger streams them."""
    query = select(FollowupRow).order_by(FollowupRow.closed_on.is_not(None), FollowupRow.due_on, FollowupRow.case_no)
    if only_open:
        query = query.where(FollowupRow.closed_on.is_(None))
    yield from session.scalars(query.execution_options(yield_per=500))


@dataclass(frozen=True)
class FollowupLine:
    """A line of the 差评回访 page: the follow-up and whom to call (the phone masked: the page is for all roles)."""

    row: FollowupRow
    applicant: str
    phone_masked: str


@dataclass(frozen=True)
class FollowupPage:
    lines: list[FollowupLine]
    total: int
    open: int
    page: int
    pages: int


def followup_page(session: Session, page: int = 1, per_page: int = 50) -> FollowupPage:
    """One page of the follow-ups (open ones first, nearest deadline first), with each case's applicant."""
    total = int(session.scalar(select(func.count()).select_from(FollowupRow)) or 0)
    still_open = int(session.scalar(select(func.count()).where(FollowupRow.closed_on.is_(None))) or 0)
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    query = (
        select(FollowupRow)
        .order_by(FollowupRow.closed_on.is_not(None), FollowupRow.due_on, FollowupRow.case_no)
        .offset((page - 1) * per_page)
        .limit(per_page)
    )
    rows = list(session.scalars(query))
    applicants = {
        case_id: data.get("applicant") or {}
        for case_id, data in session.execute(
            select(CaseRow.case_id, CaseRow.data).where(CaseRow.case_id.in_([r.case_id for r in rows]))
        )
    }
    lines = [
        FollowupLine(
            r,
            str(applicants.get(r.case_id, {}).get("name", "")),
            mask_phone(str(applicants.get(r.case_id, {}).get("phone", ""))),
        )
        for r in rows
    ]
    return FollowupPage(lines, total, still_open, page, pages)


def close_followup(session: Session, case_id: str, outcome: str, actor: str, today: date) -> FollowupRow:
    """Record the outcome of the 回访/整改 and tell the station (``case.center_close_rating``)."""
    row = session.get(FollowupRow, case_id, with_for_update=True)
    if row is None:
        raise ServiceError(ErrorCode.NOT_FOUND, "没有这条差评回访记录")
    if row.closed_on is not None:
        raise ServiceError(ErrorCode.CONFLICT, "这条差评已回访整改完毕")
    if not outcome.strip():
        raise ServiceError(ErrorCode.INVALID_REQUEST, "请填写回访和整改情况", field="outcome")
    row.outcome = outcome.strip()[:1000]
    row.closed_on = today.isoformat()
    row.closed_by = actor
    case = session.get(CaseRow, case_id)
    if case is not None and case.state in (CaseState.FEEDBACK_DONE.value, CaseState.ARCHIVED.value):
        payload = {"case_id": case_id, "outcome": row.outcome, "closed_on": row.closed_on}
        record_center_event(session, row.station_id, "case.center_close_rating", payload, actor)
    return row
