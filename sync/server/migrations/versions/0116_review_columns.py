"""review columns: what the 考核 counts read, as columns of the case projection, with one covering index

The review's figures (``services.review_counts``) were SUMs over JSON paths of ``cases.data``: every case of the
period had its JSON read (a county-year's review 554 ms, its trend 1 s at 10,000 cases; issue 17). Now the
fields they read are columns of ``cases``, written by the projection beside ``data`` (``store_view``):
``registered_at``, ``clerk``, ``case_type``, ``accepted_on``, ``completed_on``, ``due_on``, ``rating`` and the
three rated dimensions ``rating_efficiency``, ``rating_competence``, ``rating_attitude``; ``ix_cases_review``
holds the period's range (``registered_at``) then all of them, so a period's counts read the index alone.

The upgrade fills them from the cases held, one UPDATE, with the expressions of ``case_field`` (the values the
counts read until now; a rated dimension only beside a rating, as the counts take it); the downgrade drops the
index and the columns.

Revision ID: 0116_review_columns
Revises: 0115_inbox_filter_indexes
Create Date: 2026-12-06 14:20:00
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0116_review_columns"
down_revision = "0115_inbox_filter_indexes"
branch_labels = None
depends_on = None

#: Each column and its type; the text ones are copied as the JSON holds them, the others cast to integer.
COLUMNS: dict[str, sa.types.TypeEngine[Any]] = {
    "registered_at": sa.String(40),
    "clerk": sa.String(),
    "case_type": sa.String(32),
    "accepted_on": sa.String(40),
    "completed_on": sa.String(40),
    "due_on": sa.String(40),
    "rating": sa.Integer(),
    "rating_efficiency": sa.Integer(),
    "rating_competence": sa.Integer(),
    "rating_attitude": sa.Integer(),
}
#: Where each column is in the projection's JSON.
PATHS = {name: name for name in COLUMNS} | {
    f"rating_{key}": f"rating_dimensions.{key}" for key in ("efficiency", "competence", "attitude")
}


def _expr(name: str, dialect: str) -> str:
    path = PATHS[name]
    if dialect == "sqlite":
        return f"json_extract(data, '$.{path}')"
    text = f"(data #>> '{{{path.replace('.', ',')}}}')" if "." in path else f"(data ->> '{path}')"
    return f"({text})::integer" if isinstance(COLUMNS[name], sa.Integer) else text


def _value(name: str, dialect: str) -> str:
    if name.startswith("rating_"):  # a rated dimension only beside a rating, as the counts take it
        return f"CASE WHEN {_expr('rating', dialect)} IS NOT NULL THEN {_expr(name, dialect)} END"
    return _expr(name, dialect)


def upgrade() -> None:
    dialect = "sqlite" if op.get_bind().dialect.name == "sqlite" else "postgresql"
    for name, type_ in COLUMNS.items():
        op.add_column("cases", sa.Column(name, type_, nullable=True))
    op.execute(f"UPDATE cases SET {', '.join(f'{name} = {_value(name, dialect)}' for name in COLUMNS)}")
    op.create_index("ix_cases_review", "cases", ["registered_at", "station_id", *list(COLUMNS)[1:]])


def downgrade() -> None:
    op.drop_index("ix_cases_review", table_name="cases")
    for name in reversed(COLUMNS):
        op.drop_column("cases", name)
