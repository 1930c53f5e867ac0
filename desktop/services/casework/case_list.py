"""The case list: every filter on one indexed column, summaries built from plain columns.

``cases.search_text`` holds name, case number, *masked* phone, *masked* 身份证
and matter (upper-case, joined by U+001F). The free-text box is ``instr`` on
it; the per-field filters are LIKE patterns that address one field by
counting separators. A full 身份证 or phone number is looked up exactly by
its keyed blind index (``cases.id_number_index`` / ``phone_index``), since
the full numbers are stored only encrypted; parts of a number match the
digits the masked form keeps (the last four, a mobile's first three). The
query is forced onto the covering index ``ix_cases_list``
(registered_at, search_text, state), scanned newest first until ``limit``
matches, so the table's large JSON rows are read only for the rows shown —
and not even then: summaries are built from the narrow columns.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from sqlalchemy import text as sql_text
from sqlalchemy.orm import Session

from desktop.store.event_log import SEARCH_FIELDS, SEARCH_SEP
from desktop.store.personal_data import applicant_phones
from sync.crypto import id_index, phone_index
from sync.domain.calendar import DeadlineResult, due_label
from sync.domain.case_rules import CLOCK_RUNNING, CaseState
from sync.domain.clock import beijing_day, day_start_stamp
from sync.domain.errors import ValidationError
from sync.domain.model import CaseKind, CaseType
from sync.domain.personal_data import masked_phone
from sync.domain.projection import CaseView
from sync.domain.text import normalize_name
from sync.domain.validation import mask_id_number, normalize_id_number, normalize_phone

from ..context import ServiceContext
from ..syncing.sync_state import sync_labels
from .records import CaseFilter, CaseSummary

MAX_LIMIT = 5000
_COLUMNS = (
    "case_id, case_no, applicant_name, id_number_masked, phone_masked, item_name, kind, case_type, state, "
    "registered_at, due_on, last_seq"
)


def _like_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _field_pattern(field: str, inner: str) -> str:
    """A LIKE pattern on ``search_text`` that matches ``inner`` within one field only."""
    parts = ["%"] * len(SEARCH_FIELDS)
    parts[SEARCH_FIELDS.index(field)] = inner
    return SEARCH_SEP.join(parts)


_FULL_ID = re.compile(r"^\d{17}[\dX]$")
_FULL_PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")


def full_id_number(text: str) -> str | None:
    number = normalize_id_number(text)
    return number if _FULL_ID.match(number) else None


def full_phone(text: str) -> str | None:
    phone = normalize_phone(text)
    return phone if _FULL_PHONE.match(phone) else None


def filter_patterns(f: CaseFilter) -> list[str]:
    """LIKE patterns on ``cases.search_text`` for the per-field filters (all must match).

    A full phone or 身份证 number is not a pattern: ``exact_lookups`` finds it by blind index.
    """
    patterns: list[str] = []
    for field, value in (("name", normalize_name(f.name)), ("case_no", f.case_no), ("item", f.item)):
        if value.strip():
            patterns.append(_field_pattern(field, f"%{_like_escape(value.strip().upper())}%"))
    phone = normalize_phone(f.phone)
    if phone:
        if not phone.replace("-", "").isdigit():
            raise ValidationError("phone", "联系电话只能包含数字和短横线")
        if full_phone(phone) is None:  # a part: the digits the masked number keeps
            patterns.append(_field_pattern("phone", f"%{phone}%"))
    number = normalize_id_number(f.id_number)
    if number:
        if not number.rstrip("X").isdigit() or "X" in number[:-1] or len(number) > 18:
            raise ValidationError("id_number", "身份证号码只能包含数字和X（查询可只填后几位）")
        if len(number) < 18:  # the last digits (the masked number keeps four)
            patterns.append(_field_pattern("id_number", f"%{number}"))
    return patterns


def exact_lookups(ctx: ServiceContext, f: CaseFilter, text: str) -> list[tuple[str, str]]:
    """(blind-index column, value) for every full 身份证 or phone number in the filter (all must match)."""
    key = ctx.db.key_slot.key
    lookups: list[tuple[str, str]] = []
    number = full_id_number(f.id_number) if f.id_number.strip() else None
    phone = full_phone(f.phone) if f.phone.strip() else None
    if text and number is None and phone is None:  # the free-text box holding a whole number
        number, phone = full_id_number(text), full_phone(text)
    if number is not None:
        lookups.append(("id_number_index", id_index(key, number) if key else "-"))
    if phone is not None:
        lookups.append(("phone_index", phone_index(key, phone) if key else "-"))
    return lookups


def search_cases(ctx: ServiceContext, f: CaseFilter) -> list[CaseSummary]:
    """The case list with every filter of ``CaseFilter``, newest first; 身份证 masked."""
    if f.date_from and f.date_to and f.date_from > f.date_to:
        raise ValidationError("date_from", "开始日期不能晚于结束日期")
    if len(f.text) > 100:
        raise ValidationError("text", "查询内容不能超过100个字")
    limit = max(1, min(int(f.limit), MAX_LIMIT))
    where: list[str] = []
    params: dict[str, Any] = {"limit": limit}
    text_ = normalize_name(f.text).upper()  # 阿依古丽•买买提 finds 阿依古丽·买买提
    exact = exact_lookups(ctx, f, text_)
    if text_ and not (exact and (full_id_number(text_) or full_phone(text_))):
        where.append("instr(search_text, :text) > 0")
        params["text"] = text_
    for i, (column, value) in enumerate(exact):
        where.append(f"{column} = :x{i}")
        params[f"x{i}"] = value
    for i, pattern in enumerate(filter_patterns(f)):
        where.append(f"search_text LIKE :p{i} ESCAPE '\\'")
        params[f"p{i}"] = pattern
    if f.state:
        where.append("state = :state")
        params["state"] = f.state
    if f.date_from:
        where.append("registered_at >= :date_from")
        params["date_from"] = day_start_stamp(f.date_from)
    if f.date_to:
        where.append("registered_at < :date_to")
        params["date_to"] = day_start_stamp(f.date_to + timedelta(days=1))
    # SQLAlchemy's SQLite dialect renders no index hints, hence text(): only bound parameters go in.
    index = f"ix_cases_{exact[0][0]}" if exact else "ix_cases_list"  # an exact number: a handful of rows
    query = sql_text(
        f"SELECT {_COLUMNS} FROM cases INDEXED BY {index}"
        + (f" WHERE {' AND '.join(where)}" if where else "")
        + " ORDER BY registered_at DESC LIMIT :limit"
    )
    with ctx.db.reading() as session:
        rows = session.execute(query, params).all()
        labels = sync_labels(session, rows, ctx.sync_in_flight)
    return _summaries(ctx, rows, labels)


def summaries_where(
    session: Session,
    ctx: ServiceContext,
    where: str,
    params: dict[str, Any],
    order_by: str,
    limit: int,
    index: str | None = None,
) -> tuple[list[CaseSummary], int]:
    """(the first ``limit`` summaries, how many match) for a trusted SQL condition with bound parameters."""
    source = f"cases INDEXED BY {index}" if index else "cases"
    rows = session.execute(
        sql_text(f"SELECT {_COLUMNS} FROM {source} WHERE {where} ORDER BY {order_by} LIMIT :limit"),
        {**params, "limit": limit},
    ).all()
    total = len(rows)
    if total == limit:
        total = int(session.execute(sql_text(f"SELECT count(*) FROM cases WHERE {where}"), params).scalar() or 0)
    return _summaries(ctx, rows, sync_labels(session, rows, ctx.sync_in_flight)), total


def with_phones(session: Session, summaries: Sequence[CaseSummary]) -> list[CaseSummary]:
    """The summaries with the villager's full phone, for a list the clerk calls from (only the phones are
    opened, with the session's data key)."""
    if not summaries:
        return list(summaries)
    phones = applicant_phones(session, [s.case_id for s in summaries])
    return [replace(s, phone=phones.get(s.case_id, "")) for s in summaries]


def _summaries(ctx: ServiceContext, rows: Sequence[Any], labels: dict[str, str]) -> list[CaseSummary]:
    today = ctx.today()
    due_labels: dict[date, str] = {}  # hundreds of rows share a few dozen due dates: each counted once
    return [
        _summary(
            ctx,
            today,
            case_id=r.case_id,
            case_no=r.case_no,
            applicant_name=r.applicant_name,
            id_masked=r.id_number_masked,
            phone_masked=r.phone_masked,
            item_name=r.item_name,
            kind=CaseKind(r.kind),
            case_type=CaseType(r.case_type),
            state=CaseState(r.state),
            registered_at=r.registered_at,
            due_on=date.fromisoformat(r.due_on) if r.due_on else None,
            warning_from_year=beijing_day(r.registered_at).year,
            sync_label=labels[r.case_id],
            due_labels=due_labels,
        )
        for r in rows
    ]


def _summary(
    ctx: ServiceContext,
    today: date,
    *,
    case_id: str,
    case_no: str,
    applicant_name: str,
    id_masked: str,
    phone_masked: str,
    item_name: str,
    kind: CaseKind,
    case_type: CaseType,
    state: CaseState,
    registered_at: str,
    due_on: date | None,
    warning_from_year: int,
    sync_label: str,
    due_labels: dict[date, str] | None = None,
) -> CaseSummary:
    """The one list line of a case, from a row of the list query or from a case view.

    Its deadline shows while the clock runs: a due label (from ``due_labels`` when a batch shares
    them), overdue, and the warning of a due date counted without that year's holiday schedule
    (``warning_from_year``: the first year that may lack one).
    """
    running = state in CLOCK_RUNNING and due_on is not None
    label = ""
    if running and due_on is not None:
        cache = {} if due_labels is None else due_labels
        label = cache.get(due_on) or cache.setdefault(due_on, due_label(ctx.calendar, due_on, today))
    return CaseSummary(
        case_id=case_id,
        case_no=case_no,
        applicant_name=applicant_name,
        id_masked=id_masked,
        phone_masked=phone_masked,
        item_name=item_name,
        kind_label=kind.label,
        case_type_label=case_type.label,
        state=state.value,
        state_label=state.label,
        registered_on=beijing_day(registered_at),
        due_on=due_on,
        due_label=label,
        overdue=bool(running and due_on is not None and due_on < today),
        sync_label=sync_label,
        due_warning=_due_warning(ctx, due_on, warning_from_year) if running else "",
    )


def _due_warning(ctx: ServiceContext, due_on: date | None, from_year: int) -> str:
    """Say so when the due date was counted without that year's holiday schedule."""
    if due_on is None or ctx.calendar.covers(due_on.year):
        return ""
    years = sorted({y for y in range(from_year, due_on.year + 1) if not ctx.calendar.covers(y)})
    return DeadlineResult(due_on, tuple(years)).warning() or ""


def case_summary(ctx: ServiceContext, view: CaseView, today: date, sync_label: str) -> CaseSummary:
    """The list line of one case view (home page, case page)."""
    return _summary(
        ctx,
        today,
        case_id=view.case_id,
        case_no=view.case_no,
        applicant_name=view.applicant.name,
        id_masked=mask_id_number(view.applicant.id_number),
        phone_masked=masked_phone(view.applicant.phone),
        item_name=view.item_name,
        kind=view.kind,
        case_type=view.case_type,
        state=view.state,
        registered_at=view.registered_at,
        due_on=view.due_on,
        warning_from_year=(view.accepted_on or view.due_on or today).year,
        sync_label=sync_label,
    )
