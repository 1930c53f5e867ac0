"""inbox filter indexes: the 代办员 (btree) and the 事项 name (trigrams, characters) of the case projection

The inbox's 代办员 filter compares the case's clerk whole, its 事项 filter a part of the item's name
(``services.dashboard.InboxFilter``); both read every case's JSON (issue 17: 0.5 s at 10,000 cases, 1.9 s and
3.6 s at a county-year). Now on the very expressions the filters compare (``case_field``):

* ``ix_cases_clerk``: a btree on the clerk's name, then ``updated_at`` (the inbox's order, newest first), on
  PostgreSQL ``(data ->> 'clerk')``, on SQLite ``json_extract(data, '$.clerk')``;
* PostgreSQL: ``ix_cases_item_name_trgm``, a GIN trigram index on ``(data ->> 'item_name')`` (for a text of 3
  characters or more; ``pg_trgm`` found or installed into ``public`` as in 0109, and when it cannot be had the
  upgrade logs it and goes on without: the filter stays a scan, correct, slower), and
  ``ix_cases_item_name_chars``, a GIN index on the array of its characters, ``string_to_array(x, NULL)``, for
  1–2 characters (``@>`` finds the candidates, the LIKE decides), as 0109 does for the villager's name.
* SQLite: no index can serve a part of a name; the 事项 filter scans, as before.

Revision ID: 0115_inbox_filter_indexes
Revises: 0114_sqlite_search_index
Create Date: 2026-12-06 11:00:00
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from alembic import op

revision = "0115_inbox_filter_indexes"
down_revision = "0114_sqlite_search_index"
branch_labels = None
depends_on = None

log = logging.getLogger(__name__)

#: The expressions must stay those of services.case_json.case_field("clerk") and case_field("item_name").
CLERK = {"sqlite": "json_extract(data, '$.clerk')", "postgresql": "(data ->> 'clerk')"}
ITEM_NAME = "(data ->> 'item_name')"
TRIGRAM = "ix_cases_item_name_trgm"
CHARS = "ix_cases_item_name_chars"


def upgrade() -> None:
    bind = op.get_bind()
    dialect = "sqlite" if bind.dialect.name == "sqlite" else "postgresql"
    op.execute(f"CREATE INDEX ix_cases_clerk ON cases ({CLERK[dialect]}, updated_at)")
    if dialect != "postgresql":
        return
    op.execute(f"CREATE INDEX {CHARS} ON cases USING gin (string_to_array({ITEM_NAME}, NULL))")
    schema = _trigram_schema(bind)
    if schema is not None:
        op.execute(f'CREATE INDEX {TRIGRAM} ON cases USING gin ({ITEM_NAME} "{schema}".gin_trgm_ops)')


def downgrade() -> None:
    # The extension stays: 0109's indexes and other schemas of the database may use it.
    if op.get_bind().dialect.name == "postgresql":
        for name in (TRIGRAM, CHARS):
            op.execute(f"DROP INDEX IF EXISTS {name}")
    op.drop_index("ix_cases_clerk", table_name="cases")


def _trigram_schema(bind: sa.Connection) -> str | None:
    """The schema holding ``pg_trgm`` (installed into ``public`` if need be), or None when it cannot be had."""
    find = sa.text(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE extname = 'pg_trgm'"
    )
    schema = bind.execute(find).scalar()
    if schema is not None:
        return str(schema)
    try:
        with bind.begin_nested():  # a savepoint: a refusal must not abort the upgrade's transaction
            bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public"))
    except sa.exc.DBAPIError as exc:
        log.warning(
            "无法启用 pg_trgm（%s）：不建事项名称的三字索引，按事项筛选仍可用但在数据多时较慢。"
            "请由数据库管理员执行 CREATE EXTENSION pg_trgm SCHEMA public，再重建该索引（见 docs/performance.md）",
            str(exc.orig).strip().splitlines()[0] if exc.orig else exc,
        )
        return None
    return str(bind.execute(find).scalar())
