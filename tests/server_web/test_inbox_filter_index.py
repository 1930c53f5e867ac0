"""The inbox's 代办员 and 事项 filters, now served by the indexes of migration 0115, find exactly what reading
every case's JSON finds (the expressions they used before), on SQLite and PostgreSQL: names beyond the BMP,
look-alike dots, ASCII case, LIKE's own characters, texts of 1, 2 and 3+ characters, cases without the field."""

from __future__ import annotations

import random
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Session

from sync.server.core.models import CaseRow, StationRow
from sync.server.services.dashboard import InboxFilter
from tests.sync.live_server import center_sessions

CLERKS = ["陈晓燕", "王\U00020bb7堃", "阿卜杜·热合曼", "Anna Li", "anna", "张三%", "李_四", '赵"五', "钱/六", "", None]
ITEMS = [
    "城乡居民基本养老保险参保登记",
    "城乡医疗救助申请",
    "最低生活保障申请",
    "残疾人证办理",
    "\U00020bb7氏宗祠修缮备案",
    "老年人优待证（65周岁以上）",
    "50%费用减免",
    "A_B类许可",
    "Tax/退税",
    "",
    None,
]
MATTERS = [
    *"城保证\U00020bb7%_/（",
    "城乡",
    "保险",
    "\U00020bb7氏",
    "城乡居民",
    "医疗救助",
    "（65",
    "50%",
    "A_B",
    "a_b",
    "Tax/",
    "不存在的事项",
]


def _fill(session: Session) -> None:
    rng = random.Random(17)
    stations = [str(uuid.uuid4()) for _ in range(3)]
    for i, sid in enumerate(stations):
        session.add(StationRow(id=sid, code=f"Z{i:02d}", name=f"第{i + 1}村", enrolled_at="2026-11-01T00:00:00+00:00"))
    session.flush()
    for n in range(120):
        case_id = str(uuid.UUID(int=rng.getrandbits(128)))
        data: dict[str, object] = {"case_id": case_id, "state": "accepted"}
        clerk, item = rng.choice(CLERKS), rng.choice(ITEMS)
        if clerk is not None:
            data["clerk"] = clerk
        if item is not None:
            data["item_name"] = item
        updated = f"2026-11-{1 + n % 28:02d}T08:00:{n % 60:02d}"
        sid = stations[n % 3]
        session.add(
            CaseRow(case_id=case_id, station_id=sid, case_no=f"Z-{n}", state="accepted", data=data, updated_at=updated)
        )
    session.flush()


def _found(session: Session, flt: InboxFilter) -> set[str]:
    postgres = session.get_bind().dialect.name == "postgresql"
    return set(session.scalars(sa.select(CaseRow.case_id).where(*flt.conditions(postgres))))


def _scanned(session: Session, condition: sa.ColumnElement[bool]) -> set[str]:
    return set(session.scalars(sa.select(CaseRow.case_id).where(condition)))


def test_the_filters_find_what_reading_every_case_found(migrated_engine: sa.Engine) -> None:
    with center_sessions(migrated_engine)() as session, session.begin():
        _fill(session)
        clerk, item_name = CaseRow.data["clerk"].as_string(), CaseRow.data["item_name"].as_string()
        counts = {}
        for name in [c for c in CLERKS if c] + ["陈晓", "王\U00020bb7", "ANNA LI", "无此人"]:
            found = _found(session, InboxFilter(clerk=name))
            assert found == _scanned(session, clerk == name), name
            counts[name] = len(found)
        for text in MATTERS:
            found = _found(session, InboxFilter(matter=text))
            assert found == _scanned(session, item_name.contains(text, autoescape=True)), text
            counts[text] = len(found)
        both = _found(session, InboxFilter(clerk="陈晓燕", matter="城乡"))
        assert both == _scanned(session, sa.and_(clerk == "陈晓燕", item_name.contains("城乡")))
    # the texts do find cases (an empty result on both sides would prove nothing)
    assert counts["陈晓燕"] > 0 and counts["王\U00020bb7堃"] > 0 and counts["陈晓"] == 0 and counts["无此人"] == 0
    assert (
        counts["城"] >= counts["城乡"] > counts["城乡居民"] > 0 and counts["\U00020bb7"] == counts["\U00020bb7氏"] > 0
    )
    assert counts["50%"] > 0 and counts["%"] == counts["50%"] and counts["A_B"] > 0 and counts["Tax/"] > 0
    assert counts["不存在的事项"] == 0
