"""服务意见反馈表: the villager's confirmation of the result and 好差评 rating."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import ValidationError
from .ratings import RATING_LABELS, is_bad_rating
from .signing import SignatureRef, check_signatures
from .text import clean_text

#: Optional comment fields of the form.
COMMENT_FIELDS: dict[str, str] = {
    "attitude": "服务态度",
    "efficiency": "服务效率",
    "one_time_notice": "一次告知",
    "suggestions": "意见建议",
}
#: The offline 好差评 dimensions rated besides the overall rating (five levels each, optional).
DIMENSIONS: dict[str, str] = {
    "efficiency": "服务效率",
    "competence": "服务水平",
    "attitude": "服务态度",
}
MAX_COMMENT = 500


def feedback_content(
    case_id: str,
    result_confirmed: bool,
    rating: int,
    comments: Mapping[str, str],
    dimensions: Mapping[str, int] | None = None,
) -> dict[str, Any]:
    """What the villager signs on the feedback form (``dimensions`` only when some were rated, so the
    content of a form signed before they existed, and its hash, stay as they were)."""
    content: dict[str, Any] = {
        "case_id": case_id,
        "result_confirmed": result_confirmed,
        "rating": rating,
        "comments": {k: comments[k] for k in sorted(comments)},
    }
    if dimensions:
        content["dimensions"] = {k: dimensions[k] for k in sorted(dimensions)}
    return content


def clean_dimensions(dimensions: Any) -> dict[str, int]:
    """The rated dimensions (1-5 each), unrated ones left out; a Chinese message naming the one that is wrong."""
    if dimensions is None:
        return {}
    if not isinstance(dimensions, Mapping):
        raise ValidationError("dimensions", "分项评价格式不正确")
    out: dict[str, int] = {}
    for key, value in dimensions.items():
        if key not in DIMENSIONS:
            raise ValidationError("dimensions", f"未知的评价项目“{key}”")
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value not in RATING_LABELS:
            raise ValidationError(key, f"“{DIMENSIONS[key]}”评价应为1到5星")
        out[key] = value
    return out


@dataclass(frozen=True)
class Feedback:
    result_confirmed: bool
    rating: int
    comments: Mapping[str, str]
    signature: SignatureRef
    dimensions: Mapping[str, int] = field(default_factory=dict)

    @property
    def bad(self) -> bool:
        return is_bad_rating(self.rating)

    @property
    def rating_label(self) -> str:
        return RATING_LABELS[self.rating]


def validate_rating(value: Any) -> int:
    try:
        rating = int(value)
    except (TypeError, ValueError):
        raise ValidationError("rating", "请选择满意度评价（1到5星）") from None
    if rating not in RATING_LABELS:
        raise ValidationError("rating", "满意度评价应为1到5星")
    return rating


def clean_comments(comments: Mapping[str, Any]) -> dict[str, str]:
    cleaned: dict[str, str] = {}
    for key, value in comments.items():
        if key not in COMMENT_FIELDS:
            raise ValidationError("comments", f"未知的意见栏目“{key}”")
        label = f"“{COMMENT_FIELDS[key]}”意见"
        text = clean_text(str(value or ""), field=key, label=label, limit=MAX_COMMENT, multiline=True)
        if text:
            cleaned[key] = text
    return cleaned


def parse_feedback(payload: Mapping[str, Any]) -> Feedback:
    """Validate a feedback payload; the villager's signature must cover its content."""
    rating = validate_rating(payload.get("rating"))
    confirmed = payload.get("result_confirmed")
    if not isinstance(confirmed, bool):
        raise ValidationError("result_confirmed", "请确认是否已收到办理结果")
    comments = clean_comments(payload.get("comments") or {})
    dimensions = clean_dimensions(payload.get("dimensions"))
    content = feedback_content(str(payload.get("case_id", "")), confirmed, rating, comments, dimensions)
    ref = payload.get("signature")
    if not isinstance(ref, Mapping):
        raise ValidationError("signature", "请申请人在服务意见反馈表上签名")
    (signature,) = check_signatures([ref], content, required=1, field="signature")
    return Feedback(confirmed, rating, comments, signature, dimensions)
