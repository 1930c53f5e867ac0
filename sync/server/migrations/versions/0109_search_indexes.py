"""search indexes: trigram indexes for the name and the 办件编号 (PostgreSQL), and cases.arrived_at

* PostgreSQL: ``pg_trgm`` and GIN trigram indexes on the very expressions the staff search compares
  (``services.case_search``): the villager's name, ``(data #>> '{applicant,name}')`` (``case_field``), and
  ``upper(case_no)``. A role that may not create the extension (nor find it installed) gets no trigram
  index: the upgrade logs it and goes on, and a search of 3 characters or more stays a scan (correct,
  slower). The extension goes into ``public`` (not the center's own schema, whose drop would take it, and
  every other schema's trigram indexes, along); the operator class is named with the schema it is in, so a
  center whose ``search_path`` does not hold that schema still finds it.
* Trigrams need 3 characters, and a Chinese name is often searched by 2 (秀英) or 1 (a surname, 𠮷). For
  those, plain GIN array indexes on the characters of the same two expressions, ``string_to_array(x, NULL)``
  (built in and immutable, so present whether or not ``pg_trgm`` is): ``@> ARRAY['秀', '英']`` finds the
  candidates, the LIKE of the search decides.
* SQLite has nothing like a trigram index: the search scans (docs/performance.md has what that costs).
* ``cases.arrived_at``: when the center first stored the case (``services.case_projection``), indexed, for
  the inbox's "new cases arrived" notice. Existing cases get the ``received_at`` of their first accepted
  station event, a station at a time (each station's events through its ``(station_id, seq)`` index, the
  updates in pages of 1,000); a case without one (none exists: a case row is made by its first event) gets
  its ``updated_at``.

Revision ID: 0109_search_indexes
Revises: 0108_personal_data_at_rest
Create Date: 2026-12-06 08:00:00
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from alembic import op

revision = "0109_search_indexes"
down_revision = "0108_personal_data_at_rest"
branch_labels = None
depends_on = None

log = logging.getLogger(__name__)

#: The expressions must stay those of services.case_search (case_field("applicant.name"), upper(case_no)).
TRIGRAM = {
    "ix_cases_name_trgm": "(data #>> '{applicant,name}')",
    "ix_cases_case_no_trgm": "upper((case_no)::text)",
}
#: The same two expressions as arrays of their characters (services.case_search.chars_hold).
CHARS = {
    "ix_cases_name_chars": "string_to_array((data #>> '{applicant,name}'), NULL)",
    "ix_cases_case_no_chars": "string_to_array(upper((case_no)::text), NULL)",
}
_PAGE = 1000


def upgrade() -> None:
    bind = op.get_bind()
    op.add_column("cases", sa.Column("arrived_at", sa.String(length=40), nullable=True))
    op.create_index("ix_cases_arrived_at", "cases", ["arrived_at"], unique=False)
    _backfill_arrived_at(bind)
    if bind.dialect.name == "postgresql":
        for name, expr in CHARS.items():
            op.execute(f"CREATE INDEX {name} ON cases USING gin ({expr})")
        schema = _trigram_schema(bind)
        if schema is not None:
            for name, expr in TRIGRAM.items():
                op.execute(f'CREATE INDEX {name} ON cases USING gin ({expr} "{schema}".gin_trgm_ops)')


def downgrade() -> None:
    # The extension stays: other schemas of the database may use it.
    if op.get_bind().dialect.name == "postgresql":
        for name in (*TRIGRAM, *CHARS):
            op.execute(f"DROP INDEX IF EXISTS {name}")
    op.drop_index("ix_cases_arrived_at", table_name="cases")
    op.drop_column("cases", "arrived_at")


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
            "无法启用 pg_trgm（%s）：不建姓名和办件编号的三字索引，搜索仍可用但在数据多时较慢。"
            "请由数据库管理员执行 CREATE EXTENSION pg_trgm SCHEMA public，再重建这两个索引（见 docs/performance.md）",
            str(exc.orig).strip().splitlines()[0] if exc.orig else exc,
        )
        return None
    return str(bind.execute(find).scalar())


def _backfill_arrived_at(bind: sa.Connection) -> None:
    """``arrived_at`` of the cases held: their first accepted event's ``received_at``, a station at a time."""
    case_id = "json_extract(payload, '$.case_id')" if bind.dialect.name == "sqlite" else "(payload ->> 'case_id')"
    first = sa.text(
        f"SELECT {case_id} AS case_id, min(received_at) AS at FROM events "
        "WHERE station_id = :station AND refused IS NULL GROUP BY 1"
    )
    update = sa.text("UPDATE cases SET arrived_at = :at WHERE case_id = :case_id AND arrived_at IS NULL")
    stations = bind.execute(sa.text("SELECT DISTINCT station_id FROM cases")).scalars().all()
    for station in stations:
        rows = [{"case_id": cid, "at": at} for cid, at in bind.execute(first, {"station": station}) if cid is not None]
        for start in range(0, len(rows), _PAGE):
            bind.execute(update, rows[start : start + _PAGE])
    bind.execute(sa.text("UPDATE cases SET arrived_at = updated_at WHERE arrived_at IS NULL"))
