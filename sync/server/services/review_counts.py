"""The 考核 counts in the database: one GROUP BY over a period's cases, the same figures on SQLite and PostgreSQL.

The review, its Excel and its PDF used to load every case of the period into Python (15.6 s and 3.8 GB for a
county-year); then each figure became a SUM over ``case_field`` expressions, which still read every case's JSON
(554 ms for a county-year's review). Now (0116) the fields the counts read are columns of ``cases`` of their own,
copied from the projection by ``store_view`` (``review_columns``), and ``ix_cases_review`` holds the period's
range and all of them: only narrow index entries are read, and one row per group (a clerk of a station, a month
of a station) leaves the database.

The figures, as ``evaluation`` states them: a case counts in the period its ``registered_at`` falls in;
即办件 done = ``case_type`` immediate with a ``completed_on``, on the spot = completed on or before the day it was
accepted (``accepted_on``; without one, the Beijing day it was registered); 承诺件 done = ``case_type`` promised
with a ``completed_on`` and a ``due_on``, on time = completed on or before it; rated = a ``rating``, satisfied =
rating ≥ 3, 差评 = rating ≤ 2; each rated dimension (``rating_dimensions``, counted only beside a rating) tallies
how many rated it, the sum and how many were satisfied. Dates are ISO text and compare as text, as they always
did in Python.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

from sqlalchemy import ColumnElement, CompoundSelect, Select, String, and_, func, literal, select, text, union_all
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement

from forms.data import DIMENSION_LABELS, OVERALL
from sync.domain.ratings import ReviewCounts

from ..core.models import CaseRow
from .town_scope import stations_condition

#: The counts, in the order of ``CaseCounts``'s integer fields (``sync.domain.ratings.ReviewCounts``).
COUNTS = tuple(f.name for f in fields(ReviewCounts))


@dataclass(kw_only=True)
class CaseCounts(ReviewCounts):
    """One group's figures; ``tallies``: ``OVERALL`` and each rated dimension → (rated, sum, satisfied)."""

    tallies: dict[str, tuple[int, int, int]] = field(default_factory=dict)


class beijing_date(FunctionElement[str]):
    """The Beijing civil date (``YYYY-MM-DD``) of a stored ISO-8601 timestamp, as ``clock.beijing_day`` reads it:
    with an offset it is converted, without one it is taken as UTC."""

    inherit_cache = True
    name = "beijing_date"
    type = String()


@compiles(beijing_date, "sqlite")
def _sqlite_day(element: beijing_date, compiler: Any, **kw: Any) -> str:
    return f"date({compiler.process(element.clauses, **kw)}, '+8 hours')"


@compiles(beijing_date)
def _postgres_day(element: beijing_date, compiler: Any, **kw: Any) -> str:
    stamp = compiler.process(element.clauses, **kw)
    aware = f"CASE WHEN {stamp} ~ '(Z|[+-][0-9][0-9](:?[0-9][0-9])?)$' THEN ({stamp})::timestamptz"
    naive = f"ELSE ({stamp})::timestamp AT TIME ZONE 'UTC' END"
    return f"to_char(({aware} {naive}) AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD')"


class not_indexed(FunctionElement[str]):
    """A column no index may serve on SQLite (``+x``; ``x`` elsewhere): without statistics, SQLite would look a
    town's stations up by ix_cases_station_id, then read each row from the table, past its JSON, rather than
    read the period's range of ix_cases_review, which holds every column the counts read."""

    inherit_cache = True
    name = "not_indexed"
    type = String()


@compiles(not_indexed, "sqlite")
def _sqlite_not_indexed(element: not_indexed, compiler: Any, **kw: Any) -> str:
    return f"+{compiler.process(element.clauses, **kw)}"


@compiles(not_indexed)
def _not_indexed(element: not_indexed, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.clauses, **kw))


def _ones(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.count().filter(condition)


#: The fields of the projection the review reads, each a column of ``cases`` of the same name (text unless said).
_FIELDS = ("registered_at", "clerk", "case_type", "accepted_on", "due_on", "completed_on", "rating")
#: Each rated dimension's column.
DIMENSION_COLUMNS = {key: f"rating_{key}" for key in DIMENSION_LABELS}


def review_columns(data: Mapping[str, Any]) -> dict[str, Any]:
    """The review's columns of a case, from its projection (``view_to_dict``), as its JSON holds them; a rated
    dimension only beside a rating (as the counts take it)."""
    out = {key: data.get(key) for key in _FIELDS}
    rating = out["rating"]
    out["rating"] = None if rating is None else int(rating)
    rated = data.get("rating_dimensions") if rating is not None else None  # counted only beside a rating
    for key, name in DIMENSION_COLUMNS.items():
        value = rated.get(key) if isinstance(rated, dict) else None
        out[name] = None if value is None else int(value)
    return out


@dataclass(frozen=True)
class _CaseFields:
    fields: dict[str, ColumnElement[Any]]
    dimensions: dict[str, ColumnElement[Any]]


def _case_fields() -> _CaseFields:
    c = CaseRow.__table__.c
    return _CaseFields({key: c[key] for key in _FIELDS}, {key: c[name] for key, name in DIMENSION_COLUMNS.items()})


def _figures(f: _CaseFields) -> list[ColumnElement[Any]]:
    """The aggregate columns: ``COUNTS``, the sum of ratings, then (rated, sum, satisfied) per dimension."""
    completed, due, kind = f.fields["completed_on"], f.fields["due_on"], f.fields["case_type"]
    done = and_(completed.is_not(None), completed != "")
    immediate = and_(done, kind == "immediate")
    promised = and_(done, kind == "promised", due.is_not(None), due != "")
    # coalesce is lazy: the timestamp is converted only for a 即办件 without an accepted_on
    spot_day = func.coalesce(func.nullif(f.fields["accepted_on"], ""), beijing_date(f.fields["registered_at"]))
    rating = f.fields["rating"]
    columns: list[ColumnElement[Any]] = [
        func.count(),
        _ones(immediate),
        _ones(and_(immediate, completed <= spot_day)),
        _ones(promised),
        _ones(and_(promised, completed <= due)),
        func.count(rating),
        _ones(rating >= 3),
        _ones(rating <= 2),
        func.sum(rating),
    ]
    for dimension in f.dimensions.values():  # held for rated cases only (``review_columns``)
        columns += [func.count(dimension), func.sum(dimension), _ones(dimension >= 3)]
    return columns


def _counts(values: Sequence[Any]) -> CaseCounts:
    numbers = [int(v or 0) for v in values]
    ints, rated_sum, dims = numbers[: len(COUNTS)], numbers[len(COUNTS)], numbers[len(COUNTS) + 1 :]
    tallies: dict[str, tuple[int, int, int]] = {}
    if ints[5]:
        tallies[OVERALL] = (ints[5], rated_sum, ints[6])
    for n, key in enumerate(DIMENSION_LABELS):
        tally = dims[3 * n], dims[3 * n + 1], dims[3 * n + 2]
        if tally[0]:
            tallies[key] = tally
    return CaseCounts(**dict(zip(COUNTS, ints, strict=True)), tallies=tallies)


#: PostgreSQL's ``work_mem`` for the rest of a transaction that counts.
WORK_MEM = "32MB"

#: How ``count_cases`` groups: the grouping columns, made from the fields (``station_id`` and ``_FIELDS``).
Groups = Callable[[dict[str, ColumnElement[Any]]], list[ColumnElement[Any]]]


def _counting(session: Session, start: str, end: str, keys: list[ColumnElement[Any]], lead: list[Any]) -> Select[Any]:
    """The figures of the cases registered in [``start``, ``end``) grouped by ``keys``, after ``lead`` (constant
    columns) and the keys."""
    f = _case_fields()
    registered = f.fields["registered_at"]
    return (
        select(*lead, *keys, *_figures(f))
        .select_from(CaseRow.__table__)
        .where(registered >= start, registered < end)
        # a Core statement: scoped by hand
        .where(stations_condition(session, not_indexed(CaseRow.__table__.c.station_id)))
        .group_by(*keys)
    )


def count_query(session: Session, start: str, end: str, groups: Groups) -> Select[Any]:
    """The statement of ``count_cases``: the grouping columns, then the figures (``_figures``)."""
    keys = groups({"station_id": CaseRow.__table__.c.station_id, **_case_fields().fields})
    # rows in a stable order: names that sort equal stay in it
    return _counting(session, start, end, keys, []).order_by(*keys)


def month_query(session: Session, months: Sequence[tuple[str, str]], end: str) -> CompoundSelect[Any]:
    """The statement of ``count_months``: one part per month (its label, then station, then the figures). One
    part per month, not one GROUP BY over a month worked out per row: PostgreSQL cannot estimate how many
    groups such an expression makes, takes every row for a group and sorts the year (480 ms at a county-year
    instead of 230)."""
    station = CaseRow.__table__.c.station_id
    ends = [start for _label, start in months[1:]] + [end]
    parts = [
        _counting(session, start, stop, [station], [literal(label, String).label("month")])
        for (label, start), stop in zip(months, ends, strict=True)
    ]
    query = union_all(*parts)
    return query.order_by(*list(query.selected_columns)[:2])


def count_cases(session: Session, start: str, end: str, groups: Groups) -> Iterator[tuple[tuple[Any, ...], CaseCounts]]:
    """The cases registered in [``start``, ``end``) (stored-timestamp text), counted per group: ``groups`` makes
    the grouping columns; (the group's values, its counts), one row per group."""
    return _counted(session, count_query(session, start, end, groups))


def count_months(
    session: Session, months: Sequence[tuple[str, str]], end: str
) -> Iterator[tuple[tuple[Any, ...], CaseCounts]]:
    """The cases registered in each month, per station: ``months`` are (label, start stamp) in order, each month
    ending where the next starts (the last at ``end``), compared as text as ``count_cases``'s period is; ((the
    month's label, the station), its counts), one row per month and station with cases."""
    return _counted(session, month_query(session, months, end))


def _counted(
    session: Session, query: Select[Any] | CompoundSelect[Any]
) -> Iterator[tuple[tuple[Any, ...], CaseCounts]]:
    if session.get_bind().dialect.name == "postgresql":
        # a county-year's rows (190,000 index entries) grouped in memory: with the default 4 MB the planner
        # sorts them on disk (330 ms); with this it hashes the groups (1,200 clerks of stations)
        session.execute(text(f"SET LOCAL work_mem = '{WORK_MEM}'"))
    width = len(query.selected_columns) - (len(COUNTS) + 1 + 3 * len(DIMENSION_LABELS))  # the figures follow
    for row in session.execute(query):
        yield tuple(row[:width]), _counts(row[width:])


def by_clerk(fields: dict[str, ColumnElement[Any]]) -> list[ColumnElement[Any]]:
    """Group by station and the case's clerk ("" when the projection has none)."""
    return [fields["station_id"], func.coalesce(fields["clerk"], "")]
