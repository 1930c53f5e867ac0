"""The town center at the edges of a Beijing day, month, quarter and year, with the server process's own
time zone set to UTC, to Beijing and to California: 考核 periods count the cases a station registered on
those Beijing days, and the center's "today" is Beijing's."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from sync.domain.clock import CHINA, FixedClock
from sync.protocol.models import EnrollRequest
from sync.server.core.db import make_engine, make_sessionmaker
from sync.server.core.migrate import upgrade_head
from sync.server.services.enrollment import enroll, issue_code
from sync.server.services.evaluation import evaluate
from sync.server.services.ingest import ingest
from sync.server.web.deps import today

from .factories import Chain, registered_payload
from .live_server import sqlite_url

pytestmark = pytest.mark.usefixtures("process_tz")

#: (last day of a period, first day of the next, the periods they close and open).
EDGES = [
    (date(2026, 11, 30), date(2026, 12, 1), "2026-11", "2026-12"),
    (date(2026, 9, 30), date(2026, 10, 1), "2026-Q3", "2026-Q4"),
    (date(2026, 12, 31), date(2027, 1, 1), "2026", "2027"),
]


@pytest.fixture
def center(tmp_path: Path) -> Iterator[tuple[Session, FixedClock]]:
    engine = make_engine(sqlite_url(tmp_path))
    upgrade_head(engine)
    clock = FixedClock.beijing(2026, 11, 23, 10, tick=False)
    with make_sessionmaker(engine, clock)() as session:
        yield session, clock
    engine.dispose()


def _station(session: Session) -> str:
    with session.begin():
        code = issue_code(session, "CS01", "城南村代办站")
    with session.begin():
        return enroll(session, EnrollRequest(code=code, station_code="CS01")).station_id


@pytest.mark.parametrize(("last", "first", "closing", "opening"), EDGES)
def test_review_periods_count_the_beijing_day_a_case_was_registered(
    center: tuple[Session, FixedClock], last: date, first: date, closing: str, opening: str
) -> None:
    session, _clock = center
    station_id = _station(session)
    chain = Chain(station_id, clock=FixedClock(datetime(last.year, last.month, last.day, 23, 59, 50, tzinfo=CHINA)))
    late = chain.add("case.registered", registered_payload(case_no=f"CS01-{last:%Y%m%d}-0001"))
    chain.clock.set(datetime(first.year, first.month, first.day, 0, 0, 10, tzinfo=CHINA))
    early = chain.add("case.registered", registered_payload(case_no=f"CS01-{first:%Y%m%d}-0001"))
    assert early.occurred_at[:10] == last.isoformat()  # in UTC both are still on the closing day
    with session.begin():
        ingest(session, station_id, str(uuid.uuid4()), chain.events)
    with session.begin():
        assert evaluate(session, closing, {}).total.cases == 1
        assert evaluate(session, opening, {}).total.cases == 1
        assert evaluate(session, f"{last:%Y-%m}", {}).total.cases == 1
        assert evaluate(session, f"{first:%Y-%m}", {}).total.cases == 1
    assert late.payload["case_id"] != early.payload["case_id"]


def test_the_centers_today_is_beijings(center: tuple[Session, FixedClock]) -> None:
    session, clock = center
    clock.set(datetime(2026, 11, 30, 23, 59, 50, tzinfo=CHINA))
    assert today(session) == date(2026, 11, 30)
    clock.set(datetime(2026, 12, 1, 0, 0, 10, tzinfo=CHINA))
    assert today(session) == date(2026, 12, 1)
