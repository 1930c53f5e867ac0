"""The 考核 counts in the database: the figures of a month's cases, grouped per clerk of a station, the same on
SQLite and PostgreSQL; ``review_months`` keeps them (0118) and a period's review sums its months.

The review, its Excel and its PDF used to load every case of the period into Python (15.6 s and 3.8 GB for a
county-year); then each figure became a SUM over ``case_field`` expressions, which still read every case's JSON
(554 ms for a county-year's review). Now (0116) the fields the counts read are columns of ``cases`` of their own,
copied from the projection by ``store_view`` (``review_columns``), and ``ix_cases_review`` holds the period's
range and all of them: only narrow index entries are read. Even so a county-year's review read 190,000 entries
(~100 ms); now each station's month is counted when its cases are written (``review_months``), and a year reads
at most 12 rows per clerk.

The figures, as ``evaluation`` states them: a case counts in the period its ``registered_at`` falls in;
即办件 done = ``case_type`` immediate with a ``completed_on``, on the spot = completed on or before the day it was
accepted (``accepted_on``; without one, the Beijing day it was registered); 承诺件 done = ``case_type`` promised
with a ``completed_on`` and a ``due_on``, on time = completed on or before it; rated = a ``rating``, satisfied =
rating ≥ 3, 差评 = rating ≤ 2; each rated dimension (``rating_dimensions``, counted only beside a rating) tallies
how many rated it, the sum and how many were satisfied. Dates are ISO text and compare as text, as they always
did in Python.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, String, and_, func, literal, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from forms.data import DIMENSION_LABELS, OVERALL
from sync.domain.ratings import ReviewCounts

from ..core.models import CaseRow

#: The counts, in the order of ``CaseCounts``'s integer fields (``sync.domain.ratings.ReviewCounts``).
COUNTS = tuple(f.name for f in fields(ReviewCounts))


@dataclass(kw_only=True)
class CaseCounts(ReviewCounts):
    """One group's figures; ``tallies``: ``OVERALL`` and each rated dimension → (rated, sum, satisfied)."""

    tallies: dict[str, tuple[int, int, int]] = field(default_factory=dict)


C = TypeVar("C", bound=CaseCounts)


class beijing_date(FunctionElement[str]):
    """The Beijing civil date (``YYYY-MM-DD``) of a stored ISO-8601 timestamp, as ``clock.beijing_day`` reads it:
    with an offset it is converted, without one it is taken as UTC."""

    inherit_cache = True
    name = "beijing_date"
    type = String()


@compiles(beijing_date, "sqlite")
def _sqlite_day(element: beijing_date, compiler: Any, **kw: Any) -> str:
    return f"date({compiler.process(element.clauses, **kw)}, '+8 hours')"


#: The ISO-8601 text PostgreSQL converts (the forms the stations store, naive or with an offset); other text, which
#: a station's event cannot carry anyway, gives NULL, as SQLite's ``date()`` does, never an error (a recount runs
#: inside a push: ``review_months``).
_ISO_DAY = "^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?)?"
_OFFSET = "(Z|[+-][0-9][0-9](:?[0-9][0-9])?)$"


@compiles(beijing_date)
def _postgres_day(element: beijing_date, compiler: Any, **kw: Any) -> str:
    stamp = compiler.process(element.clauses, **kw)
    aware = f"CASE WHEN {stamp} ~ '{_ISO_DAY}{_OFFSET}' THEN ({stamp})::timestamptz"
    naive = f"WHEN {stamp} ~ '{_ISO_DAY}$' THEN ({stamp})::timestamp AT TIME ZONE 'UTC' END"
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
#: Those the database generates from the JSON itself (0120): read, never written.
GENERATED = frozenset({"due_on"})
#: Each rated dimension's column.
DIMENSION_COLUMNS = {key: f"rating_{key}" for key in DIMENSION_LABELS}


def review_columns(data: Mapping[str, Any]) -> dict[str, Any]:
    """The review's columns of a case that the projection writes (``store_view``), as its JSON holds them; a rated
    dimension only beside a rating (as the counts take it). ``due_on`` is not among them: the database generates
    it from the JSON (0120)."""
    out = {key: data.get(key) for key in _FIELDS if key not in GENERATED}
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


def counts_of(values: Sequence[Any], make: Callable[..., C]) -> C:
    """A group's counts from its figures in the order of ``_figures`` (``FIGURE_COLUMNS``; a NULL sum is 0), made
    by ``make`` (``CaseCounts``, or a subclass with its own leading fields bound)."""
    numbers = [int(v or 0) for v in values]
    ints, rated_sum, dims = numbers[: len(COUNTS)], numbers[len(COUNTS)], numbers[len(COUNTS) + 1 :]
    tallies: dict[str, tuple[int, int, int]] = {}
    if ints[5]:
        tallies[OVERALL] = (ints[5], rated_sum, ints[6])
    for n, key in enumerate(DIMENSION_LABELS):
        tally = dims[3 * n], dims[3 * n + 1], dims[3 * n + 2]
        if tally[0]:
            tallies[key] = tally
    return make(**dict(zip(COUNTS, ints, strict=True)), tallies=tallies)


#: The columns of ``review_months`` that keep the figures, in the order of ``_figures`` (and ``counts_of``).
FIGURE_COLUMNS = (
    *COUNTS,
    "rating_sum",
    *(f"{key}_{part}" for key in DIMENSION_LABELS for part in ("rated", "sum", "satisfied")),
)


def recount_query(start: str, end: str, station_ids: Sequence[str], month: str) -> Select[Any]:
    """The rows of ``review_months`` for ``month`` of ``station_ids``: the cases registered in [``start``,
    ``end``) (stored-timestamp text, compared as text), one row per clerk of a station: (month, station, clerk
    ("" when the projection has none), then ``FIGURE_COLUMNS``). Not scoped to a town: the stations say whose.
    Reads ``ix_cases_review`` alone (its range is the month's)."""
    f = _case_fields()
    station = CaseRow.__table__.c.station_id
    clerk = func.coalesce(f.fields["clerk"], "")
    registered = f.fields["registered_at"]
    return (
        select(literal(month, String).label("month"), station, clerk, *(func.coalesce(c, 0) for c in _figures(f)))
        .select_from(CaseRow.__table__)
        .where(registered >= start, registered < end, not_indexed(station).in_(station_ids))
        .group_by(station, clerk)
    )
