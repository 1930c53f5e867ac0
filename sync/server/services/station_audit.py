"""代办站个人信息审计: what the stations did with personal data, from their synced audit events.

A station records every full 身份证 number a clerk revealed (``audit.id_number_read``) and every
file or printout of personal data (``audit.export``) in its hash-chained log; the events reach the
center with the next sync like any other. This read side lists them newest first, in the words of
``sync.domain.audit_events`` (the station's own list uses the same), with the case number only —
never the applicant's name, number or phone.

The query repeats the WHERE term of the partial index ``ix_events_audit`` (migration 0103) as literal
SQL, so both SQLite and PostgreSQL walk that index backwards instead of every stored event.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import ColumnElement, Select, literal_column, or_, select
from sqlalchemy.orm import Session

from sync.domain.audit_events import (
    AUDIT_KIND_LABELS,
    AUDIT_TYPES,
    EXPORT,
    ID_NUMBER_READ,
    ID_READ_KIND,
    PRINT_KIND,
    PRINT_KINDS,
    audit_label,
    audit_sentence,
)
from sync.domain.clock import day_start_stamp

from ..core.models import CaseRow, EventRow
from .dashboard import station_names

PAGE_SIZE = 100


def _literal(text: str) -> ColumnElement[str]:
    """A constant of ours as SQL text (a bound parameter cannot prove a partial index's WHERE on SQLite)."""
    return literal_column("'" + text.replace("'", "''") + "'")


@dataclass(frozen=True)
class StationAuditFilter:
    """Which audit events to list; dates are Beijing days, both ends included."""

    station_id: str = ""
    kind: str = ""  # a key of AUDIT_KIND_LABELS, or "" for all
    date_from: date | None = None
    date_to: date | None = None
    page: int = 1

    def conditions(self) -> list[ColumnElement[bool]]:
        out: list[ColumnElement[bool]] = [EventRow.type.in_([_literal(t) for t in AUDIT_TYPES])]
        out.append(EventRow.refused.is_(None))  # a refused record says nothing the center took in
        if self.station_id:
            out.append(EventRow.station_id == self.station_id)
        if self.kind == ID_READ_KIND:
            out.append(EventRow.type == ID_NUMBER_READ)
        elif self.kind in AUDIT_KIND_LABELS:
            what = EventRow.payload["what"].as_string()
            on_paper = what.in_(PRINT_KINDS)
            out.append(EventRow.type == EXPORT)
            out.append(on_paper if self.kind == PRINT_KIND else or_(what.is_(None), ~on_paper))
        # 0001-01-01 and 9999-12-31 bound nothing (and would overflow when moved to UTC or to the next day)
        if self.date_from is not None and self.date_from > date.min:
            out.append(EventRow.occurred_at >= day_start_stamp(self.date_from))
        if self.date_to is not None and self.date_to < date.max:
            out.append(EventRow.occurred_at < day_start_stamp(self.date_to + timedelta(days=1)))
        return out


@dataclass(frozen=True)
class StationAuditLine:
    at: str  # the station's time of the event, ISO UTC
    station: str  # 东湖村代办站（DH01）
    actor: str  # the clerk
    action: str
    detail: str
    case_no: str
    case_id: str  # the center's case, "" when it has none (not synced yet, or no single case)


@dataclass
class StationAuditPage:
    lines: list[StationAuditLine]
    page: int
    has_more: bool
    stations: dict[str, str] = field(default_factory=dict)


def audit_query(flt: StationAuditFilter, page_size: int = PAGE_SIZE) -> Select[EventRow]:
    """The events of one page, newest first, and one more (is there an older page?)."""
    return (
        select(EventRow)
        .where(*flt.conditions())
        .order_by(EventRow.occurred_at.desc(), EventRow.station_id.desc(), EventRow.seq.desc())
        .limit(page_size + 1)
        .offset((flt.page - 1) * page_size)
    )


def station_audit(session: Session, flt: StationAuditFilter, page_size: int = PAGE_SIZE) -> StationAuditPage:
    """One page of the stations' audit events, newest first, in Chinese, with the center's case when it has it."""
    rows = list(session.scalars(audit_query(flt, page_size)))
    more = len(rows) > page_size
    rows = rows[:page_size]
    stations = station_names(session)
    subjects = {str(r.payload.get("subject_case_id")) for r in rows if r.payload.get("subject_case_id")}
    known = (
        set(session.execute(select(CaseRow.case_id, CaseRow.station_id).where(CaseRow.case_id.in_(subjects))).tuples())
        if subjects
        else set()
    )
    lines = []
    for row in rows:
        subject = str(row.payload.get("subject_case_id") or "")
        lines.append(
            StationAuditLine(
                at=row.occurred_at,
                station=stations.get(row.station_id, row.station_id),
                actor=row.actor,
                action=audit_label(row.type, row.payload) or row.type,
                detail=audit_sentence(row.type, row.payload),
                case_no=str(row.payload.get("case_no") or ""),
                case_id=subject if (subject, row.station_id) in known else "",
            )
        )
    return StationAuditPage(lines, flt.page, more, stations)
