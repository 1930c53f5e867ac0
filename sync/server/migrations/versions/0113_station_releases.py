"""station releases: the station app's installers and packages the center publishes, signed (issue 18)

* ``station_releases``: one row per (platform, version); ``version_order`` sorts as the version does;
  ``manifest`` + ``signature`` are what stations verify with the center's Ed25519 key.
* ``station_release_chunks``: the file's bytes in 1 MiB chunks (ranged, resumable downloads).

Revision ID: 0113_station_releases
Revises: 0112_towns
Create Date: 2026-12-06 10:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0113_station_releases"
down_revision = "0112_towns"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "station_releases",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("version", sa.String(length=20), nullable=False),
        sa.Column("version_order", sa.String(length=30), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("file_name", sa.String(length=120), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("published_at", sa.String(length=40), nullable=False),
        sa.Column("published_by", sa.String(length=100), nullable=False),
        sa.Column("manifest", sa.Text(), nullable=False),
        sa.Column("signature", sa.String(length=128), nullable=False),
        sa.UniqueConstraint("platform", "version", name="uq_station_releases_platform_version"),
        sa.UniqueConstraint("sha256", name="uq_station_releases_sha256"),
    )
    op.create_index("ix_station_releases_platform_order", "station_releases", ["platform", "version_order"])
    op.create_table(
        "station_release_chunks",
        sa.Column("sha256", sa.String(length=64), primary_key=True),
        sa.Column("offset", sa.BigInteger(), primary_key=True),
        sa.Column("data", sa.LargeBinary(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("station_release_chunks")
    op.drop_index("ix_station_releases_platform_order", table_name="station_releases")
    op.drop_table("station_releases")
