"""Station releases: the center publishes the station app's installer (Windows) or package (Linux ``.deb``),
signed with its Ed25519 key (``core.signing``), and stations download it in ranged, resumable reads.

Publishing checks the version (``X.Y.Z``, newer than every release of that platform already published), the
platform, the size (``MAX_RELEASE_BYTES``) and the notes, stores the file in chunks and signs a manifest
(version, platform, size, SHA-256, notes, published_at, file name) that a station verifies against the
center key it already trusts before it downloads a byte (``sync.protocol.releases``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from sync.domain.errors import DomainError
from sync.domain.releases import (
    MAX_RELEASE_BYTES,
    PLATFORMS,
    check_notes,
    check_platform,
    parse_version,
    size_text,
    version_key,
)
from sync.protocol.models import ErrorCode
from sync.protocol.releases import RELEASE_CHUNK_BYTES, ReleaseManifest, SignedRelease, sign_release

from ..core.db import clock_of
from ..core.release_models import StationReleaseChunkRow, StationReleaseRow
from .errors import ServiceError

_FILE_SUFFIX = {"windows": (".exe",), "linux-deb": (".deb",)}


def _refuse(message: str, field: str) -> ServiceError:
    return ServiceError(ErrorCode.INVALID_REQUEST, message, field=field)


@dataclass(frozen=True)
class Release:
    version: str
    platform: str
    size: int
    sha256: str
    notes: str
    published_at: str
    published_by: str
    file_name: str

    @property
    def platform_name(self) -> str:
        return PLATFORMS.get(self.platform, self.platform)

    @property
    def size_text(self) -> str:
        return size_text(self.size)


def _release(row: StationReleaseRow) -> Release:
    return Release(
        row.version, row.platform, row.size, row.sha256, row.notes, row.published_at, row.published_by, row.file_name
    )


def _check(session: Session, version: str, platform: str, notes: str, size: int, file_name: str) -> str:
    try:
        parse_version(version)
        check_platform(platform)
        notes = check_notes(notes)
    except DomainError as exc:
        raise _refuse(exc.message, "version") from None
    if size <= 0:
        raise _refuse("安装文件是空的，请选择正确的文件", "file")
    if size > MAX_RELEASE_BYTES:
        raise ServiceError(
            ErrorCode.TOO_LARGE, f"安装文件过大（{size_text(size)}，最大{size_text(MAX_RELEASE_BYTES)}）", field="file"
        )
    if not file_name.lower().endswith(_FILE_SUFFIX[platform]):
        wanted = "、".join(_FILE_SUFFIX[platform])
        raise _refuse(f"{PLATFORMS[platform]}应为 {wanted} 文件，而所选文件是“{file_name[:60]}”", "file")
    same = (StationReleaseRow.platform == platform, StationReleaseRow.version == version)
    held = select(StationReleaseRow.id).where(*same)
    if session.scalar(held) is not None:
        raise ServiceError(ErrorCode.CONFLICT, f"{PLATFORMS[platform]}已发布过版本 {version}，不能重复发布")
    latest = latest_release(session, platform)
    if latest is not None and parse_version(latest.manifest.version) >= parse_version(version):
        raise ServiceError(
            ErrorCode.CONFLICT,
            f"{PLATFORMS[platform]}已发布较新的版本 {latest.manifest.version}，新发布的版本号应大于它",
        )
    return notes


def publish_release(
    session: Session,
    key: Ed25519PrivateKey,
    path: Path,
    version: str,
    platform: str,
    notes: str = "",
    *,
    published_by: str = "镇中心",
) -> Release:
    """Store the file at ``path`` as release ``version`` of ``platform`` and sign its manifest (one transaction:
    the caller's). ``ServiceError`` with a Chinese message for every refusal; ``OSError`` when unreadable."""
    version = version.strip() if isinstance(version, str) else ""
    file_name = path.name[:120]
    size = path.stat().st_size
    notes = _check(session, version, platform, notes, size, file_name)
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while chunk := source.read(RELEASE_CHUNK_BYTES):
            digest.update(chunk)
    sha256 = digest.hexdigest()
    if session.scalar(select(StationReleaseRow.version).where(StationReleaseRow.sha256 == sha256)) is not None:
        raise ServiceError(ErrorCode.CONFLICT, "同一个安装文件已作为另一版本发布过，请核对所选文件")
    manifest = ReleaseManifest(
        version=version,
        platform=platform,
        size=size,
        sha256=sha256,
        notes=notes,
        published_at=clock_of(session).stamp(),
        file_name=file_name,
    )
    signed = sign_release(key, manifest)
    try:
        with session.begin_nested():
            session.add(
                StationReleaseRow(
                    platform=platform,
                    version=version,
                    version_order=version_key(version),
                    size=size,
                    sha256=sha256,
                    file_name=file_name,
                    notes=notes,
                    published_at=manifest.published_at,
                    published_by=published_by[:100],
                    manifest=manifest.model_dump_json(),
                    signature=signed.signature,
                )
            )
            session.flush()
            _store_chunks(session, path, sha256, size)
    except IntegrityError:
        raise ServiceError(ErrorCode.CONFLICT, f"版本 {version} 刚刚已由他人发布，请刷新后查看") from None
    return _release(session.scalars(select(StationReleaseRow).where(StationReleaseRow.sha256 == sha256)).one())


def _store_chunks(session: Session, path: Path, sha256: str, size: int) -> None:
    """The file in chunks, hashed again as it is stored: a file changed since it was hashed is refused."""
    digest = hashlib.sha256()
    offset = 0
    with path.open("rb") as source:
        while chunk := source.read(RELEASE_CHUNK_BYTES):
            digest.update(chunk)
            row = StationReleaseChunkRow(sha256=sha256, offset=offset, data=chunk)
            session.add(row)
            session.flush()
            session.expunge(row)  # a 150 MB file is not kept in the session's memory
            offset += len(chunk)
    if offset != size or digest.hexdigest() != sha256:
        raise ServiceError(ErrorCode.CONFLICT, "安装文件在发布过程中被改动，请重新发布")


def latest_release(session: Session, platform: str) -> SignedRelease | None:
    """The newest release of ``platform`` with its signature, or None."""
    row = session.scalars(
        select(StationReleaseRow)
        .where(StationReleaseRow.platform == platform)
        .order_by(StationReleaseRow.version_order.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    return SignedRelease(manifest=ReleaseManifest.model_validate_json(row.manifest), signature=row.signature)


def list_releases(session: Session) -> Sequence[Release]:
    rows = session.scalars(
        select(StationReleaseRow).order_by(StationReleaseRow.platform, StationReleaseRow.version_order.desc())
    )
    return [_release(row) for row in rows]


def latest_releases(session: Session) -> list[Release]:
    """The newest release of each platform (the stations page)."""
    newest: dict[str, Release] = {}
    for release in list_releases(session):
        newest.setdefault(release.platform, release)
    return list(newest.values())


def release_for_file(session: Session, platform: str) -> tuple[bytes, bytes]:
    """The latest release of ``platform`` for a USB return file: its signed manifest (JSON) and its bytes."""
    try:
        check_platform(platform)
    except DomainError as exc:
        raise _refuse(exc.message, "platform") from None
    signed = latest_release(session, platform)
    if signed is None:
        raise ServiceError(ErrorCode.NOT_FOUND, f"尚未发布{PLATFORMS[platform]}，请先用 publish-release 发布")
    size = signed.manifest.size
    content, _ = read_release(session, signed.manifest.sha256, 0, size)
    if len(content) != size or hashlib.sha256(content).hexdigest() != signed.manifest.sha256:
        raise ServiceError(ErrorCode.CONFLICT, "镇中心保存的安装文件不完整，请重新发布")
    return signed.model_dump_json().encode("utf-8"), content


def release_size(session: Session, sha256: str) -> int | None:
    return session.scalar(select(StationReleaseRow.size).where(StationReleaseRow.sha256 == sha256))


def read_release(session: Session, sha256: str, offset: int, limit: int = RELEASE_CHUNK_BYTES) -> tuple[bytes, int]:
    """Up to ``limit`` bytes of the release file from ``offset``, and its whole size; ``ServiceError`` when
    there is no such release or ``offset`` is past its end."""
    size = release_size(session, sha256)
    if size is None:
        raise ServiceError(ErrorCode.NOT_FOUND, "镇中心没有这个版本的安装文件")
    if not 0 <= offset <= size:
        raise ServiceError(ErrorCode.INVALID_REQUEST, "下载位置超出安装文件的大小", field="offset")
    start = offset - offset % RELEASE_CHUNK_BYTES
    end = min(size, offset + limit)
    chunks = session.execute(
        select(StationReleaseChunkRow.offset, StationReleaseChunkRow.data)
        .where(
            StationReleaseChunkRow.sha256 == sha256,
            StationReleaseChunkRow.offset >= start,
            StationReleaseChunkRow.offset < end,
        )
        .order_by(StationReleaseChunkRow.offset)
    )
    data = b"".join(part for _, part in chunks)
    return data[offset - start : end - start], size
