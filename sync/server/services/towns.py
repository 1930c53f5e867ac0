"""The towns of a county deployment (镇): made and renamed by the county center, listed for its pages.

A single-town center has only town 1 (migration 0112) and shows no town anywhere; the town names appear once
a second town exists (``several_towns``).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sync.protocol.models import ErrorCode

from ..core.db import clock_of
from ..core.models import StationRow, TownRow
from ..core.staff_models import StaffRow
from .errors import ServiceError

NAME_LIMIT = 100


@dataclass(frozen=True)
class TownLine:
    """A town on the towns page: its stations and staff accounts counted."""

    id: int
    name: str
    stations: int
    staff: int


def _name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise ServiceError(ErrorCode.INVALID_REQUEST, "请填写镇名称", field="name")
    if len(name) > NAME_LIMIT:
        raise ServiceError(ErrorCode.INVALID_REQUEST, f"镇名称不能超过{NAME_LIMIT}个字", field="name")
    return name


def _unique(session: Session, name: str, town_id: int | None = None) -> None:
    found = session.scalar(select(TownRow.id).where(TownRow.name == name))
    if found is not None and found != town_id:
        raise ServiceError(ErrorCode.CONFLICT, f"已有名为{name}的镇", field="name")


def create_town(session: Session, name: str) -> TownRow:
    name = _name(name)
    _unique(session, name)
    row = TownRow(name=name, created_at=clock_of(session).stamp())
    session.add(row)
    session.flush()
    return row


def rename_town(session: Session, town_id: int, name: str) -> TownRow:
    row = session.get(TownRow, town_id, with_for_update=True)
    if row is None:
        raise ServiceError(ErrorCode.NOT_FOUND, "没有这个镇")
    name = _name(name)
    _unique(session, name, town_id)
    row.name = name
    return row


def town_names(session: Session) -> dict[int, str]:
    return {tid: name for tid, name in session.execute(select(TownRow.id, TownRow.name).order_by(TownRow.id))}


def several_towns(session: Session) -> bool:
    """Whether the deployment serves more than one town (only then are towns shown and chosen)."""
    return (session.scalar(select(func.count()).select_from(TownRow)) or 0) > 1


def town_lines(session: Session) -> list[TownLine]:
    by_station = select(StationRow.town_id, func.count()).group_by(StationRow.town_id)
    stations = {tid: int(n) for tid, n in session.execute(by_station)}
    by_staff = select(StaffRow.town_id, func.count()).group_by(StaffRow.town_id)
    staff = {tid: int(n) for tid, n in session.execute(by_staff) if tid is not None}
    return [TownLine(tid, name, stations.get(tid, 0), staff.get(tid, 0)) for tid, name in town_names(session).items()]


def station_towns(session: Session) -> dict[str, int]:
    """Each station's town (the county review sums stations into towns)."""
    return {sid: tid for sid, tid in session.execute(select(StationRow.id, StationRow.town_id))}
