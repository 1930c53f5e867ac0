"""Audited reads and exports of personal data (个人信息保护法 第51条; DESIGN.md "every read of a full
record and every export is audited").

Lists and the case page show the 身份证 number masked. ``reveal_id_number``
returns the full number and appends an ``audit.id_number_read`` event (who,
when, which case, why) to the station's chain, so the read is tamper-evident
and reaches the town center with the next sync. The event names the case in
``subject_case_id``, not ``case_id``: it is not a step of the case.

Every file that carries personal data out of the app (USB transfer file, 台账 and 档案移交清单 in
Excel or PDF, a case form saved as PDF, a backup into a folder the clerk chose) is written by
``save_export`` or recorded by ``record_export`` as an ``audit.export`` event: who, when, what
(a kind and a title without personal data), how many cases, the file name and folder. Never the
personal data itself. Paper is recorded the same way by ``record_print``: the printer and the
number of pages instead of a file. ``audit_log`` lists the station's audit events for the 查看审计记录 list.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.store import event_log
from desktop.store.models import EventRow
from sync.domain.audit_events import (
    AUDIT_LABELS,
    AUDIT_TYPES,
    EXPORT,
    EXPORT_KINDS,
    ID_NUMBER_READ,
    audit_label,
    id_number_read_sentence,
)
from sync.domain.errors import DomainError
from sync.domain.events import STATION, Event
from sync.domain.text import scrub

from ..casework.case_ops import require_text
from ..casework.history import history_entry, local_time
from ..casework.records import HistoryEntry
from ..context import ServiceContext
from ..station import require_station


@dataclass(frozen=True)
class ExportRecord:
    """What was exported. ``title`` names the document (form name, period, case number), never a person."""

    kind: str  # a key of EXPORT_KINDS
    title: str
    case_count: int
    case_id: str | None = None  # an export of one case: shown in its history
    case_no: str = ""


@dataclass(frozen=True)
class AuditEntry:
    """One line of the station's audit list."""

    seq: int
    at: str
    actor: str
    action: str
    detail: str
    case_no: str


def record_export(ctx: ServiceContext, record: ExportRecord, path: Path, actor: str | None = None) -> Event:
    """Append the ``audit.export`` event of a file already written to ``path``."""
    with ctx.db.transaction() as session:
        return append_export(ctx, session, record, path, actor)


def append_export(
    ctx: ServiceContext, session: Session, record: ExportRecord, path: Path, actor: str | None = None
) -> Event:
    """The ``audit.export`` event of an export to ``path``, in the caller's transaction."""
    return _append(ctx, session, record, {"file_name": path.name, "folder": str(path.parent)}, actor)


def record_print(ctx: ServiceContext, record: ExportRecord, printer: str, pages: int) -> Event:
    """Append the ``audit.export`` event of pages sent to a printer (paper carries personal data out too)."""
    if not record.kind.endswith("_print"):
        raise DomainError(f"“{record.kind}”不是打印类的记录")
    # the OS names the printer: what the center would refuse is dropped, not put to the clerk
    where = {"printer": scrub(printer).strip()[:200] or "未命名打印机", "pages": int(pages)}
    with ctx.db.transaction() as session:
        return _append(ctx, session, record, where, None)


def _append(
    ctx: ServiceContext, session: Session, record: ExportRecord, where: dict[str, object], actor: str | None
) -> Event:
    if record.kind not in EXPORT_KINDS:
        raise DomainError(f"未知的导出类型“{record.kind}”")
    station = require_station(ctx)
    payload: dict[str, object] = {
        "what": record.kind,
        "title": record.title,
        "case_count": int(record.case_count),
        **where,
    }
    if record.case_id:
        payload["subject_case_id"] = record.case_id
        payload["case_no"] = record.case_no
    return event_log.append(
        session,
        station_id=station.station_id,
        type=EXPORT,
        payload=payload,
        actor=actor or station.clerk,
        occurred_at=ctx.clock.stamp(),
    )


def write_atomically(path: Path, data: bytes) -> None:
    """Write aside, flush, then rename into place (a USB stick may be pulled at any moment)."""
    tmp = path.with_name(path.name + ".part")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise DomainError(f"无法写入文件“{path.name}”：{exc.strerror or exc}") from None


def save_export(ctx: ServiceContext, path: Path | str, data: bytes, record: ExportRecord) -> Path:
    """Write the exported file and record the export; if the record cannot be written, the file goes too."""
    target = Path(path)
    write_atomically(target, data)
    try:
        record_export(ctx, record, target)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return target


def case_form_record(ctx: ServiceContext, case_id: str, title: str, kind: str = "case_form_pdf") -> ExportRecord:
    """The export record of one case's form (shown in that case's history)."""
    with ctx.db.reading() as session:
        view = event_log.load_case(session, case_id)
    if view is None:
        raise DomainError("找不到该办件")
    return ExportRecord(kind, title, 1, case_id, view.case_no)


def save_case_pdf(ctx: ServiceContext, case_id: str, title: str, path: Path | str, data: bytes) -> Path:
    """另存为PDF of a form of one case (recorded in the case's history)."""
    return save_export(ctx, path, data, case_form_record(ctx, case_id, title))


def record_case_form_print(ctx: ServiceContext, case_id: str, title: str, printer: str, pages: int) -> Event:
    """A form of one case printed on paper (recorded in the case's history)."""
    return record_print(ctx, case_form_record(ctx, case_id, title, "case_form_print"), printer, pages)


def reveal_id_number(ctx: ServiceContext, case_id: str, purpose: str) -> str:
    """The full 身份证 number of the case's applicant; the read is recorded with its purpose."""
    station = require_station(ctx)
    why = require_text(purpose, "purpose", "查看完整身份证号码的用途", 100)
    with ctx.db.transaction() as session:
        view = event_log.load_case(session, case_id)
        if view is None:
            raise DomainError("找不到该办件")
        event_log.append(
            session,
            station_id=station.station_id,
            type=ID_NUMBER_READ,
            payload={"subject_case_id": case_id, "case_no": view.case_no, "purpose": why},
            actor=station.clerk,
            occurred_at=ctx.clock.stamp(),
        )
        return view.applicant.id_number


def _detail(event: Event) -> str:
    return history_entry(event).sentence


def audit_log(ctx: ServiceContext, limit: int = 500) -> list[AuditEntry]:
    """The station's audit events (full 身份证 reads, exports), newest first."""
    with ctx.db.reading() as session:
        rows = session.scalars(
            select(EventRow).where(EventRow.type.in_(AUDIT_TYPES)).order_by(EventRow.seq.desc()).limit(limit)
        ).all()
        events = [event_log.to_event(r) for r in rows]
    return [
        AuditEntry(
            seq=e.seq,
            at=local_time(e.occurred_at),
            actor=e.actor,
            action=audit_label(e.type, e.payload) or e.type,
            detail=_detail(e),
            case_no=str(e.payload.get("case_no", "")),
        )
        for e in events
    ]


def case_audit_events(ctx: ServiceContext, case_id: str, after_seq: int = 0) -> list[Event]:
    """Audit events about one case (they come after its registration, so only that part of the log is read)."""
    with ctx.db.reading() as session:
        rows = session.scalars(
            select(EventRow)
            .where(
                EventRow.seq > after_seq,
                EventRow.type.in_(AUDIT_TYPES),
                func.json_extract(EventRow.payload, "$.subject_case_id") == case_id,
            )
            .order_by(EventRow.seq)
        ).all()
        return [event_log.to_event(r) for r in rows]


def merge_audit(events: Sequence[Event], audits: Sequence[Event]) -> list[Event]:
    """The case's events with its audit events put in by station sequence."""
    if not audits:
        return list(events)
    out: list[Event] = []
    pending = list(audits)
    for event in events:
        if event.origin == STATION:
            while pending and pending[0].seq < event.seq:
                out.append(pending.pop(0))
        out.append(event)
    return out + pending


def id_number_reads(ctx: ServiceContext, case_id: str) -> list[HistoryEntry]:
    """Who saw the full number of this case, when and why."""
    with ctx.db.reading() as session:
        rows = session.scalars(select(EventRow).where(EventRow.type == ID_NUMBER_READ).order_by(EventRow.seq)).all()
    return [
        HistoryEntry(
            at=local_time(r.occurred_at),
            actor=r.actor,
            action=AUDIT_LABELS[ID_NUMBER_READ],
            sentence=id_number_read_sentence(r.payload),
            from_center=False,
        )
        for r in rows
        if r.payload.get("subject_case_id") == case_id
    ]
