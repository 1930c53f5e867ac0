"""服务意见反馈表: the villager confirms the result and rates the service; 差评 are flagged."""

from __future__ import annotations

from sync.domain.errors import ValidationError
from sync.domain.feedback import clean_comments, clean_dimensions, feedback_content, validate_rating
from sync.domain.signing import content_hash

from ..context import ServiceContext
from .attachments import store_scan_images
from .case_ops import case_op, signature_payload
from .handovers import append_handover
from .records import Changed, FeedbackDraft, FeedbackInput, HandoverInput, SignedContent


def prepare_feedback(ctx: ServiceContext, case_id: str, draft: FeedbackDraft) -> SignedContent:
    """The validated form content the villager signs, and its hash."""
    content = feedback_content(
        case_id,
        draft.result_confirmed,
        validate_rating(draft.rating),
        clean_comments(draft.comments),
        clean_dimensions(dict(draft.dimensions)),
    )
    return SignedContent(content=content, content_sha256=content_hash(content))


def give_feedback(
    ctx: ServiceContext, case_id: str, feedback: FeedbackInput, handover: HandoverInput | None = None
) -> Changed:
    """Hand back the result (and the materials, with their signed handover) and record the signed feedback."""
    with case_op(ctx, case_id, "give_feedback") as op:
        draft = feedback.draft
        if draft.result_confirmed is not True:
            raise ValidationError("result_confirmed", "请申请人确认已收到办理结果后再填写反馈")
        content = prepare_feedback(ctx, case_id, draft).content
        sig = signature_payload([feedback.signature])
        payload = {**content, "signature": sig["signatures"][0]}
        for key in ("signature_data", "blobs"):
            if key in sig:
                payload[key] = sig[key]
        if handover is not None:
            append_handover(op, handover)
        store_scan_images(ctx, [feedback.signature])
        op.append("case.give_feedback", payload)
        view = op.view
    note = "（差评，已提交镇中心回访整改）" if view.rating_bad else ""
    return Changed(case_ids=(case_id,), sync=True, message=f"办件 {view.case_no} 已交付结果并评价{note}")
