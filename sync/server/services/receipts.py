"""窗口确认收件: the window confirms (or lists what differs in) a station's clerk → window handover.

The confirmation is a center event (``case.center_handover_received``) in the
station's center chain, checked by the same fold as everything else, so the
station pulls it like a 受理 or 办结. A later confirmation of the same handover
corrects an earlier one (both kept).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from sqlalchemy.orm import Session

from sync.domain.custody import WINDOW, holder_label
from sync.domain.events import Event
from sync.domain.projection import CaseView, view_from_dict
from sync.domain.window_receipt import (
    RECEIPT_EVENT,
    ReceiptStatus,
    confirmed_originals,
    kept_originals,
    missing_originals,
    parse_receipt,
    receipt_payload,
    receipt_statuses,
)
from sync.protocol.models import ErrorCode

from ..core.models import CaseRow
from .center_events import record_center_event
from .errors import ServiceError

ORIGINAL = "original"
COPY = "copy"


@dataclass(frozen=True)
class ReceiptForm:
    """The posted form: per listed item (in the handover's order) ticked?, copies received, 原件 or 复印件."""

    handover_id: str
    received: Sequence[int] = ()
    copies: Sequence[str] = ()
    forms: Sequence[str] = ()
    note: str = ""
    #: Listed originals the town keeps (留存: not returned to the villager), by position.
    kept: Sequence[int] = ()


@dataclass(frozen=True)
class CustodyMark:
    """One original on the center's case page: who holds it and what the window said (the latest word)."""

    name: str
    holder: str
    confirmed_by: str = ""
    confirmed_at: str = ""
    missing_by: str = ""
    missing_at: str = ""
    #: The town keeps this original (留存) on the window's latest word.
    kept: bool = False


@dataclass(frozen=True)
class CaseReceipts:
    statuses: list[ReceiptStatus] = field(default_factory=list)
    custody: list[CustodyMark] = field(default_factory=list)

    @property
    def open_problems(self) -> list[ReceiptStatus]:
        return [s for s in self.statuses if s.open_problem]


def case_receipts(view: CaseView) -> CaseReceipts:
    """The window handovers of a case with their confirmations, and custody as the window confirmed it."""
    statuses = receipt_statuses(view.window_handovers, view.window_receipts)
    held = confirmed_originals(view.window_handovers, view.window_receipts)
    missing = missing_originals(view.window_handovers, view.window_receipts)
    kept = kept_originals(view.window_handovers, view.window_receipts)
    marks = []
    for name, holder in view.custody:
        mark = CustodyMark(name, holder_label(holder))
        if name in held:
            mark = replace(mark, confirmed_by=held[name].received_by, confirmed_at=held[name].at)
        if name in missing:
            mark = replace(mark, missing_by=missing[name].received_by, missing_at=missing[name].at)
        if name in kept and holder == WINDOW:
            mark = replace(mark, kept=True)
        marks.append(mark)
    return CaseReceipts(statuses, marks)


def _copies(text: str, name: str) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        raise ServiceError(ErrorCode.INVALID_REQUEST, f"“{name}”的实收份数应为数字", field="copies") from None
    if not 0 <= value <= 999:
        raise ServiceError(ErrorCode.INVALID_REQUEST, f"“{name}”的实收份数应在0到999之间", field="copies")
    return value


def confirm_receipt(session: Session, case_id: str, form: ReceiptForm, staff_name: str, actor: str) -> Event:
    """Record the window's word on one handover (in the caller's transaction)."""
    row = session.get(CaseRow, case_id)
    if row is None:
        raise ServiceError(ErrorCode.NOT_FOUND, "没有这个办件")
    view = view_from_dict(row.data)
    if not view.window_handovers:
        raise ServiceError(ErrorCode.INVALID_REQUEST, "代办站尚未记录交给镇中心窗口的材料交接", field="handover_id")
    handover = next((h for h in view.window_handovers if h.event_id == form.handover_id), None)
    if handover is None:
        raise ServiceError(ErrorCode.INVALID_REQUEST, "请选择代办站记录的一次材料交接", field="handover_id")
    items = handover.items
    if len(form.copies) != len(items) or len(form.forms) != len(items):
        raise ServiceError(ErrorCode.INVALID_REQUEST, "请按交接清单逐项填写实收情况", field="items")
    ticked = set(form.received)
    if not ticked <= set(range(len(items))):
        raise ServiceError(ErrorCode.INVALID_REQUEST, "勾选的材料不在交接清单中", field="received")
    received: dict[tuple[str, bool], tuple[int, bool]] = {}
    for i, item in enumerate(items):
        if form.forms[i] not in (ORIGINAL, COPY):
            raise ServiceError(ErrorCode.INVALID_REQUEST, f"请选择“{item.name}”是原件还是复印件", field="forms")
        if i in ticked:
            received[(item.name, item.original)] = (_copies(form.copies[i], item.name), form.forms[i] == ORIGINAL)
    kept = {items[i].name for i in form.kept if 0 <= i < len(items) and items[i].original}
    payload = receipt_payload(case_id, handover, received, staff_name, form.note[:500], kept)
    return record_center_event(session, row.station_id, RECEIPT_EVENT, payload, actor)


def receipt_summary(event: Event) -> str:
    """For the audit log: 全部收到, or the discrepancy."""
    receipt = parse_receipt(event.id, event.occurred_at, event.payload)
    return "全部收到" if receipt.complete else "有差异：" + "；".join(receipt.problems)
