"""The town center's search box, work queue and inbox filters over 20,000 cases (docs/performance.md,
镇中心搜索与待办).

The cases projection is filled directly in the database (20 stations × 1,000 cases over a year, every
state, open deadlines around today, varied names with one in 400 beyond the BMP, a valid 身份证 number and
a phone number per villager, stored as the center stores them since 0108: masked, sealed, with blind
indexes; then ``ANALYZE``, and on PostgreSQL ``VACUUM`` as autovacuum would), then the real app serves each
search, the work queue and the inbox's 代办员 and 事项 filters in-process (``fastapi.testclient``) to a
logged-in window clerk, best of 5 after a first request. SQLite always (``BENCH_CENTER_SEARCH_SQLITE=0`` leaves
it out); PostgreSQL too when ``TEST_POSTGRES_URL`` or the default test database answers.
``BENCH_CENTER_SEARCH_CASES`` sets another size (e.g. 190000, a county-year).

``BENCH_BASELINE`` set to another checkout (``git archive <commit> | tar -x -C /tmp/before``): on PostgreSQL,
that checkout's code fills a schema of its own with the same cases (its migrations, its way of storing them)
and serves it, this code serves its own; the two are measured in turn, ``BENCH_ROUNDS`` times (2), each round
in a fresh process per tree (this file run as a script with ``PYTHONPATH`` set to the tree), so that both meet
the same load on a machine whose speed drifts. Each figure is the median of the rounds (``runs``: each round's).
"""

from __future__ import annotations

import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from bench import best_ms, figure, postgres_schema
from bench.bench_center import ITEMS

ROOT = Path(__file__).resolve().parent.parent
CASES = int(os.environ.get("BENCH_CENTER_SEARCH_CASES", "20000"))
STATIONS = 20
TARGET_MS = 300.0
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = ["秀英", "建国", "桂兰", "志强", "玉兰", "海燕", "德华", "春梅", "国庆", "丽华", "明", "军", "芳", "伟"]
RARE = "𠮷"  # U+20BB7
STATES = ["archived"] * 8 + ["accepted", "delivered", "in_progress", "awaiting_materials", "completed", "feedback_done"]


def _id_number(rng: random.Random) -> str:
    from sync.domain.validation import id_check_char

    first = f"430521{rng.randrange(1940, 2005)}{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}"
    first += f"{rng.randrange(1000):03d}"
    return first + id_check_char(first)


#: What a villager hands over for a matter, as the real path's cases list it (a county-year's case JSON averages
#: 3.8 KB, which PostgreSQL keeps compressed out of line: measuring with 1 KB cases hid what reading it costs).
PAPERS = [
    ("居民身份证", True, 1),
    ("户口簿", True, 1),
    ("户口簿首页及本人页复印件", False, 2),
    ("申请表（村委会盖章）", True, 1),
    ("一寸免冠照片", True, 2),
    ("银行卡（折）复印件", False, 1),
    ("村（居）委会证明", True, 1),
]


def _paperwork(rng: random.Random, case_id: str, at: datetime) -> dict[str, Any]:
    """The materials, who holds them, the window's handover and its receipt, as the projection stores them."""
    papers = rng.sample(PAPERS, rng.randrange(4, len(PAPERS) + 1))
    materials = [
        {"name": n, "original": o, "copies": c, "required": True, "present": True, "note": "", "pages": 1}
        for n, o, c in papers
    ]
    listed = [{"name": n, "original": o, "copies": c} for n, o, c in papers]
    handed = (at + timedelta(days=1)).isoformat(timespec="milliseconds")
    handover_id = str(uuid.UUID(int=rng.getrandbits(128)))
    received = [i | {"received_copies": i["copies"], "received_original": i["original"]} for i in listed]
    return {
        "materials": materials,
        "custody": [[n, "window" if o else "clerk"] for n, o, _c in papers],
        "window_handovers": [{"event_id": handover_id, "at": handed, "items": listed}],
        "window_receipts": [
            {
                "event_id": str(uuid.uuid5(uuid.NAMESPACE_URL, case_id)),
                "handover_id": handover_id,
                "received_by": "窗口受理员",
                "at": handed,
                "items": received,
                "note": "",
            }
        ],
        "entrustment_sha256": f"{rng.getrandbits(256):064x}",
        "intake_covered": True,
    }


def _fill(database_url: str) -> dict[str, str]:
    """Fill the database; returns what the benchmark searches for (a case number, an ID, a phone...)."""
    from sync.crypto import sealed_case
    from sync.server.core.data_key import engine_data_key
    from sync.server.core.db import make_engine
    from sync.server.core.migrate import upgrade_head
    from sync.server.core.models import CaseRow, StationRow

    engine = make_engine(database_url)
    upgrade_head(engine)
    key, _path = engine_data_key(engine)  # stored as the center stores them: masked JSON, sealed, blind indexes
    arrived = hasattr(CaseRow, "arrived_at")  # (0109 and later)
    rng = random.Random(2026)
    today = datetime.now(UTC).date()
    start = datetime.now(UTC) - timedelta(days=365)
    stations = [(str(uuid.uuid4()), f"Z{i:02d}", f"第{i + 1}村代办站") for i in range(STATIONS)]
    probe: dict[str, str] = {}
    with engine.begin() as conn:
        conn.execute(
            insert(StationRow),
            [{"id": sid, "code": code, "name": name, "enrolled_at": start.isoformat()} for sid, code, name in stations],
        )
        rows: list[dict[str, Any]] = []
        for i in range(CASES):
            sid, code, _name = stations[i % STATIONS]
            at = start + timedelta(seconds=i * (365 * 86400 // CASES))
            item_code, item_name, dept, days, case_type = rng.choice(ITEMS)
            state = rng.choice(STATES)
            due = at.date() + timedelta(days=days + 2)
            if state in ("accepted", "delivered", "in_progress"):
                due = today + timedelta(days=rng.randrange(-10, 15))
            name = rng.choice(SURNAMES) + (RARE if i % 400 == 7 else "") + rng.choice(GIVEN)
            id_number, phone = _id_number(rng), f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"
            case_no = f"{code}-{at:%Y%m%d}-{i % 9999:04d}"
            if i == CASES // 2:
                probe = {"case_no": case_no, "id_number": id_number, "phone": phone, "station": stations[7][2]}
            case_id = f"00000000-0000-4000-8000-{i:012d}"
            data = {
                "case_id": case_id,
                "case_no": case_no,
                "station_id": sid,
                "kind": "agency",
                "case_type": case_type,
                "state": state,
                "applicant": {
                    "name": name,
                    "id_number": id_number,
                    "phone": phone,
                    "address": "一组",
                    "special_groups": [],
                },
                "item_code": item_code,
                "item_name": item_name,
                "department": dept,
                "promised_days": days,
                **_paperwork(rng, case_id, at),
                "registered_at": at.isoformat(timespec="milliseconds"),
                "clerk": f"代办员{i % STATIONS}",
                "accepted_on": at.date().isoformat(),
                "due_on": due.isoformat(),
                "due_uncertain": False,
                "completed_on": None,
                "result": "",
                "rating": None,
                "last_reason": "",
                "suspended_from": None,
                "extended": False,
                "updated_at": at.isoformat(timespec="milliseconds"),
                "event_count": 4,
                "missing": [],
                "suspended_on": None,
                "rating_bad": False,
                "rating_followed_up": False,
                "attachment_count": 0,
            }
            row = {
                "case_id": case_id,
                "station_id": sid,
                "case_no": case_no,
                "state": state,
                **sealed_case(key, case_id, data),
                "updated_at": data["updated_at"],
                "conflict": "",
                "center_since_station": False,
                "receipt_status": "pending" if state == "in_progress" and i % 7 == 0 else "",
            }
            if arrived:
                row["arrived_at"] = data["registered_at"]
            rows.append(row)
            if len(rows) == 5000:
                conn.execute(insert(CaseRow), rows)
                rows = []
        if rows:
            conn.execute(insert(CaseRow), rows)
    # PostgreSQL: vacuumed too, as a running center's table is (autovacuum), so that counts of a plain column
    # are index-only scans, not visits of the freshly loaded rows
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE")
    engine.dispose()
    return probe


def _staff(database_url: str) -> None:
    from sync.server.core.db import make_engine, make_sessionmaker
    from sync.server.services.staff import create_staff

    engine = make_engine(database_url)
    with make_sessionmaker(engine)() as session, session.begin():
        create_staff(session, "bench", "测试窗口", "window", "bench-password")
    engine.dispose()


def _timings(database_url: str, probe: dict[str, str]) -> Iterator[tuple[str, float, str]]:
    from fastapi.testclient import TestClient

    from sync.server.core.config import Settings
    from sync.server.main import create_app

    with TestClient(create_app(Settings(database_url=database_url))) as client:
        page = client.get("/center/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert token
        client.post("/center/login", data={"username": "bench", "password": "bench-password", "csrf_token": token[1]})
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/center/").text)
        assert csrf
        searches = {
            "center_search_case_no_part_ms": probe["case_no"][4:],
            "center_search_name_part_ms": "秀英",
            "center_search_rare_name_ms": RARE,
            "center_search_full_id_number_ms": probe["id_number"],
            "center_search_full_phone_ms": probe["phone"],
            "center_search_station_ms": probe["station"],
        }
        for name, text in searches.items():

            def search(text: str = text) -> str:
                reply = client.post("/center/search", data={"q": text, "csrf_token": csrf[1]})
                assert reply.status_code == 200, reply.text[-300:]
                html: str = reply.text  # starlette's TestClient answers untyped
                return html

            total = re.search(r"共(\d+)件", search())
            yield name, best_ms(search, repeat=5), f"{total[1] if total else '?'} found"
        pages = {
            "center_work_queue_ms": "/center/",
            "center_inbox_counts_ms": "/center/inbox/counts",
            "center_filter_clerk_ms": "/center/?clerk=代办员7",  # one clerk of 20: 1 case in 20
            "center_filter_matter_ms": "/center/?matter=城乡居民",  # a part of 2 of the 4 items' names
            "center_filter_matter_2_chars_ms": "/center/?matter=残疾",  # 2 characters: 1 item of 4
        }
        for name, path in pages.items():

            def fetch(path: str = path) -> str:
                reply = client.get(path)
                assert reply.status_code == 200, reply.text[-300:]
                html: str = reply.text  # starlette's TestClient answers untyped
                return html

            total = re.search(r"共(\d+)件", fetch())
            yield name, best_ms(fetch, repeat=5), f"{total[1]} listed" if total else ""


def _in_tree(tree: Path, *args: str) -> list[Any]:
    """This file run as a script with ``tree``'s code (``PYTHONPATH``): its JSON lines."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run([sys.executable, __file__, *args], env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(done.stderr[-2000:])
    return [json.loads(line) for line in done.stdout.splitlines() if line.startswith(("{", "["))]


def _compared(baseline: Path) -> Iterator[dict[str, Any]]:
    """PostgreSQL, before (``baseline``'s code and schema) and after (this tree's), measured in turn."""
    trees = {"before": baseline, "after": ROOT}
    with postgres_schema("bench_search") as before_url, postgres_schema("bench_search") as after_url:
        if before_url is None or after_url is None:
            return
        urls = {"before": before_url, "after": after_url}
        probes = {code: _in_tree(tree, "fill", urls[code])[0] for code, tree in trees.items()}
        runs: dict[tuple[str, str], list[float]] = {}
        notes: dict[tuple[str, str], str] = {}
        for _round in range(int(os.environ.get("BENCH_ROUNDS", "2"))):
            for code, tree in trees.items():
                for name, ms, note in _in_tree(tree, "time", urls[code], json.dumps(probes[code])):
                    runs.setdefault((name, code), []).append(ms)
                    notes[(name, code)] = note
        for (name, code), values in runs.items():
            ms = statistics.median(values)
            yield figure(
                name,
                ms,
                "ms",
                TARGET_MS,
                database="postgresql",
                cases=CASES,
                code=code,
                runs=values,
                note=notes[(name, code)],
            )


def run() -> Iterator[dict[str, Any]]:
    if os.environ.get("BENCH_CENTER_SEARCH_SQLITE", "1") != "0":
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite:///{Path(tmp) / 'center.db'}"
            probe = _fill(url)
            _staff(url)
            for name, ms, note in _timings(url, probe):
                yield figure(name, ms, "ms", TARGET_MS, database="sqlite", cases=CASES, note=note)
    if os.environ.get("BENCH_BASELINE"):
        yield from _compared(Path(os.environ["BENCH_BASELINE"]).resolve())
        return
    with postgres_schema("bench_search") as pg_url:
        if pg_url is None:
            return
        probe = _fill(pg_url)
        _staff(pg_url)
        for name, ms, note in _timings(pg_url, probe):
            yield figure(name, ms, "ms", TARGET_MS, database="postgresql", cases=CASES, note=note)


if __name__ == "__main__":  # run by ``_in_tree``: ``fill URL`` or ``time URL PROBE``, with a tree's code
    import sync

    if not sync.__file__ or not sync.__file__.startswith(os.environ["PYTHONPATH"]):
        raise SystemExit(f"measured {sync.__file__}, not {os.environ['PYTHONPATH']}")
    if sys.argv[1] == "fill":
        made = _fill(sys.argv[2])
        _staff(sys.argv[2])
        sys.stdout.write(json.dumps(made, ensure_ascii=False) + "\n")
    else:
        for line in _timings(sys.argv[2], json.loads(sys.argv[3])):
            sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
