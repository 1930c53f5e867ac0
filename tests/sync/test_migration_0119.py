"""0119: the 事项 name and the villager's name become columns the database generates from ``cases.data``, equal
to the JSON for the cases held and for every later write, whatever writes it; on PostgreSQL the trigram and
character indexes of 0109 and 0115 move onto them. The downgrade puts the indexes back on the JSON and drops
the columns."""

from __future__ import annotations

import re

import sqlalchemy as sa

from .migrating import Migrating

CASES = sa.table(
    "cases",
    *(sa.column(c) for c in ("case_id", "station_id", "case_no", "state", "updated_at")),
    sa.column("data", sa.JSON),
)
RARE = "王\U00020bb7·英"
HELD = {
    "c1": {"applicant": {"name": RARE}, "item_name": "城乡居民基本养老保险参保登记"},
    "c2": {"applicant": {"name": "李秀兰", "phone": "138****8000"}, "item_name": "\U00020bb7氏宗祠修缮备案"},
    "c3": {"applicant": {}, "item_name": None},  # no name, a null 事项
    "c4": {},  # neither
}
#: Each index and the words its definition must hold after the upgrade (on the column, not the JSON).
MOVED = {
    "ix_cases_name_trgm": "applicant_name",
    "ix_cases_name_chars": "applicant_name",
    "ix_cases_item_name_trgm": "item_name",
    "ix_cases_item_name_chars": "item_name",
}


def _columns(conn: sa.Connection) -> dict[str, tuple[str | None, str | None]]:
    rows = conn.execute(sa.text("SELECT case_id, item_name, applicant_name FROM cases ORDER BY case_id"))
    return {case_id: (item, name) for case_id, item, name in rows}


def _definitions(conn: sa.Connection) -> dict[str, str]:
    query = "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'cases' AND schemaname = current_schema()"
    return {name: definition for name, definition in conn.execute(sa.text(query)) if name in MOVED}


def test_0119_generates_the_name_columns_from_the_json_and_moves_the_indexes(migrating: Migrating) -> None:
    conn = migrating.conn
    postgres = conn.dialect.name == "postgresql"
    migrating.upgrade("0118_review_months")
    migrating.add_stations()
    row = {"station_id": "s1", "state": "accepted", "updated_at": "u"}
    conn.execute(sa.insert(CASES), [row | {"case_id": c, "case_no": c, "data": d} for c, d in HELD.items()])
    conn.commit()
    if postgres:
        assert all("data" in d for d in _definitions(conn).values()) and len(_definitions(conn)) == 4

    migrating.upgrade("0119_name_columns")
    assert _columns(conn) == {
        "c1": ("城乡居民基本养老保险参保登记", RARE),
        "c2": ("\U00020bb7氏宗祠修缮备案", "李秀兰"),
        "c3": (None, None),
        "c4": (None, None),
    }
    # a later write, by plain SQL (no code of the center's): the columns follow the JSON
    conn.execute(
        sa.update(CASES).where(CASES.c.case_id == "c3"),
        {"data": {"applicant": {"name": "周新名字"}, "item_name": "残疾人证办理"}},
    )
    conn.execute(sa.insert(CASES), [row | {"case_id": "c5", "case_no": "c5", "data": {"item_name": "最低生活保障"}}])
    assert _columns(conn)["c3"] == ("残疾人证办理", "周新名字") and _columns(conn)["c5"] == ("最低生活保障", None)
    if postgres:
        definitions = _definitions(conn)
        assert set(definitions) == set(MOVED)
        for index, column in MOVED.items():
            definition = definitions[index]
            assert re.search(rf"\({column}\b", definition) and "data" not in definition, definition
        conn.execute(sa.text("SET LOCAL enable_seqscan = off"))
        found = "SELECT case_id FROM cases WHERE string_to_array(applicant_name, NULL) @> ARRAY['\U00020bb7']"
        assert conn.execute(sa.text(found)).scalars().all() == ["c1"]
        plan = " ".join(conn.execute(sa.text("EXPLAIN " + found)).scalars())
        assert "ix_cases_name_chars" in plan, plan
    conn.rollback()

    migrating.downgrade("0118_review_months")
    names = {c["name"] for c in sa.inspect(conn).get_columns("cases")}
    assert not {"item_name", "applicant_name"} & names
    if postgres:
        definitions = _definitions(conn)
        assert set(definitions) == set(MOVED) and all("data" in d for d in definitions.values()), definitions
    migrating.upgrade("head")
    assert _columns(conn)["c1"] == ("城乡居民基本养老保险参保登记", RARE)
