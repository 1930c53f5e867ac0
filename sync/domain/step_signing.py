"""中止 and 续办 confirmed by the villager: the content he signs, and how he signed it.

A ``case.suspend`` (《代办服务中止单》) or ``case.resume`` (《续办委托书》) recorded since the villager
confirms these steps carries either his signature over ``step_content`` (``signatures``: one
委托人 reference, the ink in ``signature_data``, a photo of a paper signature in ``blobs``) or
``signed_on_paper: true`` (he signs the printed form). Events recorded before carry neither and
stay valid: their payloads are hashed and never rewritten.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .errors import ValidationError
from .signature import APPLICANT
from .signing import SignatureRef, check_ink, check_signatures

#: The form each signed step prints, by action.
FORMS = {"suspend": "代办服务中止单", "resume": "续办委托书"}
#: The payload flag of a step the villager signs on the printed form instead of on the pad.
ON_PAPER = "signed_on_paper"
FIELD = "signatures"


def step_content(action: str, case_id: str, reason: str, restart_condition: str = "") -> dict[str, Any]:
    """Exactly what the villager signs at a 中止 (reason and what restarts it) or a 续办 (its reason)."""
    content: dict[str, Any] = {"form": FORMS[action], "case_id": case_id, "reason": reason}
    if action == "suspend":
        content["restart_condition"] = restart_condition
    return content


def payload_content(action: str, payload: Mapping[str, Any]) -> dict[str, Any]:
    return step_content(
        action,
        str(payload.get("case_id", "")),
        str(payload.get("reason", "")),
        str(payload.get("restart_condition", "")),
    )


def check_step_signature(action: str, payload: Mapping[str, Any]) -> tuple[SignatureRef, ...]:
    """The villager's signature of a 中止/续办, checked against the recorded content; ``()`` when he
    signs on paper or the event predates signing (nothing to check)."""
    if action not in FORMS or "signatures" not in payload:
        return ()
    if payload.get(ON_PAPER) is True:
        raise ValidationError(FIELD, "已选择签在纸上，不能同时记录签名板签名")
    refs = payload.get("signatures")
    if not isinstance(refs, list):
        raise ValidationError(FIELD, f"{FORMS[action]}的签名记录不完整，请重新签名")
    parsed = check_signatures(refs, payload_content(action, payload), required=1, field=FIELD)
    if APPLICANT not in {r.role for r in parsed}:
        raise ValidationError(FIELD, f"{FORMS[action]}缺少申请人（委托人）的签名")
    check_ink(parsed, payload.get("signature_data"), field=FIELD)
    return parsed


def signature_note(payload: Mapping[str, Any]) -> str:
    """How the villager confirmed the step, for histories: 申请人X已签名 / 签在纸上 / "" (older events)."""
    if payload.get(ON_PAPER) is True:
        return "申请人签在纸上"
    refs = payload.get("signatures")
    if isinstance(refs, list) and refs:
        names = "、".join(str(r.get("signer", "")) for r in refs if isinstance(r, Mapping))
        return f"申请人{names}已签名"
    return ""
