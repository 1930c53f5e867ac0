"""References to signatures inside events: who signed what.

An event that needs signatures (a handover, a feedback form) carries one
``SignatureRef`` per signer: the signer's name and role, the SHA-256 of the
signature data (``Signature.digest()`` of ``sync.domain.signature`` for a pad
signature, the image hash for a scan) and the SHA-256 of the content that was
signed. The content is hashed into the event too, so the fold checks that every
signature covers exactly the content recorded: changing the content afterwards
needs a new signature.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .errors import ValidationError
from .events import canonical_json
from .text import refuse_bad_chars

_SHA256_RE = re.compile(r"^[0-9a-f]{64}$")


def content_hash(content: Mapping[str, Any]) -> str:
    """SHA-256 of the canonical JSON of the signed content (same rule as ``signature.content_hash``)."""
    return hashlib.sha256(canonical_json(dict(content)).encode("utf-8")).hexdigest()


def _sha(value: Any, field: str, what: str) -> str:
    text = str(value or "").strip().lower()
    if not _SHA256_RE.match(text):
        raise ValidationError(field, f"{what}的校验值无效，请重新签名")
    return text


@dataclass(frozen=True)
class SignatureRef:
    signer: str
    role: str
    signature_sha256: str
    content_sha256: str

    @classmethod
    def create(
        cls, *, signer: str, role: str, signature_sha256: str, content_sha256: str, field: str = "signatures"
    ) -> SignatureRef:
        signer = refuse_bad_chars(signer, field, "签名人姓名").strip()
        role = refuse_bad_chars(role, field, "签名身份").strip()
        if not signer:
            raise ValidationError(field, "缺少签名人姓名")
        if not role or len(role) > 20:
            raise ValidationError(field, f"缺少{signer}的签名身份（如委托人、代办员）")
        return cls(
            signer=signer,
            role=role,
            signature_sha256=_sha(signature_sha256, field, f"{signer}的签名"),
            content_sha256=_sha(content_sha256, field, f"{signer}签署的内容"),
        )

    def to_dict(self) -> dict[str, str]:
        return {
            "signer": self.signer,
            "role": self.role,
            "signature_sha256": self.signature_sha256,
            "content_sha256": self.content_sha256,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], field: str = "signatures") -> SignatureRef:
        try:
            return cls.create(
                signer=str(data["signer"]),
                role=str(data["role"]),
                signature_sha256=str(data["signature_sha256"]),
                content_sha256=str(data["content_sha256"]),
                field=field,
            )
        except (KeyError, TypeError):
            raise ValidationError(field, "签名记录不完整，请重新签名") from None


def check_signatures(
    refs: Sequence[Mapping[str, Any]], content: Mapping[str, Any], *, required: int, field: str = "signatures"
) -> tuple[SignatureRef, ...]:
    """Parse ``refs`` and check each covers ``content``; at least ``required`` distinct signers."""
    parsed = tuple(SignatureRef.from_dict(r, field) for r in refs)
    if len({r.signer for r in parsed}) < required:
        raise ValidationError(field, f"需要{required}人签名，目前只有{len({r.signer for r in parsed})}人签名")
    expected = content_hash(content)
    for ref in parsed:
        if ref.content_sha256 != expected:
            raise ValidationError(field, f"{ref.signer}签名后内容已被修改，请重新签名")
    return parsed


def check_ink(refs: Sequence[SignatureRef], ink: Any, *, field: str = "signatures") -> None:
    """The kept ink (``signature_data``: digest → ``Signature.to_dict()``) must belong to a reference
    and hash to its ``signature_sha256``; ``None`` (no ink kept) is fine."""
    if ink is None:
        return
    if not isinstance(ink, Mapping):
        raise ValidationError(field, "签名笔迹数据已损坏，请重新签名")
    by_digest = {r.signature_sha256: r for r in refs}
    for digest, data in ink.items():
        ref = by_digest.get(str(digest))
        if ref is None:
            raise ValidationError(field, "签名笔迹与签名记录不对应，请重新签名")
        if not isinstance(data, Mapping) or content_hash(data) != ref.signature_sha256:
            raise ValidationError(field, f"{ref.signer}的签名笔迹与其校验值不符，请重新签名")
