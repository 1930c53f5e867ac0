"""Materials custody: who holds each original now, as a pure fold over handovers.

A handover moves listed items from one holder to another and is signed by
both sides (see ``signing``). Originals (原件) are tracked by name; an original
never handed over is still with its owner, the villager. A case may be
archived only when every original is back with the villager or was handed to
the department on record.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .errors import ValidationError
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


def parse_handover(payload: Mapping[str, Any]) -> Handover:
    """Validate a handover payload (route, items, both signatures over the content)."""
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
    content = handover_content(str(payload.get("case_id", "")), from_holder, to_holder, items, note)
    refs = payload.get("signatures") or []
    if not isinstance(refs, list):
        raise ValidationError("signatures", "签名记录不完整，请重新签名")
    signatures = check_signatures(refs, content, required=2)
    return Handover(from_holder, to_holder, items, signatures, note)


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


def originals_out(custody: Iterable[tuple[str, str]]) -> list[str]:
    """Originals not back with the villager nor handed to the department: they block archiving."""
    return sorted(name for name, holder in custody if holder not in SETTLED)
