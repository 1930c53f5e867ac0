"""Applying the town center's decisions (center-origin events) at the station.

The sync engine's pull path (and the USB import) calls ``apply_center_event``
for each verified event of the station's center chain, in order. Each call is
one transaction: the event is stored in ``center_events`` (its own chain, not
the station's) and folded into the case projection with the same
``apply_event`` the center used. A repeated event is a no-op; an event that no
longer fits its case is kept with the reason and listed by ``center_conflicts``
for a person to resolve.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from desktop.store import center_log
from sync.domain.errors import DomainError
from sync.domain.events import Event

from ..casework.records import Changed
from ..context import ServiceContext
from ..station import require_station


@dataclass(frozen=True)
class CenterConflict:
    seq: int
    type: str
    case_id: str | None
    reason: str
    occurred_at: str


def apply_center_event(ctx: ServiceContext, event_dict: Mapping[str, Any]) -> Changed:
    """Store one center event and fold it into its case, transactionally."""
    station = require_station(ctx)
    try:
        event = Event.from_dict(event_dict)
    except (KeyError, TypeError, ValueError):
        raise DomainError("镇中心发来的记录格式不正确") from None
    if event.station_id != station.station_id:
        raise DomainError("该记录不属于本代办站")
    with ctx.db.transaction() as session:
        recorded = center_log.record(session, event, ctx.clock.stamp())
    case_id = str(event.payload.get("case_id") or "")
    if recorded.duplicate:
        return Changed(message="该记录已接收过")
    if recorded.conflict:
        return Changed(case_ids=(case_id,) if case_id else (), message=f"镇中心的记录无法应用：{recorded.conflict}")
    return Changed(case_ids=(case_id,) if case_id else (), message="已接收镇中心的处理结果")


def center_cursor(ctx: ServiceContext) -> int:
    """The last center seq applied: pull from here."""
    with ctx.db.reading() as session:
        return center_log.head(session)[0]


def center_conflicts(ctx: ServiceContext) -> list[CenterConflict]:
    with ctx.db.reading() as session:
        return [
            CenterConflict(r.seq, r.type, r.case_id, r.conflict or "", r.occurred_at)
            for r in center_log.conflicts(session)
        ]
