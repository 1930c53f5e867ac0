"""Use cases around a case: register an entrustment, list and open cases."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.store import event_log
from desktop.store.event_log import SEARCH_FIELDS, SEARCH_SEP
from desktop.store.models import CaseCounterRow, CaseRow
from sync.domain.calendar import DeadlineResult, add_working_days, due_label
from sync.domain.case_number import format_case_no
from sync.domain.case_rules import CLOCK_RUNNING, CaseState
from sync.domain.errors import DomainError, ValidationError
from sync.domain.model import Applicant, CaseKind, MaterialItem, missing_required
from sync.domain.projection import CaseView, view_from_dict
from sync.domain.validation import mask_id_number, mask_phone, normalize_id_number

from .context import ServiceContext
from .records import CaseDraft, CaseFilter, CaseSummary, Changed
from .station import require_station
from .sync_state import sync_labels


def _next_case_no(session: Session, station_code: str, day: date) -> str:
    key = f"{day:%Y%m%d}"
    counter = session.get(CaseCounterRow, key)
    if counter is None:
        counter = CaseCounterRow(day=key, last_serial=0)
        session.add(counter)
    counter.last_serial += 1
    return format_case_no(station_code, day, counter.last_serial)


def _materials(draft: CaseDraft) -> list[MaterialItem]:
    items = [MaterialItem.from_dict(m.__dict__) for m in draft.materials]
    names = [m.name for m in items]
    if len(set(names)) != len(names):
        raise ValidationError("materials", "材料清单中有重复的材料名称")
    return items


def register_case(ctx: ServiceContext, draft: CaseDraft) -> Changed:
    """Record a new entrustment and check its materials on the spot.

    Complete materials → the case is accepted and the clock starts; otherwise
    the missing required materials are recorded once (一次告知) and the case
    waits for them (待补正). 咨询 cases are only registered. Everything is one
    transaction: a refused input saves nothing.
    """
    station = require_station(ctx)
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
    )
    materials = _materials(draft)
    if kind is not CaseKind.CONSULT and not materials:
        raise ValidationError("materials", "请核对并填写材料清单")
    today = ctx.today()
    case_id = str(uuid.uuid4())
    with ctx.db.transaction() as session:
        case_no = _next_case_no(session, station.code, today)
        payload = {
            "case_id": case_id,
            "case_no": case_no,
            "kind": kind.value,
            "case_type": item.case_type.value,
            "applicant": applicant.to_dict(),
            "item": {
                "code": item.code,
                "name": item.name,
                "department": item.department,
                "promised_days": item.promised_days,
            },
            "materials": [m.to_dict() for m in materials],
        }
        append = _appender(session, station.station_id, station.clerk)
        append("case.registered", payload)
        if kind is not CaseKind.CONSULT:
            missing = missing_required(materials)
            if missing:
                append("case.request_correction", {"case_id": case_id, "missing": [m.name for m in missing]})
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


def _appender(session: Session, station_id: str, actor: str) -> Callable[[str, dict[str, object]], None]:
    def append(type: str, payload: dict[str, object]) -> None:
        event_log.append(session, station_id=station_id, type=type, payload=payload, actor=actor)

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


def _like_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _field_pattern(field: str, inner: str) -> str:
    """A LIKE pattern on ``search_text`` that matches ``inner`` within one field only."""
    i = SEARCH_FIELDS.index(field)
    parts = ["%"] * len(SEARCH_FIELDS)
    parts[i] = inner
    return SEARCH_SEP.join(parts)


def filter_patterns(f: CaseFilter) -> list[str]:
    """LIKE patterns on ``cases.search_text`` for the filter's text fields (all must match)."""
    patterns: list[str] = []
    if f.text.strip():
        patterns.append(f"%{_like_escape(f.text.strip().upper())}%")
    for field, value in (("name", f.name), ("case_no", f.case_no), ("item", f.item)):
        if value.strip():
            patterns.append(_field_pattern(field, f"%{_like_escape(value.strip().upper())}%"))
    phone = f.phone.strip().replace(" ", "")
    if phone:
        if not phone.replace("-", "").isdigit():
            raise ValidationError("phone", "联系电话只能包含数字和短横线")
        patterns.append(_field_pattern("phone", f"%{phone}%"))
    number = normalize_id_number(f.id_number)
    if number:
        if not number.rstrip("X").isdigit() or "X" in number[:-1] or len(number) > 18:
            raise ValidationError("id_number", "身份证号码只能包含数字和X（查询可只填后几位）")
        # the full number matches exactly, a shorter one matches the last digits
        patterns.append(_field_pattern("id_number", number if len(number) == 18 else f"%{number}"))
    return patterns


def _utc_start(day: date) -> str:
    """The instant the local day begins, as the UTC ISO text ``registered_at`` is stored in."""
    return datetime.combine(day, time()).astimezone().astimezone(UTC).isoformat(timespec="milliseconds")


def local_date(iso: str) -> date:
    """The station's local calendar day of a stored UTC timestamp."""
    return datetime.fromisoformat(iso).astimezone().date()


def search_cases(ctx: ServiceContext, f: CaseFilter) -> list[CaseSummary]:
    """The case list with every filter of ``CaseFilter``; 身份证 masked in the result.

    All text filters are LIKE patterns on one column (``search_text``), so the
    query scans the covering index ``ix_cases_list`` newest first and stops at
    ``limit`` matches.
    """
    if f.date_from and f.date_to and f.date_from > f.date_to:
        raise ValidationError("date_from", "开始日期不能晚于结束日期")
    limit = max(1, min(int(f.limit), 5000))
    query = select(CaseRow).order_by(CaseRow.registered_at.desc()).limit(limit)
    for pattern in filter_patterns(f):
        query = query.where(CaseRow.search_text.like(pattern, escape="\\"))
    if f.state:
        query = query.where(CaseRow.state == f.state)
    if f.date_from:
        query = query.where(CaseRow.registered_at >= _utc_start(f.date_from))
    if f.date_to:
        query = query.where(CaseRow.registered_at < _utc_start(f.date_to + timedelta(days=1)))
    with ctx.db.reading() as session:
        rows = session.scalars(query).all()
        labels = sync_labels(session, rows)
    today = ctx.today()
    return [case_summary(ctx, view_from_dict(row.data), today, labels[row.case_id]) for row in rows]


def case_summary(ctx: ServiceContext, view: CaseView, today: date, sync_label: str) -> CaseSummary:
    running = view.state in CLOCK_RUNNING
    label = due_label(ctx.calendar, view.due_on, today) if (running and view.due_on) else ""
    return CaseSummary(
        case_id=view.case_id,
        case_no=view.case_no,
        applicant_name=view.applicant.name,
        id_masked=mask_id_number(view.applicant.id_number),
        phone_masked=mask_phone(view.applicant.phone),
        item_name=view.item_name,
        kind_label=view.kind.label,
        case_type_label=view.case_type.label,
        state=view.state.value,
        state_label=CaseState(view.state).label,
        registered_on=local_date(view.registered_at),
        due_on=view.due_on,
        due_label=label,
        overdue=bool(running and view.due_on and view.due_on < today),
        sync_label=sync_label,
        due_warning=_due_warning(ctx, view) if running else "",
    )


def _due_warning(ctx: ServiceContext, view: CaseView) -> str:
    """Say so when the due date was counted without that year's holiday schedule."""
    if view.due_on is None or ctx.calendar.covers(view.due_on.year):
        return ""
    years = sorted(
        {y for y in range((view.accepted_on or view.due_on).year, view.due_on.year + 1) if not ctx.calendar.covers(y)}
    )
    return DeadlineResult(view.due_on, tuple(years)).warning() or ""
