"""代办站个人信息审计: partial indexes on the stations' audit events, newest first (all stations, one station)

Revision ID: 0103_station_audit_index
Revises: 0102_station_status
Create Date: 2026-11-25 09:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0103_station_audit_index"
down_revision = "0102_station_status"
branch_labels = None
depends_on = None


# Only audit events are indexed (a few per day and station among every case event), so ingest stays as
# fast as before. The WHERE must stay the term of sync.server.services.station_audit (tested with
# EXPLAIN): SQLite uses a partial index only when the query repeats its WHERE term.
AUDIT_EVENTS = "type IN ('audit.id_number_read', 'audit.export')"


def upgrade() -> None:
    op.execute(f"CREATE INDEX ix_events_audit ON events (occurred_at, station_id, seq) WHERE {AUDIT_EVENTS}")
    op.execute(f"CREATE INDEX ix_events_audit_station ON events (station_id, occurred_at, seq) WHERE {AUDIT_EVENTS}")


def downgrade() -> None:
    op.drop_index("ix_events_audit_station", table_name="events")
    op.drop_index("ix_events_audit", table_name="events")
