"""Tamper evidence on the center: re-verify every stored chain (a station's own and its center chain)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync.domain.errors import ChainBroken
from sync.domain.events import GENESIS_HASH, Event, verify_chain

from ..core.models import CenterEventRow, EventRow, StationRow
from .queries import row_to_event


@dataclass(frozen=True)
class ChainReport:
    station_id: str
    station_code: str
    events: int
    center_events: int
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def _check(events: list[Event], head: tuple[int, str]) -> list[str]:
    try:
        last = verify_chain(events, start_hash=GENESIS_HASH, start_seq=1)
    except ChainBroken as exc:
        return [exc.message]
    if (len(events), last) != head:
        return [f"记录条数或末条校验值与登记不符（应为{head[0]}条，现有{len(events)}条）"]
    return []


def verify_station(session: Session, station_id: str) -> ChainReport:
    station = session.get(StationRow, station_id)
    if station is None:
        return ChainReport(station_id, "", 0, 0, ("没有这个代办站",))
    own = [
        row_to_event(r)
        for r in session.scalars(select(EventRow).where(EventRow.station_id == station_id).order_by(EventRow.seq))
    ]
    center = [
        row_to_event(r)
        for r in session.scalars(
            select(CenterEventRow).where(CenterEventRow.station_id == station_id).order_by(CenterEventRow.seq)
        )
    ]
    problems = [f"代办站记录：{p}" for p in _check(own, (station.head_seq, station.head_hash))]
    problems += [f"镇中心记录：{p}" for p in _check(center, (station.center_seq, station.center_hash))]
    return ChainReport(station_id, station.code, len(own), len(center), tuple(problems))


def verify_all(session: Session) -> list[ChainReport]:
    """One report per station; any problem means a stored row was edited or removed."""
    ids = session.scalars(select(StationRow.id).order_by(StationRow.code)).all()
    return [verify_station(session, station_id) for station_id in ids]
