"""《代办服务委托书》: what the villager (委托人) and the clerk (受托人) sign at registration.

The station numbers a case (``case_no``) and gives it its ``case_id`` inside the
save transaction, after both have signed, so the signed content leaves both
out: it covers the service kind, the case type, the applicant, the matter with
its promised days, the materials checklist and the agreed scope (委托权限).

A ``case.registered`` payload that carries ``signatures`` must be signed by a
委托人 and a 代办员 (or 受托人) over exactly that content; its ``signature_data``
(the ink kept for printing) must hash to the references. Registrations recorded
before the 委托书 was signed on screen carry no ``signatures`` and stay valid.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .errors import ValidationError
from .signature import APPLICANT, CLERK
from .signing import SignatureRef, check_ink, check_signatures

FORM = "代办服务委托书"
#: What a villager authorizes the clerk to do (委托权限), as printed on the 委托书.
DEFAULT_SCOPE = (
    "代为向镇为民服务中心及相关部门递交申请材料、补正材料，查询办理进度，"
    "领取办理结果及退还的材料，并将结果和材料交还委托人。"
)
#: Roles the clerk may sign the 委托书 with.
AGENT_ROLES = (CLERK, "受托人")
FIELD = "signatures"


def entrustment_content(
    *,
    kind: str,
    case_type: str,
    applicant: Mapping[str, Any],
    item: Mapping[str, Any],
    materials: Sequence[Mapping[str, Any]],
    scope: str,
) -> dict[str, Any]:
    """Exactly what both parties sign on the 委托书 (no case number, no case id)."""
    return {
        "form": FORM,
        "kind": kind,
        "case_type": case_type,
        "applicant": dict(applicant),
        "item": {
            "code": item.get("code"),
            "name": item.get("name"),
            "department": item.get("department", ""),
            "promised_days": item.get("promised_days", 0),
        },
        "materials": [dict(m) for m in materials],
        "scope": scope,
    }


def registration_content(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The signed content of a ``case.registered`` payload (its case id and number left out)."""
    item = payload.get("item")
    materials = payload.get("materials") or []
    applicant = payload.get("applicant")
    if not isinstance(item, Mapping) or not isinstance(applicant, Mapping) or not isinstance(materials, list):
        raise ValidationError(FIELD, "委托书内容不完整，请重新登记并签名")
    return entrustment_content(
        kind=str(payload.get("kind", "")),
        case_type=str(payload.get("case_type", "")),
        applicant=applicant,
        item=item,
        materials=[m for m in materials if isinstance(m, Mapping)],
        scope=str(payload.get("scope", DEFAULT_SCOPE)),
    )


def check_registration(payload: Mapping[str, Any]) -> tuple[SignatureRef, ...]:
    """The 委托书 signatures of a registration, checked; ``()`` for an unsigned (older) one."""
    if "signatures" not in payload:
        return ()
    refs = payload.get("signatures")
    if not isinstance(refs, list):
        raise ValidationError(FIELD, "委托书的签名记录不完整，请重新签名")
    parsed = check_signatures(refs, registration_content(payload), required=2, field=FIELD)
    roles = {r.role for r in parsed}
    if APPLICANT not in roles:
        raise ValidationError(FIELD, "委托书缺少委托人的签名")
    if not roles.intersection(AGENT_ROLES):
        raise ValidationError(FIELD, "委托书缺少代办员（受托人）的签名")
    check_ink(parsed, payload.get("signature_data"), field=FIELD)
    return parsed
