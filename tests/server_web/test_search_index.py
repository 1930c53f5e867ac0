"""The search's indexes find exactly what reading every case finds (``case_search.scan_condition``), on SQLite
(FTS5 trigram over ``case_names``, migration 0114, kept in step by triggers) and PostgreSQL (0109): texts of
1, 2 and 3+ characters, characters beyond the BMP (王𠮷堃), look-alike dots, ASCII case, LIKE's own
characters; after a case's name changes and after it is deleted. The index holds no 身份证 number or phone."""

from __future__ import annotations

import random
import uuid
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from sync.server.core.db import make_engine
from sync.server.core.migrate import upgrade_head
from sync.server.core.models import CaseRow, StationRow
from sync.server.services.case_search import SearchText, read_query, scan_condition, search_condition
from tests.sync.live_server import center_sessions, sqlite_url

RARE = "王\U00020bb7堃"
NAMES = [
    RARE,
    "\U00020bb7明",
    "王秀英",
    "李秀兰",
    "王建国",
    "阿卜杜·热合曼",
    "Anna Li",
    "anna",
    "张三%",
    "李_四",
    '赵"五',
    "钱/六",
    "孙琦\U0002a6a5",
    "欧阳秀英",
]
QUERIES = [
    *"王李秀英·",
    "\U00020bb7",
    "王\U00020bb7",
    "\U00020bb7堃",
    RARE,
    "秀英",
    "王秀英",
    "欧阳秀",
    "阿卜杜·热",
    "阿卜杜・热",  # a look-alike dot: the name rules make it "·"
    "an",
    "ANN",
    "na Li",
    "%",
    "_",
    '"',
    '赵"五',
    "/",
    "钱/",
    "张三%",
    "Z01",
    "z01-2026",
    "-0003",
    "20261123",
    "第2村",
    "代办站",
    "无此人",
    "琦\U0002a6a5",
]
PHONE, ID_NUMBER = "13912345678", "430521198001010012"


def _fill(session: Session) -> list[str]:
    rng = random.Random(16)
    stations = [(str(uuid.uuid4()), f"Z{i:02d}", f"第{i + 1}村代办站") for i in range(3)]
    for sid, code, name in stations:
        session.add(StationRow(id=sid, code=code, name=name, enrolled_at="2026-11-01T00:00:00+00:00"))
    session.flush()
    ids = []
    for n in range(60):
        sid, code, _name = stations[n % 3]
        case_id = str(uuid.UUID(int=rng.getrandbits(128)))
        case_no = f"{code}-2026112{n % 4}-{n:04d}"
        if n % 5 == 0:
            case_no = case_no.lower()  # the search upper-cases
        name = NAMES[n % len(NAMES)]
        data = {
            "case_id": case_id,
            "case_no": case_no,
            "applicant": {"name": name, "id_number": ID_NUMBER, "phone": PHONE},
            "state": "accepted",
        }
        session.add(
            CaseRow(case_id=case_id, station_id=sid, case_no=case_no, state="accepted", data=data, updated_at="u")
        )
        ids.append(case_id)
    session.flush()
    return ids


def _found(session: Session, condition: sa.ColumnElement[bool]) -> set[str]:
    return set(session.scalars(sa.select(CaseRow.case_id).where(condition)))


def _compare(session: Session) -> dict[str, int]:
    counts = {}
    for raw in QUERIES:
        query = read_query(raw)
        assert query is not None and query.text, raw
        indexed, scanned = (
            _found(session, search_condition(session, query)),
            _found(session, scan_condition(session, query)),
        )
        assert indexed == scanned, (raw, len(indexed), len(scanned))
        counts[raw] = len(indexed)
    return counts


def test_the_index_finds_what_a_scan_finds(migrated_engine: sa.Engine) -> None:
    with center_sessions(migrated_engine)() as session, session.begin():
        _fill(session)
        counts = _compare(session)
    # the texts do find cases (an empty result on both sides would prove nothing)
    assert counts[RARE] == counts["\U00020bb7堃"] > 0 and counts["\U00020bb7"] > counts[RARE]
    assert counts["王"] > counts["王秀英"] > 0 and counts["秀英"] > counts["王秀英"]
    assert counts["阿卜杜・热"] == counts["阿卜杜·热"] > 0
    assert counts["an"] > 0 and counts["na Li"] > 0  # (ASCII case: SQLite's LIKE ignores it, PostgreSQL's not)
    assert counts["%"] > 0 and counts["_"] > 0 and counts['"'] > 0 and counts["/"] > 0 and counts["钱/"] > 0
    assert counts["z01-2026"] == 20 and counts["第2村"] == 20 and counts["代办站"] == 60 and counts["无此人"] == 0
    assert counts["琦\U0002a6a5"] > 0


def test_the_index_follows_a_renamed_and_a_deleted_case(migrated_engine: sa.Engine) -> None:
    with center_sessions(migrated_engine)() as session, session.begin():
        ids = _fill(session)
        renamed = session.get(CaseRow, ids[0])
        assert renamed is not None and renamed.data["applicant"]["name"] == RARE
        renamed.data = {**renamed.data, "applicant": {**renamed.data["applicant"], "name": "周新名字"}}
        renamed.case_no = "Z00-20991231-9999"
        session.delete(session.get(CaseRow, ids[1]))
        session.flush()
        counts = _compare(session)
        assert _found(session, search_condition(session, SearchText(text="周新名字"))) == {ids[0]}
        assert _found(session, search_condition(session, SearchText(text="20991231"))) == {ids[0]}
        assert ids[0] not in _found(session, search_condition(session, SearchText(text=RARE)))
        assert ids[1] not in _found(session, search_condition(session, SearchText(text="\U00020bb7明")))
        assert counts[RARE] > 0


def test_the_sqlite_index_holds_names_and_case_numbers_only(tmp_path: Path) -> None:
    engine = make_engine(sqlite_url(tmp_path))
    upgrade_head(engine)
    try:
        with center_sessions(engine)() as session, session.begin():
            _fill(session)
            statement = sa.select(CaseRow.case_id).where(search_condition(session, SearchText(text="王秀英")))
            compiled = statement.compile(session.get_bind())
            params = tuple(compiled.params[name] for name in compiled.positiontup or ())
            rows = session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}", params).all()
            plan = " | ".join(str(row[-1]) for row in rows)
            assert "case_search VIRTUAL TABLE INDEX" in plan, plan
            held = session.execute(sa.text("SELECT case_no, name FROM case_names")).all()
            assert len(held) == 60 and {n for _c, n in held} == set(NAMES)
        engine.dispose()
        content = b"".join(f.read_bytes() for f in tmp_path.glob("town_center.db*"))  # with its WAL, if any
        assert "王秀英".encode() in content and b"Z01-20261121-0001" in content  # the file is what was indexed
        for number in (PHONE, ID_NUMBER):  # sealed at rest: neither in the JSON nor the index, anywhere in the file
            assert number.encode() not in content
    finally:
        engine.dispose()
