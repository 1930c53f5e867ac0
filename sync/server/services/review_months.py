"""The 考核 counts kept per station, clerk and month (``review_months``, 0118), recounted as cases are written.

A county-year's review counted 190,000 index entries on every page (~100 ms of a 150 ms page; the 12-month trend
twice that). Now each (station, month) whose cases a transaction wrote is counted again, from its cases, before
the transaction commits (``recount_query``: the month's range of ``ix_cases_review``, that station's entries), and
a period's review sums at most 12 rows per clerk. Recounting a month, rather than adding each change to it, keeps
the rows equal to what counting the cases gives, whatever wrote them: a station's push, a center event, a
rebuild, a deletion.

Which rows are stale is seen by the ORM: any insert, update or delete of a ``CaseRow`` marks its station's month
(old and new, should a case change station or registration time) in ``Session.info``; ``before_commit`` recounts
the marks, and so does every reader (``kept_counts``) first, so a transaction reads what it
wrote. Every writer of the cases holds its station's lock (``ingest.lock_station``): two transactions never
recount the same station's month at once. What writes cases past the ORM (a bulk insert, a ``delete()``
statement) marks them itself (``mark_station``) or recounts everything (``recount_all``).

A case's month is the ``YYYY-MM`` whose Beijing-midnight bounds (``day_start_stamp``), compared as text as the
counts compare them, hold its ``registered_at`` (``month_of``): a period's months then hold exactly the cases its
own bounds hold.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from datetime import date
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import ColumnElement, Table, delete, event, func, insert, inspect, select, true
from sqlalchemy.orm import Mapper, Session, object_session

from sync.domain.clock import day_start_stamp

from ..core.models import CaseRow, ReviewMonthRow
from .review_counts import FIGURE_COLUMNS, recount_query
from .town_scope import stations_condition

MONTHS = cast(Table, ReviewMonthRow.__table__)
#: ``Session.info`` key: the (station id, month) pairs whose counts are stale; month None: all of the station's.
_STALE = "review_months_stale"
#: The months ``month_of`` may give: a period's year has four digits, and these bounds are valid datetimes.
_FIRST, _LAST = 1000 * 12, 9999 * 12 + 10  # 1000-01 … 9999-11


def _label(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


@lru_cache(maxsize=4096)
def _start(index: int) -> str:
    """Beijing midnight on the first of month ``index`` (year × 12 + month − 1), as stored-timestamp text."""
    return day_start_stamp(date(index // 12, index % 12 + 1, 1))


def month_bounds(month: str) -> tuple[str, str]:
    """The stored-timestamp text [start, end) of a ``YYYY-MM`` month, as the counts compare ``registered_at``."""
    index = int(month[:4]) * 12 + int(month[5:7]) - 1
    return _start(index), _start(index + 1)


@lru_cache(maxsize=65536)
def month_of(registered_at: str | None) -> str | None:
    """The ``YYYY-MM`` month whose bounds hold ``registered_at`` (text comparison, as a period's); None for none
    (no registration time, or text outside every month a period can name)."""
    if not registered_at:
        return None
    try:  # the text's own month or a neighbour (Beijing is UTC+8): three comparisons
        guess = int(registered_at[:4]) * 12 + int(registered_at[5:7]) - 1
    except ValueError:
        guess = _FIRST
    for index in (guess, guess + 1, guess - 1):
        if _FIRST <= index <= _LAST and _start(index) <= registered_at < _start(index + 1):
            return _label(index)
    low, high = _FIRST, _LAST  # odd text: the last month starting at or before it, if it ends after it
    if registered_at < _start(low):
        return None
    while low < high:
        middle = (low + high + 1) // 2
        low, high = (middle, high) if _start(middle) <= registered_at else (low, middle - 1)
    return _label(low) if registered_at < _start(low + 1) else None


def _mark(session: Session | None, station_id: Any, registered_at: Any) -> None:
    month = month_of(registered_at) if isinstance(registered_at, str) else None
    if session is not None and station_id is not None and month is not None:
        session.info.setdefault(_STALE, set()).add((str(station_id), month))


def mark_station(session: Session, station_id: str) -> None:
    """Every month of the station's counts is stale (its cases were written past the ORM)."""
    session.info.setdefault(_STALE, set()).add((station_id, None))


def _old_and_new(target: CaseRow, name: str) -> list[Any]:
    history = inspect(target).attrs[name].history
    return [*history.deleted, *history.added] if history.has_changes() else [getattr(target, name)]


@event.listens_for(CaseRow, "after_insert")
@event.listens_for(CaseRow, "after_update")
def _written(_mapper: Mapper[CaseRow], _connection: Any, target: CaseRow) -> None:
    session = object_session(target)
    for station_id in _old_and_new(target, "station_id"):
        for registered_at in _old_and_new(target, "registered_at"):
            _mark(session, station_id, registered_at)


@event.listens_for(CaseRow, "after_delete")
def _deleted(_mapper: Mapper[CaseRow], _connection: Any, target: CaseRow) -> None:
    session = object_session(target)
    state = inspect(target)
    loaded = state.dict
    if session is None:
        return
    if "station_id" not in loaded:  # nothing to go by: every count is recounted
        session.info.setdefault(_STALE, set()).add(("", None))
    elif "registered_at" not in loaded:
        mark_station(session, loaded["station_id"])
    else:
        _mark(session, loaded["station_id"], loaded["registered_at"])


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    recount_stale(session)  # the commit's own flush comes after this hook: recount_stale flushes first


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(_STALE, None)  # what was marked was never written


def recount_stale(session: Session) -> None:
    """Count again, in the caller's transaction, every (station, month) the transaction's writes marked (its
    pending changes flushed first: the flush is what marks them)."""
    session.flush()
    stale: set[tuple[str, str | None]] | None = session.info.pop(_STALE, None)
    if not stale:
        return
    if ("", None) in stale:
        recount_all(session)
        return
    by_month: dict[str, set[str]] = {}
    for station_id, month in stale:
        if month is not None:
            by_month.setdefault(month, set()).add(station_id)
    whole = sorted(station_id for station_id, month in stale if month is None)
    if whole:  # every month of these stations: the ones they have cases in, and none of their old rows
        session.execute(delete(MONTHS).where(MONTHS.c.station_id.in_(whole)))
        _add_months_held(session, by_month, CaseRow.__table__.c.station_id.in_(whole))
    _recount(session, by_month)


def recount_all(session: Session) -> None:
    """Count every month of every station again from the cases (after a bulk load, or to repair)."""
    session.info.pop(_STALE, None)
    session.execute(delete(MONTHS))
    by_month: dict[str, set[str]] = {}
    _add_months_held(session, by_month, true())
    _recount(session, by_month)


def _add_months_held(session: Session, by_month: dict[str, set[str]], which: ColumnElement[bool]) -> None:
    """Add to ``by_month`` (month → station ids) every month in which the cases ``which`` were registered."""
    cases = CaseRow.__table__.c
    for station_id, registered_at in session.execute(
        select(cases.station_id, cases.registered_at).where(which).distinct()
    ):
        month = month_of(registered_at)
        if month is not None:
            by_month.setdefault(month, set()).add(station_id)


def _recount(session: Session, by_month: dict[str, set[str]]) -> None:
    names = ["month", "station_id", "clerk", *FIGURE_COLUMNS]
    for month, stations in sorted(by_month.items()):
        start, end = month_bounds(month)
        ids = sorted(stations)
        session.execute(delete(MONTHS).where(MONTHS.c.month == month, MONTHS.c.station_id.in_(ids)))
        session.execute(insert(MONTHS).from_select(names, recount_query(start, end, ids, month)))


def kept_counts(
    session: Session, first: str, after: str, by: Sequence[str] = (), station_ids: Collection[str] | None = None
) -> Iterator[tuple[tuple[str, ...], Sequence[Any]]]:
    """The kept counts of the months [``first``, ``after``) (``YYYY-MM``) in the reader's town scope (and of
    ``station_ids`` only, if given), summed per group of the columns ``by`` (``month``, ``station_id``, ``clerk``;
    none: one row, the whole); each group's values, and its figures in ``FIGURE_COLUMNS`` order (for
    ``counts_of``), ordered by the groups. The transaction's own writes are recounted first."""
    recount_stale(session)
    keys = [MONTHS.c[name] for name in by]
    query = select(*keys, *(func.sum(MONTHS.c[name]) for name in FIGURE_COLUMNS)).where(
        MONTHS.c.month >= first, MONTHS.c.month < after, stations_condition(session, MONTHS.c.station_id)
    )
    if station_ids is not None:
        query = query.where(MONTHS.c.station_id.in_(sorted(station_ids)))
    for row in session.execute(query.group_by(*keys).order_by(*keys)):
        yield tuple(row[: len(keys)]), row[len(keys) :]
