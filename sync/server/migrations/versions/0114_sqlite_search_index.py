"""SQLite search index: the 办件编号 and the villager's name in an FTS5 trigram index (issue 16)

SQLite has no trigram index of its own; before this a search read every case's JSON. Now (SQLite only; a no-op
on PostgreSQL, whose indexes are 0109's):

* ``case_names``: one narrow row per case, ``upper(case_no)`` and ``json_extract(data, '$.applicant.name')``
  (the very expressions the search compares), keyed by an ``INTEGER PRIMARY KEY`` that VACUUM keeps;
* ``case_search``: an FTS5 table with the ``trigram`` tokenizer (SQLite 3.34+) over ``case_names``
  (external content: the index only, no second copy of the text);
* triggers on ``cases`` keep ``case_names`` in step with every write, whatever code path makes it, and
  triggers on ``case_names`` keep the index in step with it.

Only what ``cases.data`` already holds in the clear is copied: the name and the 办件编号. 身份证 numbers and
phones are sealed at rest (0108): ``data`` holds them masked and the search finds them by their blind-index
columns; no trigger reads them. The existing cases are copied, and the index built, in the upgrade.

Revision ID: 0114_sqlite_search_index
Revises: 0113_station_releases
Create Date: 2026-12-06 10:30:00
"""

from __future__ import annotations

from alembic import op

revision = "0114_sqlite_search_index"
down_revision = "0113_station_releases"
branch_labels = None
depends_on = None

NAME = "json_extract({row}.data, '$.applicant.name')"

UPGRADE = [
    "CREATE TABLE case_names (id INTEGER PRIMARY KEY, case_id VARCHAR(36) NOT NULL UNIQUE, "
    "case_no TEXT NOT NULL, name TEXT)",
    "CREATE VIRTUAL TABLE case_search USING fts5(case_no, name, content='case_names', content_rowid='id', "
    "tokenize='trigram')",
    # the cases held: copied, then indexed in one pass (faster than row by row through the triggers below)
    f"INSERT INTO case_names (case_id, case_no, name) SELECT case_id, upper(case_no), {NAME.format(row='cases')} "
    "FROM cases ORDER BY case_id",
    "INSERT INTO case_search (case_search) VALUES ('rebuild')",
    # the index follows case_names (FTS5's external-content recipe)
    "CREATE TRIGGER case_names_ai AFTER INSERT ON case_names BEGIN "
    "INSERT INTO case_search (rowid, case_no, name) VALUES (new.id, new.case_no, new.name); END",
    "CREATE TRIGGER case_names_ad AFTER DELETE ON case_names BEGIN "
    "INSERT INTO case_search (case_search, rowid, case_no, name) VALUES ('delete', old.id, old.case_no, old.name); "
    "END",
    "CREATE TRIGGER case_names_au AFTER UPDATE ON case_names BEGIN "
    "INSERT INTO case_search (case_search, rowid, case_no, name) VALUES ('delete', old.id, old.case_no, old.name); "
    "INSERT INTO case_search (rowid, case_no, name) VALUES (new.id, new.case_no, new.name); END",
    # case_names follows cases
    "CREATE TRIGGER cases_search_ai AFTER INSERT ON cases BEGIN "
    "INSERT INTO case_names (case_id, case_no, name) "
    f"VALUES (new.case_id, upper(new.case_no), {NAME.format(row='new')}); END",
    "CREATE TRIGGER cases_search_au AFTER UPDATE OF case_id, case_no, data ON cases "
    "WHEN old.case_id IS NOT new.case_id OR old.case_no IS NOT new.case_no "
    f"OR {NAME.format(row='old')} IS NOT {NAME.format(row='new')} BEGIN "
    f"UPDATE case_names SET case_id = new.case_id, case_no = upper(new.case_no), name = {NAME.format(row='new')} "
    "WHERE case_id = old.case_id; END",
    "CREATE TRIGGER cases_search_ad AFTER DELETE ON cases BEGIN "
    "DELETE FROM case_names WHERE case_id = old.case_id; END",
]

DOWNGRADE = [
    "DROP TRIGGER cases_search_ad",
    "DROP TRIGGER cases_search_au",
    "DROP TRIGGER cases_search_ai",
    "DROP TRIGGER case_names_au",
    "DROP TRIGGER case_names_ad",
    "DROP TRIGGER case_names_ai",
    "DROP TABLE case_search",
    "DROP TABLE case_names",
]


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for statement in UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for statement in DOWNGRADE:
        op.execute(statement)
