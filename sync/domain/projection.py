"""Current state of a case as a pure fold over its events.

Both the station's projection tables and the town center's views are built
with ``apply_event``; rebuilding from the log must give the same result, so
everything a projection needs is carried in the events (for example the due
date that was promised, not one recomputed from today's calendar).

``apply_event`` parses the event into its typed record (``sync.domain.payloads``:
the schema both sides check before storing an event), checks the transition with
the state machine, sets what every event sets, and hands the rest to the one
handler of the event type (``HANDLERS``), which reads the typed record: dates as
``date``, counts as ``int``, flags as ``bool``. Old events fold as before: a field
added since is optional in the schema, and the hash is over the stored payload,
which parsing never changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from types import MappingProxyType
from typing import Any

from .case_rules import CaseState, check_transition
from .clock import beijing_day
from .custody import CLERK, WINDOW, apply_handover, check_covered, originals_out, parse_handover
from .entrustment import check_registration
from .errors import DomainError, IllegalTransition, ValidationError
from .events import Event
from .feedback import DIMENSIONS, parse_feedback
from .model import Applicant, CaseKind, CaseType, MaterialItem
from .payloads import Payload, parse_event
from .ratings import is_bad_rating
from .step_signing import check_step_signature
from .window_receipt import WindowHandover, WindowReceipt, fold_receipt, kept_originals, parse_receipt

CASE_REGISTERED = "case.registered"


@dataclass(frozen=True)
class CaseView:
    case_id: str
    case_no: str
    station_id: str
    kind: CaseKind
    case_type: CaseType
    state: CaseState
    applicant: Applicant
    item_code: str
    item_name: str
    department: str
    promised_days: int
    materials: tuple[MaterialItem, ...]
    registered_at: str
    clerk: str
    accepted_on: date | None = None
    due_on: date | None = None
    due_uncertain: bool = False
    completed_on: date | None = None
    result: str = ""
    rating: int | None = None
    last_reason: str = ""
    suspended_from: CaseState | None = None
    extended: bool = False
    updated_at: str = ""
    event_count: int = 1
    #: (material name, holder) of every original handed over at least once.
    custody: tuple[tuple[str, str], ...] = ()
    #: Required materials still missing (from the last 一次告知).
    missing: tuple[str, ...] = ()
    suspended_on: date | None = None
    rating_bad: bool = False
    rating_followed_up: bool = False
    #: (dimension, 1-5) of the 服务效率/服务水平/服务态度 the villager rated (``feedback.DIMENSIONS``); () before.
    rating_dimensions: tuple[tuple[str, int], ...] = ()
    attachment_count: int = 0
    #: Clerk → window handovers on record, and the window's confirmations of them (窗口确认收件).
    window_handovers: tuple[WindowHandover, ...] = ()
    window_receipts: tuple[WindowReceipt, ...] = ()
    #: The content hash of the 委托书 signed at registration ("" when not signed on screen).
    entrustment_sha256: str = ""
    #: The villager → clerk handover covered by that 委托书 is on record (it may be used once).
    intake_covered: bool = False


def _opt_date(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


def registered_view(event: Event) -> CaseView:
    p = event.payload
    item: Mapping[str, Any] = p["item"]
    return CaseView(
        case_id=str(p["case_id"]),
        case_no=str(p["case_no"]),
        station_id=event.station_id,
        kind=CaseKind(p["kind"]),
        case_type=CaseType(p["case_type"]),
        state=CaseState.DRAFT,
        applicant=Applicant.from_dict(p["applicant"]),
        item_code=str(item["code"]),
        item_name=str(item["name"]),
        department=str(item.get("department", "")),
        promised_days=int(item.get("promised_days", 0)),
        materials=tuple(MaterialItem.from_dict(m) for m in p.get("materials", [])),
        registered_at=event.occurred_at,
        clerk=event.actor,
        updated_at=event.occurred_at,
    )


def _record(event: Event) -> Payload:
    """The event's typed record. An event that does not pass today's schema was stored by an older version
    without it (a NUL in a text, a shape since tightened): it is read as stored, as that version folded it.
    Both sides check every new event before storing it, and the center refuses such an old one at ingest; the
    station keeps showing it (被拒绝), so its fold must not fail on it."""
    try:
        return parse_event(event)
    except ValidationError:
        return Payload(event.type, MappingProxyType(dict(event.payload)), event.payload)


def apply_event(view: CaseView | None, event: Event) -> CaseView:
    """The case after ``event``; raise DomainError if the event does not fit."""
    record = _record(event)
    if event.type == CASE_REGISTERED:
        if view is not None:
            raise DomainError(f"办件{view.case_no}已登记，不能重复登记")
        refs = check_registration(event.payload)  # the signed 委托书, when the registration carries it
        view = registered_view(event)
        return replace(view, entrustment_sha256=refs[0].content_sha256) if refs else view
    if view is None:
        raise DomainError("事件指向的办件不存在")
    if not event.type.startswith("case."):
        raise DomainError(f"未知的事件类型“{event.type}”")
    action = event.type.removeprefix("case.")
    p = event.payload
    target = check_transition(action, view.state, view.kind, event.origin, view.suspended_from)
    changes: dict[str, Any] = {
        "state": target,
        "updated_at": event.occurred_at,
        "event_count": view.event_count + 1,
    }
    if "reason" in p:
        changes["last_reason"] = str(p["reason"])
    if "materials" in p:
        changes["materials"] = tuple(MaterialItem.from_dict(m) for m in p["materials"])
    check_step_signature(action, p)  # 中止/续办 signed by the villager: over exactly what was recorded
    handler = HANDLERS.get(action)
    if handler is not None:
        changes.update(handler(view, record, event))
    if target is not CaseState.SUSPENDED:
        changes["suspended_on"] = None
    return replace(view, **changes)


def _check_extension(view: CaseView, p: Payload) -> None:
    """延期: only with the villager's consent and a reason, and never once the deadline has passed."""
    if p.get("consent") is not True:
        raise ValidationError("consent", "延期办理须征得申请人同意，请先记录申请人的同意")
    if not str(p.get("reason", "")).strip():
        raise ValidationError("reason", "请填写延期理由")
    if p.date("due_on") is None:
        raise ValidationError("due_on", "请填写延期后的办结日期")
    requested = p.date("requested_on")
    if requested is None:
        raise ValidationError("requested_on", "延期申请缺少申请日期")
    if view.due_on is not None and requested > view.due_on:
        raise DomainError(f"办件已于{view.due_on:%Y年%m月%d日}到期，超过期限后申请延期按超期处理，不能再延期")


def _handover(view: CaseView, p: Payload, event: Event) -> dict[str, Any]:
    handover = parse_handover(p.raw)
    changes: dict[str, Any] = {}
    if handover.covered_by:
        check_covered(handover, view.entrustment_sha256, view.materials, view.intake_covered)
        changes["intake_covered"] = True
    custody = apply_handover(dict(view.custody), handover)
    changes["custody"] = tuple(sorted(custody.items()))
    if (handover.from_holder, handover.to_holder) == (CLERK, WINDOW):
        kept = WindowHandover(event.id, event.occurred_at, handover.items)
        changes["window_handovers"] = (*view.window_handovers, kept)
    return changes


def _attach(view: CaseView, p: Payload, event: Event) -> dict[str, Any]:
    sha = str(p.get("sha256", ""))
    if len(sha) != 64 or sha.strip("0123456789abcdef"):
        raise ValidationError("sha256", "附件的校验值无效")
    if not str(p.get("filename", "")).strip():
        raise ValidationError("filename", "附件缺少文件名")
    return {"attachment_count": view.attachment_count + 1}


def _set_case_type(view: CaseView, p: Payload, event: Event) -> dict[str, Any]:
    try:
        case_type = CaseType(str(p.get("case_type", "")))
    except ValueError:
        raise ValidationError("case_type", "请选择办件类型") from None
    if not str(p.get("reason", "")).strip():
        raise ValidationError("reason", "变更办件类型须填写理由")
    return {"case_type": case_type}


def _close_rating(view: CaseView, p: Payload, event: Event) -> dict[str, Any]:
    return {"rating_followed_up": True}


def _handover_received(view: CaseView, p: Payload, event: Event) -> dict[str, Any]:
    receipt = parse_receipt(event.id, event.occurred_at, p.raw)
    return {"window_receipts": fold_receipt(view.window_handovers, view.window_receipts, receipt)}


def _accept(view: CaseView, p: Payload, event: Event) -> dict[str, Any]:
    return {
        "accepted_on": p.date("accepted_on"),
        "due_on": p.date("due_on"),
        "due_uncertain": bool(p.get("due_uncertain", False)),
        "missing": (),
    }


def _request_correction(view: CaseView, p: Payload, event: Event) -> dict[str, Any]:
    return {"missing": tuple(str(m) for m in p.get("missing", ()))}


def _resume(view: CaseView, p: Payload, event: Event, *, extended: bool = False) -> dict[str, Any]:
    changes: dict[str, Any] = {"extended": view.extended or extended, "suspended_from": None}
    due_on = p.date("due_on")
    if due_on is not None:
        changes["due_on"] = due_on
        changes["due_uncertain"] = bool(p.get("due_uncertain", False))
    return changes


def _extend(view: CaseView, p: Payload, event: Event) -> dict[str, Any]:
    _check_extension(view, p)
    return _resume(view, p, event, extended=True)


def _suspend(view: CaseView, p: Payload, event: Event) -> dict[str, Any]:
    suspended_on = p.date("suspended_on") or beijing_day(event.occurred_at)
    return {"suspended_from": view.state, "suspended_on": suspended_on}


def _center_complete(view: CaseView, p: Payload, event: Event) -> dict[str, Any]:
    completed_on = p.date("completed_on") or beijing_day(event.occurred_at)
    return {"completed_on": completed_on, "result": str(p.get("result", ""))}


def _give_feedback(view: CaseView, p: Payload, event: Event) -> dict[str, Any]:
    dimensions: Mapping[str, int] = {}
    if "result_confirmed" in p.values:  # the signed 服务意见反馈表; older events carry only the rating
        dimensions = parse_feedback(p.raw).dimensions
    rating = int(p.get("rating"))
    if not 1 <= rating <= 5:
        raise IllegalTransition("满意度评价应为1到5星")
    rated = tuple((k, int(dimensions[k])) for k in DIMENSIONS if k in dimensions)
    return {"rating": rating, "rating_bad": is_bad_rating(rating), "rating_dimensions": rated}


def originals_blocking_archive(view: CaseView) -> list[str]:
    """Originals that keep the case from 归档: not back with the villager, not with the department, and
    not kept by the town by the center's own word (its 窗口确认收件 marked 留存)."""
    return originals_out(view.custody, kept_originals(view.window_handovers, view.window_receipts))


def _archive(view: CaseView, p: Payload, event: Event) -> dict[str, Any]:
    out = originals_blocking_archive(view)
    if out:
        raise DomainError(f"以下原件尚未退还申请人，也没有交给办理部门或镇中心留存的记录，不能归档：{'、'.join(out)}")
    return {}


#: What each action changes besides the state (``apply_event``): one handler per event type ``case.<action>``;
#: actions without one (送件, 撤回, 退回, 终止, 答复, 镇中心受理/退回) change only the state and the common fields.
HANDLERS: dict[str, Callable[[CaseView, Payload, Event], dict[str, Any]]] = {
    "accept": _accept,
    "request_correction": _request_correction,
    "center_request_correction": _request_correction,
    "extend": _extend,
    "resume": _resume,
    "suspend": _suspend,
    "center_complete": _center_complete,
    "give_feedback": _give_feedback,
    "archive": _archive,
    "handover": _handover,
    "attach": _attach,
    "set_case_type": _set_case_type,
    "center_close_rating": _close_rating,
    "center_handover_received": _handover_received,
}


def fold(events: Iterable[Event]) -> dict[str, CaseView]:
    """All cases after the given events (in sequence order), keyed by case id."""
    cases: dict[str, CaseView] = {}
    for event in events:
        case_id = str(event.payload.get("case_id", ""))
        if not case_id:
            continue
        cases[case_id] = apply_event(cases.get(case_id), event)
    return cases


def view_to_dict(view: CaseView) -> dict[str, Any]:
    """JSON-ready form of a CaseView (dates as ISO strings), for projection tables."""
    return {
        "case_id": view.case_id,
        "case_no": view.case_no,
        "station_id": view.station_id,
        "kind": view.kind.value,
        "case_type": view.case_type.value,
        "state": view.state.value,
        "applicant": view.applicant.to_dict(),
        "item_code": view.item_code,
        "item_name": view.item_name,
        "department": view.department,
        "promised_days": view.promised_days,
        "materials": [m.to_dict() for m in view.materials],
        "registered_at": view.registered_at,
        "clerk": view.clerk,
        "accepted_on": view.accepted_on.isoformat() if view.accepted_on else None,
        "due_on": view.due_on.isoformat() if view.due_on else None,
        "due_uncertain": view.due_uncertain,
        "completed_on": view.completed_on.isoformat() if view.completed_on else None,
        "result": view.result,
        "rating": view.rating,
        "last_reason": view.last_reason,
        "suspended_from": view.suspended_from.value if view.suspended_from else None,
        "extended": view.extended,
        "updated_at": view.updated_at,
        "event_count": view.event_count,
        "custody": [list(c) for c in view.custody],
        "missing": list(view.missing),
        "suspended_on": view.suspended_on.isoformat() if view.suspended_on else None,
        "rating_bad": view.rating_bad,
        "rating_followed_up": view.rating_followed_up,
        "rating_dimensions": dict(view.rating_dimensions),
        "attachment_count": view.attachment_count,
        "window_handovers": [h.to_dict() for h in view.window_handovers],
        "window_receipts": [r.to_dict() for r in view.window_receipts],
        "entrustment_sha256": view.entrustment_sha256,
        "intake_covered": view.intake_covered,
    }


def view_from_dict(data: Mapping[str, Any]) -> CaseView:
    return CaseView(
        case_id=data["case_id"],
        case_no=data["case_no"],
        station_id=data["station_id"],
        kind=CaseKind(data["kind"]),
        case_type=CaseType(data["case_type"]),
        state=CaseState(data["state"]),
        applicant=Applicant.from_dict(data["applicant"]),
        item_code=data["item_code"],
        item_name=data["item_name"],
        department=data["department"],
        promised_days=int(data["promised_days"]),
        materials=tuple(MaterialItem.from_dict(m) for m in data["materials"]),
        registered_at=data["registered_at"],
        clerk=data["clerk"],
        accepted_on=_opt_date(data.get("accepted_on")),
        due_on=_opt_date(data.get("due_on")),
        due_uncertain=bool(data.get("due_uncertain", False)),
        completed_on=_opt_date(data.get("completed_on")),
        result=data.get("result", ""),
        rating=data.get("rating"),
        last_reason=data.get("last_reason", ""),
        suspended_from=CaseState(data["suspended_from"]) if data.get("suspended_from") else None,
        extended=bool(data.get("extended", False)),
        updated_at=data.get("updated_at", ""),
        event_count=int(data.get("event_count", 1)),
        custody=tuple((str(n), str(h)) for n, h in data.get("custody", ())),
        missing=tuple(str(m) for m in data.get("missing", ())),
        suspended_on=_opt_date(data.get("suspended_on")),
        rating_bad=bool(data.get("rating_bad", False)),
        rating_followed_up=bool(data.get("rating_followed_up", False)),
        rating_dimensions=_dimensions(data.get("rating_dimensions")),
        attachment_count=int(data.get("attachment_count", 0)),
        window_handovers=tuple(WindowHandover.from_dict(h) for h in data.get("window_handovers", ())),
        window_receipts=tuple(WindowReceipt.from_dict(r) for r in data.get("window_receipts", ())),
        entrustment_sha256=str(data.get("entrustment_sha256", "")),
        intake_covered=bool(data.get("intake_covered", False)),
    )


def _dimensions(stored: Any) -> tuple[tuple[str, int], ...]:
    """The rated dimensions of a stored view (none in a view stored before they were kept)."""
    if not isinstance(stored, Mapping):
        return ()
    return tuple((k, int(stored[k])) for k in DIMENSIONS if k in stored)
