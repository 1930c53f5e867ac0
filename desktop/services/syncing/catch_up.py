"""After a backup is restored: the station's own events that reached the center come back first.

A backup is older than the log it replaces. The events recorded after it that were already synced are
at the town center, but no longer here. Were the station to carry on from the backup's head, its next
events would take sequence numbers the center already holds: the center would refuse them as
conflicts, or, once it had acknowledged beyond them, they would never be sent at all.

So ``restore_backup`` leaves a marker, and the next sync first fetches from the center (``GET
/sync/events``) the station's own events after the last one it confirmed. It verifies their chain
from this log's confirmed head and puts them back. Events recorded here since the restore, which the
center does not have, are chained anew after them. All of this happens in one transaction, and the
projection is rebuilt. A case registered here since the restore whose number a case that came back
already holds gets the day's next free number (the signed 委托书 content does not include it). The
clerk is told which ones, so the 委托书 can be printed again. A push answer acknowledging more than
this log holds triggers the same catch-up, for a database put back by other means.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.store import event_log
from desktop.store.models import EventRow
from sync.client.client import SyncClient
from sync.domain.case_number import parse_case_no
from sync.domain.errors import ChainBroken, DomainError
from sync.domain.events import GENESIS_HASH, Event, verify_chain

from ..casework.cases import next_case_no, reserve_case_no
from ..context import ServiceContext
from ..station import require_station
from .sync_state import acked_seq, state_row

log = logging.getLogger(__name__)

#: In the data folder: written by a restore, removed once the station's own events are back.
MARKER = "restored-catch-up-needed"


def marker(data_dir: Path) -> Path:
    return data_dir / MARKER


def mark_restored(data_dir: Path) -> None:
    marker(data_dir).write_text("从备份恢复后，下次同步先取回镇中心已有的本站记录\n", encoding="utf-8")


def needed(ctx: ServiceContext) -> bool:
    return marker(ctx.db.data_dir).exists()


@dataclass(frozen=True)
class CaughtUp:
    """What a catch-up did: events back from the center, and case numbers changed (old, new)."""

    events: int
    renumbered: tuple[tuple[str, str], ...] = ()

    @property
    def message(self) -> str:
        if not self.events:
            return ""
        text = f"已从镇中心取回恢复备份后缺少的本站记录 {self.events} 条"
        if self.renumbered:
            changes = "、".join(f"{old}改为{new}" for old, new in self.renumbered)
            text += f"；恢复后新登记的办件编号已与取回的办件重复，已改号：{changes}，请重新打印这些办件的委托书"
        return text


REGISTERED = "case.registered"


def _renumber(
    session: Session, station_code: str, center: Sequence[Event], local_only: Sequence[Event]
) -> tuple[list[Event], list[tuple[str, str]]]:
    """Local registrations whose number came back with another case get the day's next free number."""
    taken = set()
    for event in center:
        if event.type == REGISTERED and event.payload.get("case_no"):
            taken.add(str(event.payload["case_no"]))
            reserve_case_no(session, str(event.payload["case_no"]))
    changed: dict[str, str] = {}  # case id -> new number
    renumbered = []
    for event in local_only:
        old = str(event.payload.get("case_no") or "")
        if event.type == REGISTERED and old in taken:
            new = next_case_no(session, station_code, parse_case_no(old)[1])
            changed[str(event.payload["case_id"])] = new
            renumbered.append((old, new))
    out = []
    for event in local_only:
        case_id = str(event.payload.get("case_id") or event.payload.get("subject_case_id") or "")
        if case_id in changed and "case_no" in event.payload:
            event = replace(event, payload={**event.payload, "case_no": changed[case_id]})
        out.append(event)
    return out, renumbered


def catch_up(ctx: ServiceContext, client: SyncClient) -> CaughtUp:
    """Bring back the station's own events the center holds beyond the confirmed head."""
    with ctx.db.reading() as session:
        base = acked_seq(session)
        base_hash = session.scalar(select(EventRow.hash).where(EventRow.seq == base)) if base else GENESIS_HASH
        local = list(event_log.iter_events(session, base))
    if base_hash is None:
        raise DomainError("本站记录不完整，无法与镇中心核对，请联系技术支持")
    center = list(client.iter_events(after_seq=base))
    if not center:  # the center holds nothing beyond our confirmed head
        marker(ctx.db.data_dir).unlink(missing_ok=True)
        return CaughtUp(0)
    try:
        verify_chain(center, start_hash=base_hash, start_seq=base + 1)
    except ChainBroken as exc:
        raise DomainError(f"镇中心保存的本站记录与本机备份接不上（{exc.message}），请联系镇中心核对") from None
    held = {e.id: e for e in center}
    for event in local:
        if event.id in held and held[event.id].hash != event.hash:
            raise DomainError(f"本站第{event.seq}号记录与镇中心保存的不同，需要人工核对")
    local_only = [e for e in local if e.id not in held]
    station_code = require_station(ctx).code
    try:
        with ctx.db.transaction() as session:
            moved, renumbered = _renumber(session, station_code, center, local_only)
            event_log.replace_tail(session, base, center, moved)
            state_row(session).acked_seq = center[-1].seq
    except DomainError as exc:
        raise DomainError(
            f"恢复备份后本机新记的办件与镇中心已有的记录冲突（{exc.message}），请联系镇中心核对；本机记录未改动"
        ) from None
    log.info("caught up after a restore: %d events back, %d moved after them", len(center), len(local_only))
    marker(ctx.db.data_dir).unlink(missing_ok=True)
    return CaughtUp(len(center), tuple(renumbered))
