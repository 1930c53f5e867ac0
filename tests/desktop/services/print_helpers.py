"""Builders for printing tests: PDF text and signatures with real ink, as the signature pad records them."""

from __future__ import annotations

import io
import re
from dataclasses import replace

from PIL import Image, ImageDraw
from pypdf import PdfReader

from desktop.services.casework.cases import prepare_registration
from desktop.services.casework.feedback import prepare_feedback
from desktop.services.casework.handovers import prepare_handover
from desktop.services.casework.records import (
    CaseDraft,
    FeedbackDraft,
    FeedbackInput,
    HandoverDraft,
    HandoverInput,
    SignatureInput,
)
from desktop.services.context import ServiceContext
from sync.domain.signature import Signature
from tests.domain.factories import SIGNED_AT

from .workflow_helpers import originals

PEOPLE = {
    "villager": ("王秀英", "委托人"),
    "clerk": ("李代办", "代办员"),
    "window": ("周窗口", "窗口工作人员"),
    "department": ("民政办", "部门经办人"),
}


def text(pdf: bytes) -> str:
    """All text of the PDF, whitespace removed (CJK lines wrap anywhere)."""
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", "", "".join(page.extract_text() or "" for page in reader.pages))


def pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def inked(signer: str, role: str, content_sha256: str, seed: int = 0) -> SignatureInput:
    """A pad signature (a zigzag of real strokes) with its ink kept in the event."""
    stroke = [(40 + i * 25 + seed, 60 + (i % 2) * 70, i * 30, 0.5) for i in range(12)]
    dash = [(60 + i * 40, 170, 400 + i * 20, 0.6) for i in range(6)]
    sig = Signature.from_pad(signer, role, [stroke, dash], captured_at=SIGNED_AT)
    return SignatureInput(signer, role, sig.digest(), content_sha256, sig.to_dict())


def inked_registration(ctx: ServiceContext, draft: CaseDraft) -> CaseDraft:
    """``draft`` with its 委托书 signed on the pad by the villager and the clerk, the ink kept."""
    content = prepare_registration(ctx, draft).content_sha256
    sigs = (inked(draft.applicant_name, "委托人", content), inked("李代办", "代办员", content, seed=7))
    return replace(draft, signatures=sigs)


def inked_handover(ctx: ServiceContext, case_id: str, from_holder: str, to_holder: str) -> HandoverInput:
    draft = HandoverDraft(from_holder, to_holder, tuple(originals(ctx, case_id)), note="原件核验无误")
    signed = prepare_handover(ctx, case_id, draft)
    sigs = (
        inked(*PEOPLE[from_holder], signed.content_sha256, seed=0),
        inked(*PEOPLE[to_holder], signed.content_sha256, seed=5),
    )
    return HandoverInput(draft, sigs)


def inked_feedback(ctx: ServiceContext, case_id: str, rating: int, **comments: str) -> FeedbackInput:
    draft = FeedbackDraft(result_confirmed=True, rating=rating, comments=comments)
    signed = prepare_feedback(ctx, case_id, draft)
    return FeedbackInput(draft, inked("王秀英", "委托人", signed.content_sha256))


SCAN_SIZE = (360, 120)


def paper_signature(shade: int = 0) -> bytes:
    """A photo of a name written on paper (PNG of a distinctive size, so the PDF's copy can be found)."""
    image = Image.new("RGB", SCAN_SIZE, (250, 248, 240))
    draw = ImageDraw.Draw(image)
    draw.line([(20, 90), (120, 30), (200, 95), (330, 40)], fill=(shade, shade, 40), width=6)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def scanned(signer: str, role: str, content_sha256: str, image: bytes) -> SignatureInput:
    """What the signature dialog hands over for a paper-signature photo."""
    sig = Signature.from_scan(signer, role, image, captured_at=SIGNED_AT)
    return SignatureInput(signer, role, sig.digest(), content_sha256, sig.to_dict(), image)


def scan_images_in(pdf: bytes) -> int:
    """How many images of the scan's size the PDF embeds (the pad's ink is drawn as lines, not an image)."""
    images = [img.image for page in PdfReader(io.BytesIO(pdf)).pages for img in page.images]
    return len([image for image in images if image is not None and image.size == SCAN_SIZE])
