"""The signatures and scans of a case, as the town center holds them (the case page's 签名与附件).

Every station event of the case may carry signatures (``signatures`` references, their ink in
``signature_data``; a paper signature's photo is a blob) and a ``case.attach`` names a scan. The
list (``evidence``) says what exists without reading a blob; ``shown`` renders one entry: a pad
signature as SVG drawn with the same Bézier pieces as the station's pad and printed forms, a photo
or scan as the stored bytes. Who may see them and the audit of each view are the route's business.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync.domain.case_rules import ACTIONS
from sync.domain.errors import DomainError
from sync.domain.signature import BOX_HEIGHT, BOX_WIDTH, PAD, SCAN, Signature, pen_width, segments

from ..core.models import BlobRow, CaseRow, EventRow
from .blobs import read_blob

#: Image types a browser shows inline; anything else is offered as a download by the route.
IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})


@dataclass(frozen=True)
class Evidence:
    """One signature or scan of a case. ``key`` names it in a request (``sig:<seq>:<n>`` / ``blob:<sha256>``)."""

    key: str
    kind: str  # 签名 / 附件
    title: str
    step: str
    at: str
    #: The blob to show (a scan, a photographed signature); "" for a pad signature (drawn from its ink).
    sha256: str = ""
    mime: str = ""
    size: int | None = None
    #: Whether the center holds what is needed to show it (the ink, or the complete blob).
    available: bool = True

    @property
    def missing(self) -> str:
        """Why it cannot be shown ("" when it can)."""
        if self.available:
            return ""
        return "镇中心尚未收到" if self.sha256 else "记录中没有笔迹"


def _step(event_type: str) -> str:
    if event_type == "case.registered":
        return "登记"
    action = ACTIONS.get(event_type.removeprefix("case."))
    return action.label if action else event_type


def _events(session: Session, row: CaseRow) -> list[EventRow]:
    return list(
        session.scalars(
            select(EventRow)
            .where(EventRow.station_id == row.station_id, EventRow.payload["case_id"].as_string() == row.case_id)
            .where(EventRow.refused.is_(None))
            .order_by(EventRow.seq)
        )
    )


def _complete(session: Session, station_id: str, sha256: str) -> bool:
    blob = session.get(BlobRow, (station_id, sha256))
    return blob is not None and blob.complete


def evidence(session: Session, row: CaseRow) -> list[Evidence]:
    """Every signature and scan of the case, in the order the station recorded them (no blob is read)."""
    out: list[Evidence] = []
    for event in _events(session, row):
        payload: Mapping[str, Any] = event.payload
        step = _step(event.type)
        inks = payload.get("signature_data") if isinstance(payload.get("signature_data"), Mapping) else {}
        for n, ref in enumerate(payload.get("signatures") or ()):
            if not isinstance(ref, Mapping):
                continue
            ink = inks.get(str(ref.get("signature_sha256", ""))) if inks else None
            title = f"{ref.get('role', '')}签名（{ref.get('signer', '')}）"
            key = f"sig:{event.seq}:{n}"
            if isinstance(ink, Mapping) and ink.get("method") == SCAN and ink.get("image_sha256"):
                sha = str(ink["image_sha256"])
                available = _complete(session, row.station_id, sha)
                out.append(
                    Evidence(key, "签名", title + "·纸质签名照片", step, event.occurred_at, sha, "", None, available)
                )
            else:
                out.append(Evidence(key, "签名", title, step, event.occurred_at, available=isinstance(ink, Mapping)))
        if event.type == "case.attach" and payload.get("sha256"):
            sha = str(payload["sha256"])
            size = payload.get("size")
            out.append(
                Evidence(
                    f"blob:{sha}",
                    "附件",
                    str(payload.get("filename") or "附件"),
                    step,
                    event.occurred_at,
                    sha,
                    str(payload.get("mime") or ""),
                    int(size) if isinstance(size, int) else None,
                    _complete(session, row.station_id, sha),
                )
            )
    return out


@dataclass(frozen=True)
class Shown:
    """What the page shows for one entry: an SVG drawing, or bytes with their type."""

    entry: Evidence
    svg: str = ""
    content: bytes = b""
    mime: str = ""


def shown(session: Session, row: CaseRow, key: str) -> Shown:
    """The entry ``key`` of the case, rendered; ``LookupError`` when the case has no such entry."""
    entry = next((e for e in evidence(session, row) if e.key == key), None)
    if entry is None or not entry.available:
        raise LookupError(key)
    if entry.sha256:
        content = read_blob(session, row.station_id, entry.sha256)
        return Shown(entry, content=content, mime=entry.mime or _sniff(content))
    _sig, seq, n = key.split(":")
    event = session.scalar(select(EventRow).where(EventRow.station_id == row.station_id, EventRow.seq == int(seq)))
    if event is None:
        raise LookupError(key)
    ref = (event.payload.get("signatures") or [])[int(n)]
    ink = (event.payload.get("signature_data") or {}).get(str(ref.get("signature_sha256", "")))
    if not isinstance(ink, Mapping):
        raise LookupError(key)
    try:
        signature = Signature.from_dict(ink)
    except (DomainError, KeyError, TypeError, ValueError) as exc:
        raise LookupError(key) from exc
    return Shown(entry, svg=signature_svg(signature))


def _sniff(content: bytes) -> str:
    if content.startswith(b"\x89PNG"):
        return "image/png"
    if content.startswith(b"\xff\xd8"):
        return "image/jpeg"
    return "application/octet-stream"


def signature_svg(signature: Signature, width: int = 360) -> str:
    """A pad signature as an inline SVG (the pad's box, the same Bézier pieces and pen widths)."""
    if signature.method != PAD:
        raise ValueError("only pad signatures are drawn")
    height = round(width * BOX_HEIGHT / BOX_WIDTH)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="signature" viewBox="0 0 {BOX_WIDTH} {BOX_HEIGHT}" '
        f'width="{width}" height="{height}" role="img" aria-label="手写签名">'
        '<g fill="none" stroke="#10245a" stroke-linecap="round" stroke-linejoin="round">'
    ]
    for stroke in signature.strokes:
        for piece in segments(stroke):
            (x0, y0), (cx, cy), (x1, y1) = piece.start, piece.control, piece.end
            width_units = pen_width(piece.pressure)
            if piece.is_dot:
                parts.append(f'<circle cx="{x0:.1f}" cy="{y0:.1f}" r="{width_units / 2:.2f}" fill="#10245a"/>')
            else:
                curve = f"M{x0:.1f} {y0:.1f} Q{cx:.1f} {cy:.1f} {x1:.1f} {y1:.1f}"
                parts.append(f'<path d="{curve}" stroke-width="{width_units:.2f}"/>')
    parts.append("</g></svg>")
    return "".join(parts)
