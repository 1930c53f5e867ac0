"""The Alembic migrations build exactly the tables the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import hashlib
import logging
import uuid

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url

from sync.domain.clock import FixedClock
from sync.server.core import models
from sync.server.core.config import LoginLimits
from sync.server.core.db import make_engine, make_sessionmaker
from sync.server.core.migrate import alembic_config, upgrade_head
from sync.server.core.models import Base
from sync.server.core.staff_models import StaffRow
from sync.server.services.staff_login import login
from tests.conftest import require_postgres

from .migrating import Migrating

#: The columns of ``cases`` every revision since 0100 has (a test's rows name these only).
CASES = sa.table(
    "cases",
    *(sa.column(c) for c in ("case_id", "station_id", "case_no", "state", "updated_at")),
    sa.column("data", sa.JSON),
)


def _mine() -> tuple[set[str], set[str]]:
    """Tables of ``sync.server.core.models`` and their own indexes (other modules may add tables and indexes)."""
    tables = {
        cls.__tablename__
        for cls in vars(models).values()
        if isinstance(cls, type) and issubclass(cls, Base) and cls is not Base and hasattr(cls, "__tablename__")
    }
    indexes = {str(ix.name) for t in tables for ix in Base.metadata.tables[t].indexes}
    return tables, indexes


def test_upgrade_head_matches_the_models_and_is_repeatable(empty_database: str) -> None:
    tables, indexes = _mine()

    def include_object(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
        if type_ == "table":
            return name in tables
        table = getattr(getattr(obj, "table", None), "name", None)
        if type_ == "index":
            return table in tables and name in indexes
        return table in tables if table else True

    engine = make_engine(empty_database)
    try:
        upgrade_head(engine)
        upgrade_head(engine)  # a second start changes nothing
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"include_object": include_object})
            assert compare_metadata(context, Base.metadata) == []
            version = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one()
        assert version == ScriptDirectory.from_config(alembic_config()).get_current_head()
    finally:
        engine.dispose()


def test_0102_station_status_backfills_last_push_and_import(migrating: Migrating) -> None:
    """A center that synced before 0102 keeps its stations' last push and USB import times."""
    conn = migrating.conn
    migrating.upgrade("0101_staff_case_indexes")
    migrating.add_stations(("s1", "A"), ("s2", "B"))
    conn.execute(
        sa.text(
            "INSERT INTO batches (station_id, batch_id, received_at, source, accepted, duplicates, acked_seq) "
            "VALUES ('s1', :b, :at, :src, 1, 0, 1)"
        ),
        [
            {"b": "b1", "at": "2026-11-02T01:00:00+00:00", "src": "push"},
            {"b": "b2", "at": "2026-11-03T01:00:00+00:00", "src": "push"},
            {"b": "b3", "at": "2026-11-04T01:00:00+00:00", "src": "file"},
        ],
    )
    conn.commit()
    migrating.upgrade("0102_station_status")
    rows = conn.execute(
        sa.text("SELECT id, last_push_at, last_import_at, app_version, pending_events FROM stations ORDER BY id")
    ).all()
    conn.commit()
    assert [tuple(r) for r in rows] == [
        ("s1", "2026-11-03T01:00:00+00:00", "2026-11-04T01:00:00+00:00", None, None),
        ("s2", None, None, None, None),
    ]
    migrating.downgrade("0101_staff_case_indexes")
    assert "app_version" not in {c["name"] for c in sa.inspect(conn).get_columns("stations")}
    migrating.upgrade("head")


def test_0104_fills_in_the_receipt_status_of_the_cases_held(migrating: Migrating) -> None:
    """收件情况 of cases synced before 0104: from their stored projection, page by page."""
    book = {"name": "户口簿", "original": True, "copies": 1}
    handover = {"event_id": "h1", "at": "2026-11-02T01:00:00+00:00", "items": [book]}

    def receipt(received: int) -> dict[str, object]:
        item = book | {"received_copies": received, "received_original": True}
        return {"event_id": "r1", "handover_id": "h1", "received_by": "窗口", "at": "", "items": [item], "note": ""}

    projections = {
        "c-none": {},
        "c-pending": {"window_handovers": [handover]},
        "c-short": {"window_handovers": [handover], "window_receipts": [receipt(0)]},
        "c-all": {"window_handovers": [handover], "window_receipts": [receipt(1)]},
        "c-odd": {"window_handovers": [{"items": "?"}]},
    }
    conn = migrating.conn
    migrating.upgrade("0103_station_audit_index")
    migrating.add_stations()
    cases = CASES
    conn.execute(
        sa.insert(cases),
        [
            {
                "case_id": cid,
                "station_id": "s1",
                "case_no": cid,
                "state": "delivered",
                "updated_at": "",
                "data": d,
            }
            for cid, d in projections.items()
        ],
    )
    conn.commit()
    migrating.upgrade("0104_case_receipt_status")
    found = dict(conn.execute(sa.text("SELECT case_id, receipt_status FROM cases")).all())
    assert found == {
        "c-none": "",
        "c-pending": "pending",
        "c-short": "discrepancy",
        "c-all": "confirmed",
        "c-odd": "",
    }


def test_0106_keeps_accounts_made_before_it_and_their_scrypt_passwords(migrating: Migrating) -> None:
    """An account of a center from before 0106 is unlocked, need not change its password, and logs in with
    its scrypt hash, which that login replaces with argon2."""
    salt = b"0123456789abcdef"
    digest = hashlib.scrypt("旧密码-old-1".encode(), salt=salt, n=2**14, r=8, p=1, dklen=32)
    old_hash = f"scrypt${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"
    migrating.upgrade("0105_refused_events")
    migrating.conn.execute(
        sa.text(
            "INSERT INTO staff (username, name, role, password_hash, active, created_at) "
            "VALUES ('zhuren', '王主任', 'director', :h, :active, '2026-11-01T00:00:00.000+00:00')"
        ),
        {"h": old_hash, "active": True},
    )
    migrating.upgrade("head")
    sessions = make_sessionmaker(migrating.engine, FixedClock.beijing(2026, 12, 6, 10))
    with sessions() as session, session.begin():
        row = session.scalars(sa.select(StaffRow)).one()
        assert (row.failed_logins, row.locked_until, row.must_change_password) == (0, None, False)
        login(session, "zhuren", "旧密码-old-1", LoginLimits())
    with sessions() as session, session.begin():
        assert session.scalars(sa.select(StaffRow)).one().password_hash.startswith("$argon2id$")


def test_0109_backfills_arrived_at_from_the_first_event(migrating: Migrating) -> None:
    """Cases held before 0109 arrived when the center received their first accepted event."""
    conn = migrating.conn
    migrating.upgrade("0108_personal_data_at_rest")
    migrating.add_stations()
    events = sa.table(
        "events",
        *(sa.column(c) for c in ("id", "station_id", "seq", "type", "actor", "occurred_at", "prev_hash")),
        *(sa.column(c) for c in ("hash", "origin", "received_at", "refused")),
        sa.column("payload", sa.JSON),
    )
    sent = [  # (case, received_at, refused)
        ("c1", "2026-11-02T01:00:00.000+00:00", "拒绝"),  # refused: it made no case
        ("c1", "2026-11-03T01:00:00.000+00:00", None),
        ("c1", "2026-11-05T01:00:00.000+00:00", None),
        ("c2", "2026-11-04T01:00:00.000+00:00", None),
    ]
    conn.execute(
        sa.insert(events),
        [
            {
                "id": f"e{seq}",
                "station_id": "s1",
                "seq": seq,
                "type": "case.registered",
                "actor": "代办员",
                "occurred_at": at,
                "prev_hash": "",
                "hash": "",
                "origin": "station",
                "received_at": at,
                "refused": refused,
                "payload": {} if refused else {"case_id": cid},
            }
            for seq, (cid, at, refused) in enumerate(sent, start=1)
        ],
    )
    cases = CASES
    held = ("c1", "c2", "c3")  # c3: no event (not made by a push): its updated_at
    conn.execute(
        sa.insert(cases),
        [
            {"case_id": c, "station_id": "s1", "case_no": c, "state": "accepted", "updated_at": "u", "data": {}}
            for c in held
        ],
    )
    conn.commit()
    migrating.upgrade("0109_search_indexes")
    found = dict(conn.execute(sa.text("SELECT case_id, arrived_at FROM cases")).all())
    assert found == {"c1": "2026-11-03T01:00:00.000+00:00", "c2": "2026-11-04T01:00:00.000+00:00", "c3": "u"}
    indexes = {ix["name"] for ix in sa.inspect(conn).get_indexes("cases")}
    if conn.dialect.name == "postgresql":
        assert {"ix_cases_name_trgm", "ix_cases_case_no_trgm"} <= indexes
    migrating.downgrade("0108_personal_data_at_rest")
    assert "arrived_at" not in {c["name"] for c in sa.inspect(conn).get_columns("cases")}
    migrating.upgrade("head")


def test_0109_without_pg_trgm_upgrades_without_trigram_indexes(caplog: pytest.LogCaptureFixture) -> None:
    """A role that may not create the extension in a database without it: logged, no trigram index, no failure."""
    base = make_url(require_postgres())
    name = f"t_notrgm_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        conn.execute(sa.text(f'CREATE ROLE "{name}" LOGIN NOSUPERUSER NOCREATEDB'))
    owner = sa.create_engine(base.set(database=name), isolation_level="AUTOCOMMIT")
    try:
        with owner.connect() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA center AUTHORIZATION "{name}"'))
        engine = make_engine(
            base.set(database=name, username=name, password=None)
            .update_query_dict({"options": "-csearch_path=center"})
            .render_as_string(hide_password=False)
        )
        try:
            with caplog.at_level(logging.WARNING):
                upgrade_head(engine)
            with engine.connect() as conn:
                indexes = {ix["name"] for ix in sa.inspect(conn).get_indexes("cases")}
                installed = sa.text("SELECT count(*) FROM pg_extension WHERE extname = 'pg_trgm'")
                assert conn.execute(installed).scalar() == 0
        finally:
            engine.dispose()
        assert "ix_cases_arrived_at" in indexes and not {"ix_cases_name_trgm", "ix_cases_case_no_trgm"} & indexes
        assert "无法启用 pg_trgm" in caplog.text
    finally:
        owner.dispose()
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(sa.text(f'DROP ROLE IF EXISTS "{name}"'))
        admin.dispose()


def test_0111_makes_cases_data_jsonb_keeping_values_and_indexes(migrating: Migrating) -> None:
    """PostgreSQL: ``cases.data`` becomes jsonb with the same values, and the indexes on its fields stay (SQLite:
    nothing changes); the downgrade turns it back into json."""
    data = {"applicant": {"name": "王𠮷·英", "phone": "138****8000"}, "due_on": "2026-12-01", "rating": 2, "n": None}

    def column_type(conn: sa.Connection) -> str:
        return str(next(c["type"] for c in sa.inspect(conn).get_columns("cases") if c["name"] == "data")).lower()

    def data_indexes(conn: sa.Connection) -> set[str]:
        if conn.dialect.name != "postgresql":
            return set()
        query = "SELECT indexname FROM pg_indexes WHERE tablename = 'cases' AND schemaname = current_schema()"
        return {name for name in conn.execute(sa.text(query + " AND indexdef LIKE '%data%'")).scalars()}

    conn = migrating.conn
    migrating.upgrade("0110_pending_signing_keys")
    migrating.add_stations()
    cases = CASES
    row = {"case_id": "c1", "station_id": "s1", "case_no": "A-1", "state": "accepted", "updated_at": "u"}
    conn.execute(sa.insert(cases), [row | {"data": data}])
    conn.commit()
    before = data_indexes(conn)
    migrating.upgrade("0111_cases_data_jsonb")
    assert conn.execute(sa.select(cases.c.data)).scalar_one() == data
    assert data_indexes(conn) == before
    if conn.dialect.name == "postgresql":
        assert column_type(conn) == "jsonb"
        assert len(before) == 5  # 0101's three, 0109's name trigram and characters
        name = conn.execute(sa.text("SELECT data #>> '{applicant,name}' FROM cases")).scalar_one()
        assert name == "王𠮷·英"
    migrating.downgrade("0110_pending_signing_keys")
    assert conn.execute(sa.select(cases.c.data)).scalar_one() == data
    assert data_indexes(conn) == before
    if conn.dialect.name == "postgresql":
        assert column_type(conn) == "json"
    migrating.upgrade("head")


def test_0114_indexes_the_names_held_on_sqlite_and_does_nothing_on_postgresql(migrating: Migrating) -> None:
    """SQLite: the cases held are copied into ``case_names`` and its FTS5 trigram index; the triggers keep both in
    step; the downgrade drops them. PostgreSQL: no table (its indexes are 0109's)."""
    conn = migrating.conn
    migrating.upgrade("0113_station_releases")
    migrating.add_stations()
    cases = CASES
    row = {"station_id": "s1", "state": "accepted", "updated_at": "u"}
    held = [("c1", "a-20261123-0001", "王𠮷堃"), ("c2", "A-20261123-0002", "李秀英")]
    conn.execute(
        sa.insert(cases),
        [row | {"case_id": c, "case_no": n, "data": {"applicant": {"name": name}}} for c, n, name in held],
    )
    conn.commit()
    migrating.upgrade("0114_sqlite_search_index")
    tables = set(sa.inspect(conn).get_table_names())
    if conn.dialect.name == "postgresql":
        assert "case_names" not in tables and "case_search" not in tables
        migrating.downgrade("0113_station_releases")
        migrating.upgrade("head")
        return

    def matched(phrase: str) -> list[str]:
        return list(
            conn.execute(
                sa.text(
                    "SELECT n.case_id FROM case_search s JOIN case_names n ON n.id = s.rowid "
                    "WHERE case_search MATCH :p ORDER BY n.case_id"
                ),
                {"p": phrase},
            ).scalars()
        )

    names = conn.execute(sa.text("SELECT case_id, case_no, name FROM case_names ORDER BY case_id")).all()
    assert [tuple(r) for r in names] == [(c, n.upper(), name) for c, n, name in held]
    assert matched('"王𠮷堃"') == ["c1"] and matched('"20261123"') == ["c1", "c2"]
    conn.execute(sa.update(cases).where(cases.c.case_id == "c1").values(data={"applicant": {"name": "赵新"}}))
    conn.execute(sa.delete(cases).where(cases.c.case_id == "c2"))
    conn.execute(sa.insert(cases), [row | {"case_id": "c3", "case_no": "B-1", "data": {"applicant": {}}}])
    assert matched('"王𠮷堃"') == [] and matched('"李秀英"') == [] and matched('"202"') == ["c1"]
    assert conn.execute(sa.text("SELECT count(*) FROM case_names")).scalar_one() == 2
    conn.commit()
    migrating.downgrade("0113_station_releases")
    assert not {"case_names", "case_search"} & set(sa.inspect(conn).get_table_names())
    triggers = conn.execute(sa.text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars().all()
    assert not [t for t in triggers if "search" in t or "case_names" in t]
    migrating.upgrade("head")


def test_0115_indexes_the_clerk_and_the_item_name_of_the_cases_held(migrating: Migrating) -> None:
    """The inbox's 代办员 index on both databases, the 事项 name's trigram and character indexes on PostgreSQL:
    built over the cases held (which they then find), dropped by the downgrade."""
    conn = migrating.conn
    migrating.upgrade("0114_sqlite_search_index")
    migrating.add_stations()
    row = {"station_id": "s1", "state": "accepted", "updated_at": "u", "case_no": "A-1"}
    held = [
        ("c1", "陈晓燕", "城乡居民基本养老保险"),
        ("c2", "王\U00020bb7堃", "\U00020bb7氏宗祠备案"),
        ("c3", None, None),
    ]
    conn.execute(
        sa.insert(CASES),
        [
            row | {"case_id": c, "data": {k: v for k, v in (("clerk", clerk), ("item_name", item)) if v is not None}}
            for c, clerk, item in held
        ],
    )
    conn.commit()

    def indexes() -> set[str]:
        if conn.dialect.name == "sqlite":
            query = "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'cases'"
        else:
            query = "SELECT indexname FROM pg_indexes WHERE tablename = 'cases' AND schemaname = current_schema()"
        return {name for name in conn.execute(sa.text(query)).scalars() if "clerk" in name or "item_name" in name}

    assert indexes() == set()
    migrating.upgrade("0115_inbox_filter_indexes")
    postgres = conn.dialect.name == "postgresql"
    expected = {"ix_cases_clerk"} | ({"ix_cases_item_name_trgm", "ix_cases_item_name_chars"} if postgres else set())
    assert indexes() == expected
    clerk = "(data ->> 'clerk')" if postgres else "json_extract(data, '$.clerk')"
    if postgres:
        conn.execute(sa.text("SET LOCAL enable_seqscan = off"))
        like = "(data ->> 'item_name') LIKE '%居民基本%'"
        assert conn.execute(sa.text(f"SELECT case_id FROM cases WHERE {like}")).scalars().all() == ["c1"]
        chars = "string_to_array((data ->> 'item_name'), NULL) @> ARRAY['\U00020bb7']"
        assert conn.execute(sa.text(f"SELECT case_id FROM cases WHERE {chars}")).scalars().all() == ["c2"]
    found = conn.execute(sa.text(f"SELECT case_id FROM cases WHERE {clerk} = :c"), {"c": "王\U00020bb7堃"})
    assert found.scalars().all() == ["c2"]
    conn.rollback()
    migrating.downgrade("0114_sqlite_search_index")
    assert indexes() == set()
    migrating.upgrade("head")
