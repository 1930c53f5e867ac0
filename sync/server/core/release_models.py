"""Tables of the station releases the center publishes (migration 0113): ``services.releases``."""

from __future__ import annotations

from sqlalchemy import BigInteger, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base


class StationReleaseRow(Base):
    """One published release file of the station app for one platform, with the manifest the center signed."""

    __tablename__ = "station_releases"
    __table_args__ = (
        UniqueConstraint("platform", "version", name="uq_station_releases_platform_version"),
        UniqueConstraint("sha256", name="uq_station_releases_sha256"),
        Index("ix_station_releases_platform_order", "platform", "version_order"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(16))
    version: Mapped[str] = mapped_column(String(20))
    #: Sorts as the version does (``sync.domain.releases.version_key``), so "the latest" is one index read.
    version_order: Mapped[str] = mapped_column(String(30))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    file_name: Mapped[str] = mapped_column(String(120))
    notes: Mapped[str] = mapped_column(Text)
    published_at: Mapped[str] = mapped_column(String(40))
    published_by: Mapped[str] = mapped_column(String(100))
    #: The signed manifest as JSON (``sync.protocol.releases.ReleaseManifest``) and its Ed25519 signature (hex).
    manifest: Mapped[str] = mapped_column(Text)
    signature: Mapped[str] = mapped_column(String(128))


class StationReleaseChunkRow(Base):
    """The release file's bytes in chunks of ``RELEASE_CHUNK_BYTES`` (a ranged read touches one or two)."""

    __tablename__ = "station_release_chunks"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    offset: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
