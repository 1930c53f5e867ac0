"""The 考核 figures counted in the database equal those of the Python counting they replaced, case by case, on a
varied data set (every state, on time and late, 即办件 and 承诺件, ratings 1-5 with and without dimensions,
timestamps at Beijing's midnight, several stations and clerks), on SQLite and PostgreSQL.

The counts read the review's columns of ``cases`` (0116), the reference reads the projection's JSON: the data set
fills the columns as the projection does (``review_columns``), and cases then changed through the projection
(``store_view``: completed, rated, rated again, reopened) and deleted must keep the two equal."""

from __future__ import annotations

import random
import uuid
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, insert, select
from sqlalchemy.orm import Session

from forms.data import DIMENSION_LABELS, OVERALL
from sync.domain.clock import beijing_day, day_start_stamp
from sync.domain.projection import view_from_dict
from sync.server.core.db import make_sessionmaker
from sync.server.core.models import CaseRow, StationRow
from sync.server.services.case_json import case_field
from sync.server.services.case_projection import store_view
from sync.server.services.evaluation import Evaluation, Rates, evaluate, monthly_trend, natural_key, period_range
from sync.server.services.review_counts import recount_query, review_columns
from sync.server.services.review_months import MONTHS, month_bounds, month_of, recount_all
from sync.server.services.town_scope import scope_session

STATES = ["registered", "accepted", "in_progress", "completed", "feedback_done", "archived", "terminated"]


# ------------------------------------------------ the Python counting of the review before it moved into SQL


def _old_add(r: Rates, d: dict[str, Any]) -> None:
    r.cases += 1
    completed, accepted, due = d.get("completed_on"), d.get("accepted_on"), d.get("due_on")
    if completed and d.get("case_type") == "immediate":
        r.immediate_done += 1
        r.immediate_on_spot += int(completed <= (accepted or beijing_day(d["registered_at"]).isoformat()))
    if completed and d.get("case_type") == "promised" and due:
        r.promised_done += 1
        r.promised_on_time += int(completed <= due)
    rating = d.get("rating")
    if rating is not None:
        r.rated += 1
        r.satisfied += int(int(rating) >= 3)
        r.bad += int(int(rating) <= 2)
        tallies = [(OVERALL, int(rating))]
        rated = d.get("rating_dimensions")
        tallies += [(k, int(v)) for k, v in (rated.items() if isinstance(rated, dict) else ()) if k in DIMENSION_LABELS]
        for key, value in tallies:
            had = r.tallies.get(key, (0, 0, 0))
            r.tallies[key] = (had[0] + 1, had[1] + value, had[2] + int(value >= 3))


def _old_evaluate(session: Session, period: str, names: dict[str, str]) -> Evaluation:
    start, end, label = period_range(period)
    start, end = day_start_stamp(date.fromisoformat(start)), day_start_stamp(date.fromisoformat(end))
    registered = case_field("registered_at")
    rows = session.execute(select(CaseRow.station_id, CaseRow.data).where(registered >= start, registered < end))
    total, stations, clerks = Rates("", "全镇合计"), dict[str, Rates](), dict[str, Rates]()
    for station_id, data in rows:
        _old_add(total, data)
        name = names.get(station_id, station_id)
        _old_add(stations.setdefault(station_id, Rates(station_id, name)), data)
        clerk = str(data.get("clerk", ""))
        _old_add(clerks.setdefault(f"{station_id}/{clerk}", Rates(clerk, f"{clerk} · {name}")), data)
    by_name = lambda rates: sorted(rates.values(), key=lambda r: natural_key(r.label))  # noqa: E731
    return Evaluation(period, label, total, by_name(stations), by_name(clerks))


# ------------------------------------------------------------------------------------------------ the data


def _case(rng: random.Random, n: int, station_id: str, clerks: list[str]) -> dict[str, Any]:
    # registered around Beijing midnight (16:00 UTC) half the time, across 2026 and into 2027
    day = date(2026, 1, 1) + timedelta(days=rng.randrange(0, 400))
    at = datetime(day.year, day.month, day.day, rng.choice([15, 16, 2, 23]), rng.randrange(60), tzinfo=UTC)
    stamp = rng.choice(
        [
            at.isoformat(timespec="milliseconds"),  # how stations stamp: +00:00
            at.replace(tzinfo=None).isoformat(timespec="milliseconds"),  # older rows: naive UTC
            at.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        ]
    )
    accepted = rng.choice([None, "", (day + timedelta(days=rng.randrange(0, 2))).isoformat()])
    due = rng.choice([None, "", (day + timedelta(days=rng.randrange(0, 10))).isoformat()])
    state = rng.choice(STATES)
    done = state in ("completed", "feedback_done", "archived") or rng.random() < 0.1
    completed = (day + timedelta(days=rng.randrange(0, 12))).isoformat() if done else rng.choice([None, ""])
    rating = rng.choice([None, None, 1, 2, 3, 4, 5, 5])
    dims: dict[str, int] = {}
    if rng.random() < 0.6:  # a signed 反馈表 rates some or all of the dimensions; older cases rate none
        dims = {k: rng.randrange(1, 6) for k in DIMENSION_LABELS if rng.random() < 0.8}
    data: dict[str, Any] = {
        "case_id": f"case-{n:05d}",
        "case_no": f"C-{n:05d}",
        "station_id": station_id,
        "case_type": rng.choice(["immediate", "promised", "promised"]),
        "state": state,
        "registered_at": stamp,
        "clerk": rng.choice(clerks),
        "accepted_on": accepted,
        "due_on": due,
        "completed_on": completed,
        "rating": rating,
        "rating_dimensions": dims,
    }
    if rng.random() < 0.1:  # an older projection: keys missing altogether
        for key in ("accepted_on", "rating_dimensions", "due_on"):
            data.pop(key, None)
    return data


@pytest.fixture
def engine(migrated_engine: Engine) -> Engine:
    """The center database migrated to head, on each backend (``conftest.migrated_engine``)."""
    return migrated_engine


def _fill(engine: Engine) -> dict[str, str]:
    rng = random.Random(17)
    stations = {str(uuid.uuid4()): f"第{n}村代办站" for n in (1, 2, 10, 3)}
    clerks = {sid: [f"代办员{n}" for n in range(rng.randrange(1, 4))] for sid in stations}
    with engine.begin() as conn:
        conn.execute(
            insert(StationRow),
            [
                {"id": sid, "code": f"S{n}", "name": name, "enrolled_at": "2026-01-01T00:00:00.000+00:00"}
                for n, (sid, name) in enumerate(stations.items())
            ],
        )
        rows = []
        for n in range(1500):
            sid = rng.choice(list(stations))
            data = _case(rng, n, sid, clerks[sid])
            rows.append(
                {
                    "case_id": data["case_id"],
                    "station_id": sid,
                    "case_no": data["case_no"],
                    "state": data["state"],
                    "data": data,
                    "updated_at": "2027-01-01T00:00:00.000+00:00",
                    **review_columns(data),
                }
            )
        conn.execute(insert(CaseRow), rows)
    with make_sessionmaker(engine)() as session, session.begin():
        recount_all(session)  # written past the ORM, as a bulk load would be
    return stations


def _kept(engine: Engine) -> list[tuple[Any, ...]]:
    """The rows of ``review_months``, in key order."""
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(MONTHS).order_by(*MONTHS.primary_key.columns))]


def _figures(r: Rates) -> tuple[Any, ...]:
    return (
        r.key,
        r.label,
        r.cases,
        r.immediate_done,
        r.immediate_on_spot,
        r.promised_done,
        r.promised_on_time,
        r.rated,
        r.satisfied,
        r.bad,
        r.scores,
    )


@pytest.mark.parametrize("period", ["2026-03", "2026-Q2", "2026", "2027-01", "2025"])
def test_sql_counts_equal_the_python_counting(engine: Engine, period: str) -> None:
    names = _fill(engine)
    with Session(engine) as session:
        old, new = _old_evaluate(session, period, names), evaluate(session, period, names)
    assert _figures(new.total) == _figures(old.total)
    assert [_figures(r) for r in new.stations] == [_figures(r) for r in old.stations]
    assert [_figures(r) for r in new.clerks] == [_figures(r) for r in old.clerks]
    if period == "2026":  # the data set exercises every figure
        assert old.total.immediate_on_spot and old.total.promised_on_time < old.total.promised_done
        assert old.total.bad and set(old.total.scores) == {OVERALL, *DIMENSION_LABELS}


def test_the_trend_counts_each_month_as_the_review_counts_it(engine: Engine) -> None:
    names = _fill(engine)
    with Session(engine) as session:
        months = monthly_trend(session, date(2026, 12, 1), names)
        for m in months:
            old = _old_evaluate(session, m.month, names)
            assert _figures(m.total) == _figures(old.total)
            assert {k: _figures(r) for k, r in m.stations.items()} == {r.key: _figures(r) for r in old.stations}


def _whole(data: dict[str, Any]) -> dict[str, Any]:
    """A test row's projection with the keys a ``CaseView`` needs besides the review's."""
    applicant = {"name": "陈秀英", "id_number": "", "phone": "", "address": "一组", "special_groups": []}
    extra = {"kind": "agency", "applicant": applicant, "item_code": "X1", "item_name": "事项", "department": "部门"}
    state = "accepted" if data["state"] == "registered" else data["state"]  # the data set's one unknown state
    return {**extra, "promised_days": 5, "materials": [], **data, "state": state}


def test_cases_changed_through_the_projection_are_counted_as_their_json_says(engine: Engine) -> None:
    names = _fill(engine)
    rng = random.Random(5)
    with make_sessionmaker(engine)() as session, session.begin():  # the center's sessions: personal data sealed
        rows = session.scalars(select(CaseRow).order_by(CaseRow.case_id)).all()
        for n, row in enumerate(rows[::4]):
            view = view_from_dict(_whole(row.data))
            registered = beijing_day(view.registered_at)
            done = registered + timedelta(days=rng.randrange(0, 12))
            rating = rng.choice([1, 2, 3, 4, 5])
            dims = tuple((k, rng.randrange(1, 6)) for k in DIMENSION_LABELS if rng.random() < 0.7)
            store_view(row, replace(view, completed_on=done, rating=rating, rating_dimensions=dims))
            session.flush()
            if n % 3 == 0:  # rated again, with other dimensions, and its deadline moved
                changed = replace(view, completed_on=done, rating=6 - rating, rating_dimensions=dims[::-1][:1])
                store_view(row, replace(changed, due_on=registered + timedelta(days=3), clerk="代办员9"))
            elif n % 3 == 1:  # reopened: neither done nor rated any more, and of the other kind
                other = {"immediate": "promised", "promised": "immediate"}[view.case_type.value]
                store_view(row, replace(view, case_type=type(view.case_type)(other), completed_on=None, rating=None))
        for row in rows[1::40]:
            session.delete(row)
    with Session(engine) as session:
        stored = session.scalars(select(CaseRow)).all()
        assert all({k: getattr(r, k) for k in review_columns(r.data)} == review_columns(r.data) for r in stored)
        assert any(r.clerk == "代办员9" for r in stored)
        for period in ("2026", "2026-06", "2027-01"):
            old, new = _old_evaluate(session, period, names), evaluate(session, period, names)
            assert _figures(new.total) == _figures(old.total)
            assert [_figures(r) for r in new.clerks] == [_figures(r) for r in old.clerks]
        months = monthly_trend(session, date(2026, 12, 1), names)
        old_months = [_old_evaluate(session, m.month, names).total for m in months]
        assert [_figures(m.total) for m in months] == [_figures(t) for t in old_months]
    kept = _kept(engine)
    with make_sessionmaker(engine)() as session, session.begin():
        recount_all(session)
    assert _kept(engine) == kept  # what the writes kept is what counting everything again gives


@pytest.mark.parametrize("town", [None, 1])
def test_a_months_recount_reads_the_review_index_alone(engine: Engine, town: int | None) -> None:
    """Recounting a station's month reads ``ix_cases_review`` (PostgreSQL: an index-only scan, without the
    table), whatever the writer's town scope. SQLite's planner takes no index holding a virtual column for
    covering (``due_on`` is one since 0120): it walks the month's range of the index and reads those rows."""
    start, end = month_bounds("2026-06")
    with make_sessionmaker(engine)() as session:
        scope_session(session, town)
        query = recount_query(start, end, ["s1", "s2"], "2026-06")
        sql = str(query.compile(engine, compile_kwargs={"literal_binds": True}))
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            plan = " ".join(str(row) for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql))
            assert "USING INDEX ix_cases_review (registered_at>? AND registered_at<?)" in plan, plan
        else:
            conn.exec_driver_sql("SET enable_seqscan = off")
            plan = " ".join(str(row) for row in conn.exec_driver_sql("EXPLAIN " + sql))
            assert "Index Only Scan using ix_cases_review" in plan, plan


@pytest.mark.parametrize(
    "stamp",
    [
        "2026-06-30T15:59:59.999+00:00",
        "2026-06-30T16:00:00.000+00:00",
        "2026-06-30T16:00:00.000Z",
        "2026-06-30T16:00:00",
        "2026-07-01T00:00:00.000+08:00",
        "2025-12-31T16:00:00.000+00:00",
        "2026-1-5",
        "2026",
        "0999-01-01",
        "garbage",
        "",
    ],
)
def test_a_cases_month_is_the_one_whose_bounds_hold_it_as_text(stamp: str) -> None:
    """``month_of`` agrees with the text comparison every period makes (``period_range``'s bounds), odd text
    included: a case is in a month exactly when that month's period would count it."""
    holding = [
        f"{y:04d}-{m:02d}"
        for y in (999, 1000, 2025, 2026, 2027)
        for m in range(1, 13)
        if y >= 1000 and month_bounds(f"{y:04d}-{m:02d}")[0] <= stamp < month_bounds(f"{y:04d}-{m:02d}")[1]
    ]
    assert [month_of(stamp)] == (holding or [None]), holding


def test_the_kept_counts_follow_every_write_and_equal_a_recount(engine: Engine) -> None:
    """Changes through the ORM (store_view, a deletion, a case moved to another station's clerk) and a rollback:
    the kept rows always equal counting everything again, and a reader sees its own transaction's writes."""
    names = _fill(engine)
    fresh = _kept(engine)
    assert len(fresh) > 40
    maker = make_sessionmaker(engine)
    with maker() as session, session.begin():
        before = evaluate(session, "2026-05", names)
    with maker() as session, session.begin():
        rows = session.scalars(select(CaseRow).where(CaseRow.rating.is_(None)).order_by(CaseRow.case_id)).all()
        row = next(r for r in rows if r.registered_at and r.registered_at.startswith("2026-05-1"))
        view = view_from_dict(_whole(row.data))
        store_view(row, replace(view, completed_on=beijing_day(view.registered_at), rating=1))
        seen = evaluate(session, "2026-05", names)  # before the commit: the transaction's own write counted
        assert (seen.total.bad, seen.total.rated) == (before.total.bad + 1, before.total.rated + 1)
    with maker() as session, pytest.raises(RuntimeError), session.begin():
        doomed = session.scalars(select(CaseRow).order_by(CaseRow.case_id)).first()
        assert doomed is not None
        session.delete(doomed)
        raise RuntimeError("rolled back")
    with maker() as session, session.begin():  # a deletion on its own
        gone = session.scalars(select(CaseRow).where(CaseRow.registered_at.is_not(None)).order_by(CaseRow.case_no))
        session.delete(gone.first())
    kept = _kept(engine)
    assert kept != fresh  # the rating and the deletion were kept
    with maker() as session, session.begin():
        recount_all(session)
    assert _kept(engine) == kept  # and equal counting everything again; the rolled-back deletion left no trace


def test_the_trend_counts_each_month_as_the_review_counts_it_for_a_town(engine: Engine) -> None:
    names = _fill(engine)
    with make_sessionmaker(engine)() as session:
        with session.begin():
            station = session.scalars(select(StationRow).order_by(StationRow.code)).first()
            assert station is not None
            station.town_id = 2
        scope_session(session, 2)
        with session.begin():
            months = monthly_trend(session, date(2026, 12, 1), names)
            review = evaluate(session, "2026", names)
    assert {k for m in months for k in m.stations} == {station.id} == {r.key for r in review.stations}
