"""Audited reads of personal data (个人信息保护法 第51条; DESIGN.md "every read of a full record is audited").

Lists and the case page show the 身份证 number masked. ``reveal_id_number``
returns the full number and appends an ``audit.id_number_read`` event (who,
when, which case, why) to the station's chain, so the read is tamper-evident
and reaches the town center with the next sync. The event names the case in
``subject_case_id``, not ``case_id``: it is not a step of the case.
"""

from __future__ import annotations

from sqlalchemy import select

from desktop.store import event_log
from desktop.store.models import EventRow
from sync.domain.errors import DomainError

from .case_ops import require_text
from .context import ServiceContext
from .history import local_time
from .records import HistoryEntry
from .station import require_station

ID_NUMBER_READ = "audit.id_number_read"


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
        )
        return view.applicant.id_number


def id_number_reads(ctx: ServiceContext, case_id: str) -> list[HistoryEntry]:
    """Who saw the full number of this case, when and why."""
    with ctx.db.reading() as session:
        rows = session.scalars(select(EventRow).where(EventRow.type == ID_NUMBER_READ).order_by(EventRow.seq)).all()
    return [
        HistoryEntry(
            at=local_time(r.occurred_at),
            actor=r.actor,
            action="查看完整身份证号码",
            sentence=f"查看完整身份证号码，用途：{r.payload.get('purpose', '')}",
            from_center=False,
        )
        for r in rows
        if r.payload.get("subject_case_id") == case_id
    ]
