"""Photos and scans of a case's materials: stored content-addressed, recorded by an event.

The file's bytes go to ``<data dir>/blobs/ab/cdef…`` (named by SHA-256)
before the ``case.attach`` event is committed; the event names the blob in
``payload["blobs"]`` so sync uploads it first. Photos of paper signatures are
stored the same way (``store_scan_images``) by the save of the signed event
(委托书, 交接单, 反馈表), which names them in its ``payload["blobs"]``. A blob
left behind by a failed save is harmless: it is only ever reached through an event.
"""

from __future__ import annotations

import io
import mimetypes
from collections.abc import Iterable
from pathlib import Path

from PIL import Image, UnidentifiedImageError
from sqlalchemy import select

from desktop.store import blob_store
from desktop.store.models import EventRow
from sync.domain.errors import DomainError, ValidationError
from sync.domain.events import Event
from sync.domain.text import clean_text

from ..context import ServiceContext
from .case_ops import case_op, scan_images
from .records import AttachmentInfo, Changed, SignatureInput

MAX_BYTES = 30 * 1024 * 1024
ALLOWED_MIME = {"image/jpeg", "image/png", "image/tiff", "image/bmp", "image/webp", "application/pdf"}
_PIL_MIME = {"JPEG": "image/jpeg", "PNG": "image/png", "TIFF": "image/tiff", "BMP": "image/bmp", "WEBP": "image/webp"}
THUMB_PX = 160


def _sniff_mime(data: bytes, filename: str) -> str:
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    try:
        with Image.open(io.BytesIO(data)) as image:
            mime = _PIL_MIME.get(image.format or "")
    except (UnidentifiedImageError, OSError):
        mime = None
    if mime:
        return mime
    guessed = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    raise ValidationError("file", f"不支持的附件类型（{guessed}），请选择照片、扫描图片或PDF文件")


def store_blob(ctx: ServiceContext, data: bytes) -> str:
    """Seal ``data`` into the station's content-addressed blob store; its SHA-256 (what events name)."""
    return blob_store.put(ctx.db.data_dir, data, ctx.db.key_slot)


def store_scan_images(ctx: ServiceContext, signatures: Iterable[SignatureInput]) -> list[str]:
    """Store the paper-signature photos among ``signatures`` (inside the save of their event, before it commits)."""
    return [store_blob(ctx, data) for data in scan_images(signatures).values()]


def add_attachment(ctx: ServiceContext, case_id: str, path: Path, note: str = "") -> Changed:
    """Attach a photo or scan from a file (JPEG, PNG, TIFF, BMP, WebP or PDF, at most 30 MB)."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ValidationError("file", "附件不能超过30MB")
        data = path.read_bytes()
    except FileNotFoundError:
        raise ValidationError("file", f"找不到文件“{path.name}”") from None
    except OSError as exc:
        raise ValidationError("file", f"无法读取文件“{path.name}”：{exc.strerror or exc}") from None
    return add_attachment_bytes(ctx, case_id, data, path.name, note)


def add_attachment_bytes(ctx: ServiceContext, case_id: str, data: bytes, filename: str, note: str = "") -> Changed:
    """Attach bytes captured from a camera or a document scanner."""
    if not data:
        raise ValidationError("file", "附件是空文件，请重新选择")
    if len(data) > MAX_BYTES:
        raise ValidationError("file", "附件不能超过30MB")
    name = clean_text(Path(filename).name, field="file", label="附件文件名", limit=200) or "附件"
    note = clean_text(note, field="note", label="附件说明", limit=200, multiline=True)
    mime = _sniff_mime(data, name)
    with case_op(ctx, case_id, "attach") as op:
        sha256 = store_blob(ctx, data)
        op.append(
            "case.attach",
            {
                "sha256": sha256,
                "filename": name,
                "size": len(data),
                "mime": mime,
                "note": note,
                "blobs": [sha256],
            },
        )
        case_no = op.view.case_no
    return Changed(case_ids=(case_id,), sync=True, message=f"已为办件 {case_no} 添加附件“{name}”")


def list_attachments(ctx: ServiceContext, case_id: str) -> list[AttachmentInfo]:
    with ctx.db.reading() as session:
        rows = session.scalars(
            select(EventRow).where(EventRow.case_id == case_id, EventRow.type == "case.attach").order_by(EventRow.seq)
        ).all()
    return [
        AttachmentInfo(
            sha256=r.payload["sha256"],
            filename=r.payload["filename"],
            size=int(r.payload["size"]),
            mime=r.payload["mime"],
            note=r.payload.get("note", ""),
            added_at=r.occurred_at,
            actor=r.actor,
        )
        for r in rows
    ]


def read_attachment(ctx: ServiceContext, sha256: str) -> bytes:
    try:
        return blob_store.get(ctx.db.data_dir, sha256, ctx.db.key_slot)
    except (OSError, ValueError):
        raise DomainError("附件文件不存在或已损坏，请重新添加") from None


def thumbnail(ctx: ServiceContext, sha256: str, max_px: int = THUMB_PX) -> bytes | None:
    """A PNG thumbnail (at most ``max_px`` on the long side), or None for a PDF."""
    data = read_attachment(ctx, sha256)
    if data.startswith(b"%PDF-"):
        return None
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.thumbnail((max_px, max_px))
            out = io.BytesIO()
            image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB").save(out, format="PNG")
    except (UnidentifiedImageError, OSError):
        raise DomainError("附件图片已损坏，无法生成缩略图") from None
    return out.getvalue()


def blobs_named(events: Iterable[Event]) -> list[str]:
    """SHA-256s named in ``payload["blobs"]`` of these events, in order, once each (upload them before the events).

    That list holds an attachment's file and the photos of paper signatures (a scan's ``image_sha256``
    in ``signature_data``), so the center, which checks the same list, never takes an event before its
    blobs. A scan signature recorded before its photo was kept names no blob: there is nothing to send."""
    seen: dict[str, None] = {}
    for event in events:
        for sha in event.payload.get("blobs", ()) or ():
            seen.setdefault(str(sha), None)
    return list(seen)


def blob_bytes(ctx: ServiceContext, sha256: str) -> bytes:
    """The stored bytes of a blob, for the sync upload or the USB export."""
    return read_attachment(ctx, sha256)
