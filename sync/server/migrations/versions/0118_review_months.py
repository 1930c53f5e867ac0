"""review months: the 考核 counts kept per station, clerk and month, filled from the cases held

A county-year's review counted 190,000 entries of ``ix_cases_review`` on every page; ``review_months`` keeps each
clerk's counts of a station per month (``services.review_months`` recounts a month when its cases are written), so
a period's review sums at most 12 rows per clerk. The upgrade counts every month of the cases held, with the
figures ``services.review_counts`` computes at this revision (frozen here: a later change of the figures recounts
with its own migration); a case's month is the one whose Beijing-midnight bounds, compared as text, hold its
``registered_at``. The downgrade drops the table.

Revision ID: 0118_review_months
Revises: 0117_drop_registered_at_index
Create Date: 2026-12-06 18:05:00
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision = "0118_review_months"
down_revision = "0117_drop_registered_at_index"
branch_labels = None
depends_on = None

DIMENSIONS = ("efficiency", "competence", "attitude")
FIGURES = (
    "cases",
    "immediate_done",
    "immediate_on_spot",
    "promised_done",
    "promised_on_time",
    "rated",
    "satisfied",
    "bad",
    "rating_sum",
    *(f"{key}_{part}" for key in DIMENSIONS for part in ("rated", "sum", "satisfied")),
)
#: The Beijing day of the registration time (``review_counts.beijing_date``), per backend; PostgreSQL converts the
#: ISO-8601 forms only (other text: NULL, as SQLite's ``date()``).
_ISO = "^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?)?"
_OFFSET = "(Z|[+-][0-9][0-9](:?[0-9][0-9])?)$"
BEIJING_DAY = {
    "sqlite": "date(registered_at, '+8 hours')",
    "postgresql": f"to_char((CASE WHEN registered_at ~ '{_ISO}{_OFFSET}' THEN (registered_at)::timestamptz "
    f"WHEN registered_at ~ '{_ISO}$' THEN (registered_at)::timestamp AT TIME ZONE 'UTC' END) "
    "AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD')",
}
FIRST, LAST = 1000 * 12, 9999 * 12 + 10


def _start(index: int) -> str:
    """Beijing midnight of the month's first day as stored-timestamp text (``clock.day_start_stamp``)."""
    moment = datetime(index // 12, index % 12 + 1, 1, tzinfo=UTC) - timedelta(hours=8)
    return moment.isoformat(timespec="milliseconds")


def _month(registered_at: str | None) -> int | None:
    """The month whose bounds hold the text (``review_months.month_of``)."""
    if not registered_at:
        return None
    try:
        guess = int(registered_at[:4]) * 12 + int(registered_at[5:7]) - 1
    except ValueError:
        guess = FIRST
    for index in (guess, guess + 1, guess - 1):
        if FIRST <= index <= LAST and _start(index) <= registered_at < _start(index + 1):
            return index
    low, high = FIRST, LAST
    if registered_at < _start(low):
        return None
    while low < high:
        middle = (low + high + 1) // 2
        low, high = (middle, high) if _start(middle) <= registered_at else (low, middle - 1)
    return low if registered_at < _start(low + 1) else None


def _figures(dialect: str) -> list[str]:
    done = "completed_on IS NOT NULL AND completed_on != ''"
    immediate = f"{done} AND case_type = 'immediate'"
    promised = f"{done} AND case_type = 'promised' AND due_on IS NOT NULL AND due_on != ''"
    spot = f"{immediate} AND completed_on <= coalesce(nullif(accepted_on, ''), {BEIJING_DAY[dialect]})"
    out = [
        "count(*)",
        f"count(*) FILTER (WHERE {immediate})",
        f"count(*) FILTER (WHERE {spot})",
        f"count(*) FILTER (WHERE {promised})",
        f"count(*) FILTER (WHERE {promised} AND completed_on <= due_on)",
        "count(rating)",
        "count(*) FILTER (WHERE rating >= 3)",
        "count(*) FILTER (WHERE rating <= 2)",
        "coalesce(sum(rating), 0)",
    ]
    for key in DIMENSIONS:
        column = f"rating_{key}"
        out += [f"count({column})", f"coalesce(sum({column}), 0)", f"count(*) FILTER (WHERE {column} >= 3)"]
    return out


def upgrade() -> None:
    op.create_table(
        "review_months",
        sa.Column("month", sa.String(7), primary_key=True),
        sa.Column("station_id", sa.String(64), primary_key=True),
        sa.Column("clerk", sa.String(), primary_key=True),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in FIGURES),
    )
    conn = op.get_bind()
    held = conn.execute(sa.text("SELECT DISTINCT registered_at FROM cases WHERE registered_at IS NOT NULL"))
    months = sorted({m for (text,) in held if (m := _month(text)) is not None})
    insert = sa.text(
        f"INSERT INTO review_months (month, station_id, clerk, {', '.join(FIGURES)}) "
        f"SELECT :month, station_id, coalesce(clerk, ''), {', '.join(_figures(conn.dialect.name))} FROM cases "
        "WHERE registered_at >= :start AND registered_at < :end GROUP BY station_id, coalesce(clerk, '')"
    )
    for index in months:
        label = f"{index // 12:04d}-{index % 12 + 1:02d}"
        conn.execute(insert, {"month": label, "start": _start(index), "end": _start(index + 1)})


def downgrade() -> None:
    op.drop_table("review_months")
