"""The 考核 counts in the database: one GROUP BY over a period's cases, the same figures on SQLite and PostgreSQL.

The review, its Excel and its PDF used to load every case of the period into Python (15.6 s and 3.8 GB for a
county-year); now each figure is a SUM over ``case_field`` expressions (the literal JSON paths of the indexes of
0101), and only one row per group (a clerk of a station, a month of a station) leaves the database.

The figures, as ``evaluation`` states them: a case counts in the period its ``registered_at`` falls in;
即办件 done = ``case_type`` immediate with a ``completed_on``, on the spot = completed on or before the day it was
accepted (``accepted_on``; without one, the Beijing day it was registered); 承诺件 done = ``case_type`` promised
with a ``completed_on`` and a ``due_on``, on time = completed on or before it; rated = a ``rating``, satisfied =
rating ≥ 3, 差评 = rating ≤ 2; each rated dimension (``rating_dimensions``, counted only beside a rating) tallies
how many rated it, the sum and how many were satisfied. Dates are ISO text and compare as text, as they always
did in Python.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

from sqlalchemy import ColumnElement, FromClause, Integer, String, and_, case, cast, column, func, select, true
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement

from forms.data import DIMENSION_LABELS, OVERALL
from sync.domain.ratings import ReviewCounts

from ..core.models import CaseRow
from .case_json import case_field
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


def _ones(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.sum(case((condition, 1), else_=0))


#: The fields of the projection the review reads (text unless said).
_FIELDS = ("registered_at", "clerk", "case_type", "accepted_on", "due_on", "completed_on", "rating")


@dataclass(frozen=True)
class _CaseFields:
    """Where the counts read each field: ``case_field`` expressions on SQLite; on PostgreSQL the columns of
    ``jsonb_to_record(cases.data)``: the fields taken out of the stored jsonb in one call. (When ``data`` was
    ``json`` text, before 0111, each ``->>`` parsed it again: 35 of them made a county-year's review 50 s, and
    ``json_to_record``'s one parse per row still 1.3 s.)"""

    source: FromClause
    fields: dict[str, ColumnElement[Any]]
    dimensions: dict[str, ColumnElement[Any]]


def _case_fields(dialect: str) -> _CaseFields:
    if dialect == "sqlite":
        fields: dict[str, ColumnElement[Any]] = {key: case_field(key) for key in _FIELDS}
        dimensions: dict[str, ColumnElement[Any]] = {
            key: case_field(f"rating_dimensions.{key}") for key in DIMENSION_LABELS
        }
        return _CaseFields(CaseRow.__table__, fields, dimensions)
    row = (
        func.jsonb_to_record(CaseRow.data)
        .table_valued(
            *[column(key, Integer if key == "rating" else String) for key in _FIELDS],
            column("rating_dimensions", JSONB),
        )
        .render_derived("case_fields", with_types=True)
    )
    fields = {key: row.c[key] for key in _FIELDS}
    dimensions = {key: row.c.rating_dimensions.op("->>")(key) for key in DIMENSION_LABELS}
    return _CaseFields(CaseRow.__table__.join(row, true()), fields, dimensions)


def _figures(f: _CaseFields) -> list[ColumnElement[Any]]:
    """The aggregate columns: ``COUNTS``, the sum of ratings, then (rated, sum, satisfied) per dimension."""
    completed, due, kind = f.fields["completed_on"], f.fields["due_on"], f.fields["case_type"]
    done = and_(completed.is_not(None), completed != "")
    immediate = and_(done, kind == "immediate")
    promised = and_(done, kind == "promised", due.is_not(None), due != "")
    # coalesce is lazy: the timestamp is converted only for a 即办件 without an accepted_on
    spot_day = func.coalesce(func.nullif(f.fields["accepted_on"], ""), beijing_date(f.fields["registered_at"]))
    rating = cast(f.fields["rating"], Integer)
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
    for dimension in f.dimensions.values():
        value = case((rating.is_not(None), cast(dimension, Integer)))
        columns += [func.count(value), func.sum(value), _ones(value >= 3)]
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


def count_cases(
    session: Session,
    start: str,
    end: str,
    groups: Callable[[dict[str, ColumnElement[Any]]], list[ColumnElement[Any]]],
    *,
    long_period: bool = False,
) -> Iterator[tuple[tuple[Any, ...], CaseCounts]]:
    """The cases registered in [``start``, ``end``) (stored-timestamp text), counted per group: ``groups`` makes
    the grouping columns from the fields (``station_id`` and those of ``_FIELDS``); (the group's values, its
    counts), one row per group.

    A short period is filtered by ``case_field("registered_at")``, the expression of ix_cases_registered_at; a
    ``long_period`` (a year: a large part of the table, read whole anyway) by the field already read for the
    counts, which on PostgreSQL spares a second look-up in every row's JSON."""
    f = _case_fields(session.get_bind().dialect.name)
    keys = groups({"station_id": CaseRow.__table__.c.station_id, **f.fields})
    registered = f.fields["registered_at"] if long_period else case_field("registered_at")
    query = (
        select(*keys, *_figures(f))
        .select_from(f.source)
        .where(registered >= start, registered < end)
        .where(stations_condition(session, CaseRow.__table__.c.station_id))  # a Core statement: scoped by hand
        .group_by(*keys)
        .order_by(*keys)  # rows in a stable order: names that sort equal stay in it
    )
    for row in session.execute(query):
        yield tuple(row[: len(keys)]), _counts(row[len(keys) :])


def by_clerk(fields: dict[str, ColumnElement[Any]]) -> list[ColumnElement[Any]]:
    """Group by station and the case's clerk ("" when the projection has none)."""
    return [fields["station_id"], func.coalesce(fields["clerk"], "")]


def by_month(months: Sequence[tuple[str, str]]) -> Callable[[dict[str, ColumnElement[Any]]], list[ColumnElement[Any]]]:
    """Group by the month (its label) a case's ``registered_at`` falls in, then station; ``months`` are (label,
    start stamp) in order, each month ending where the next starts, compared as text as the period filter is."""

    def keys(fields: dict[str, ColumnElement[Any]]) -> list[ColumnElement[Any]]:
        registered = fields["registered_at"]
        month = case(*[(registered >= start, label) for label, start in reversed(months)], else_=None)
        return [month, fields["station_id"]]

    return keys
