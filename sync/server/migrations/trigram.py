"""``pg_trgm`` for the migrations that build trigram indexes (0109, 0115, 0119): where it is, or installed."""

from __future__ import annotations

import logging

import sqlalchemy as sa

log = logging.getLogger(__name__)


def trigram_schema(bind: sa.Connection, without: str) -> str | None:
    """The schema holding ``pg_trgm`` (installed into ``public`` if need be), or None when it cannot be had.

    The extension goes into ``public``, not the center's own schema, whose drop would take it and every other
    schema's trigram indexes along. A role that may neither create it nor find it installed gets None: the caller
    builds no trigram index, the upgrade goes on, and the warning says (``without``, in Chinese) what is slower.
    """
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
            "无法启用 pg_trgm（%s）：%s。请由数据库管理员执行 CREATE EXTENSION pg_trgm SCHEMA public，"
            "再重建这些索引（见 docs/performance.md）",
            str(exc.orig).strip().splitlines()[0] if exc.orig else exc,
            without,
        )
        return None
    return str(bind.execute(find).scalar())
