"""The 事项 filter and the name search compare the generated columns of 0119, and a search sorts its matches by
key: on SQLite and PostgreSQL a search's page and order are those of the same cases listed without a search, in
every view; on PostgreSQL neither the search's page nor the filter's count reads a case's JSON (``cases.data``,
kept compressed out of line at a real case's size), only the rows shown do."""

from __future__ import annotations

import random
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from sync.server.core.models import CaseRow, StationRow
from sync.server.services.case_search import SearchText
from sync.server.services.dashboard import InboxFilter, inbox
from sync.server.services.reference_docs import current_calendar
from tests.sync.live_server import center_sessions

TODAY = date(2026, 11, 23)
#: Every view of the inbox (work_queue.VIEWS) but the work queue, which a search never is unless asked.
VIEWS = ["", "queue", "open", "overdue", "due_soon", "archived", "conflicts"]
STATES = ["accepted", "delivered", "in_progress", "awaiting_materials", "completed", "archived"]


def _fill(session: Session) -> str:
    """60 cases of one station, deadlines around ``TODAY`` (some without, some equal), ties of ``updated_at``."""
    rng = random.Random(119)
    station = str(uuid.uuid4())
    session.add(StationRow(id=station, code="N01", name="名字村", enrolled_at="2026-11-01T00:00:00+00:00"))
    session.flush()
    for n in range(60):
        case_id = str(uuid.UUID(int=rng.getrandbits(128)))
        due = None if n % 7 == 0 else (TODAY + timedelta(days=rng.randrange(-5, 8))).isoformat()
        data = {
            "case_id": case_id,
            "applicant": {"name": rng.choice(["王秀英", "李秀兰", "王\U00020bb7堃"])},
            "item_name": rng.choice(["城乡居民基本养老保险参保登记", "残疾人证办理"]),
            "due_on": due,
            "case_type": "promised",
        }
        session.add(
            CaseRow(
                case_id=case_id,
                station_id=station,
                case_no=f"N01-20261123-{n:04d}",
                state=STATES[n % len(STATES)],
                data=data,
                updated_at=f"2026-11-{10 + n % 9:02d}T08:00:00",  # ties: the case id decides
                conflict="冲突" if n % 11 == 0 else "",
            )
        )
    session.flush()
    return station


@contextmanager
def _statements(session: Session) -> Iterator[list[str]]:
    """The SQL the session sends while the block runs."""
    sent: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        sent.append(statement)

    engine = session.get_bind()
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)


def _ids(session: Session, flt: InboxFilter) -> list[str]:
    return [item.case_id for item in inbox(session, flt, current_calendar(session), TODAY).items]


@pytest.mark.parametrize("view", VIEWS)
def test_a_search_lists_its_cases_in_the_order_of_the_view(migrated_engine: sa.Engine, view: str) -> None:
    """The station's code finds all its cases: the search's page must be the view's own page of them, in its
    order (by deadline, none last; or newest first), on every page."""
    with center_sessions(migrated_engine)() as session, session.begin():
        station = _fill(session)
        scope = view or "all"
        for page in (1, 2):
            listed = _ids(session, InboxFilter(station_id=station, view=scope, page=page))
            searched = _ids(session, InboxFilter(search=SearchText(text="N01"), view=view, page=page))
            assert searched == listed, (view, page)
        assert len(_ids(session, InboxFilter(station_id=station, view=scope))) > 1  # an order to compare


def _reads_json(statement: str) -> bool:
    return re.search(r"\bdata\b", statement) is not None


def test_a_search_and_the_matter_filter_read_no_case_json_but_the_rows_shown(migrated_engine: sa.Engine) -> None:
    if migrated_engine.dialect.name != "postgresql":
        pytest.skip("SQLite computes the columns from the JSON when read (0119), and searches case_names (0114)")
    with center_sessions(migrated_engine)() as session, session.begin():
        _fill(session)
        calendar = current_calendar(session)
        for flt in (
            InboxFilter(search=SearchText(text="秀英")),
            InboxFilter(search=SearchText(text="王\U00020bb7堃")),
            InboxFilter(matter="城乡居民"),
            InboxFilter(matter="残疾"),
            InboxFilter(matter="养老", search=SearchText(text="王")),
        ):
            with _statements(session) as sent:
                shown = inbox(session, flt, calendar, TODAY)
            assert 0 < shown.total < 60, flt
            finding = [s for s in sent if "count(" in s]
            assert finding and not any(_reads_json(s) for s in finding), (flt, finding)
            # then the rows shown, by their keys, with their JSON
            assert any(_reads_json(s) and "case_id IN" in s for s in sent), sent
