"""Materials custody: who holds each original now, as a pure fold over handovers.

A handover moves listed items from one holder to another and is signed by
both sides (see ``signing``). Originals (原件) are tracked by name; an original
never handed over is still with its owner, the villager. A case may be
archived only when nothing is left with the clerk: every original is back with
the villager, was handed to the department on record, or is kept by the town
(window or department) by the town center's own word — its 窗口确认收件 marks the
original 留存 (see ``window_receipt``). The station never records, nor signs,
handovers inside the town center that it did not witness.

The handover from the villager to the clerk at registration may be covered by
the signed 《代办服务委托书》 instead of two more signatures: both parties have just
signed that form, whose content lists each material (原件/复印件, copies,
submitted or not). Such a handover carries ``covered_by`` (the 委托书's content
hash) and no signatures of its own; the fold accepts it only for materials the
委托书 lists as submitted, with the same form and copies, once per case.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .errors import ValidationError
from .model import MaterialItem
from .signing import SignatureRef, check_signatures
from .text import clean_text

VILLAGER = "villager"
CLERK = "clerk"
WINDOW = "window"
DEPARTMENT = "department"

HOLDER_LABELS: dict[str, str] = {
    VILLAGER: "申请人",
    CLERK: "代办员",
    WINDOW: "镇中心窗口",
    DEPARTMENT: "办理部门",
}

#: Routes a handover may take (from, to).
ROUTES = frozenset(
    {
        (VILLAGER, CLERK),
        (CLERK, WINDOW),
        (WINDOW, CLERK),
        (CLERK, VILLAGER),
        (CLERK, DEPARTMENT),
        (WINDOW, DEPARTMENT),
        (DEPARTMENT, CLERK),
        (WINDOW, VILLAGER),
    }
)
#: Where an original may rest when the case is archived.
SETTLED = frozenset({VILLAGER, DEPARTMENT})
MAX_ITEMS = 100


@dataclass(frozen=True)
class HandoverItem:
    name: str
    original: bool = True
    copies: int = 1
    pages: int = 0

    @property
    def form_label(self) -> str:
        return "原件" if self.original else "复印件"

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "original": self.original, "copies": self.copies, "pages": self.pages}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> HandoverItem:
        try:
            name = clean_text(str(data["name"]), field="items", label="交接材料名称", limit=100)
            copies = int(data.get("copies", 1))
            pages = int(data.get("pages", 0))
        except (KeyError, TypeError, ValueError):
            raise ValidationError("items", "交接材料的名称、份数或页数填写不正确") from None
        if not name:
            raise ValidationError("items", "交接材料的名称不能为空")
        if len(name) > 100:
            raise ValidationError("items", f"“{name[:20]}…”名称过长（最多100个字）")
        if not 1 <= copies <= 999:
            raise ValidationError("items", f"“{name}”的份数应在1到999之间")
        if not 0 <= pages <= 9999:
            raise ValidationError("items", f"“{name}”的页数应在0到9999之间")
        return cls(name=name, original=bool(data.get("original", True)), copies=copies, pages=pages)


def holder_label(holder: str) -> str:
    return HOLDER_LABELS.get(holder, holder)


def handover_content(
    case_id: str, from_holder: str, to_holder: str, items: Sequence[HandoverItem], note: str = ""
) -> dict[str, Any]:
    """Exactly what both parties sign for: the case, the route and the items."""
    return {
        "case_id": case_id,
        "from": from_holder,
        "to": to_holder,
        "items": [i.to_dict() for i in items],
        "note": note,
    }


@dataclass(frozen=True)
class Handover:
    from_holder: str
    to_holder: str
    items: tuple[HandoverItem, ...]
    signatures: tuple[SignatureRef, ...]
    note: str = ""
    #: The content hash of the signed 委托书 that covers this handover ("" for a handover signed itself).
    covered_by: str = ""


#: The payload key of a villager → clerk handover covered by the 委托书's signatures.
COVERED_BY = "covered_by"
COVERING_FORM = "代办服务委托书"


def covered_payload(content: Mapping[str, Any], entrustment_sha256: str) -> dict[str, Any]:
    """A handover payload covered by the 委托书 (``content`` from ``handover_content``, villager → clerk)."""
    return {**content, COVERED_BY: {"form": COVERING_FORM, "content_sha256": entrustment_sha256}}


def _covering_hash(payload: Mapping[str, Any]) -> str:
    cover = payload.get(COVERED_BY)
    sha = str(cover.get("content_sha256", "")) if isinstance(cover, Mapping) else ""
    if len(sha) != 64 or sha.strip("0123456789abcdef"):
        raise ValidationError(COVERED_BY, "材料交接引用的委托书签名无效，请双方签名交接")
    if (payload.get("from"), payload.get("to")) != (VILLAGER, CLERK):
        raise ValidationError(COVERED_BY, "只有申请人交给代办员的材料可以以委托书签名为凭")
    if payload.get("signatures"):
        raise ValidationError(COVERED_BY, "以委托书签名为凭的交接不再另行签名")
    return sha


def parse_handover(payload: Mapping[str, Any]) -> Handover:
    """Validate a handover payload (route, items, both signatures over the content — or the reference to the
    委托书 that covers it, checked against the case by ``check_covered``)."""
    from_holder = str(payload.get("from", ""))
    to_holder = str(payload.get("to", ""))
    if (from_holder, to_holder) not in ROUTES:
        raise ValidationError(
            "route", f"不支持从“{holder_label(from_holder)}”交给“{holder_label(to_holder)}”的材料交接"
        )
    raw_items = payload.get("items") or []
    if not isinstance(raw_items, list) or not raw_items:
        raise ValidationError("items", "请列出交接的材料")
    if len(raw_items) > MAX_ITEMS:
        raise ValidationError("items", f"一次交接最多{MAX_ITEMS}项材料")
    items = tuple(HandoverItem.from_dict(i) for i in raw_items)
    names = [(i.name, i.original) for i in items]
    if len(set(names)) != len(names):
        raise ValidationError("items", "交接清单中有重复的材料")
    note = str(payload.get("note", ""))
    if COVERED_BY in payload:
        return Handover(from_holder, to_holder, items, (), note, covered_by=_covering_hash(payload))
    content = handover_content(str(payload.get("case_id", "")), from_holder, to_holder, items, note)
    refs = payload.get("signatures") or []
    if not isinstance(refs, list):
        raise ValidationError("signatures", "签名记录不完整，请重新签名")
    signatures = check_signatures(refs, content, required=2)
    return Handover(from_holder, to_holder, items, signatures, note)


def check_covered(
    handover: Handover, entrustment_sha256: str, materials: Sequence[MaterialItem], already_covered: bool
) -> None:
    """A covered handover must name this case's signed 委托书 and only what it lists as submitted, once."""
    if not entrustment_sha256 or handover.covered_by != entrustment_sha256:
        raise ValidationError(COVERED_BY, "材料交接引用的不是本办件已签名的委托书，请双方签名交接")
    if already_covered:
        raise ValidationError(COVERED_BY, "委托书所列材料的交接已记录过，再次交接请双方签名")
    submitted = {(m.name, m.original): m.copies for m in materials if m.present}
    for item in handover.items:
        if submitted.get((item.name, item.original)) != item.copies:
            raise ValidationError(
                "items",
                f"“{item.name}”（{item.form_label}{item.copies}份）与委托书所列已提交材料不符，请双方签名交接",
            )


def apply_handover(custody: Mapping[str, str], handover: Handover) -> dict[str, str]:
    """Custody after ``handover``; refuse an original the giver does not hold."""
    after = dict(custody)
    for item in handover.items:
        if not item.original:
            continue
        holder = after.get(item.name, VILLAGER)
        if holder != handover.from_holder:
            raise ValidationError(
                "items",
                f"原件“{item.name}”目前在{holder_label(holder)}处，不能由{holder_label(handover.from_holder)}交出",
            )
        after[item.name] = handover.to_holder
    return after


def originals_out(custody: Iterable[tuple[str, str]], kept_by_town: Collection[str] = ()) -> list[str]:
    """Originals that block archiving: not back with the villager, not handed to the department, and not
    at the window with the town center's word that the town keeps them (``kept_by_town``)."""
    return sorted(
        name for name, holder in custody if holder not in SETTLED and not (holder == WINDOW and name in kept_by_town)
    )


def left_with_clerk(custody: Iterable[tuple[str, str]]) -> list[str]:
    """Originals the clerk still holds."""
    return sorted(name for name, holder in custody if holder == CLERK)
