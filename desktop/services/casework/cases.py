"""Use cases around a case: register an entrustment, list and open cases."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from desktop.store import event_log
from desktop.store.models import CaseCounterRow
from sync.domain.calendar import add_working_days
from sync.domain.case_number import format_case_no, parse_case_no
from sync.domain.catalog import ServiceItem
from sync.domain.clock import beijing, stamp
from sync.domain.entrustment import DEFAULT_SCOPE, check_registration, entrustment_content
from sync.domain.errors import DomainError, ValidationError
from sync.domain.model import Applicant, CaseKind, MaterialItem, missing_required
from sync.domain.projection import CaseView
from sync.domain.signing import content_hash

from ..context import ServiceContext
from ..station import require_station
from .attachments import store_scan_images
from .case_list import case_summary, search_cases
from .case_ops import signature_payload
from .notices import notice_lines
from .records import CaseDraft, CaseFilter, CaseSummary, Changed, SignatureInput, SignedContent


def _counter(session: Session, day: date) -> CaseCounterRow:
    key = f"{day:%Y%m%d}"
    counter = session.get(CaseCounterRow, key)
    if counter is None:
        counter = CaseCounterRow(day=key, last_serial=0)
        session.add(counter)
    return counter


def next_case_no(session: Session, station_code: str, day: date) -> str:
    counter = _counter(session, day)
    counter.last_serial += 1
    return format_case_no(station_code, day, counter.last_serial)


def reserve_case_no(session: Session, case_no: str) -> None:
    """A number in use (e.g. a case that came back from the center): the day's next one comes after it."""
    _code, day, serial = parse_case_no(case_no)
    counter = _counter(session, day)
    counter.last_serial = max(counter.last_serial, serial)


def _materials(draft: CaseDraft) -> list[MaterialItem]:
    items = [MaterialItem.from_dict(m.__dict__) for m in draft.materials]
    names = [m.name for m in items]
    if len(set(names)) != len(names):
        raise ValidationError("materials", "材料清单中有重复的材料名称")
    return items


SIGN_FIRST = "请委托人和代办员在《代办服务委托书》上签名后再登记"


@dataclass(frozen=True)
class _Entrustment:
    kind: CaseKind
    item: ServiceItem
    applicant: Applicant
    materials: list[MaterialItem]

    def fields(self) -> dict[str, Any]:
        """The registration's fields the 委托书 is signed over (no case id, no case number yet)."""
        return {
            "kind": self.kind.value,
            "case_type": self.item.case_type.value,
            "applicant": self.applicant.to_dict(),
            "item": {
                "code": self.item.code,
                "name": self.item.name,
                "department": self.item.department,
                "promised_days": self.item.promised_days,
            },
            "materials": [m.to_dict() for m in self.materials],
        }

    def content(self) -> dict[str, Any]:
        return entrustment_content(**self.fields(), scope=DEFAULT_SCOPE)


def _validated(ctx: ServiceContext, draft: CaseDraft, today: date | None = None) -> _Entrustment:
    try:
        kind = CaseKind(draft.kind)
    except ValueError:
        raise ValidationError("kind", "请选择服务方式（代办、帮办或咨询）") from None
    if not draft.item_code:
        raise ValidationError("item_code", "请选择办理事项")
    item = ctx.catalog.get(draft.item_code)
    applicant = Applicant.create(
        name=draft.applicant_name,
        id_number=draft.id_number,
        phone=draft.phone,
        address=draft.address,
        special_groups=draft.special_groups,
        today=today or ctx.today(),
    )
    materials = _materials(draft)
    if kind is not CaseKind.CONSULT and not materials:
        raise ValidationError("materials", "请核对并填写材料清单")
    return _Entrustment(kind, item, applicant, materials)


def prepare_registration(ctx: ServiceContext, draft: CaseDraft) -> SignedContent:
    """The 《代办服务委托书》 content (validated) the 委托人 and the 代办员 sign, and its hash."""
    content = _validated(ctx, draft).content()
    return SignedContent(content=content, content_sha256=content_hash(content))


def _signed_fields(entrustment: _Entrustment, signatures: tuple[SignatureInput, ...]) -> dict[str, Any]:
    """The 委托书's scope, signature references and ink for the payload; checked as the fold will."""
    if not signatures:
        raise ValidationError("signatures", SIGN_FIRST)
    fields = {"scope": DEFAULT_SCOPE, **signature_payload(signatures)}
    check_registration({**entrustment.fields(), **fields})
    return fields


def register_case(ctx: ServiceContext, draft: CaseDraft) -> Changed:
    """Record a new entrustment and check its materials on the spot.

    代办 and 帮办 need the signed 委托书: ``draft.signatures`` of the 委托人 and the 代办员
    over ``prepare_registration``'s content (on the pad or a photo of a paper signature, whose
    ``scan_image`` is stored in the blob store and named in the event's ``payload["blobs"]``).
    Complete materials → the case is accepted and the clock starts; otherwise
    the missing required materials are recorded once (一次告知) and the case
    waits for them (待补正). 咨询 cases are only registered. Everything is one
    transaction: a refused input saves nothing.
    """
    station = require_station(ctx)
    now = ctx.clock.now()  # one reading: the case number's day, the dates and the events' times agree
    today = beijing(now).date()
    entrustment = _validated(ctx, draft, today)
    kind, item, materials = entrustment.kind, entrustment.item, entrustment.materials
    signed = _signed_fields(entrustment, draft.signatures) if kind is not CaseKind.CONSULT else {}
    case_id = str(uuid.uuid4())
    with ctx.db.transaction() as session:
        case_no = next_case_no(session, station.code, today)
        payload: dict[str, object] = {"case_id": case_id, "case_no": case_no, **entrustment.fields(), **signed}
        if signed:
            store_scan_images(ctx, draft.signatures)
        append = _appender(session, station.station_id, station.clerk, stamp(now))
        append("case.registered", payload)
        if kind is not CaseKind.CONSULT:
            missing = missing_required(materials)
            if missing:
                names = [m.name for m in missing]
                append(
                    "case.request_correction",
                    {
                        "case_id": case_id,
                        "missing": names,
                        "notice": notice_lines(item, materials, names),
                        "legal_basis": item.legal_basis,
                        "notified_on": today.isoformat(),
                    },
                )
            else:
                deadline = add_working_days(ctx.calendar, today, item.promised_days)
                append(
                    "case.accept",
                    {
                        "case_id": case_id,
                        "accepted_on": today.isoformat(),
                        "due_on": deadline.day.isoformat(),
                        "due_uncertain": deadline.uncertain,
                    },
                )
    return Changed(case_ids=(case_id,), sync=True, message=f"已登记办件 {case_no}")


def _appender(
    session: Session, station_id: str, actor: str, occurred_at: str
) -> Callable[[str, dict[str, object]], None]:
    def append(type: str, payload: dict[str, object]) -> None:
        event_log.append(
            session, station_id=station_id, type=type, payload=payload, actor=actor, occurred_at=occurred_at
        )

    return append


def get_case(ctx: ServiceContext, case_id: str) -> CaseView:
    with ctx.db.reading() as session:
        view = event_log.load_case(session, case_id)
    if view is None:
        raise DomainError("找不到该办件")
    return view


def list_cases(ctx: ServiceContext, text: str = "", state: str | None = None, limit: int = 500) -> list[CaseSummary]:
    """Cases for the list, newest first, filtered by name, 身份证, phone, number or matter."""
    return search_cases(ctx, CaseFilter(text=text, state=state, limit=limit))


__all__ = ["case_summary", "get_case", "list_cases", "prepare_registration", "register_case", "search_cases"]
