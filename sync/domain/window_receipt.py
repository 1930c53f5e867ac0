"""窗口确认收件: the town window confirms what it received from a clerk's handover.

The clerk records a signed handover clerk → window (``case.handover``). The
window staff then confirms, on the center's side, what actually arrived
(``case.center_handover_received``): every item of that handover with the
copies received and whether it was the 原件 or only a 复印件, the staff
member's name and a note. All received as listed is a confirmation; anything
else is a discrepancy, kept on the case and shown on both sides.

Order does not matter: the station folds its own handover before it pulls
the confirmation, while the center may see the confirmation before a later
station event (say window → clerk) that the station recorded first. Both the
handovers and the confirmations are kept as sets keyed by the handover's
event id and matched when shown, so either order gives the same case. A
confirmation naming a handover the fold has not seen (yet) is kept too, and
shown as unmatched until that handover arrives — never dropped.

An original received may also be marked ``kept`` (留存): the town (its window
or the deciding department, e.g. the 民政办) keeps it for its file and will not
return it. That is the center's knowledge, so it comes with the center's
confirmation; the station then archives without recording (or signing) any
handover inside the town center (``custody.originals_out``). The key is written
only when true, so confirmations made before it existed read and hash the same.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .custody import MAX_ITEMS, HandoverItem
from .errors import DomainError, ValidationError
from .text import clean_text

#: The event type of a confirmation (a center action of the case state machine).
RECEIPT_EVENT = "case.center_handover_received"

CONFIRMED = "confirmed"
DISCREPANCY = "discrepancy"
PENDING = "pending"
UNMATCHED = "unmatched"

STATUS_LABELS = {
    CONFIRMED: "镇窗口已确认收件",
    DISCREPANCY: "镇窗口收件有差异",
    PENDING: "待镇窗口确认收件",
    UNMATCHED: "镇窗口确认了本站没有记录的交接",
}


@dataclass(frozen=True)
class WindowHandover:
    """A clerk → window handover on record (the station's signed event)."""

    event_id: str
    at: str
    items: tuple[HandoverItem, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"event_id": self.event_id, "at": self.at, "items": [i.to_dict() for i in self.items]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> WindowHandover:
        return cls(
            event_id=str(data["event_id"]),
            at=str(data.get("at", "")),
            items=tuple(HandoverItem.from_dict(i) for i in data.get("items", ())),
        )


@dataclass(frozen=True)
class ReceiptItem:
    """One listed item as the window found it."""

    name: str
    original: bool
    copies: int
    received_copies: int
    received_original: bool
    #: The town keeps this original (留存) and will not return it.
    kept: bool = False

    @property
    def kept_original(self) -> bool:
        return self.kept and self.original and self.received_original and self.received_copies > 0

    @property
    def listed_label(self) -> str:
        return f"{self.name}（{'原件' if self.original else '复印件'}{self.copies}份）"

    @property
    def problem(self) -> str:
        """The discrepancy of this item in Chinese, or "" when it arrived as listed."""
        form = "原件" if self.original else "复印件"
        if self.received_copies == 0:
            return f"{self.name}（{form}）未收到"
        parts = []
        if self.received_original != self.original:
            got = "原件" if self.received_original else "复印件"
            parts.append(f"应为{form}，实为{got}")
        if self.received_copies != self.copies:
            parts.append(f"应{self.copies}份，实收{self.received_copies}份")
        return f"{self.name}：{'，'.join(parts)}" if parts else ""

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": self.name,
            "original": self.original,
            "copies": self.copies,
            "received_copies": self.received_copies,
            "received_original": self.received_original,
        }
        if self.kept:
            data["kept"] = True
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ReceiptItem:
        if not isinstance(data, Mapping):
            raise ValidationError("items", "确认收件的材料清单格式不正确")
        listed = HandoverItem.from_dict(data)
        try:
            received = int(data.get("received_copies", listed.copies))
        except (TypeError, ValueError):
            raise ValidationError("items", f"“{listed.name}”的实收份数填写不正确") from None
        if not 0 <= received <= 999:
            raise ValidationError("items", f"“{listed.name}”的实收份数应在0到999之间")
        return cls(
            name=listed.name,
            original=listed.original,
            copies=listed.copies,
            received_copies=received,
            received_original=bool(data.get("received_original", listed.original)),
            kept=data.get("kept") is True,
        )


@dataclass(frozen=True)
class WindowReceipt:
    """The window's confirmation of one handover (the latest one for a handover counts)."""

    event_id: str
    handover_id: str
    received_by: str
    at: str
    items: tuple[ReceiptItem, ...]
    note: str = ""

    @property
    def problems(self) -> tuple[str, ...]:
        return tuple(p for p in (i.problem for i in self.items) if p)

    @property
    def complete(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        return {
            "event_id": self.event_id,
            "handover_id": self.handover_id,
            "received_by": self.received_by,
            "at": self.at,
            "items": [i.to_dict() for i in self.items],
            "note": self.note,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> WindowReceipt:
        return cls(
            event_id=str(data.get("event_id", "")),
            handover_id=str(data["handover_id"]),
            received_by=str(data.get("received_by", "")),
            at=str(data.get("at", "")),
            items=tuple(ReceiptItem.from_dict(i) for i in data.get("items", ())),
            note=str(data.get("note", "")),
        )


def receipt_payload(
    case_id: str,
    handover: WindowHandover,
    received: Mapping[tuple[str, bool], tuple[int, bool]],
    by: str,
    note: str,
    kept: Collection[str] = (),
) -> dict[str, Any]:
    """The event payload: every item of ``handover`` with (copies, 原件?) as received (absent key: not received);
    originals named in ``kept`` and received as 原件 are marked 留存 (the town keeps them)."""
    items = []
    for item in handover.items:
        copies, original = received.get((item.name, item.original), (0, item.original))
        got = original if copies else item.original
        keep = item.name in kept and item.original and got and copies > 0
        items.append(ReceiptItem(item.name, item.original, item.copies, copies, got, keep).to_dict())
    return {
        "case_id": case_id,
        "handover_id": handover.event_id,
        "received_by": clean_text(by, field="received_by", label="收件人姓名", limit=64),
        "items": items,
        "note": clean_text(note, field="note", label="说明", multiline=True),
    }


def parse_receipt(event_id: str, at: str, payload: Mapping[str, Any]) -> WindowReceipt:
    """Validate a ``case.center_handover_received`` payload."""
    handover_id = str(payload.get("handover_id") or "").strip()
    if not handover_id or len(handover_id) > 64:
        raise ValidationError("handover_id", "请指明确认的是哪一次材料交接")
    by = str(payload.get("received_by") or "").strip()
    if not by:
        raise ValidationError("received_by", "请填写确认收件的窗口工作人员姓名")
    if len(by) > 64:
        raise ValidationError("received_by", "收件人姓名过长（最多64个字）")
    raw = payload.get("items")
    if not isinstance(raw, list) or not raw:
        raise ValidationError("items", "请列出确认收到的材料")
    if len(raw) > MAX_ITEMS:
        raise ValidationError("items", f"一次交接最多{MAX_ITEMS}项材料")
    items = tuple(ReceiptItem.from_dict(i) for i in raw)
    keys = [(i.name, i.original) for i in items]
    if len(set(keys)) != len(keys):
        raise ValidationError("items", "确认清单中有重复的材料")
    note = clean_text(str(payload.get("note") or ""), field="note", label="说明", multiline=True)
    return WindowReceipt(event_id, handover_id, by, at, items, note)


def check_against(receipt: WindowReceipt, handover: WindowHandover) -> None:
    """The confirmation must list exactly the items of the handover it confirms."""
    listed = sorted((i.name, i.original, i.copies) for i in handover.items)
    confirmed = sorted((i.name, i.original, i.copies) for i in receipt.items)
    if listed != confirmed:
        raise ValidationError("items", "确认收件的材料与代办站的交接清单不一致，请按交接清单逐项确认")


def fold_receipt(
    handovers: Sequence[WindowHandover], receipts: Sequence[WindowReceipt], receipt: WindowReceipt
) -> tuple[WindowReceipt, ...]:
    """The case's confirmations after ``receipt``; refuse one that contradicts its known handover."""
    handover = next((h for h in handovers if h.event_id == receipt.handover_id), None)
    if handover is not None:
        check_against(receipt, handover)
    if any(r.event_id == receipt.event_id for r in receipts):
        raise DomainError("同一次确认收件不能重复记录")
    return (*receipts, receipt)


def _minutes(at: str) -> str:
    return at[:16].replace("T", " ")


@dataclass(frozen=True)
class ReceiptStatus:
    """One clerk → window handover and what the window said about it (or a confirmation without one)."""

    handover_id: str
    handover: WindowHandover | None
    receipt: WindowReceipt | None
    #: Every confirmation for this handover, oldest first (a later one corrects an earlier one).
    history: tuple[WindowReceipt, ...] = ()

    @property
    def status(self) -> str:
        if self.handover is None:
            return UNMATCHED
        if self.receipt is None:
            return PENDING
        return CONFIRMED if not self.problems else DISCREPANCY

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def problems(self) -> tuple[str, ...]:
        if self.receipt is None:
            return ()
        if self.handover is None:
            return ("镇窗口确认了一次本站尚无记录的材料交接，请与镇中心核对",)
        try:
            check_against(self.receipt, self.handover)
        except ValidationError as exc:
            return (exc.message, *self.receipt.problems)
        return self.receipt.problems

    @property
    def open_problem(self) -> bool:
        return self.status in (DISCREPANCY, UNMATCHED)

    def sentence(self, when: Callable[[str], str] = _minutes) -> str:
        """One Chinese line: who confirmed when (``when`` formats the ISO time), or what differs."""
        if self.receipt is None:
            return self.label
        head = f"{self.label}（{self.receipt.received_by}，{when(self.receipt.at)}）"
        if self.problems:
            head += "：" + "；".join(self.problems)
        if self.receipt.note:
            head += f"。说明：{self.receipt.note}"
        return head


def receipt_statuses(handovers: Sequence[WindowHandover], receipts: Sequence[WindowReceipt]) -> list[ReceiptStatus]:
    """Every clerk → window handover (oldest first) with its latest confirmation; then unmatched ones."""
    by_handover: dict[str, list[WindowReceipt]] = {}
    for r in receipts:
        by_handover.setdefault(r.handover_id, []).append(r)
    out = [
        ReceiptStatus(
            h.event_id,
            h,
            by_handover[h.event_id][-1] if h.event_id in by_handover else None,
            tuple(by_handover.get(h.event_id, ())),
        )
        for h in handovers
    ]
    known = {h.event_id for h in handovers}
    out += [ReceiptStatus(hid, None, rs[-1], tuple(rs)) for hid, rs in by_handover.items() if hid not in known]
    return out


def case_receipt_status(handovers: Sequence[WindowHandover], receipts: Sequence[WindowReceipt]) -> str:
    """One word for the case, for the center's inbox filter: ``discrepancy`` when any confirmation differs
    (or names a handover the station has not sent), else ``pending`` while a handover awaits the window,
    else ``confirmed``; "" for a case with no handover to the window."""
    statuses = receipt_statuses(handovers, receipts)
    if any(status.open_problem for status in statuses):
        return DISCREPANCY
    if any(status.status == PENDING for status in statuses):
        return PENDING
    return CONFIRMED if statuses else ""


def _originals_by_word(
    handovers: Sequence[WindowHandover], receipts: Sequence[WindowReceipt], *, received: bool
) -> dict[str, WindowReceipt]:
    """Originals whose latest word from the window is "received as 原件" (``received``) or the opposite."""
    out: dict[str, WindowReceipt] = {}
    for status in receipt_statuses(handovers, receipts):
        if status.handover is None or status.receipt is None:
            continue
        for item in status.receipt.items:
            if not item.original:
                continue
            if (item.received_copies > 0 and item.received_original) == received:
                out[item.name] = status.receipt
            else:
                out.pop(item.name, None)
    return out


def confirmed_originals(
    handovers: Sequence[WindowHandover], receipts: Sequence[WindowReceipt]
) -> dict[str, WindowReceipt]:
    """Originals the window confirmed holding, by name, from the latest confirmed handover of each."""
    return _originals_by_word(handovers, receipts, received=True)


def missing_originals(
    handovers: Sequence[WindowHandover], receipts: Sequence[WindowReceipt]
) -> dict[str, WindowReceipt]:
    """Originals the window says it did not receive (as 原件) in the latest word on their handover."""
    return _originals_by_word(handovers, receipts, received=False)


def kept_originals(handovers: Sequence[WindowHandover], receipts: Sequence[WindowReceipt]) -> dict[str, WindowReceipt]:
    """Originals the town keeps (留存), by name, from the latest word on their handover to the window."""
    out: dict[str, WindowReceipt] = {}
    for status in receipt_statuses(handovers, receipts):
        if status.handover is None or status.receipt is None:
            continue
        for item in status.receipt.items:
            if not item.original:
                continue
            if item.kept_original:
                out[item.name] = status.receipt
            else:
                out.pop(item.name, None)
    return out
