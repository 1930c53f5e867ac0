"""Town center staff pages over 100,000 cases (docs/performance.md, 镇中心页面).

The cases projection is filled directly in the database (20 stations × 5,000 cases over two
years, every state, deadlines around today, 0.5 % 差评), then the real app renders the pages
in-process (``fastapi.testclient``: routing, session check, queries, Jinja2) for a logged-in window clerk.
SQLite always; PostgreSQL too when ``TEST_POSTGRES_URL`` or the default test database answers.
"""

from __future__ import annotations

import random
import re
import tempfile
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from bench import best_ms, figure, postgres_schema

CASES = 100_000
DIMENSIONS = ("efficiency", "competence", "attitude")
STATIONS = 20
TARGET_MS = 300.0
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
ITEMS = [
    ("YL001", "城乡居民养老保险参保登记", "镇社保所", 5, "promised"),
    ("HJ003", "户籍证明开具", "派出所", 0, "immediate"),
    ("YB002", "城乡居民医保缴费登记", "镇医保站", 3, "promised"),
    ("CJ004", "残疾人两项补贴申请", "镇残联", 10, "promised"),
]
STATES = ["archived"] * 10 + [
    "accepted",
    "delivered",
    "in_progress",
    "awaiting_materials",
    "completed",
    "feedback_done",
]


def _fill(
    database_url: str,
    cases: int = CASES,
    stations_count: int = STATIONS,
    start: datetime | None = None,
    step: timedelta = timedelta(seconds=630),
) -> None:
    """``cases`` cases over ``stations_count`` stations (two clerks each), one every ``step`` from ``start``
    (two years before now by default); rated cases rate the three dimensions of the 反馈表 too."""
    from sync.server.core.db import make_engine, make_sessionmaker
    from sync.server.core.migrate import upgrade_head
    from sync.server.core.models import CaseRow, StationRow
    from sync.server.services.review_counts import review_columns
    from sync.server.services.review_months import recount_all

    engine = make_engine(database_url)
    upgrade_head(engine)
    rng = random.Random(2026)
    today = datetime.now(UTC).date()
    start = start or datetime.now(UTC) - timedelta(days=730)
    stations = [(str(uuid.uuid4()), f"C{i:02d}", f"第{i + 1}村代办站") for i in range(stations_count)]
    with engine.begin() as conn:
        conn.execute(
            insert(StationRow),
            [{"id": sid, "code": code, "name": name, "enrolled_at": start.isoformat()} for sid, code, name in stations],
        )
        rows: list[dict[str, Any]] = []
        for i in range(cases):
            sid, code, _name = stations[i % stations_count]
            at = start + i * step
            code_, name, dept, days, case_type = rng.choice(ITEMS)
            state = rng.choice(STATES)
            accepted = at.date()
            due = accepted + timedelta(days=days + 2)
            if state in ("accepted", "delivered", "in_progress"):  # open cases: deadlines around today
                due = today + timedelta(days=rng.randrange(-10, 15))
            done = state in ("completed", "feedback_done", "archived")
            rating = (
                (1 if rng.random() < 0.005 else rng.choice((3, 4, 5, 5, 5)))
                if state in ("feedback_done", "archived")
                else None
            )
            data = {
                "case_id": f"00000000-0000-4000-8000-{i:012d}",
                "case_no": f"{code}-{at:%Y%m%d}-{i % 9999:04d}",
                "station_id": sid,
                "kind": "agency",
                "case_type": case_type,
                "state": state,
                "applicant": {
                    "name": rng.choice(SURNAMES) + "秀英",
                    "id_number": "43052119800101123X",
                    "phone": "13800138000",
                    "address": "一组",
                    "special_groups": [],
                },
                "item_code": code_,
                "item_name": name,
                "department": dept,
                "promised_days": days,
                "materials": [{"name": "身份证", "original": True, "copies": 1, "required": True, "present": True}],
                "registered_at": at.isoformat(timespec="milliseconds"),
                "clerk": f"代办员{i % (2 * stations_count)}",
                "accepted_on": accepted.isoformat(),
                "due_on": due.isoformat(),
                "due_uncertain": False,
                "completed_on": (due - timedelta(days=rng.randrange(0, 3))).isoformat() if done else None,
                "result": "已办结" if done else "",
                "rating": rating,
                "last_reason": "",
                "suspended_from": None,
                "extended": False,
                "updated_at": at.isoformat(timespec="milliseconds"),
                "event_count": 6,
                "custody": [],
                "missing": [],
                "suspended_on": None,
                "rating_bad": bool(rating and rating <= 2),
                "rating_followed_up": False,
                "rating_dimensions": (
                    {k: max(1, rating - (i >> n) % 2) for n, k in enumerate(DIMENSIONS)} if rating else {}
                ),
                "attachment_count": 0,
            }
            rows.append(
                {
                    "case_id": data["case_id"],
                    "station_id": sid,
                    "case_no": data["case_no"],
                    "state": state,
                    "data": data,
                    "updated_at": data["updated_at"],
                    "conflict": "",
                    "center_since_station": False,
                    **review_columns(data),  # as the projection fills them (``store_view``)
                }
            )
            if len(rows) == 5000:
                conn.execute(insert(CaseRow), rows)
                rows = []
    with make_sessionmaker(engine)() as session, session.begin():
        recount_all(session)  # written past the ORM: the review's monthly counts, as the cases' writers keep them
    engine.dispose()


def _pages(database_url: str) -> Iterator[tuple[str, float]]:
    from fastapi.testclient import TestClient

    from sync.server.core.config import Settings
    from sync.server.core.db import make_engine, make_sessionmaker
    from sync.server.main import create_app
    from sync.server.services.staff import create_staff

    engine = make_engine(database_url)
    with make_sessionmaker(engine)() as session, session.begin():
        create_staff(session, "bench", "测试窗口", "window", "bench-password")
    engine.dispose()
    with TestClient(create_app(Settings(database_url=database_url))) as client:
        page = client.get("/center/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert token
        client.post("/center/login", data={"username": "bench", "password": "bench-password", "csrf_token": token[1]})
        month = datetime.now(UTC).strftime("%Y-%m")
        station = re.search(r'<option value="([0-9a-f-]{36})"', client.get("/center/").text)
        assert station
        for name, path in (
            ("center_inbox_page_ms", "/center/"),
            ("center_inbox_filtered_ms", f"/center/?station={station[1]}&state=in_progress&matter=养老"),
            ("center_deadline_board_ms", "/center/deadlines"),
            ("center_review_month_ms", f"/center/review?period={month}"),
        ):

            def fetch(path: str = path) -> None:
                reply = client.get(path)
                assert reply.status_code == 200, reply.text[-300:]

            yield name, best_ms(fetch, repeat=5)


def run() -> Iterator[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'center.db'}"
        _fill(url)
        for name, ms in _pages(url):
            yield figure(name, ms, "ms", TARGET_MS, database="sqlite", cases=CASES)
    with postgres_schema("bench_center") as pg_url:
        if pg_url is None:
            return
        _fill(pg_url)
        for name, ms in _pages(pg_url):
            yield figure(name, ms, "ms", TARGET_MS, database="postgresql", cases=CASES)
