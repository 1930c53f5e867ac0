from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import inspect, select

from desktop.services.casework.cases import register_case
from desktop.services.context import ServiceContext
from desktop.store import event_log
from desktop.store.db import Database, current_revision, head_revision
from desktop.store.models import CaseRow
from sync.domain.errors import ChainBroken, IllegalTransition

from ..conftest import complete_draft, signed


def test_migration_from_empty_creates_every_table(tmp_path: Path) -> None:
    db = Database(tmp_path)
    assert current_revision(db.engine) is None
    db.migrate()
    assert current_revision(db.engine) == head_revision() == "0007"
    tables = set(inspect(db.engine).get_table_names())
    assert {"events", "cases", "settings", "case_counters", "sync_state", "sync_rejections"} <= tables
    assert {"clerks", "center_events"} <= tables
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    db.close()


def test_append_builds_a_verified_chain(ctx: ServiceContext) -> None:
    register_case(ctx, complete_draft(ctx))
    register_case(ctx, complete_draft(ctx, applicant_name="赵四"))
    with ctx.db.reading() as session:
        events = list(event_log.iter_events(session))
        assert [e.seq for e in events] == [1, 2, 3, 4]
        assert events[1].prev_hash == events[0].hash
        assert event_log.verify(session) == events[-1].hash


def test_an_edited_row_breaks_the_chain(ctx: ServiceContext) -> None:
    register_case(ctx, complete_draft(ctx))
    ctx.close()
    raw = sqlite3.connect(ctx.db.path)
    payload = json.loads(raw.execute("SELECT payload FROM events WHERE seq = 1").fetchone()[0])
    payload["applicant"]["name"] = "王秀芳"
    raw.execute("UPDATE events SET payload = ? WHERE seq = 1", (json.dumps(payload, ensure_ascii=False),))
    raw.commit()
    raw.close()
    with ctx.db.reading() as session, pytest.raises(ChainBroken, match="第1号事件"):
        event_log.verify(session)


def test_a_deleted_row_breaks_the_chain(ctx: ServiceContext) -> None:
    register_case(ctx, complete_draft(ctx))
    register_case(ctx, complete_draft(ctx))
    with ctx.db.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM events WHERE seq = 2")
    with ctx.db.reading() as session, pytest.raises(ChainBroken):
        event_log.verify(session)


def test_rebuild_of_projection_gives_the_same_state(ctx: ServiceContext) -> None:
    for name in ("王秀英", "赵四", "钱五"):
        register_case(ctx, complete_draft(ctx, applicant_name=name))
    draft = complete_draft(ctx, applicant_name="孙六")
    register_case(ctx, signed(ctx, replace(draft, materials=tuple(replace(m, present=False) for m in draft.materials))))

    def snapshot() -> list[tuple[str, str, str, int, dict[str, object]]]:
        with ctx.db.reading() as session:
            rows = session.scalars(select(CaseRow).order_by(CaseRow.case_no)).all()
            return [(r.case_no, r.state, r.applicant_name, r.last_seq, r.data) for r in rows]

    before = snapshot()
    assert {r[1] for r in before} == {"accepted", "awaiting_materials"}
    with ctx.db.transaction() as session:
        assert event_log.rebuild_projection(session) == 4
    assert snapshot() == before


def test_an_illegal_event_is_not_stored(ctx: ServiceContext) -> None:
    register_case(ctx, complete_draft(ctx))
    with ctx.db.reading() as session:
        case_id = session.scalars(select(CaseRow.case_id)).one()
        station_id = next(event_log.iter_events(session)).station_id
    with pytest.raises(IllegalTransition), ctx.db.transaction() as session:
        event_log.append(
            session,
            station_id=station_id,
            type="case.archive",
            payload={"case_id": case_id},
            actor="x",
            occurred_at=ctx.clock.stamp(),
        )
    with ctx.db.reading() as session:
        assert event_log.count_events(session) == 2
