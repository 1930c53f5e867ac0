"""收件回执 and 退件清单: what one station's clerk handed the window on one day (clerk → window), with what
the window recorded on 确认收件, and what the window handed back to the clerk (window → clerk).

A visit is read from the station's ``case.handover`` events of that Beijing day (refused ones left out), in
the order the clerk recorded them; each case's applicant and matter come from the case as the center holds
it. The list is printed by ``forms.visit_receipt`` (``visit_pdf``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from forms import visit_receipt
from forms.data import MaterialLine, Station
from forms.errors import FormDataError
from sync.domain.case_rules import STATE_LABELS, CaseState
from sync.domain.clock import beijing, day_start_stamp
from sync.domain.custody import CLERK, WINDOW, HandoverItem
from sync.domain.errors import ValidationError
from sync.domain.projection import view_from_dict
from sync.domain.window_receipt import ReceiptItem, kept_originals, receipt_statuses
from sync.protocol.models import ErrorCode

from ..core.models import CaseRow, EventRow, StationRow
from .errors import ServiceError

HANDOVER_EVENT = "case.handover"
#: Decided at the center: the result (or the refusal) and the originals go back to the clerk.
HAND_BACK_STATES = (CaseState.COMPLETED.value, CaseState.RETURNED.value)
PENDING_HAND_BACK = "待交还（代办站尚未记录交接）"


@dataclass(frozen=True)
class VisitItem:
    name: str
    original: bool
    copies: int
    pages: int
    #: What the window recorded for this item (收齐 / 未收到 / 应2份，实收1份…), "" before it confirmed.
    checked: str = ""

    @property
    def form_label(self) -> str:
        return "原件" if self.original else "复印件"


@dataclass(frozen=True)
class VisitLine:
    """One handover of the visit."""

    case_id: str
    case_no: str
    applicant_name: str
    applicant_id: str
    matter: str
    at: str  # Beijing time of the handover, HH:MM
    items: tuple[VisitItem, ...]
    status: str = ""  # 待镇窗口确认收件 / 镇窗口已确认收件 / 镇窗口收件有差异 (clerk → window only)
    received_by: str = ""
    note: str = ""  # the window's note, or the clerk's note on a handover back


@dataclass(frozen=True)
class Visit:
    station_id: str
    station_code: str
    station_name: str
    day: date
    clerk: str
    delivered: tuple[VisitLine, ...]
    returned: tuple[VisitLine, ...]


@dataclass(frozen=True)
class StationChoice:
    id: str
    code: str
    name: str


def station_choices(session: Session) -> list[StationChoice]:
    rows = session.execute(select(StationRow.id, StationRow.code, StationRow.name).order_by(StationRow.code))
    return [StationChoice(sid, code, name) for sid, code, name in rows]


def _checked(item: HandoverItem, found: ReceiptItem | None) -> str:
    """收齐, or the discrepancy the window recorded for ``item`` (without repeating its name)."""
    if found is None:
        return "待确认"
    if found.received_copies == 0:
        return "未收到"
    return found.problem.removeprefix(f"{item.name}：") or ("收齐（留存）" if found.kept_original else "收齐")


def _line(session: Session, event: EventRow, items: tuple[HandoverItem, ...], delivered: bool) -> VisitLine | None:
    case_id = str(event.payload.get("case_id", ""))
    row = session.get(CaseRow, case_id)
    if row is None or row.station_id != event.station_id:
        return None
    view = view_from_dict(row.data)
    at = f"{beijing(datetime.fromisoformat(event.occurred_at)):%H:%M}"
    base = VisitLine(
        case_id,
        view.case_no,
        view.applicant.name,
        view.applicant.id_number,
        view.item_name,
        at,
        tuple(VisitItem(i.name, i.original, i.copies, i.pages) for i in items),
        note=str(event.payload.get("note", "")),
    )
    if not delivered:
        return base
    statuses = receipt_statuses(view.window_handovers, view.window_receipts)
    status = next((s for s in statuses if s.handover_id == event.id), None)
    receipt = status.receipt if status is not None else None
    found = {(r.name, r.original): r for r in receipt.items} if receipt is not None else {}
    checked = tuple(
        VisitItem(i.name, i.original, i.copies, i.pages, _checked(i, found.get((i.name, i.original)))) for i in items
    )
    if receipt is None:
        return replace(base, items=checked, status=status.label if status else "")
    return replace(
        base, items=checked, status=status.label if status else "", received_by=receipt.received_by, note=receipt.note
    )


def visit(session: Session, station_id: str, day: date, today: date | None = None) -> Visit:
    """The handovers between ``station_id``'s clerk and the window on ``day`` (Beijing), both ways; on ``today``
    also what the window is to hand back and the station has not recorded yet (``_to_hand_back``)."""
    station = session.get(StationRow, station_id)
    if station is None:
        raise ServiceError(ErrorCode.NOT_FOUND, "没有这个代办站")
    events = session.scalars(
        select(EventRow)
        .where(
            EventRow.station_id == station_id,
            EventRow.type == HANDOVER_EVENT,
            EventRow.refused.is_(None),
            EventRow.occurred_at >= day_start_stamp(day),
            EventRow.occurred_at < day_start_stamp(day + timedelta(days=1)),
        )
        .order_by(EventRow.seq)
    )
    delivered: list[VisitLine] = []
    returned: list[VisitLine] = []
    clerks: list[str] = []
    for event in events:
        route = (event.payload.get("from"), event.payload.get("to"))
        if route not in ((CLERK, WINDOW), (WINDOW, CLERK)):
            continue
        try:
            items = tuple(HandoverItem.from_dict(i) for i in event.payload.get("items") or ())
        except ValidationError:
            continue
        line = _line(session, event, items, route == (CLERK, WINDOW))
        if line is None:
            continue
        (delivered if route == (CLERK, WINDOW) else returned).append(line)
        clerks.append(event.actor)
    clerk = max(set(clerks), key=clerks.count) if clerks else ""
    if day == today:
        returned += _to_hand_back(session, station_id, {line.case_id for line in returned})
    return Visit(station.id, station.code, station.name, day, clerk, tuple(delivered), tuple(returned))


def _to_hand_back(session: Session, station_id: str, recorded: set[str]) -> list[VisitLine]:
    """Cases the center has decided (办结 or 退回) whose originals the window still holds, not kept by the town:
    what the window hands the clerk today, before the station records (and syncs) that handover."""
    rows = session.scalars(
        select(CaseRow)
        .where(CaseRow.station_id == station_id, CaseRow.state.in_(HAND_BACK_STATES))
        .order_by(CaseRow.case_no)
    )
    out = []
    for row in rows:
        if row.case_id in recorded:
            continue
        view = view_from_dict(row.data)
        kept = kept_originals(view.window_handovers, view.window_receipts)
        held = [name for name, holder in view.custody if holder == WINDOW and name not in kept]
        if not held:
            continue
        listed = {i.name: i for h in view.window_handovers for i in h.items if i.original}
        items = tuple(
            VisitItem(
                name, True, listed[name].copies if name in listed else 1, listed[name].pages if name in listed else 0
            )
            for name in held
        )
        if view.state == CaseState.RETURNED:
            note = f"退回：{view.last_reason}" if view.last_reason else "退回"
        else:
            note = view.result or STATE_LABELS[view.state]
        out.append(
            VisitLine(
                row.case_id,
                view.case_no,
                view.applicant.name,
                view.applicant.id_number,
                view.item_name,
                "",
                items,
                status=PENDING_HAND_BACK,
                note=note,
            )
        )
    return out


def visit_record(
    v: Visit, *, returning: bool, center_name: str, staff_name: str, printed_at: datetime
) -> visit_receipt.VisitReceipt:
    """The plain record ``forms.visit_receipt`` prints."""
    lines: Sequence[VisitLine] = v.returned if returning else v.delivered
    cases = [
        visit_receipt.VisitCase(
            case_no=line.case_no,
            applicant_name=line.applicant_name,
            applicant_id=line.applicant_id,
            matter=line.matter,
            items=[
                MaterialLine(i.name, i.original, i.copies, note=i.checked, pages=i.pages or None) for i in line.items
            ],
            note=line.note,
        )
        for line in lines
    ]
    return visit_receipt.VisitReceipt(
        station=Station(name=v.station_name, code=v.station_code),
        center_name=center_name,
        day=v.day,
        cases=cases,
        returning=returning,
        clerk_name=_clerk_name(v.clerk),
        staff_name=staff_name,
        printed_at=printed_at,
    )


def _clerk_name(actor: str) -> str:
    """The clerk's name as the station signs events (``陈晓燕（代办员）``), without the role."""
    return actor.split("（", 1)[0].strip()


def visit_pdf(record: visit_receipt.VisitReceipt) -> bytes:
    """The PDF; a name no embedded font can draw is refused in Chinese, never printed blank."""
    try:
        return visit_receipt.render(record)
    except FormDataError as exc:
        raise ServiceError(ErrorCode.INVALID_REQUEST, exc.message) from None
