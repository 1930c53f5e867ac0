"""Station releases on the wire: the manifest the center signs with its Ed25519 key, and how it is checked.

``GET /api/v1/releases/latest?platform=windows|linux-deb`` → ``LatestRelease`` (``release`` null when none);
``GET /api/v1/releases/{sha256}/file?offset=N`` → the file's bytes from ``N`` (at most
``RELEASE_CHUNK_BYTES``; ``Upload-Length`` says the whole size), so a cut download continues where it
stopped. A station checks the signature against the center key it already trusts (learned at enrollment or
handshake, or confirmed by fingerprint) before it downloads a byte, and the file's size and SHA-256 against
the signed manifest before it offers to install it. A center older than releases answers 404: ignored.
"""

from __future__ import annotations

import json

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from sync.domain.errors import DomainError
from sync.domain.releases import MAX_NOTES_CHARS, MAX_RELEASE_BYTES, check_notes, check_platform, parse_version

from .models import HASH_PATTERN

#: What the signature covers begins with this, so a release signature can never pass for a transfer file's.
SIGNED_PREFIX = b"daibantong-release-v1\n"
#: One ranged read of a release file.
RELEASE_CHUNK_BYTES = 1024 * 1024
UNSIGNED = "镇中心发布的新版本签名不符（不是镇中心密钥签发的，或已被修改），已拒收"
NO_CENTER_KEY = "尚未确认镇中心的签名密钥，暂不能接收新版本（请先与镇中心同步一次，或在“代办站设置”中核对指纹）"


class ReleaseManifest(BaseModel):
    """What the center signs about one release file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str = Field(min_length=5, max_length=20)
    platform: str = Field(min_length=1, max_length=16)
    size: int = Field(ge=1, le=MAX_RELEASE_BYTES)
    sha256: str = Field(pattern=HASH_PATTERN)
    notes: str = Field(default="", max_length=MAX_NOTES_CHARS)
    published_at: str = Field(min_length=1, max_length=40)
    file_name: str = Field(default="", max_length=120)

    def signed_bytes(self) -> bytes:
        body = json.dumps(self.model_dump(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return SIGNED_PREFIX + body.encode("utf-8")


class SignedRelease(BaseModel):
    """A manifest and the center's Ed25519 signature of it (128 hex digits)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    manifest: ReleaseManifest
    signature: str = Field(pattern=r"^[0-9a-f]{128}$")


class LatestRelease(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    release: SignedRelease | None = None


def sign_release(key: Ed25519PrivateKey, manifest: ReleaseManifest) -> SignedRelease:
    return SignedRelease(manifest=manifest, signature=key.sign(manifest.signed_bytes()).hex())


def verify_release(public_key: Ed25519PublicKey | None, release: SignedRelease) -> ReleaseManifest:
    """The manifest when ``public_key`` signed it and its fields are sound; ``DomainError`` (Chinese) else."""
    if public_key is None:
        raise DomainError(NO_CENTER_KEY)
    try:
        public_key.verify(bytes.fromhex(release.signature), release.manifest.signed_bytes())
    except (InvalidSignature, ValueError):
        raise DomainError(UNSIGNED) from None
    manifest = release.manifest
    parse_version(manifest.version)
    check_platform(manifest.platform)
    check_notes(manifest.notes)
    return manifest


def parse_signed_release(raw: object) -> SignedRelease:
    """A signed release from JSON-like data (a transfer file, the station's settings); ``DomainError`` else."""
    try:
        return SignedRelease.model_validate(raw)
    except ValidationError:
        raise DomainError("新版本的说明文件格式不正确，已拒收") from None
