"""The station's storage: SQLite (WAL) event log, projections, outbox, migrations."""
